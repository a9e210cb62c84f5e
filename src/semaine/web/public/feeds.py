"""Calendar feeds (RFC 5545) of published events: a search, an event, a programme, an organiser.

A feed holds every matching published event, never some of them. One of at most
``SEMAINE_FEED_INLINE_MAX_EVENTS`` events (2,000) is built in the request; a larger one (a
région, a whole edition) is built by the worker as a file, one VEVENT at a time, and served
from disk (``files``): until its first build is done the answer is 503 with ``Retry-After``
(calendar clients ask again), then the last complete file while a newer one is being built.
Each feed is served from the anonymous cache and answers conditional requests (ETag and
Last-Modified) with 304, cached or not, so that subscribed calendars fetch it cheaply.
"""

from functools import wraps

from django.conf import settings
from django.db.models import Max
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import content_disposition_header, http_date, parse_http_date_safe, quote_etag
from django.views.decorators.http import require_safe

from semaine.agenda import ical
from semaine.agenda.models import Event, EventHistory, EventState
from semaine.core.cache import cache_anonymous
from semaine.opendata import files, tasks
from semaine.opendata.feeds import (
    FEED_FILE,
    distinct,
    feed_definition,
    feed_figures,
    feed_fingerprint,
    feed_key,
    with_feed_data,
)

CACHE_TIMEOUT = 300
#: Seconds a calendar client is asked to wait for a feed being prepared.
RETRY_AFTER = 30
ICS_TYPE = "text/calendar; charset=utf-8"


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


def preparing(request, retry_after: int) -> HttpResponse:
    """503: the file asked for is being built by the worker; ask again in ``retry_after`` s."""
    response = render(request, "opendata/preparing.html", {"retry_after": retry_after}, status=503)
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response


def _served_feed(request, spec: dict) -> HttpResponse:
    """The whole feed: built here when small, else the worker's file (see the module)."""
    events, name, filename = feed_definition(spec)
    limit = settings.SEMAINE_FEED_INLINE_MAX_EVENTS
    if len(events.values_list("pk", flat=True)[: limit + 1]) <= limit:
        return _calendar_response(request, distinct(with_feed_data(events)), name=name,
                                  filename=filename)
    key = feed_key(spec)
    folder = f"feeds/{key}"
    built = files.built(folder, FEED_FILE)
    stale = built is None or not files.is_current(folder, feed_fingerprint(spec, feed_figures(events)))
    if stale:
        files.queue_once(folder, lambda: tasks.build_feed_file.enqueue(key, spec))
    if built is None:
        return preparing(request, RETRY_AFTER)
    response = files.file_response(request, built, content_type=ICS_TYPE, filename=filename,
                                   attachment=True)
    response["X-Semaine-Built-At"] = built.built_at.isoformat()
    if stale:
        response["X-Semaine-Rebuilding"] = "1"
    return response


#: The agenda's parameters (``agenda.search.parse_filters``): the only ones a search feed keeps.
SEARCH_PARAMETERS = frozenset({
    "q", "region", "departement", "near", "lat", "lon", "radius", "theme", "format", "audience",
    "from", "to", "day", "attendance", "access", "free", "organisation", "programme", "track",
    "sort",
})


def _spec(request, kind: str, **values) -> dict:
    """What the feed holds. A search's query is written one way only (known parameters, sorted,
    repeated values in order), so that the same search, however its address is written, is one
    file built once: an address with extra or reordered parameters never queues another build."""
    spec = {"kind": kind, **values}
    if kind == "search":
        params = _clean_params(request.GET)
        canonical = QueryDict(mutable=True)
        for key in sorted(SEARCH_PARAMETERS.intersection(params)):
            canonical.setlist(key, sorted(set(params.getlist(key))))
        spec["query"] = canonical.urlencode()
    return spec


@feed
def search_feed(request, edition):
    """The events of an agenda search: same query string, same events as the list."""
    return _served_feed(request, _spec(request, "search", edition=edition))


@feed
def event_feed(request, edition, public_id):
    """One published event, one VEVENT per slot."""
    event = with_feed_data(
        Event.objects.filter(edition__slug=edition, public_id=public_id, state=EventState.PUBLISHED)
    ).first()
    if event is None:
        raise Http404
    return _calendar_response(request, [event], name=event.title, filename=f"{event.slug}.ics")


@feed
def programme_feed(request, edition, slug):
    """The published events of an organiser's programme."""
    return _served_feed(request, _spec(request, "programme", edition=edition, slug=slug))


@feed
def organisation_feed(request, slug):
    """An organisation's published events of every edition, as organiser or co-organiser."""
    return _served_feed(request, _spec(request, "organisation", slug=slug))
