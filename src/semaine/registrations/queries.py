"""Reads of registrations shared by the services, the pages and the e-mails."""

from django.db.models import Q

from .models import ACTIVE, Registration, RegistrationStatus


def waiting_queue(slot):
    """The people waiting for a seat of ``slot``, first in line first: those waiting for this
    slot, and those waiting for any slot of its event who are not already registered to this
    one. Promotion (``services._offer_next``) takes its next person from here."""
    already_here = Registration.objects.filter(slot=slot, status__in=ACTIVE).values("email")
    return (
        Registration.objects.filter(event_id=slot.event_id, status=RegistrationStatus.WAITLISTED)
        .filter(Q(slot=slot) | (Q(any_slot=True) & ~Q(email__in=already_here)))
        .order_by("created_at", "pk")
    )


def waiting_position(registration) -> int | None:
    """The place of a waiting ``registration`` in the line of its slot (1: the next seat freed is
    offered to them), in one query; None when they are not waiting."""
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    ahead = waiting_queue(registration.slot).filter(
        Q(created_at__lt=registration.created_at)
        | Q(created_at=registration.created_at, pk__lt=registration.pk)
    ).exclude(pk=registration.pk)
    return 1 + ahead.count()
