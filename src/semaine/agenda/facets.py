"""Signal receivers that keep ``Event.facets`` and the event's span in step with its slots, its
themes, formats and audiences and its venue, whoever changes them (services, admin, tests)."""

from .models import Event, Venue
from .search import refresh_facets


def slot_changed(sender, instance, **kwargs):
    if kwargs.get("raw"):
        return  # fixtures load the facets they carry
    Event(pk=instance.event_id).refresh_span()
    refresh_facets([instance.event_id])


def event_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    """The venue may have changed (bulk writes call ``refresh_facets`` themselves)."""
    if raw or (update_fields is not None and "venue" not in update_fields):
        return
    refresh_facets([instance.pk])


def place_saved(sender, instance, raw=False, **kwargs):
    """A venue or a département saved: its events' département and région may have moved."""
    if raw:
        return
    events = Event.objects.filter(**{"venue" if sender is Venue else "venue__departement": instance})
    event_ids = list(events.values_list("pk", flat=True))
    if event_ids:
        refresh_facets(event_ids)


def labels_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """Themes, formats or audiences of events added, removed or cleared (either side)."""
    if action == "pre_clear" and reverse:
        instance._facet_events = list(
            sender.objects.filter(**{_column(sender, instance): instance.pk})
            .values_list("event_id", flat=True)
        )
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        event_ids = [instance.pk]
    elif action == "post_clear":
        event_ids = getattr(instance, "_facet_events", [])
    else:
        event_ids = list(pk_set or ())
    if event_ids:
        refresh_facets(event_ids)


def _column(through, instance) -> str:
    """The through table's foreign key to the label (theme, format or audience)."""
    return next(f.name for f in through._meta.fields
                if f.is_relation and f.related_model is type(instance))
