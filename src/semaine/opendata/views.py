"""Calendar feeds (RFC 5545) of published events: a search, an event, a programme, an organiser.

Each feed is served from the anonymous cache and answers conditional requests (ETag and
Last-Modified) with 304, cached or not, so that subscribed calendars fetch it cheaply.
"""

from functools import wraps

from django.db.models import Max, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import content_disposition_header, http_date, parse_http_date_safe, quote_etag
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from semaine.agenda import search
from semaine.agenda.models import Edition, Event, EventHistory, EventState, Programme, Slot
from semaine.organisers.models import Organisation
from semaine.ui.cache import cache_anonymous

from . import ical

#: Most events a feed holds (the earliest ones; an organiser's feed keeps its latest ones).
MAX_FEED_EVENTS = 2000
CACHE_TIMEOUT = 300


def conditional(view):
    """Answer If-None-Match / If-Modified-Since with 304, from the response's own validators.

    Put outside ``cache_anonymous``: a response served from the cache carries the ETag and
    Last-Modified it was stored with, so a matching client is answered 304 by both paths.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
        return get_conditional_response(
            request, etag=response.get("ETag"), last_modified=last_modified, response=response
        )

    return wrapper


def feed(view):
    return require_safe(conditional(cache_anonymous(CACHE_TIMEOUT)(view)))


def _with_feed_data(queryset):
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


def _distinct(events) -> list[Event]:
    seen, unique = set(), []
    for event in events:
        if event.pk not in seen:
            seen.add(event.pk)
            unique.append(event)
    return unique


def _last_modified(events: list[Event]):
    """The latest change of the feed's events, or of any event's history if later.

    The history counts because an edit can take an event out of a feed (a theme removed, a
    programme changed…): the feed then changes although none of its events did.
    """
    moments = [event.updated_at for event in events]
    latest = EventHistory.objects.aggregate(latest=Max("created_at"))["latest"]
    if latest is not None:
        moments.append(latest)
    return max(moments, default=None)


def _calendar_response(request, events: list[Event], *, name: str, filename: str) -> HttpResponse:
    stamp = timezone.now().replace(microsecond=0)
    calendar = ical.build_calendar(
        events, name=name[:250], absolute_url=request.build_absolute_uri, stamp=stamp
    )
    content = calendar.to_ical()
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["ETag"] = quote_etag(ical.fingerprint(content, stamp))
    last_modified = _last_modified(events)
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    return response


def _clean_params(params):
    """The query string without NUL characters (PostgreSQL refuses them in a query)."""
    cleaned = params.copy()
    for key, values in params.lists():
        cleaned.setlist(key, [value.replace("\x00", "") for value in values])
    return cleaned


@feed
def search_feed(request, edition):
    """The events of an agenda search: same query string, same events as the list."""
    edition = get_object_or_404(Edition, slug=edition)
    filters = search.parse_filters(_clean_params(request.GET), edition=edition)  # notices dropped
    events = _with_feed_data(search.search_events(edition, filters)).order_by("first_starts_at", "pk")
    labels = [str(item[-1]) for item in filters.active()]  # the label is last
    name = f"{edition.name} — {', '.join(labels)}" if labels else _("%(edition)s — agenda") % {
        "edition": edition.name}
    return _calendar_response(
        request, _distinct(events[:MAX_FEED_EVENTS]), name=name, filename=f"{edition.slug}-agenda.ics"
    )


@feed
def event_feed(request, edition, public_id):
    """One published event, one VEVENT per slot."""
    event = _with_feed_data(
        Event.objects.filter(edition__slug=edition, public_id=public_id, state=EventState.PUBLISHED)
    ).first()
    if event is None:
        raise Http404
    return _calendar_response(request, [event], name=event.title, filename=f"{event.slug}.ics")


@feed
def programme_feed(request, edition, slug):
    """The published events of an organiser's programme."""
    programme = get_object_or_404(
        Programme.objects.select_related("edition"), edition__slug=edition, slug=slug
    )
    events = _with_feed_data(
        Event.objects.filter(programme=programme, state=EventState.PUBLISHED)
    ).order_by("first_starts_at", "pk")[:MAX_FEED_EVENTS]
    return _calendar_response(
        request, list(events), name=f"{programme.title} — {programme.edition.name}",
        filename=f"{programme.edition.slug}-{programme.slug}.ics",
    )


@feed
def organisation_feed(request, slug):
    """An organisation's published events of every edition, as organiser or co-organiser."""
    organisation = get_object_or_404(Organisation, slug=slug)
    co_organised = Event.co_organisers.through.objects.filter(organisation=organisation)
    events = _with_feed_data(
        Event.objects.filter(state=EventState.PUBLISHED).filter(
            Q(organisation=organisation) | Q(pk__in=co_organised.values("event_id"))
        )
    ).order_by("-first_starts_at", "-pk")[:MAX_FEED_EVENTS]
    return _calendar_response(
        request, list(events)[::-1],
        name=_("%(organisation)s — agenda") % {"organisation": organisation.name},
        filename=f"{organisation.slug}-agenda.ics",
    )


def api_not_found(request, rest):
    """Any other address under /api/: a problem document, like the API's own errors."""
    from semaine.ui.problems import problem

    return problem(request, 404, _("Introuvable"), _("Cette adresse de l’API n’existe pas."))
