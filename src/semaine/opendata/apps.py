from django.apps import AppConfig
from django.db.models.signals import pre_delete


class OpendataConfig(AppConfig):
    name = "semaine.opendata"
    label = "opendata"
    verbose_name = "Données ouvertes"

    def ready(self):
        # the models and the other apps can be imported only once every app is loaded
        from semaine.agenda.models import Event
        from semaine.agenda.signals import event_publication_changed
        from semaine.core.cache import generation_changed

        from . import signals

        event_publication_changed.connect(signals.on_publication_changed, dispatch_uid="opendata-publication")
        pre_delete.connect(signals.on_event_delete, sender=Event, dispatch_uid="opendata-deleting")
        generation_changed.connect(signals.on_content_changed, dispatch_uid="opendata-files")
