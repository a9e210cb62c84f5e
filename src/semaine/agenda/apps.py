from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


class AgendaConfig(AppConfig):
    name = "semaine.agenda"
    label = "agenda"
    verbose_name = "Programme"

    def ready(self):
        # the models and the other apps can be imported only once every app is loaded
        from semaine.ledger import subjects
        from semaine.territory.models import Departement, Region

        from . import facets, ledger
        from .models import Audience, Event, Format, Slot, Theme, Venue
        from .queries import forget_reference_lists

        for model in (Theme, Format, Audience, Region, Departement):
            post_save.connect(forget_reference_lists, sender=model, dispatch_uid=f"ref-{model.__name__}")
            post_delete.connect(forget_reference_lists, sender=model,
                                dispatch_uid=f"ref-del-{model.__name__}")

        # The events' facets (what the agenda's filters look up) follow their slots and labels.
        post_save.connect(facets.slot_changed, sender=Slot, dispatch_uid="facets-slot-save")
        post_delete.connect(facets.slot_changed, sender=Slot, dispatch_uid="facets-slot-delete")
        post_save.connect(facets.event_saved, sender=Event, dispatch_uid="facets-event")
        for model in (Venue, Departement):
            post_save.connect(facets.place_saved, sender=model, dispatch_uid=f"facets-{model.__name__}")
        for relation in ("themes", "formats", "audiences"):
            m2m_changed.connect(facets.labels_changed, sender=getattr(Event, relation).through,
                                dispatch_uid=f"facets-{relation}")

        # The public ledger records and checks the events through what the agenda tells it.
        subjects.register(ledger.EVENTS)
