"""Tombstones of events that leave public view, for the API's synchronisation.

The agenda's services announce every move into or out of the programme
(``agenda.signals.event_publication_changed``); a deletion, which no service makes (staff in the
admin), is seen just before the row goes (``pre_delete``, sent for ``QuerySet.delete()`` too)."""

from .publication import request_build
from .services import event_deleting, publication_changed


def on_publication_changed(sender, event, from_state, to_state, **kwargs):
    publication_changed(event, from_state, to_state)


def on_event_delete(sender, instance, **kwargs):
    event_deleting(instance)


def on_content_changed(sender, **kwargs):
    """The programme may have changed: queue a build of the open-data files (one per burst)."""
    request_build()
