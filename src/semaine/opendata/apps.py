from django.apps import AppConfig


class OpendataConfig(AppConfig):
    name = "semaine.opendata"
    label = "opendata"
    verbose_name = "Données ouvertes"

    def ready(self):
        from django.db.models.signals import post_delete, post_init, post_save

        from semaine.agenda.models import Event

        from . import signals

        post_init.connect(signals.remember_state, sender=Event, dispatch_uid="opendata-remember")
        post_save.connect(signals.state_saved, sender=Event, dispatch_uid="opendata-saved")
        post_delete.connect(signals.event_deleted, sender=Event, dispatch_uid="opendata-deleted")
