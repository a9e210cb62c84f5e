"""Finding events: combinable filters read from the URL, French full-text search, sorting.

Every filter lives in the query string so that a search can be shared, bookmarked and reloaded.
Unknown or malformed values are dropped with a notice, never an error page.
"""

import math
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection
from django.db.models import Count, Exists, F, FloatField, OuterRef, Q, Value
from django.db.models.functions import Coalesce, Now, Power
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from semaine.organisers.models import Organisation
from semaine.territory.models import Departement, Region

from . import dates
from .models import (
    ACCESSIBILITY_FIELDS,
    PARIS,
    AttendanceMode,
    Event,
    EventState,
    EventStatus,
    Programme,
    RegistrationMode,
    Slot,
    Track,
    Venue,
)

SEARCH_CONFIG = "french_unaccent"
MAX_QUERY_LENGTH = 200
MAX_RADIUS_KM = 300
RELEVANCE_POOL = 2000
#: A date range with both ends is looked up day by day in the facets up to this many days.
MAX_FACET_DAYS = 62
KM_PER_DEGREE = 111.2
SORTS = ("date", "relevance", "distance")
WEEKDAYS = [
    (1, gettext_lazy("lundi")), (2, gettext_lazy("mardi")), (3, gettext_lazy("mercredi")),
    (4, gettext_lazy("jeudi")), (5, gettext_lazy("vendredi")), (6, gettext_lazy("samedi")),
    (7, gettext_lazy("dimanche")),
]
ACCESSIBILITY_KEYS = {name.removeprefix("access_"): label for name, label in ACCESSIBILITY_FIELDS}
ATTENDANCE = {"in_person": gettext_lazy("Sur place"), "online": gettext_lazy("En ligne")}


@dataclass(frozen=True)
class Near:
    latitude: float
    longitude: float
    radius_km: float
    label: str = ""


@dataclass(frozen=True)
class EventFilters:
    q: str = ""
    region: Region | None = None
    departement: Departement | None = None
    near: Near | None = None
    themes: tuple = ()
    formats: tuple = ()
    audiences: tuple = ()
    date_from: date | None = None
    date_to: date | None = None
    weekdays: tuple = ()
    attendance: str = ""
    accessibility: tuple = ()
    free: bool = False
    organisation: Organisation | None = None
    programme: Programme | None = None
    track: Track | None = None
    sort: str = "date"
    notices: tuple = field(default=(), compare=False)
    #: (URL parameter, notice) of each value that was dropped or changed: the API refuses them.
    invalid: tuple = field(default=(), compare=False)

    def active(self) -> list[tuple[str, str, str]]:
        """(URL parameter, value, label) of each filter in use, to show and remove one by one."""
        items = []
        if self.q:
            items.append(("q", self.q, f"« {self.q} »"))
        if self.region:
            items.append(("region", self.region.slug, self.region.name))
        if self.departement:
            items.append(("departement", self.departement.code, self.departement.name))
        for name in ("organisation", "programme", "track"):
            value = getattr(self, name)
            if value is not None:
                items.append((name, value.slug, str(value)))
        if self.near:
            items.append(("near", "", _("à %(km)s km de %(place)s") % {
                "km": f"{self.near.radius_km:g}", "place": self.near.label}))
        for param, name in (("theme", "themes"), ("format", "formats"), ("audience", "audiences")):
            items.extend((param, item.slug, item.name) for item in getattr(self, name))
        if self.date_from:
            items.append(("from", self.date_from.isoformat(),
                          _("à partir du %(d)s") % {"d": self.date_from.strftime("%d/%m/%Y")}))
        if self.date_to:
            items.append(("to", self.date_to.isoformat(),
                          _("jusqu’au %(d)s") % {"d": self.date_to.strftime("%d/%m/%Y")}))
        labels = dict(WEEKDAYS)
        items.extend(("day", str(d), str(labels[d])) for d in self.weekdays)
        if self.attendance:
            items.append(("attendance", self.attendance, str(ATTENDANCE[self.attendance])))
        items.extend(("access", a, str(ACCESSIBILITY_KEYS[a])) for a in self.accessibility)
        if self.free:
            items.append(("free", "1", _("places disponibles")))
        return items

    def without(self, param: str) -> "EventFilters":
        """The same search with one kind of filter removed (to suggest what to relax)."""
        attribute = PARAM_ATTRIBUTES[param]
        default = EventFilters.__dataclass_fields__[attribute].default
        return replace(self, **{attribute: default})


#: URL parameter → attribute of EventFilters.
PARAM_ATTRIBUTES = {
    "q": "q", "region": "region", "departement": "departement", "organisation": "organisation",
    "programme": "programme", "track": "track", "near": "near", "theme": "themes",
    "format": "formats", "audience": "audiences", "from": "date_from", "to": "date_to",
    "day": "weekdays", "attendance": "attendance", "access": "accessibility", "free": "free",
}
#: Parameters that go with another one (removing "near" removes the coordinates too).
COMPANION_PARAMS = {"near": ("near", "lat", "lon", "radius")}


def _clean(value: str) -> str:
    """Drop control characters (a NUL byte cannot even reach PostgreSQL)."""
    return "".join(ch for ch in value if ch >= " " or ch in "\t\n").strip()


class _Parser:
    def __init__(self, params):
        self.params = params
        self.notices: list[str] = []
        self.invalid: list[tuple[str, str]] = []

    def notice(self, name: str, message: str) -> None:
        self.notices.append(message)
        self.invalid.append((name, message))

    def unknown(self, name: str, value: str) -> None:
        shown = value if len(value) <= 40 else value[:40] + "…"
        self.notice(
            name,
            _("Le filtre « %(name)s » n’accepte pas la valeur « %(value)s » : il a été ignoré.")
            % {"name": name, "value": shown},
        )

    def one(self, name: str, lookup):
        raw = _clean(self.params.get(name) or "")
        if not raw:
            return None
        value = lookup(raw)
        if value is None:
            self.unknown(name, raw)
        return value

    def many(self, name: str, lookup) -> tuple:
        values = []
        for raw in self.params.getlist(name)[:30]:
            raw = _clean(raw)
            if not raw:
                continue
            value = lookup(raw)
            if value is None:
                self.unknown(name, raw)
            elif value not in values:
                values.append(value)
        return tuple(values)

    def date(self, name: str):
        """A day (ISO 8601) between ``dates.EARLIEST_DAY`` and ``dates.LATEST_DAY``: any other
        is dropped with a notice that says which days are accepted."""
        raw = _clean(self.params.get(name) or "")
        if not raw:
            return None
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            day = None
        if day is None or not dates.day_in_range(day):
            shown = raw if len(raw) <= 40 else raw[:40] + "…"
            self.notice(name, _(
                "Le filtre « %(name)s » n’accepte pas la valeur « %(value)s » : il a été ignoré. "
                "%(range)s") % {"name": name, "value": shown, "range": dates.out_of_range_message()})
            return None
        return day


def _by_slug(model):
    def lookup(raw):
        return model.objects.filter(slug=raw[:100]).first()

    return lookup


def _from_list(items, attribute="slug", transform=str):
    index = {getattr(item, attribute): item for item in items}

    def lookup(raw):
        return index.get(transform(raw))

    return lookup


def _float(raw):
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def resolve_place(name: str) -> Near | None:
    """Coordinates of a commune that a venue or a préfecture names, accents and case ignored."""
    name = name.strip()[:120]
    if not name:
        return None
    venue = (
        Venue.objects.filter(commune__iexact=name, latitude__isnull=False)
        .values("latitude", "longitude", "commune")
        .first()
    )
    if venue:
        return Near(venue["latitude"], venue["longitude"], 0, venue["commune"])
    departement = Departement.objects.filter(prefecture__iexact=name).first()
    if departement:
        return Near(departement.latitude, departement.longitude, 0, departement.prefecture)
    return None


def parse_filters(params, *, edition=None, lists=None) -> EventFilters:
    """Read the filters from a query string; unknown values become notices. `lists`: the
    reference lists when the caller already has them (``queries.reference_lists()``)."""
    p = _Parser(params)
    q = " ".join(_clean(params.get("q") or "").split())
    if len(q) > MAX_QUERY_LENGTH:
        p.notice("q", _("La recherche a été raccourcie à %(n)s caractères.") % {"n": MAX_QUERY_LENGTH})
        q = q[:MAX_QUERY_LENGTH]
    from .queries import reference_lists  # queries.py imports this module: a cycle

    lists = lists or reference_lists()
    region = p.one("region", _from_list(lists["regions"]))
    departement = p.one("departement", _from_list(lists["departements"], "code", str.upper))
    organisation = p.one("organisation", _by_slug(Organisation))
    programmes = Programme.objects.filter(edition=edition) if edition else Programme.objects.all()
    programme = p.one("programme", lambda raw: programmes.filter(slug=raw[:220]).first())
    track = p.one(
        "track",
        lambda raw: Track.objects.filter(programme=programme, slug=raw[:100]).first() if programme else None,
    )

    near = None
    radius = _float(_clean(params.get("radius") or "")) or 20
    radius = min(max(radius, 1), MAX_RADIUS_KM)
    lat, lon = _float(_clean(params.get("lat") or "")), _float(_clean(params.get("lon") or ""))
    if lat is not None and lon is not None:
        if -90 <= lat <= 90 and -180 <= lon <= 180:
            near = Near(lat, lon, radius, f"{lat:.3f}, {lon:.3f}")
        else:
            p.unknown("lat/lon", f"{lat}, {lon}")
    elif params.get("near"):
        place = p.one("near", resolve_place)
        if place:
            near = replace(place, radius_km=radius)

    weekdays = p.many("day", lambda raw: int(raw) if raw in {"1", "2", "3", "4", "5", "6", "7"} else None)
    attendance = p.one("attendance", lambda raw: raw if raw in ATTENDANCE else None) or ""
    accessibility = p.many("access", lambda raw: raw if raw in ACCESSIBILITY_KEYS else None)
    sort = p.one("sort", lambda raw: raw if raw in SORTS else None) or ("relevance" if q else "date")
    if sort == "distance" and near is None:
        p.notice("sort", _("Le tri par distance demande un lieu : tri par date."))
        sort = "date"
    if sort == "relevance" and not q:
        sort = "date"
    date_from, date_to = p.date("from"), p.date("to")
    if date_from and date_to and date_to < date_from:
        p.notice("to", _("La date de fin précède la date de début : elles ont été inversées."))
        date_from, date_to = date_to, date_from
    return EventFilters(
        q=q, region=region, departement=departement, near=near,
        themes=p.many("theme", _from_list(lists["themes"])),
        formats=p.many("format", _from_list(lists["formats"])),
        audiences=p.many("audience", _from_list(lists["audiences"])),
        date_from=date_from, date_to=date_to,
        weekdays=weekdays, attendance=attendance, accessibility=accessibility,
        free=params.get("free") in {"1", "on", "true"}, organisation=organisation,
        programme=programme, track=track, sort=sort, notices=tuple(p.notices),
        invalid=tuple(p.invalid),
    )


def _text_filter(queryset, q: str, *, narrowed: bool = False):
    """Events whose text matches ``q``. When another filter already narrows the events to a
    few hundred (``narrowed``), PostgreSQL is kept off the text index: checking those few
    rows costs far less than building the bitmap of every event that holds a common word."""
    if connection.vendor == "postgresql":
        query = SearchQuery(q, config=SEARCH_CONFIG, search_type="websearch")
        if narrowed:
            queryset = queryset.alias(
                unindexed_vector=Coalesce("search_vector", Value("", output_field=SearchVectorField()))
            ).filter(unindexed_vector=query)
        else:
            queryset = queryset.filter(search_vector=query)
        return queryset.annotate(
            rank=SearchRank(F("search_vector"), query)
        )
    condition = Q()
    for word in q.split()[:10]:
        condition &= (
            Q(title__icontains=word) | Q(summary__icontains=word)
            | Q(description__icontains=word) | Q(organisation__name__icontains=word)
            | Q(venue__name__icontains=word) | Q(venue__commune__icontains=word)
        )
    return queryset.filter(condition).annotate(rank=Value(1.0, output_field=FloatField()))


def filter_events(queryset, filters: EventFilters):
    """Apply every filter to a queryset of events (no ordering)."""
    f = filters
    if f.q:
        narrowed = bool(f.departement or f.near or f.organisation or f.programme or f.track)
        queryset = _text_filter(queryset, f.q, narrowed=narrowed)
    if f.departement:
        queryset = queryset.filter(_any_facet("departement", [f.departement.pk]))
    if f.region:
        queryset = queryset.filter(_any_facet("region", [f.region.pk]))
    if f.organisation:
        co_organised = Event.co_organisers.through.objects.filter(
            event=OuterRef("pk"), organisation=f.organisation
        )
        queryset = queryset.filter(Q(organisation=f.organisation) | Q(Exists(co_organised)))
    if f.programme:
        queryset = queryset.filter(programme=f.programme)
    if f.track:
        queryset = queryset.filter(track=f.track)
    for prefix, values in (("theme", f.themes), ("format", f.formats), ("audience", f.audiences)):
        if values:
            queryset = queryset.filter(_any_facet(prefix, [value.pk for value in values]))
    if f.date_from or f.date_to or f.weekdays:
        queryset = _filter_dates(queryset, f)
    if f.attendance == "in_person":
        queryset = queryset.exclude(attendance_mode=AttendanceMode.ONLINE)
    elif f.attendance == "online":
        queryset = queryset.exclude(attendance_mode=AttendanceMode.IN_PERSON)
    for key in f.accessibility:
        queryset = queryset.filter(**{f"access_{key}": True})
    if f.free:
        # places one can still take: a slot to come (registration closes when it starts; for an
        # event registered as a whole, when its first slot starts), with a free seat when the
        # platform counts them (Event.registration_slots is the same rule for one event)
        queryset = queryset.exclude(
            status__in=[EventStatus.FULL, EventStatus.CANCELLED, EventStatus.POSTPONED]
        ).filter(
            Q(registration_per_slot=True) | Q(first_starts_at__gt=Now()),
            Q(~Q(registration_mode=RegistrationMode.PLATFORM) & Exists(_slots_to_come()))
            | Exists(_slots_with_a_free_seat()),
        )
    if f.near:
        span_lat = f.near.radius_km / KM_PER_DEGREE
        span_lon = span_lat / max(math.cos(math.radians(f.near.latitude)), 0.01)
        queryset = queryset.filter(
            venue__latitude__range=(f.near.latitude - span_lat, f.near.latitude + span_lat),
            venue__longitude__range=(f.near.longitude - span_lon, f.near.longitude + span_lon),
        ).annotate(distance2=_distance2(f.near)).filter(distance2__lte=f.near.radius_km ** 2)
    return queryset


def _filter_dates(queryset, f: EventFilters):
    """Events with a slot that meets the day filters (Paris time).

    The facets answer alone when they can: a slot meets a range of days when it covers one of
    them (``day:`` keys), a weekday when it starts on it (``weekday:``); a single bound is the
    event's first start or last end. A range of weekdays within dates needs both on one slot:
    the facets narrow, an ``EXISTS`` over the slots decides.
    """
    start = datetime.combine(f.date_from, time.min, PARIS) if f.date_from else None
    end = datetime.combine(f.date_to, time.max, PARIS) if f.date_to else None
    if f.weekdays:
        queryset = queryset.filter(_any_facet("weekday", f.weekdays))
    days = None
    if start and end and (f.date_to - f.date_from).days < MAX_FACET_DAYS:
        days = [f.date_from + timedelta(days=i) for i in range((f.date_to - f.date_from).days + 1)]
        queryset = queryset.filter(_any_facet("day", [day.isoformat() for day in days]))
    elif start or end:
        queryset = queryset.filter(**{"last_ends_at__gte": start} if start else {},
                                   **{"first_starts_at__lte": end} if end else {})
    if (start and end and days is None) or (f.weekdays and (start or end)):
        slots = Slot.objects.filter(event=OuterRef("pk"))
        if start:
            slots = slots.filter(ends_at__gte=start)
        if end:
            slots = slots.filter(starts_at__lte=end)
        if f.weekdays:
            # Django's week_day: 1 = Sunday … 7 = Saturday; ours: 1 = Monday … 7 = Sunday.
            slots = slots.filter(starts_at__week_day__in=[d % 7 + 1 for d in f.weekdays])
        queryset = queryset.filter(Exists(slots))
    return queryset


#: Registration statuses that hold a seat (`registrations.models.HOLDS_SEAT`; the programme
#: reads them through the slots' reverse relation so as not to import the registrations app).
SEAT_HOLDING = ("confirmed", "offered")


def _slots_to_come():
    """Not yet started, not cancelled slots of the outer event."""
    return Slot.objects.filter(event=OuterRef("pk"), starts_at__gt=Now(), cancelled_at__isnull=True)


def _slots_with_a_free_seat():
    """Upcoming, not cancelled slots of the outer event with fewer seats held than offered."""
    return (
        _slots_to_come()
        .annotate(
            seats=Coalesce("capacity", "event__capacity"),
            held=Count("registrations", filter=Q(registrations__status__in=SEAT_HOLDING)),
        )
        .filter(Q(seats__isnull=True) | Q(held__lt=F("seats")))
    )


def _distance2(near: Near):
    """Squared distance in km² (equirectangular: right to a few per cent under 300 km)."""
    scale = math.cos(math.radians(near.latitude))
    return (
        Power((F("venue__latitude") - near.latitude) * KM_PER_DEGREE, 2)
        + Power((F("venue__longitude") - near.longitude) * KM_PER_DEGREE * scale, 2)
    )


def search_events(edition, filters: EventFilters):
    """Published events of the edition that match, in the requested order."""
    queryset = filter_events(
        Event.objects.filter(edition=edition, state=EventState.PUBLISHED), filters
    )
    if filters.sort == "relevance" and filters.q:
        queryset = queryset.order_by(*RELEVANCE_ORDER)
    elif filters.sort == "distance" and filters.near:
        queryset = queryset.order_by("distance2", "first_starts_at", "pk")
    else:
        queryset = queryset.order_by("first_starts_at", "pk")
    return queryset


#: With fewer matches than this, PostgreSQL is asked to sort them rather than to walk the date
#: index until it meets enough of them (a walk that crosses most of the edition when the
#: matches lie on its last days).
SORT_MATCHES_BELOW = 5000


RELEVANCE_ORDER = ("-rank", "first_starts_at", "pk")


def order_for_count(queryset, count: int):
    """The same events in the same order, read the cheaper way for ``count`` matches, and how
    many of them the pages can go through (None: all). The count stays that of every match."""
    if connection.vendor != "postgresql":
        return queryset, None
    order = tuple(queryset.query.order_by)
    if order == RELEVANCE_ORDER and count > RELEVANCE_POOL:
        # Ranking every match of a common word is costly: the pages rank its RELEVANCE_POOL
        # soonest matches (sorted by date, every match can be browsed).
        pool = queryset.order_by("first_starts_at", "pk").values("pk")[:RELEVANCE_POOL]
        return queryset.filter(pk__in=pool), RELEVANCE_POOL
    if count < SORT_MATCHES_BELOW and order == ("first_starts_at", "pk"):
        return queryset.order_by(F("first_starts_at") + timedelta(0), "pk"), None
    return queryset, None


def relax_suggestions(edition, filters: EventFilters, limit: int = 6) -> list[dict]:
    """For a search with no result: how many results each filter's removal would give."""
    suggestions, seen = [], set()
    for param, _value, label in filters.active():
        if param in seen or len(seen) >= limit:
            continue
        seen.add(param)
        count = search_events(edition, filters.without(param)).count()
        if count:
            suggestions.append({"param": param, "label": label, "count": count})
    return suggestions


REFRESH_SQL = """
UPDATE agenda_event AS e SET search_vector =
    setweight(to_tsvector('french_unaccent', coalesce(e.title, '')), 'A')
 || setweight(to_tsvector('french_unaccent', coalesce(e.summary, '')), 'B')
 || setweight(to_tsvector('french_unaccent', coalesce(
        (SELECT o.name FROM organisers_organisation o WHERE o.id = e.organisation_id), '')
        || ' ' || coalesce((SELECT v.name || ' ' || v.commune FROM agenda_venue v
                            WHERE v.id = e.venue_id), '')
        || ' ' || coalesce((SELECT string_agg(t.name, ' ') FROM agenda_theme t
                            JOIN agenda_event_themes et ON et.theme_id = t.id
                            WHERE et.event_id = e.id), '')), 'B')
 || setweight(to_tsvector('french_unaccent', coalesce(e.description, '')), 'C')
"""


def refresh_search_vector(event_ids=None, *, edition_id=None) -> None:
    """Recompute the full-text index of some events (PostgreSQL; nothing to do on SQLite)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        if edition_id is not None:
            cursor.execute(REFRESH_SQL + " WHERE e.edition_id = %s", [edition_id])
        else:
            cursor.execute(REFRESH_SQL + " WHERE e.id = ANY(%s)", [list(event_ids)])


# ---- facets: what the filters look up, stored on the event ------------------------------------

FACETS_SQL = """
UPDATE agenda_event AS e SET facets = coalesce((
    SELECT jsonb_object_agg(k.key, 1) FROM (
        SELECT 'theme:' || t.theme_id AS key FROM agenda_event_themes t WHERE t.event_id = e.id
        UNION SELECT 'format:' || f.format_id FROM agenda_event_formats f WHERE f.event_id = e.id
        UNION SELECT 'audience:' || a.audience_id FROM agenda_event_audiences a
              WHERE a.event_id = e.id
        UNION SELECT 'day:' || to_char(d, 'YYYY-MM-DD') FROM agenda_slot s,
              generate_series((s.starts_at AT TIME ZONE 'Europe/Paris')::date,
                              (s.ends_at AT TIME ZONE 'Europe/Paris')::date, interval '1 day') AS d
              WHERE s.event_id = e.id
        UNION SELECT 'weekday:' || extract(isodow FROM s.starts_at AT TIME ZONE 'Europe/Paris')::int
              FROM agenda_slot s WHERE s.event_id = e.id
        UNION SELECT 'departement:' || v.departement_id FROM agenda_venue v WHERE v.id = e.venue_id
        UNION SELECT 'region:' || d.region_id FROM agenda_venue v
              JOIN territory_departement d ON d.id = v.departement_id WHERE v.id = e.venue_id
    ) AS k), '{}'::jsonb)
"""


def facet_keys(*, themes=(), formats=(), audiences=(), spans=(), departement=None,
               region=None) -> dict:
    """The facets of one event: label ids, the Paris days its slots cover (``spans`` of
    (start, end)), the weekdays they start on, its venue's département and région."""
    keys = {f"theme:{pk}": 1 for pk in themes}
    keys.update({f"format:{pk}": 1 for pk in formats})
    keys.update({f"audience:{pk}": 1 for pk in audiences})
    for starts_at, ends_at in spans:
        first = timezone.localdate(starts_at, PARIS)
        keys[f"weekday:{first.isoweekday()}"] = 1
        # a slot lasts at most dates.MAX_SLOT_DAYS (its rule, and the database's constraint
        # slot_length_bounded): a few dozen keys at most
        covered = (timezone.localdate(ends_at, PARIS) - first).days + 1
        keys.update((f"day:{(first + timedelta(days=i)).isoformat()}", 1) for i in range(covered))
    if departement is not None:
        keys[f"departement:{departement}"] = keys[f"region:{region}"] = 1
    return keys


def _facets_in_python(event_ids) -> None:
    parts = {pk: {"themes": [], "formats": [], "audiences": [], "spans": []} for pk in event_ids}
    for relation, column in (("themes", "theme"), ("formats", "format"), ("audiences", "audience")):
        through = getattr(Event, relation).through
        rows = through.objects.filter(event_id__in=event_ids).values_list("event_id", f"{column}_id")
        for event_id, value in rows:
            parts[event_id][relation].append(value)
    for event_id, starts_at, ends_at in Slot.objects.filter(event_id__in=event_ids).values_list(
        "event_id", "starts_at", "ends_at"
    ):
        parts[event_id]["spans"].append((starts_at, ends_at))
    for pk, departement, region in Event.objects.filter(
        pk__in=event_ids, venue__isnull=False
    ).values_list("pk", "venue__departement", "venue__departement__region"):
        parts[pk].update(departement=departement, region=region)
    for pk, keys in parts.items():
        Event.objects.filter(pk=pk).update(facets=facet_keys(**keys))


def refresh_facets(event_ids=None, *, edition_id=None) -> None:
    """Recompute ``Event.facets`` of some events (or of a whole edition) from their slots,
    themes, formats and audiences."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            if edition_id is not None:
                cursor.execute(FACETS_SQL + " WHERE e.edition_id = %s", [edition_id])
            else:
                cursor.execute(FACETS_SQL + " WHERE e.id = ANY(%s)", [list(event_ids)])
        return
    if edition_id is not None:
        event_ids = Event.objects.filter(edition_id=edition_id).values_list("pk", flat=True)
    event_ids = list(event_ids)
    for start in range(0, len(event_ids), 500):
        _facets_in_python(event_ids[start:start + 500])


def _any_facet(prefix: str, values) -> Q:
    return Q(facets__has_any_keys=[f"{prefix}:{value}" for value in values])
