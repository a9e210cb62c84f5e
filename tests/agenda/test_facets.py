"""Event.facets follow the slots and labels, and the filters that read them give the same
events as the slots themselves."""

import itertools
from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.db.models import Exists, OuterRef

from semaine.agenda import search
from semaine.agenda.models import PARIS, Audience, Event, EventState, Format, Slot, Theme
from semaine.territory.models import Departement
from tests import factories

pytestmark = pytest.mark.django_db


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), PARIS)


@pytest.fixture
def events(edition, organisation):
    """Slots over a DST change and midnight, one spanning days, one ending at midnight."""
    first = date(2026, 10, 23)  # a Friday; summer time ends on Sunday 25 October
    spans = {
        "friday-morning": [(at(first, 9), at(first, 11))],
        "overnight": [(at(first, 22), at(first + timedelta(days=1), 2))],
        "to-midnight": [(at(first + timedelta(days=1), 20),
                         datetime.combine(first + timedelta(days=2), time.min, PARIS))],
        "four-days": [(at(first, 10), at(first + timedelta(days=3), 18))],
        "two-slots": [(at(first, 9), at(first, 10)), (at(first + timedelta(days=4), 14),
                                                      at(first + timedelta(days=4), 15))],
        "late-utc": [(at(first + timedelta(days=2), 0, 30), at(first + timedelta(days=2), 1))],
        "no-slot": [],
    }
    made = {}
    for title, slots in spans.items():
        event = factories.EventFactory(edition=edition, organisation=organisation, title=title,
                                       state=EventState.PUBLISHED, slots=0)
        for start, end in slots:
            Slot.objects.create(event=event, starts_at=start, ends_at=end)
        made[title] = event
    return first, made


def by_slots(edition, date_from=None, date_to=None, weekdays=()):
    """The reference: events with one slot meeting every condition."""
    slots = Slot.objects.filter(event=OuterRef("pk"))
    if date_from:
        slots = slots.filter(ends_at__gte=datetime.combine(date_from, time.min, PARIS))
    if date_to:
        slots = slots.filter(starts_at__lte=datetime.combine(date_to, time.max, PARIS))
    if weekdays:
        slots = slots.filter(starts_at__week_day__in=[d % 7 + 1 for d in weekdays])
    events = Event.objects.filter(edition=edition).filter(Exists(slots))
    return set(events.values_list("title", flat=True))


def by_filters(edition, **kwargs):
    filters = search.EventFilters(**kwargs)
    return set(search.search_events(edition, filters).values_list("title", flat=True))


def test_day_filters_match_the_slots(edition, events):
    first, _ = events
    days = [None] + [first + timedelta(days=i) for i in range(-1, 6)]
    weekday_sets = [(), (5,), (6, 7), (1,), (3,)]
    checked = 0
    for date_from, date_to in itertools.product(days, days):
        if date_from and date_to and date_to < date_from:
            continue
        for weekdays in weekday_sets:
            if not (date_from or date_to or weekdays):
                continue
            expected = by_slots(edition, date_from, date_to, weekdays)
            assert by_filters(edition, date_from=date_from, date_to=date_to,
                              weekdays=weekdays) == expected, (date_from, date_to, weekdays)
            checked += 1
    assert checked > 100


def test_a_long_range_is_checked_against_the_slots(edition, events):
    first, _ = events
    start, end = first - timedelta(days=100), first + timedelta(days=100)
    assert by_filters(edition, date_from=start, date_to=end) == by_slots(edition, start, end)
    assert "no-slot" not in by_filters(edition, date_from=start, date_to=end)


def days(event) -> set:
    facets = Event.objects.get(pk=event.pk).facets
    return {key for key in facets if key.startswith(("day:", "weekday:"))}


def test_facets_follow_slots_and_labels(edition, events):
    first, made = events
    event = made["friday-morning"]
    assert days(event) == {"day:2026-10-23", "weekday:5"}
    assert days(made["overnight"]) == {"day:2026-10-23", "day:2026-10-24", "weekday:5"}
    assert days(made["to-midnight"]) == {"day:2026-10-24", "day:2026-10-25", "weekday:6"}
    assert days(made["no-slot"]) == set()

    slot = event.slots.get()
    slot.starts_at, slot.ends_at = at(first + timedelta(days=3), 9), at(first + timedelta(days=3), 10)
    slot.save()
    event.refresh_from_db()
    assert days(event) == {"day:2026-10-26", "weekday:1"}
    assert event.first_starts_at == slot.starts_at and event.last_ends_at == slot.ends_at

    theme, audience = Theme.objects.get(slug="data"), Audience.objects.get(slug="agents-publics")
    event.themes.add(theme)
    atelier = Format.objects.get(slug="atelier")
    atelier.events.add(event)  # the other side of the relation
    audience.events.add(event)
    event.refresh_from_db()
    assert {f"theme:{theme.pk}", f"format:{atelier.pk}", f"audience:{audience.pk}"} <= set(event.facets)
    theme.events.clear()
    atelier.events.remove(event)
    event.refresh_from_db()
    assert f"theme:{theme.pk}" not in event.facets and f"format:{atelier.pk}" not in event.facets

    slot.delete()
    event.refresh_from_db()
    assert event.facets == {f"audience:{audience.pk}": 1}
    assert event.first_starts_at is None and event.last_ends_at is None


def test_labels_filters_read_the_facets(edition, organisation):
    data, design = Theme.objects.get(slug="data"), Theme.objects.get(slug="design")
    one = factories.EventFactory(edition=edition, organisation=organisation, title="one",
                                 state=EventState.PUBLISHED)
    two = factories.EventFactory(edition=edition, organisation=organisation, title="two",
                                 state=EventState.PUBLISHED,
                                 formats=[Format.objects.get(slug="conference")])
    one.themes.set([data])
    two.themes.set([data, design])
    assert by_filters(edition, themes=(design,)) == {"two"}
    assert by_filters(edition, themes=(data, design)) == {"one", "two"}
    assert by_filters(edition, themes=(data,), formats=(Format.objects.get(slug="atelier"),)) == {"one"}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the SQL refresh is PostgreSQL's")
def test_sql_and_python_refresh_agree(edition, events):
    _, made = events
    Event.objects.filter(pk=made["two-slots"].pk).first().themes.add(Theme.objects.get(slug="data"))
    ids = [event.pk for event in made.values()]
    search.refresh_facets(ids)
    by_sql = dict(Event.objects.filter(pk__in=ids).values_list("pk", "facets"))
    Event.objects.filter(pk__in=ids).update(facets={})
    search._facets_in_python(ids)
    assert dict(Event.objects.filter(pk__in=ids).values_list("pk", "facets")) == by_sql
    search.refresh_facets(edition_id=edition.pk)
    assert dict(Event.objects.filter(pk__in=ids).values_list("pk", "facets")) == by_sql


def test_departement_and_region_follow_the_venue(edition, organisation):
    nantes = factories.VenueFactory(organisation=organisation)  # Loire-Atlantique
    event = factories.EventFactory(edition=edition, organisation=organisation, title="here",
                                   state=EventState.PUBLISHED, venue=nantes)
    factories.EventFactory(edition=edition, organisation=organisation, title="online",
                           state=EventState.PUBLISHED, venue=None, attendance_mode="online")
    loire_atlantique, calvados = Departement.objects.get(code="44"), Departement.objects.get(code="14")
    assert by_filters(edition, departement=loire_atlantique) == {"here"}
    assert by_filters(edition, region=loire_atlantique.region) == {"here"}
    assert by_filters(edition, departement=calvados) == set()

    nantes.departement = calvados
    nantes.save()
    assert by_filters(edition, departement=calvados) == {"here"}
    assert by_filters(edition, region=loire_atlantique.region) == set()

    event.venue = factories.VenueFactory(organisation=organisation)
    event.save()
    assert by_filters(edition, departement=loire_atlantique) == {"here"}
    event.venue = None
    event.save(update_fields=["venue"])
    assert by_filters(edition, departement=loire_atlantique) == set()
