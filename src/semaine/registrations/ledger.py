"""What the public ledger records of registrations: when a slot starts, how many people were
registered, waiting or cancelled, and how many seats there were (counts only, no person;
``services.record_closed_registrations``). The slots register with the ledger (``SLOTS``,
registered by ``RegistrationsConfig.ready``) so that its pages name these entries in words."""

from django.utils.translation import gettext_lazy as _

from semaine.ledger.subjects import Subject

CLOSED = "registrations.closed"


class SlotSubject(Subject):
    """The slot of an event whose registration closed. Nothing of it is re-checked against the
    log (``kinds`` is empty): its entries are facts at one moment, not a description that stays
    true."""

    prefix = "slot"
    kind_labels = {CLOSED: _("Inscriptions closes : décompte du créneau")}

    def key(self, slot) -> str:
        return f"{slot.event.public_id}/{slot.pk}"


SLOTS = SlotSubject()
