"""A programme in OpenAgenda's shape (``{"agenda", "total", "events"}``), which imports back
into the same or another programme.

Timings are written as OpenAgenda's API v2 creates events from them: ``{begin, end}`` in Paris
time with its offset, beside ``timezone``. OpenAgenda's own limits are not ours: it refuses a
title over 140 characters, a short description over 200, a timing over 24 hours and more than
800 timings (dev-doc, « Structure d'un événement »); such an event imports back here whole but
is refused by OpenAgenda as it is."""

from collections.abc import Callable

from django.conf import settings
from django.db.models import Prefetch

from semaine.agenda.models import Event, EventState, Programme, Slot

from .mapping import export_event


def agenda_uid_of(programme: Programme) -> str:
    return f"semaine:{programme.edition.slug}:{programme.slug}"[:64]


def programme_events(programme: Programme, *, published_only: bool = True):
    events = Event.objects.filter(programme=programme)
    if published_only:
        events = events.filter(state=EventState.PUBLISHED)
    return (events.select_related("venue__departement__region", "track", "edition")
            .prefetch_related(Prefetch("slots", queryset=Slot.objects.order_by("starts_at", "pk")),
                              "formats", "themes", "audiences")
            .defer("search_vector", "facets")
            .order_by("first_starts_at", "pk"))


def export_programme(programme: Programme, *, published_only: bool = True,
                     absolute_url: Callable[[str], str] | None = None) -> dict:
    """The programme's events in OpenAgenda's shape (``{"agenda", "total", "events"}``)."""
    absolute_url = absolute_url or (lambda path: settings.SITE_URL.rstrip("/") + path)
    agenda = {"uid": agenda_uid_of(programme), "title": programme.title,
              "slug": programme.slug}
    events = [export_event(event, agenda, absolute_url)
              for event in programme_events(programme, published_only=published_only)]
    return {"agenda": {**agenda, "description": {"fr": programme.description},
                       "url": absolute_url(programme.get_absolute_url())},
            "total": len(events), "events": events}
