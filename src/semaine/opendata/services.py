"""Every write on the open data's own records: the tombstones of events."""

from django.utils import timezone

from semaine.agenda.models import Event, EventState
from semaine.core.cache import content_changed

from .models import EventRemoval, RemovalReason

# ---- tombstones: kept through the hooks connected in opendata/apps.py ----------------------------


def event_left_view(event: Event, reason: str) -> None:
    """A published event was unpublished or deleted: keep a tombstone for the clients."""
    EventRemoval.objects.update_or_create(
        public_id=event.public_id,
        defaults={"edition_id": event.edition_id, "reason": reason, "removed_at": timezone.now()},
    )
    content_changed()


def event_back_in_view(event: Event) -> None:
    EventRemoval.objects.filter(public_id=event.public_id).delete()


def publication_changed(event: Event, from_state: str, to_state: str) -> None:
    """An agenda service moved the event into or out of the public programme."""
    if from_state == EventState.PUBLISHED and to_state != EventState.PUBLISHED:
        event_left_view(event, RemovalReason.UNPUBLISHED)
    elif from_state != EventState.PUBLISHED and to_state == EventState.PUBLISHED:
        event_back_in_view(event)


def event_deleting(event: Event) -> None:
    """Before an event's row is deleted (in the deletion's transaction): a tombstone if it is
    published, as the database has it (the instance may be stale or lack its state)."""
    if event.pk is not None and Event.objects.filter(pk=event.pk, state=EventState.PUBLISHED).exists():
        event_left_view(event, RemovalReason.DELETED)
