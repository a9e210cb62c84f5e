"""Tombstones of events that leave public view, for the API's synchronisation."""

from semaine.agenda.models import EventState

from .models import RemovalReason
from .services import event_left_view, record_state_change


def remember_state(sender, instance, **kwargs):
    # Only when loaded: a deferred ``state`` is not fetched for this.
    instance._opendata_state = instance.__dict__.get("state")


def state_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    previous = None if created else getattr(instance, "_opendata_state", None)
    record_state_change(instance, previous)
    instance._opendata_state = instance.state


def event_deleted(sender, instance, **kwargs):
    if instance.__dict__.get("state") == EventState.PUBLISHED:
        event_left_view(instance, RemovalReason.DELETED)
