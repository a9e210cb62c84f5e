"""Reads shared by the pages (and later the API). Every list is bounded and N+1-free."""

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from semaine.organisers.models import Organisation

from .models import Edition, Event, EventState, Programme, Slot


def current_edition() -> Edition | None:
    return Edition.objects.filter(is_current=True).first() or Edition.objects.first()


def _with_card_data(queryset):
    return queryset.select_related(
        "edition", "organisation", "venue__departement", "programme", "track"
    ).prefetch_related("formats")


def published_events(edition: Edition):
    return _with_card_data(
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
    themes = list(event.themes.values_list("pk", flat=True))
    return (
        published_events(event.edition)
        .filter(Q(themes__in=themes) | Q(programme=event.programme_id) if event.programme_id
                else Q(themes__in=themes))
        .exclude(pk=event.pk)
        .distinct()[:limit]
    )


def edition_figures(edition: Edition) -> dict:
    published = Event.objects.filter(edition=edition, state=EventState.PUBLISHED)
    figures = published.aggregate(
        events=Count("pk", distinct=True),
        organisers=Count("organisation", distinct=True),
        departements=Count("venue__departement", distinct=True),
    )
    return {"figures": figures}


def organisation_events(organisation: Organisation, state: str | None = None):
    queryset = Event.objects.filter(organisation=organisation)
    if state:
        queryset = queryset.filter(state=state)
    return _with_card_data(queryset).order_by("-updated_at", "pk")


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
    return _with_card_data(queryset).order_by("submitted_at", "pk")


def programme_with_tracks(edition_slug: str, slug: str):
    return (
        Programme.objects.select_related("edition", "organisation")
        .prefetch_related("tracks")
        .get(edition__slug=edition_slug, slug=slug)
    )


def upcoming_today(edition: Edition, now=None):
    now = now or timezone.now()
    return published_events(edition).filter(
        slots__starts_at__lte=now.replace(hour=23, minute=59), slots__ends_at__gte=now
    ).distinct()
