"""Reads shared by the pages (and later the API). Every list is bounded and N+1-free."""

import re
import uuid

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q
from django.http import Http404
from django.utils import timezone

from semaine.accounts.models import Email, EmailKind, EmailStatus
from semaine.organisers.models import Organisation
from semaine.territory.models import Departement, Region

from . import search
from .models import (
    Audience,
    Edition,
    Event,
    EventState,
    Format,
    HistoryAction,
    Programme,
    Slot,
    Theme,
)

#: Prefix of the attributes that ``Prefetch(..., to_attr=PREFETCHED + name)`` fills.
PREFETCHED = "prefetched_"


def prefetched(event: Event, name: str):
    """An event's related objects ``name`` (slots, themes…): the list prefetched into
    ``PREFETCHED + name`` when the caller did (cheap for thousands of events: no queryset per
    event), else the relation itself (prefetched the usual way or queried)."""
    items = getattr(event, PREFETCHED + name, None)
    return items if items is not None else getattr(event, name).all()


#: what an edition's slug may be (a longer or stranger one names no edition, unqueried)
EDITION_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,100}")


def edition_or_404(slug: str) -> Edition:
    """The edition named in a URL (pages, downloads, statistics, API), or Http404."""
    if not isinstance(slug, str) or not EDITION_SLUG.fullmatch(slug):
        raise Http404
    edition = Edition.objects.filter(slug=slug).first()
    if edition is None:
        raise Http404
    return edition


def current_edition() -> Edition | None:
    return Edition.objects.filter(is_current=True).first() or Edition.objects.first()


def open_editions(at=None):
    """Editions that take submissions now (before their deadline or within a reopening), the
    soonest first."""
    at = at or timezone.now()
    return Edition.objects.filter(
        Q(submission_deadline__gte=at) | Q(submissions_reopened_until__gte=at)
    ).order_by("starts_on", "pk")


def submission_edition(editions=None, slug: str | None = None) -> Edition | None:
    """The edition a new event goes to: the one named by ``slug`` if it is open, else the
    current edition if it is open, else the soonest open one; None when none is open."""
    editions = list(open_editions() if editions is None else editions)
    if slug:
        chosen = next((e for e in editions if e.slug == slug), None)
        if chosen is not None:
            return chosen
    return next((e for e in editions if e.is_current), None) or next(iter(editions), None)


def coordinated_editions(user):
    """The editions ``user`` coordinates (every edition for platform staff), the latest first."""
    editions = Edition.objects.order_by("-starts_on", "-pk")
    return editions if user.is_superuser else editions.filter(coordinations__user=user)


def edition_archive():
    """Every edition, the latest first, with its number of published events (one query)."""
    return Edition.objects.annotate(
        n=Count("events", filter=Q(events__state=EventState.PUBLISHED))
    ).order_by("-starts_on", "-pk")


def organisation_programmes(organisation: Organisation):
    """An organisation's programmes, the latest edition's first, with their tracks in order."""
    return (Programme.objects.filter(organisation=organisation).select_related("edition")
            .prefetch_related("tracks")
            .order_by("-edition__starts_on", F("archived_at").asc(nulls_first=True), "title"))


def with_card_data(queryset):
    """What an event card shows. Few joins on purpose: with the filters' subqueries, every
    extra relation costs PostgreSQL more planning time than the page's execution."""
    return queryset.select_related("edition", "organisation", "venue").prefetch_related("formats")


#: The columns an event card reads (``web.templatetags.events.event_card``): a list page loads
#: these alone, not the whole rows of its events, organisations, venues and edition.
CARD_FIELDS = (
    "public_id", "slug", "title", "summary", "status", "first_starts_at", "attendance_mode",
    "edition__slug", "organisation__name", "venue__commune", "venue__postcode",
)


def cards(keys) -> dict:
    """What event cards show, for these events, by primary key."""
    events = Event.objects.filter(pk__in=keys).select_related("edition", "organisation", "venue")
    return events.only(*CARD_FIELDS).prefetch_related(
        Prefetch("formats", queryset=Format.objects.only("name"))
    ).in_bulk()


def published_events(edition: Edition):
    return with_card_data(
        Event.objects.filter(edition=edition, state=EventState.PUBLISHED)
    ).order_by("first_starts_at", "title", "pk")


def event_for_page(edition_slug: str, public_id):
    return (
        Event.objects.select_related(
            "edition", "organisation", "venue__departement__region", "programme", "track"
        )
        .prefetch_related(
            "formats", "themes", "audiences", "co_organisers",
            Prefetch("slots", queryset=Slot.objects.order_by("starts_at")),
        )
        .get(edition__slug=edition_slug, public_id=public_id)
    )


def related_events(event: Event, limit: int = 3):
    """Events sharing a theme or the programme."""
    themes = [theme.pk for theme in event.themes.all()]
    condition = Q(Exists(Event.themes.through.objects.filter(event=OuterRef("pk"), theme__in=themes)))
    if event.programme_id:
        condition |= Q(programme=event.programme_id)
    return published_events(event.edition).filter(condition).exclude(pk=event.pk)[:limit]


def organisations_taking_part(edition: Edition):
    """Organisations with at least one published event in the edition, as organiser or
    co-organiser (the figure the edition's home and its statistics give)."""
    events = Event.objects.filter(edition=edition, state=EventState.PUBLISHED)
    return Organisation.objects.filter(
        Exists(events.filter(organisation=OuterRef("pk")))
        | Exists(Event.co_organisers.through.objects.filter(organisation=OuterRef("pk"),
                                                            event__in=events))
    )


def edition_figures(edition: Edition) -> dict:
    published = Event.objects.filter(edition=edition, state=EventState.PUBLISHED)
    figures = published.aggregate(
        events=Count("pk", distinct=True),
        departements=Count("venue__departement", distinct=True),
    )
    figures["organisers"] = organisations_taking_part(edition).count()
    return {"figures": figures}


def organisation_events(organisation: Organisation, state: str | None = None):
    queryset = Event.objects.filter(organisation=organisation)
    if state:
        queryset = queryset.filter(state=state)
    return with_card_data(queryset).order_by("-updated_at", "pk")


def state_counts(organisation: Organisation) -> dict:
    rows = (
        Event.objects.filter(organisation=organisation)
        .values("state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["state"]: row["n"] for row in rows}


def moderation_queue(edition: Edition, *, state=EventState.SUBMITTED, organisation=None,
                     departement=None, q=""):
    queryset = Event.objects.filter(edition=edition)
    if state:
        queryset = queryset.filter(state=state)
    if organisation:
        queryset = queryset.filter(organisation=organisation)
    if departement:
        queryset = queryset.filter(
            Q(venue__departement=departement) | Q(organisation__departement=departement)
        )
    if q:
        queryset = queryset.filter(Q(title__icontains=q) | Q(organisation__name__icontains=q))
    return with_card_data(queryset).order_by("submitted_at", "pk")


def programme_with_tracks(edition_slug: str, slug: str):
    return (
        Programme.objects.select_related("edition", "organisation")
        .prefetch_related("tracks")
        .get(edition__slug=edition_slug, slug=slug)
    )


def on_day(edition: Edition, day):
    """Published events with a slot on that day (Paris time): the day's key in the facets."""
    return published_events(edition).filter(facets__has_key=f"day:{day.isoformat()}")


def label_counts(edition: Edition, relation: str) -> dict:
    """The edition's published events per theme, format or audience (``relation``), by id."""
    through = getattr(Event, relation).through
    column = {"themes": "theme", "formats": "format", "audiences": "audience"}[relation]
    rows = (
        through.objects.filter(event__edition=edition, event__state=EventState.PUBLISHED)
        .values(column).annotate(n=Count("event")).order_by()
    )
    return {row[column]: row["n"] for row in rows}


def _counts(model, relation: str, edition: Edition, all_items: bool):
    counts = label_counts(edition, relation)
    items = [(item, counts.get(item.pk, 0)) for item in model.objects.all()]
    return [(item, n) for item, n in items if n or all_items]


def theme_counts(edition: Edition, all_themes: bool = False):
    return _counts(Theme, "themes", edition, all_themes)


def format_counts(edition: Edition):
    return _counts(Format, "formats", edition, False)


def edition_programmes(edition: Edition):
    return (
        Programme.objects.filter(edition=edition)
        .select_related("organisation")
        .annotate(n=Count("events", filter=Q(events__state=EventState.PUBLISHED)))
        .order_by("-n", "title")
    )


REFERENCE_KEY = "semaine:reference-lists-version"
#: This process's copy of the lists and the version it was read at.
_reference: dict = {}


def reference_lists() -> dict:
    """Régions, départements, themes, formats and audiences.

    The shared cache holds only a version token, emptied whenever one of the lists is saved
    (see apps.py); each process keeps the lists it read at that version. A page thus pays one
    small cache read, not five queries nor the unpickling of 150 model instances, and no
    process serves a list older than the shared version."""
    version = cache.get(REFERENCE_KEY)
    if version is not None and _reference.get("version") == version:
        return _reference["lists"]
    lists = {
        "regions": list(Region.objects.order_by("name")),
        "departements": list(Departement.objects.order_by("code")),
        "themes": list(Theme.objects.all()),
        "formats": list(Format.objects.all()),
        "audiences": list(Audience.objects.all()),
    }
    if version is None:
        cache.add(REFERENCE_KEY, uuid.uuid4().hex, None)
        version = cache.get(REFERENCE_KEY)
    _reference.clear()
    if version is not None:
        _reference.update(version=version, lists=lists)
    return lists


def forget_reference_lists(**kwargs) -> None:
    """A list changed: every process reads it again (now, and once the change is committed,
    so that no process keeps what it read in between)."""
    cache.delete(REFERENCE_KEY)
    transaction.on_commit(lambda: cache.delete(REFERENCE_KEY))


def filter_choices(filters, lists=None) -> dict:
    """The options of the filter form as (value, label, selected) triples: plain tuples, so
    that rendering a hundred options costs little."""
    lists = lists or reference_lists()
    chosen = {
        "regions": {filters.region.slug} if filters.region else set(),
        "themes": {t.slug for t in filters.themes},
        "formats": {f.slug for f in filters.formats},
        "audiences": {a.slug for a in filters.audiences},
    }
    choices = {
        name: [(item.slug, item.name, item.slug in chosen[name]) for item in lists[name]]
        for name in chosen
    }
    selected = filters.departement.code if filters.departement else None
    choices["departements"] = [(d.code, f"{d.code} — {d.name}", d.code == selected)
                               for d in lists["departements"]]
    choices["weekdays"] = [(day, label, day in filters.weekdays) for day, label in search.WEEKDAYS]
    choices["accessibility"] = [(key, label, key in filters.accessibility)
                                for key, label in search.ACCESSIBILITY_KEYS.items()]
    return choices


def seats_held(event: Event) -> dict[int, int]:
    """The seats held on each slot of the event (confirmed or offered registrations), by slot
    id, in one query; read through the slots' reverse relation (``search.SEAT_HOLDING``) so
    that the agenda does not import the registrations app."""
    return dict(
        Slot.objects.filter(event=event)
        .annotate(held=Count("registrations",
                             filter=Q(registrations__status__in=search.SEAT_HOLDING)))
        .values_list("pk", "held")
    )


def slot_changes(event: Event, limit: int = 200) -> list[dict]:
    """The changes of the event's slots recorded in its history (``{"before", "after"}`` lists
    of ``[start, end, capacity]``), oldest first; the last ``limit`` edits at most."""
    entries = (event.history.filter(action=HistoryAction.CHANGED)
               .order_by("-created_at", "-id").values_list("changes", flat=True)[:limit])
    return [changes["slots"] for changes in reversed(list(entries))
            if isinstance(changes, dict) and isinstance(changes.get("slots"), dict)
            and "before" in changes["slots"] and "after" in changes["slots"]]


#: failed decision e-mails listed on the coordination's queue
FAILED_DECISIONS_LISTED = 20


def decision_emails(event):
    """The e-mails that told the event's organisation of a coordinator's decision."""
    return Email.objects.filter(event=event, kind=EmailKind.NOTIFICATION)


def failed_decision_emails(edition, limit: int = FAILED_DECISIONS_LISTED) -> list[Email]:
    """The decision e-mails of the edition's events that could not be sent, the latest first:
    the coordination that decided sees them on its queue (kept ``outbox.FAILED_KEPT_DAYS``)."""
    return list(Email.objects.filter(event__edition=edition, kind=EmailKind.NOTIFICATION,
                                     status=EmailStatus.FAILED)
                .select_related("event").order_by("-created_at", "-pk")[:limit])
