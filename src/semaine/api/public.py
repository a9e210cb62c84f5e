"""Public reads: editions, events (the agenda's filters, cursor pagination, synchronisation),
slots, organisations, programmes, hackathon projects, reference lists and territories.
Published data only."""

from datetime import datetime, time, timedelta
from typing import Annotated, Literal
from uuid import UUID

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.decorators import decorate_view

from semaine.agenda import search
from semaine.agenda.models import PARIS, Edition, Event, EventState, Programme, Slot
from semaine.agenda.queries import edition_or_404, reference_lists
from semaine.consultations import queries as consultation_queries
from semaine.consultations.models import Consultation
from semaine.core.cache import cache_anonymous
from semaine.hackathons import queries as hackathon_queries
from semaine.opendata.models import EventRemoval
from semaine.organisers.models import Organisation, OrganisationStatus

from . import pagination, serialise
from .errors import bad_parameters
from .schemas import (
    AccessKey,
    ConsultationPage,
    Day,
    DepartementOut,
    EditionOut,
    EventOut,
    EventPage,
    Moment,
    OrganisationPage,
    Problem,
    ProgrammePage,
    ProjectPage,
    ProposalPage,
    ReferenceItemOut,
    RegionOut,
    RemovalPage,
    SlotPage,
)

router = Router(tags=["Données publiques"])
CACHE_TIMEOUT = 60
#: ``synced_at`` lags the clock by this much: a write still in flight then is seen next time.
SYNC_MARGIN = timedelta(seconds=30)
Limit = Annotated[int, Field(pagination.DEFAULT_LIMIT, ge=1, le=pagination.MAX_LIMIT,
                             description=f"Au plus {pagination.MAX_LIMIT}")]
Cursor = Annotated[
    str | None, Field(None, max_length=2000, description="`next_cursor` de la page précédente")
]
ERRORS = {400: Problem, 404: Problem}
cached = decorate_view(cache_anonymous(CACHE_TIMEOUT))


def _only(request, allowed: set[str]) -> None:
    """Unknown parameters are refused: a misspelt filter must not silently match everything."""
    unknown = sorted(set(request.GET) - allowed)
    if unknown:
        raise bad_parameters([{"field": name, "location": "query", "detail": _("Paramètre inconnu.")}
                              for name in unknown])


def _synced_at():
    return timezone.now() - SYNC_MARGIN


class PageQuery(Schema):
    cursor: Cursor
    limit: Limit


class EventQuery(Schema):
    """The public agenda's filters (same names, same meaning as ``/editions/<slug>/agenda/``)."""

    q: str | None = Field(None, max_length=search.MAX_QUERY_LENGTH, description="Recherche en texte libre")
    region: str | None = Field(None, max_length=100, description="Slug de la région")
    departement: str | None = Field(None, max_length=3, description="Code INSEE du département")
    near: str | None = Field(None, max_length=120, description="Commune (avec `radius`)")
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)
    radius: float | None = Field(None, ge=1, le=search.MAX_RADIUS_KM, description="Rayon en km (20)")
    theme: list[str] = Field([], max_length=30, description="Slugs de thèmes (l’un ou l’autre)")
    format: list[str] = Field([], max_length=30, description="Slugs de formats")
    audience: list[str] = Field([], max_length=30, description="Slugs de publics")
    date_from: Day | None = Field(None, alias="from", description="Premier jour (heure de Paris)")
    date_to: Day | None = Field(None, alias="to", description="Dernier jour (heure de Paris)")
    day: list[Annotated[int, Field(ge=1, le=7)]] = Field(
        [], max_length=7, description="Jours de la semaine, 1 = lundi"
    )
    attendance: Literal["in_person", "online"] | None = None
    access: list[AccessKey] = Field([], max_length=10)
    free: bool = Field(False, description="Seulement les événements où il reste des places")
    organisation: str | None = Field(
        None, max_length=220, description="Slug de l’organisateur ou co-organisateur"
    )
    programme: str | None = Field(None, max_length=220, description="Slug du programme")
    track: str | None = Field(None, max_length=100, description="Slug du parcours (avec `programme`)")
    updated_since: Moment | None = Field(
        None, description="Seulement les événements modifiés depuis (tri par date de modification)"
    )
    cursor: Cursor
    limit: Limit


EVENT_PARAMS = {"q", "region", "departement", "near", "lat", "lon", "radius", "theme", "format",
                "audience", "from", "to", "day", "attendance", "access", "free", "organisation",
                "programme", "track", "updated_since", "cursor", "limit"}


def _filters(request, query: EventQuery, edition: Edition) -> search.EventFilters:
    if (query.lat is None) != (query.lon is None):
        raise bad_parameters([{"field": "lat" if query.lat is None else "lon", "location": "query",
                               "detail": _("La latitude et la longitude vont ensemble.")}])
    params = request.GET.copy()
    for name in ("cursor", "limit", "updated_since", "free"):
        params.pop(name, None)
    if query.free:
        params["free"] = "1"
    filters = search.parse_filters(params, edition=edition, lists=reference_lists())
    if filters.invalid:
        raise bad_parameters([{"field": name, "location": "query", "detail": message}
                              for name, message in filters.invalid])
    return filters


@router.get("/editions", response=list[EditionOut], summary="Éditions")
@cached
def editions(request):
    _only(request, set())
    return [_edition_out(request, e) for e in Edition.objects.order_by("-starts_on")[:100]]


def _edition_out(request, edition):
    return {
        "slug": edition.slug, "name": edition.name, "starts_on": edition.starts_on,
        "ends_on": edition.ends_on, "theme_of_year": edition.theme_of_year,
        "description": edition.description, "is_current": edition.is_current,
        "submission_deadline": edition.submission_deadline,
        "url": request.build_absolute_uri(edition.get_absolute_url()),
    }


@router.get("/editions/{edition}", response={200: EditionOut, **ERRORS}, summary="Une édition")
@cached
def edition_detail(request, edition: str):
    _only(request, set())
    return _edition_out(request, edition_or_404(edition))


@router.get("/editions/{edition}/events", response={200: EventPage, **ERRORS},
            summary="Événements publiés d’une édition")
@cached
def events(request, edition: str, query: Query[EventQuery]):
    """Filtres de l’agenda public, combinables. Tri par premier créneau ; avec
    `updated_since`, tri par date de modification (synchronisation : voir aussi
    `/events/removed`). Pagination par curseur, stable quand des événements s’ajoutent."""
    _only(request, EVENT_PARAMS)
    edition = edition_or_404(edition)
    synced_at = _synced_at()
    filters = _filters(request, query, edition)
    queryset = search.filter_events(
        Event.objects.filter(edition=edition, state=EventState.PUBLISHED), filters
    )
    if query.updated_since:
        queryset = queryset.filter(updated_at__gte=query.updated_since)
        kind, fields = "events-updated", [("updated_at", False), ("pk", False)]
    else:
        kind, fields = "events", [("first_starts_at", True), ("pk", False)]
    rows, next_cursor = pagination.page(
        queryset, kind=kind, fields=fields, cursor=query.cursor, limit=query.limit,
        load=lambda keys: serialise.with_api_data(Event.objects.filter(pk__in=keys)).in_bulk(),
    )
    return {"items": [serialise.event(request, e) for e in rows], "next_cursor": next_cursor,
            "synced_at": synced_at}


class RemovedQuery(Schema):
    since: Moment | None = Field(None, description="Seulement les retraits depuis")
    cursor: Cursor
    limit: Limit


@router.get("/editions/{edition}/events/removed", response={200: RemovalPage, **ERRORS},
            summary="Événements retirés de la publication (pierres tombales)")
@cached
def removed_events(request, edition: str, query: Query[RemovedQuery]):
    """Les événements qui étaient publiés et ne le sont plus (dépubliés ou supprimés), avec le
    moment du retrait : un client supprime ces identifiants de sa copie."""
    _only(request, {"since", "cursor", "limit"})
    edition = edition_or_404(edition)
    synced_at = _synced_at()
    queryset = EventRemoval.objects.filter(edition=edition)
    if query.since:
        queryset = queryset.filter(removed_at__gte=query.since)
    rows, next_cursor = pagination.page(
        queryset, kind="removed", fields=[("removed_at", False), ("pk", False)],
        cursor=query.cursor, limit=query.limit,
    )
    return {"items": [{"id": r.public_id, "removed_at": r.removed_at, "reason": r.reason}
                      for r in rows],
            "next_cursor": next_cursor, "synced_at": synced_at}


@router.get("/editions/{edition}/events/{event_id}", response={200: EventOut, **ERRORS},
            summary="Un événement publié et ses créneaux")
@cached
def event_detail(request, edition: str, event_id: UUID):
    _only(request, set())
    event = serialise.with_api_data(
        Event.objects.filter(edition=edition_or_404(edition), public_id=event_id, state=EventState.PUBLISHED)
    ).get()
    return serialise.event(request, event)


class SlotQuery(Schema):
    date_from: Day | None = Field(None, alias="from", description="Créneaux finissant ce jour ou après")
    date_to: Day | None = Field(None, alias="to", description="Créneaux commençant ce jour ou avant")
    cursor: Cursor
    limit: Limit


@router.get("/editions/{edition}/slots", response={200: SlotPage, **ERRORS},
            summary="Créneaux des événements publiés")
@cached
def slots(request, edition: str, query: Query[SlotQuery]):
    _only(request, {"from", "to", "cursor", "limit"})
    edition = edition_or_404(edition)
    queryset = Slot.objects.filter(event__edition=edition, event__state=EventState.PUBLISHED)
    if query.date_from:
        queryset = queryset.filter(ends_at__gte=datetime.combine(query.date_from, time.min, PARIS))
    if query.date_to:
        queryset = queryset.filter(starts_at__lte=datetime.combine(query.date_to, time.max, PARIS))
    rows, next_cursor = pagination.page(
        queryset.select_related("event").only("pk", "starts_at", "ends_at", "capacity", "cancelled_at",
                                              "event__public_id"),
        kind="slots", fields=[("starts_at", False), ("pk", False)], cursor=query.cursor,
        limit=query.limit,
    )
    return {"items": [{**serialise.slot(s), "event": s.event.public_id} for s in rows],
            "next_cursor": next_cursor}


@router.get("/editions/{edition}/programmes", response={200: ProgrammePage, **ERRORS},
            summary="Programmes d’une édition et leurs parcours")
@cached
def programmes(request, edition: str, query: Query[PageQuery]):
    _only(request, {"cursor", "limit"})
    edition = edition_or_404(edition)
    queryset = (
        Programme.objects.filter(edition=edition, organisation__status=OrganisationStatus.APPROVED)
        .select_related("edition", "organisation").prefetch_related("tracks")
    )
    rows, next_cursor = pagination.page(queryset, kind="programmes", fields=[("pk", False)],
                                        cursor=query.cursor, limit=query.limit)
    return {"items": [serialise.programme(request, p) for p in rows], "next_cursor": next_cursor}


@router.get("/editions/{edition}/projects", response={200: ProjectPage, **ERRORS},
            summary="Projets des hackathons d’une édition (résultats publiés)")
@cached
def projects(request, edition: str, query: Query[PageQuery]):
    _only(request, {"cursor", "limit"})
    edition = edition_or_404(edition)
    rows, next_cursor = pagination.page(hackathon_queries.published_projects(edition),
                                        kind="projects", fields=[("pk", False)],
                                        cursor=query.cursor, limit=query.limit)
    return {"items": [serialise.project(request, p) for p in rows], "next_cursor": next_cursor}


@router.get("/organisations", response={200: OrganisationPage, **ERRORS},
            summary="Organisations (validées par la coordination)")
@cached
def organisations(request, query: Query[PageQuery]):
    _only(request, {"cursor", "limit"})
    queryset = Organisation.objects.filter(status=OrganisationStatus.APPROVED).select_related(
        "region", "departement"
    )
    rows, next_cursor = pagination.page(queryset, kind="organisations", fields=[("pk", False)],
                                        cursor=query.cursor, limit=query.limit)
    return {"items": [serialise.organisation(request, o) for o in rows], "next_cursor": next_cursor}


@router.get("/consultations", response={200: ConsultationPage, **ERRORS},
            summary="Consultations (co-conception des services publics)")
def consultations(request, query: Query[PageQuery]):
    _only(request, {"cursor", "limit"})
    queryset = consultation_queries.consultations().prefetch_related(
        "categories", Prefetch("workshops", Event.objects.filter(state=EventState.PUBLISHED)))
    rows, next_cursor = pagination.page(queryset, kind="consultations", fields=[("pk", False)],
                                        cursor=query.cursor, limit=query.limit)
    return {"items": [serialise.consultation(request, c) for c in rows], "next_cursor": next_cursor}


@router.get("/consultations/{slug}/proposals", response={200: ProposalPage, **ERRORS},
            summary="Propositions publiées d’une consultation, avec leurs soutiens et réponses")
def consultation_proposals(request, slug: str, query: Query[PageQuery]):
    _only(request, {"cursor", "limit"})
    consultation = get_object_or_404(Consultation, slug=slug)
    queryset = consultation_queries.proposals(consultation, sort="recent")
    rows, next_cursor = pagination.page(queryset, kind="proposals", fields=[("pk", False)],
                                        cursor=query.cursor, limit=query.limit)
    return {"items": [serialise.proposal(request, consultation, p) for p in rows],
            "next_cursor": next_cursor}


def _reference(name: str):
    def view(request):
        _only(request, set())
        return [{"slug": item.slug, "name": item.name} for item in reference_lists()[name]]

    return view


for _name, _summary in (("themes", "Thèmes"), ("formats", "Formats"), ("audiences", "Publics")):
    router.get(f"/{_name}", response={200: list[ReferenceItemOut], 400: Problem}, summary=_summary,
               operation_id=f"list_{_name}")(cached(_reference(_name)))


@router.get("/regions", response={200: list[RegionOut], 400: Problem}, summary="Régions")
@cached
def regions(request):
    _only(request, set())
    return [{"code": r.code, "slug": r.slug, "name": r.name, "overseas": r.overseas}
            for r in reference_lists()["regions"]]


@router.get("/departements", response={200: list[DepartementOut], 400: Problem},
            summary="Départements")
@cached
def departements(request):
    _only(request, set())
    regions_by_pk = {r.pk: r.code for r in reference_lists()["regions"]}
    return [{"code": d.code, "slug": d.slug, "name": d.name, "region": regions_by_pk[d.region_id],
             "prefecture": d.prefecture} for d in reference_lists()["departements"]]
