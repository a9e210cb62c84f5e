"""Public pages: the edition's programme, an event, a programme with its tracks, an organiser."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from semaine.organisers.models import Organisation

from . import queries
from .models import Edition, Event, EventState, Programme
from .permissions import can_edit_event, can_view_event, is_coordinator

PAGE_SIZE = 20


def paginate(request, queryset, per_page=PAGE_SIZE):
    """A page of the list; a page number past the last (or not a number) is a 404."""
    paginator = Paginator(queryset, per_page)
    try:
        return paginator.page(request.GET.get("page") or 1)
    except (EmptyPage, PageNotAnInteger) as exc:
        raise Http404 from exc


def current(request):
    edition = queries.current_edition()
    if edition is None:
        raise Http404
    return redirect(edition)


def edition_page(request, edition):
    edition = get_object_or_404(Edition, slug=edition)
    page = paginate(request, queries.published_events(edition))
    context = {"edition": edition, "page_obj": page, **queries.edition_figures(edition)}
    return render(request, "agenda/edition.html", context)


def event_page(request, edition, public_id, slug):
    try:
        event = queries.event_for_page(edition, public_id)
    except Event.DoesNotExist as exc:
        raise Http404 from exc
    if not can_view_event(request.user, event):
        raise Http404
    if slug != event.slug:
        return redirect(event, permanent=True)
    context = {
        "event": event,
        "edition": event.edition,
        "can_edit": can_edit_event(request.user, event),
        "is_preview": event.state != EventState.PUBLISHED,
        "related": queries.related_events(event) if event.is_published else [],
    }
    if context["can_edit"] or is_coordinator(request.user, event.edition):
        context["history"] = event.history.select_related("actor")[:50]
    return render(request, "agenda/event.html", context)


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
    return render(
        request,
        "agenda/programme.html",
        {"programme": programme, "edition": programme.edition, "sections": sections,
         "count": len(events)},
    )


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
    return render(
        request,
        "agenda/organisation.html",
        {"organisation": organisation, "edition": edition, "page_obj": page},
    )
