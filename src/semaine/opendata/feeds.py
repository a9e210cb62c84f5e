"""What a calendar feed holds (a search, a programme, an organiser) and the file of a large one,
built by the worker one VEVENT at a time (``tasks.build_feed_file``); served by the feed pages."""

import hashlib
import json

from django.conf import settings
from django.db.models import Count, Max, Min, Prefetch, Q
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from semaine.agenda import ical, search
from semaine.agenda.models import Edition, Event, EventHistory, EventState, Programme, Slot
from semaine.organisers.models import Organisation

from . import files

FEED_FILE = "agenda.ics"


def with_feed_data(queryset):
    """What the calendar shows of each event, in a fixed number of queries."""
    return (
        queryset.filter(first_starts_at__isnull=False)
        .select_related("edition", "organisation", "venue")
        .prefetch_related(
            Prefetch("slots", queryset=Slot.objects.order_by("starts_at", "pk")),
            "formats", "themes",
        )
        .defer("description", "search_vector")
    )


def distinct(events) -> list[Event]:
    seen, unique = set(), []
    for event in events:
        if event.pk not in seen:
            seen.add(event.pk)
            unique.append(event)
    return unique


def feed_definition(spec: dict):
    """(events, calendar name, file name) of a feed described by ``spec`` (what the request
    asked for, kept as the build task's argument). Raises Http404."""
    kind = spec["kind"]
    if kind == "search":
        edition = get_object_or_404(Edition, slug=spec["edition"])
        filters = search.parse_filters(QueryDict(spec["query"]), edition=edition)  # notices dropped
        events = search.search_events(edition, filters).order_by("first_starts_at", "pk")
        labels = [str(item[-1]) for item in filters.active()]  # the label is last
        name = f"{edition.name} — {', '.join(labels)}" if labels else _("%(edition)s — agenda") % {
            "edition": edition.name}
        return events, name, f"{edition.slug}-agenda.ics"
    if kind == "programme":
        programme = get_object_or_404(
            Programme.objects.select_related("edition"), edition__slug=spec["edition"], slug=spec["slug"]
        )
        events = Event.objects.filter(programme=programme, state=EventState.PUBLISHED).order_by(
            "first_starts_at", "pk")
        return (events, f"{programme.title} — {programme.edition.name}",
                f"{programme.edition.slug}-{programme.slug}.ics")
    if kind == "organisation":
        organisation = get_object_or_404(Organisation, slug=spec["slug"])
        co_organised = Event.co_organisers.through.objects.filter(organisation=organisation)
        events = Event.objects.filter(state=EventState.PUBLISHED).filter(
            Q(organisation=organisation) | Q(pk__in=co_organised.values("event_id"))
        ).order_by("first_starts_at", "pk")
        return (events, _("%(organisation)s — agenda") % {"organisation": organisation.name},
                f"{organisation.slug}-agenda.ics")
    raise Http404


def feed_key(spec: dict) -> str:
    return hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:40]


def feed_figures(events) -> dict:
    """Count and latest change of the feed's events; count and span of their slots."""
    ids = events.order_by().values("pk")
    figures = Event.objects.filter(pk__in=ids).aggregate(n=Count("pk"), latest=Max("updated_at"))
    figures.update(Slot.objects.filter(event_id__in=ids).aggregate(
        slots=Count("pk"), first=Min("starts_at"), last=Max("ends_at")))
    return figures


def feed_fingerprint(spec: dict, figures: dict) -> str:
    """What the feed's file is made from: its events' figures, the latest history entry."""
    history = EventHistory.objects.aggregate(latest=Max("created_at"))["latest"]
    parts = [json.dumps(spec, sort_keys=True), settings.SITE_URL, ical.PRODID,
             *(str(figures[name]) for name in ("n", "slots", "latest", "first", "last")), str(history)]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def build_feed_file(key: str, spec: dict) -> bool:
    """Build the file of a large feed if its events changed (run by the worker). True if built."""
    events, name, _filename = feed_definition(spec)
    figures = feed_figures(events)
    current = feed_fingerprint(spec, figures)
    folder = f"feeds/{key}"
    if files.is_current(folder, current):
        return False
    stamp = timezone.now().replace(microsecond=0)

    def absolute_url(path: str) -> str:
        return settings.SITE_URL + path

    def unique(queryset):
        seen = set()
        for event in queryset.iterator(chunk_size=500):
            if event.pk not in seen:
                seen.add(event.pk)
                yield event

    def parts():
        return ical.calendar_parts(
            unique(with_feed_data(events)), name=name[:250], absolute_url=absolute_url, stamp=stamp,
            span=ical.years_span(figures["first"], figures["last"], stamp))

    files.build(folder, current, {FEED_FILE: parts})
    return True
