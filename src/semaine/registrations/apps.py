from django.apps import AppConfig


class RegistrationsConfig(AppConfig):
    name = "semaine.registrations"
    label = "registrations"
    verbose_name = "Inscriptions"

    def ready(self):
        # the models and the other apps can be imported only once every app is loaded
        from semaine.accounts import outbox
        from semaine.accounts.models import EmailKind
        from semaine.agenda.signals import event_cancelled, slot_cancelled
        from semaine.ledger import subjects

        from . import ledger
        from .services import cancel_for_cancelled_event, cancel_for_cancelled_slot, render_outgoing

        outbox.RENDERERS[EmailKind.REGISTRATION] = outbox.RENDERERS[EmailKind.MESSAGE] = render_outgoing

        event_cancelled.connect(cancel_for_cancelled_event, dispatch_uid="registrations-cancel")
        slot_cancelled.connect(cancel_for_cancelled_slot, dispatch_uid="registrations-cancel-slot")

        # The public ledger names the counts recorded when a slot's registration closes.
        subjects.register(ledger.SLOTS)
