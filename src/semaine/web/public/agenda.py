"""Public pages: the edition's programme, an event, a programme with its tracks, an organiser."""

from datetime import timedelta

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from semaine.agenda import jsonld, queries, search
from semaine.agenda.models import PARIS, Edition, Event, EventState, Programme, Theme
from semaine.agenda.permissions import can_edit_event, can_view_event, is_coordinator
from semaine.core.cache import cache_anonymous
from semaine.core.pagination import paginate
from semaine.hackathons import queries as hackathon_queries
from semaine.ledger.queries import recorded_in
from semaine.organisers.models import Organisation
from semaine.territory.models import Departement, Region

from . import calendar


def current(request):
    edition = queries.current_edition()
    if edition is None:
        raise Http404
    return redirect(edition)


@cache_anonymous()
def editions(request):
    """Every edition, the latest first: past ones stay browsable as archives."""
    return render(request, "agenda/editions.html", {"editions": queries.edition_archive(),
                                                    "today": timezone.localdate()})


@cache_anonymous()
def edition_page(request, edition):
    """The edition's home: key figures, themes, formats, programmes, what is on today."""
    edition = get_object_or_404(Edition, slug=edition)
    context = {
        "edition": edition,
        **queries.edition_figures(edition),
        "themes": queries.theme_counts(edition),
        "formats": queries.format_counts(edition),
        "programmes": queries.edition_programmes(edition),
        "today": queries.on_day(edition, timezone.localdate(timezone=PARIS))[:6],
        "first_day": queries.on_day(edition, edition.starts_on)[:6],
        "hackathons": hackathon_queries.of_edition(edition),
    }
    return render(request, "agenda/edition.html", context)


def _agenda(request, edition, *, template="agenda/list.html", preset=None, extra=None):
    """The agenda list with every filter of the URL; `preset` fixes some (theme page…)."""
    params = request.GET.copy()
    for key, value in (preset or {}).items():
        params.setlist(key, [value])
    lists = queries.reference_lists()
    filters = search.parse_filters(params, edition=edition, lists=lists)
    results = search.search_events(edition, filters)
    page = paginate(request, results, load=queries.cards, reorder=search.order_for_count)
    context = {
        "edition": edition,
        "filters": filters,
        "page_obj": page,
        "count": page.paginator.count,
        "params": params,
        "query_string": params.urlencode(),
        "choices": queries.filter_choices(filters, lists),
        "preset": preset or {},
        **(extra or {}),
    }
    if not page.paginator.count and filters.active():
        context["suggestions"] = search.relax_suggestions(edition, filters)
    if request.htmx:
        template = "agenda/_results.html"
    return render(request, template, context)


@cache_anonymous()
def agenda_list(request, edition):
    edition = get_object_or_404(Edition, slug=edition)
    return _agenda(request, edition)


@cache_anonymous()
def theme_index(request, edition):
    edition = get_object_or_404(Edition, slug=edition)
    return render(request, "agenda/themes.html",
                  {"edition": edition, "themes": queries.theme_counts(edition, all_themes=True)})


@cache_anonymous()
def theme_page(request, edition, slug):
    edition = get_object_or_404(Edition, slug=edition)
    theme = get_object_or_404(Theme, slug=slug)
    return _agenda(request, edition, preset={"theme": theme.slug},
                   extra={"heading": theme.name, "kind": _("Thème")})


@cache_anonymous()
def departement_page(request, edition, code):
    edition = get_object_or_404(Edition, slug=edition)
    departement = get_object_or_404(Departement.objects.select_related("region"), code=code.upper())
    return _agenda(request, edition, preset={"departement": departement.code},
                   extra={"heading": departement.name, "kind": _("Département"),
                          "parent": departement.region})


@cache_anonymous()
def region_page(request, edition, slug):
    edition = get_object_or_404(Edition, slug=edition)
    region = get_object_or_404(Region, slug=slug)
    return _agenda(request, edition, preset={"region": region.slug},
                   extra={"heading": region.name, "kind": _("Région"),
                          "departements": region.departements.all()})


@cache_anonymous()
def calendar_page(request, edition):
    """The edition's days as columns, slots placed by time; long events as spans above."""
    edition = get_object_or_404(Edition, slug=edition)
    filters = search.parse_filters(request.GET, edition=edition)
    grid = calendar.build(edition, search.search_events(edition, filters), request.GET.get("jour"))
    days = [edition.starts_on + timedelta(days=i)
            for i in range((edition.ends_on - edition.starts_on).days + 1)]
    return render(request, "agenda/calendar.html",
                  {"edition": edition, "filters": filters, "grid": grid, "all_days": days,
                   "query_string": request.GET.urlencode()})


@cache_anonymous()
def event_page(request, edition, public_id, slug):
    try:
        event = queries.event_for_page(edition, public_id)
    except Event.DoesNotExist as exc:
        raise Http404 from exc
    if not can_view_event(request.user, event):
        raise Http404
    if slug != event.slug:
        return redirect(event, permanent=True)
    absolute_url = request.build_absolute_uri(event.get_absolute_url())
    context = {
        "event": event,
        "edition": event.edition,
        "absolute_url": absolute_url,
        "jsonld": (jsonld.event_jsonld(event, absolute_url, request.build_absolute_uri("/")[:-1])
                   if event.is_published else []),
        "can_edit": can_edit_event(request.user, event),
        "is_preview": event.state != EventState.PUBLISHED,
        "related": queries.related_events(event) if event.is_published else [],
        "registration_slots": event.registration_slots(),
        "hackathon": hackathon_queries.hackathon_of_event(event),
    }
    if event.is_published:
        context["ledger_entry"], context["ledger_block"] = recorded_in(f"event:{event.public_id}")
    if context["can_edit"] or is_coordinator(request.user, event.edition):
        context["history"] = event.history.select_related("actor")[:50]
    response = render(request, "agenda/event.html", context)
    if context["registration_slots"]:
        # the « S’inscrire » button goes when the last slot open to registration starts
        response.cache_until = context["registration_slots"][-1].starts_at
    return response


@cache_anonymous()
def programme_page(request, edition, slug):
    try:
        programme = queries.programme_with_tracks(edition, slug)
    except Programme.DoesNotExist as exc:
        raise Http404 from exc
    events = list(queries.published_events(programme.edition).filter(programme=programme))
    sections = [
        {"track": track, "events": [e for e in events if e.track_id == track.pk]}
        for track in programme.tracks.all()
    ]
    untracked = [e for e in events if e.track_id is None]
    if untracked:
        sections.append({"track": None, "events": untracked})
    feed = reverse("opendata:programme_ics",
                   kwargs={"edition": programme.edition.slug, "slug": programme.slug})
    return render(
        request,
        "agenda/programme.html",
        {"programme": programme, "edition": programme.edition, "sections": sections,
         "count": len(events), "feed_url": request.build_absolute_uri(feed)},
    )


@cache_anonymous()
def organisation_page(request, slug):
    organisation = get_object_or_404(
        Organisation.objects.select_related("departement", "region"), slug=slug
    )
    edition = queries.current_edition()
    events = (
        queries.published_events(edition).filter(organisation=organisation)
        if edition else Event.objects.none()
    )
    page = paginate(request, events)
    feed = reverse("opendata:organisation_ics", kwargs={"slug": organisation.slug})
    return render(
        request,
        "agenda/organisation.html",
        {"organisation": organisation, "edition": edition, "page_obj": page,
         "feed_url": request.build_absolute_uri(feed)},
    )
