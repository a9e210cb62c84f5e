"""Calendar feeds: every feed is parsed back with icalendar and checked property by property."""

import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.http import http_date
from icalendar import Calendar

from semaine.agenda import services
from semaine.agenda.models import PARIS, AttendanceMode, EventState, EventStatus, Theme
from tests import calendars, factories

from .conftest import body

pytestmark = pytest.mark.django_db


def published(edition, organisation, **kwargs):
    return factories.EventFactory(
        edition=edition, organisation=organisation, state=EventState.PUBLISHED, **kwargs
    )


def event_url(event):
    return reverse("opendata:event_ics",
                   kwargs={"edition": event.edition.slug, "public_id": event.public_id})


def search_url(edition):
    return reverse("opendata:search_ics", kwargs={"edition": edition.slug})


def fetch(client, url, data=None, **headers):
    response = client.get(url, data, headers=headers)
    assert response.status_code == 200, response.status_code
    return Calendar.from_ical(body(response))  # large feeds are files, streamed


def uids(calendar):
    return [str(vevent["UID"]) for vevent in calendar.events]


# One event


def test_each_slot_is_one_vevent_whose_uid_is_the_event_and_slot(client, edition, organisation):
    event = published(edition, organisation, slots=2)
    calendar = fetch(client, event_url(event))
    expected = [f"{event.public_id}-{slot.pk}@semaine" for slot in event.slots.order_by("starts_at")]
    assert uids(calendar) == expected


def test_an_edit_keeps_the_uid_and_raises_the_sequence(client, edition, organisation, editor, on_commit):
    event = published(edition, organisation)
    before = fetch(client, event_url(event)).events[0]
    on_commit(services.update_event, editor, event, fields={"title": "Atelier renommé"})
    after = fetch(client, event_url(event)).events[0]
    assert str(after["UID"]) == str(before["UID"])
    assert after["SEQUENCE"] > before["SEQUENCE"]
    assert str(after["SUMMARY"]) == "Atelier renommé"


def test_slots_start_at_their_paris_wall_clock_time_with_a_vtimezone(client, edition, organisation):
    event = published(edition, organisation)
    response = client.get(event_url(event))
    calendar = Calendar.from_ical(response.content)
    vevent = calendar.events[0]
    assert vevent["DTSTART"].params["TZID"] == "Europe/Paris"
    assert vevent.start.tzinfo.key == "Europe/Paris"
    assert (vevent.start.date(), vevent.start.hour, vevent.start.minute) == (edition.starts_on, 9, 0)
    assert vevent.end.hour == 12
    assert vevent.start == event.slots.get().starts_at
    assert [tz.tz_name for tz in calendar.timezones] == ["Europe/Paris"]
    assert f"DTSTART;TZID=Europe/Paris:{edition.starts_on:%Y%m%d}T090000" in response.text


def test_a_cancelled_event_is_status_cancelled(client, edition, organisation, editor, on_commit):
    event = published(edition, organisation)
    assert str(fetch(client, event_url(event)).events[0]["STATUS"]) == "CONFIRMED"
    on_commit(services.cancel_event, editor, event, "raison")
    vevent = fetch(client, event_url(event)).events[0]
    assert str(vevent["STATUS"]) == "CANCELLED"
    assert vevent["SEQUENCE"] == 1


def test_a_postponed_event_is_tentative(client, edition, organisation):
    event = published(edition, organisation, status=EventStatus.POSTPONED)
    assert str(fetch(client, event_url(event)).events[0]["STATUS"]) == "TENTATIVE"


def test_the_event_links_to_its_page_and_names_its_organiser(client, edition, organisation):
    event = published(edition, organisation)
    vevent = fetch(client, event_url(event)).events[0]
    page = "http://testserver" + event.get_absolute_url()
    assert str(vevent["URL"]) == page
    assert str(vevent["DESCRIPTION"]) == f"{event.summary}\n\n{page}"
    assert str(vevent["ORGANIZER"]) == "http://testserver" + organisation.get_absolute_url()
    assert vevent["ORGANIZER"].params["CN"] == organisation.name
    assert [str(c) for c in vevent.categories] == ["Atelier"]
    for name in ("DTSTAMP", "CREATED", "LAST-MODIFIED"):
        assert vevent.decoded(name).utcoffset() == timedelta(0)


def test_an_event_at_a_venue_has_its_address_and_coordinates(client, edition, organisation, venue):
    event = published(edition, organisation, venue=venue)
    vevent = fetch(client, event_url(event)).events[0]
    assert str(vevent["LOCATION"]) == "Hôtel du Département, 3 quai Ceineray, 44000 Nantes"
    assert vevent["GEO"].latitude == pytest.approx(47.2184)
    assert vevent["GEO"].longitude == pytest.approx(-1.5536)


def test_an_online_event_is_located_at_its_link(client, edition, organisation):
    event = published(edition, organisation, attendance_mode=AttendanceMode.ONLINE,
                      online_url="https://visio.example.fr/atelier")
    vevent = fetch(client, event_url(event)).events[0]
    assert str(vevent["LOCATION"]) == "https://visio.example.fr/atelier"
    assert "GEO" not in vevent


def test_the_calendar_declares_itself_and_how_often_to_refresh(client, edition, organisation):
    event = published(edition, organisation, title="Hackathon tourisme")
    calendar = fetch(client, event_url(event))
    assert str(calendar["PRODID"]) == "-//Semaine de l'innovation publique//semaine//FR"
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["CALSCALE"]) == "GREGORIAN"
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["X-WR-CALNAME"]) == "Hackathon tourisme"
    assert str(calendar["X-WR-TIMEZONE"]) == "Europe/Paris"
    assert calendar["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
    assert calendar.decoded("REFRESH-INTERVAL") == timedelta(hours=1)
    assert calendar["X-PUBLISHED-TTL"].to_ical() == b"PT1H"


def test_the_feed_is_a_calendar_attachment(client, edition, organisation):
    event = published(edition, organisation)
    response = client.get(event_url(event))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{event.slug}.ics"'


def test_a_draft_has_no_calendar(client, edition, organisation, editor):
    draft = factories.EventFactory(edition=edition, organisation=organisation)
    assert client.get(event_url(draft)).status_code == 404
    client.force_login(editor)
    assert client.get(event_url(draft)).status_code == 404


def test_an_event_asked_for_under_another_edition_or_an_unknown_id_is_a_404(client, edition, organisation):
    event = published(edition, organisation)
    other = factories.EditionFactory()
    assert client.get(reverse("opendata:event_ics", kwargs={
        "edition": other.slug, "public_id": event.public_id})).status_code == 404
    assert client.get(reverse("opendata:event_ics", kwargs={
        "edition": edition.slug, "public_id": uuid.uuid4()})).status_code == 404


# Conditional requests


def test_a_matching_etag_is_answered_304_from_the_cache_and_without_it(
    client, site, edition, organisation, editor
):
    event = published(edition, organisation)
    first = site.get(event_url(event))
    assert first["X-Cache"] == "miss"
    etag = first["ETag"]
    assert site.get(event_url(event))["X-Cache"] == "hit"
    not_modified = site.get(event_url(event), headers={"If-None-Match": etag})
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert not_modified["ETag"] == etag
    assert client.get(event_url(event), headers={"If-None-Match": '"autre"'}).status_code == 200
    client.force_login(editor)  # signed-in visitors bypass the cache
    assert client.get(event_url(event), headers={"If-None-Match": etag}).status_code == 304


def test_the_etag_ignores_the_time_of_building(site, settings, edition, organisation):
    settings.SEMAINE_PAGE_GENERATION_TTL = 0  # the process reads at once that the cache was emptied
    event = published(edition, organisation)
    etag = site.get(event_url(event))["ETag"]
    cache.clear()
    rebuilt = site.get(event_url(event))
    assert rebuilt["X-Cache"] == "miss"
    assert rebuilt["ETag"] == etag


def test_an_edit_changes_the_etag(client, edition, organisation, editor, on_commit):
    event = published(edition, organisation)
    etag = client.get(event_url(event))["ETag"]
    on_commit(services.update_event, editor, event, fields={"title": "Nouveau titre"})
    response = client.get(event_url(event), headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert response["ETag"] != etag


def test_if_modified_since_the_last_change_is_answered_304(client, edition, organisation):
    event = published(edition, organisation)
    last_modified = client.get(event_url(event))["Last-Modified"]
    assert last_modified == http_date(event.updated_at.timestamp())
    response = client.get(event_url(event), headers={"If-Modified-Since": last_modified})
    assert response.status_code == 304
    earlier = http_date((event.updated_at - timedelta(hours=1)).timestamp())
    assert client.get(event_url(event), headers={"If-Modified-Since": earlier}).status_code == 200


def test_an_edit_that_takes_an_event_out_of_a_feed_moves_its_last_modified(
    client, edition, organisation, editor, on_commit
):
    data = Theme.objects.get(slug="data")
    stays = published(edition, organisation)
    leaves = published(edition, organisation)
    for event in (stays, leaves):
        event.themes.set([data])
    first = client.get(search_url(edition), {"theme": "data"})
    assert first["Last-Modified"]
    on_commit(services.update_event, editor, leaves,
              fields={"themes": [Theme.objects.get(slug="tourisme")]})
    history = leaves.history.first().created_at
    response = client.get(search_url(edition), {"theme": "data"})
    assert response["Last-Modified"] == http_date(history.timestamp())
    assert uids(Calendar.from_ical(response.content)) == [
        f"{stays.public_id}-{stays.slots.get().pk}@semaine"]


def test_feeds_are_read_only(client, edition, organisation):
    event = published(edition, organisation)
    assert client.post(event_url(event)).status_code == 405


# The search feed


def test_the_search_feed_holds_the_published_events_only(client, edition, organisation):
    shown = published(edition, organisation)
    factories.EventFactory(edition=edition, organisation=organisation)
    factories.EventFactory(edition=edition, organisation=organisation, state=EventState.SUBMITTED)
    published(factories.EditionFactory(), organisation)
    calendar = fetch(client, search_url(edition))
    assert uids(calendar) == [f"{shown.public_id}-{shown.slots.get().pk}@semaine"]


def test_the_search_feed_applies_the_filters_of_the_list(client, edition, organisation):
    data = published(edition, organisation, title="Open data")
    data.themes.set([Theme.objects.get(slug="data")])
    tourism = published(edition, organisation, title="Tourisme")
    tourism.themes.set([Theme.objects.get(slug="tourisme")])
    published(edition, organisation, title="Sans thème")
    calendar = fetch(client, search_url(edition), {"theme": "data"})
    assert [str(v["SUMMARY"]) for v in calendar.events] == ["Open data"]
    assert "data" in str(calendar["X-WR-CALNAME"]).lower()


def test_an_event_with_several_co_organisers_appears_once_in_an_organiser_search(
    client, edition, organisation, other_organisation
):
    event = published(edition, organisation)
    event.co_organisers.set([other_organisation, factories.OrganisationFactory()])
    calendar = fetch(client, search_url(edition), {"organisation": organisation.slug})
    assert uids(calendar) == [f"{event.public_id}-{event.slots.get().pk}@semaine"]


def test_unknown_filters_are_ignored(client, edition, organisation):
    published(edition, organisation)
    calendar = fetch(client, search_url(edition), {
        "theme": "inconnu", "day": "9", "from": "2025-13-45", "lat": "nan", "lon": "1",
        "sort": "hasard", "radius": "1e400",
    })
    assert len(calendar.events) == 1


def test_a_nul_character_in_the_query_string_is_not_an_error(client, edition, organisation):
    published(edition, organisation)
    response = client.get(search_url(edition) + "?q=%00atelier&theme=%00&near=%00")
    assert response.status_code == 200


def _in_date_order(edition, organisation, count):
    """Published events on successive days, returned from the earliest ("Jour 0")."""
    events = [published(edition, organisation, title=f"Jour {n}") for n in range(count)]
    for day, event in enumerate(events):
        start = datetime.combine(edition.starts_on + timedelta(days=day), datetime.min.time(), PARIS)
        event.slots.update(starts_at=start + timedelta(hours=9), ends_at=start + timedelta(hours=10))
        event.refresh_span()
    return events


def test_a_feed_larger_than_the_inline_limit_is_prepared_then_served_whole(client, edition, organisation,
                                                                         settings):
    settings.SEMAINE_FEED_INLINE_MAX_EVENTS = 2
    _in_date_order(edition, organisation, 3)
    first = client.get(search_url(edition))
    assert first.status_code == 503  # said plainly, never a partial calendar
    assert first["Retry-After"] == "30"
    calendar = fetch(client, search_url(edition))  # built meanwhile by the (immediate) worker
    assert [str(v["SUMMARY"]) for v in calendar.events] == ["Jour 0", "Jour 1", "Jour 2"]
    assert calendar.walk("VTIMEZONE")


def test_a_large_programme_or_organiser_feed_holds_every_event(client, edition, organisation, settings):
    settings.SEMAINE_FEED_INLINE_MAX_EVENTS = 2
    programme = factories.ProgrammeFactory(edition=edition, organisation=organisation)
    for event in _in_date_order(edition, organisation, 3):
        event.programme = programme
        event.save(update_fields=["programme"])
    for url in (reverse("opendata:programme_ics", kwargs={"edition": edition.slug, "slug": programme.slug}),
                reverse("opendata:organisation_ics", kwargs={"slug": organisation.slug})):
        assert client.get(url).status_code == 503  # being built by the worker
        assert [str(v["SUMMARY"]) for v in fetch(client, url).events] == ["Jour 0", "Jour 1", "Jour 2"]


def test_one_search_written_many_ways_is_one_feed_file(client, edition, organisation, settings):
    """Unknown parameters, their order and repeated values never make a new file to build."""
    settings.SEMAINE_FEED_INLINE_MAX_EVENTS = 2
    _in_date_order(edition, organisation, 3)
    assert client.get(search_url(edition) + "?sort=date&q=").status_code == 503
    for query in ("?q=&sort=date", "?sort=date&q=&sort=date", "?x=1&sort=date&q=", "?q=&utm=2&sort=date"):
        response = client.get(search_url(edition) + query)
        assert response.status_code == 200, query  # the file already built, not a new build
        assert response["X-Semaine-Built-At"]
    feeds = Path(settings.SEMAINE_OPENDATA_DIR) / "feeds"
    assert len(list(feeds.iterdir())) == 1


def test_a_large_feed_file_answers_304_to_its_etag(client, edition, organisation, settings):
    settings.SEMAINE_FEED_INLINE_MAX_EVENTS = 2
    _in_date_order(edition, organisation, 3)
    assert client.get(search_url(edition)).status_code == 503
    response = client.get(search_url(edition))
    assert response["X-Semaine-Built-At"]  # the worker's file
    etag = response["ETag"]
    assert client.get(search_url(edition), headers={"If-None-Match": etag}).status_code == 304


def test_a_large_feed_is_built_again_when_its_events_change(client, edition, organisation, settings,
                                                            editor, on_commit):
    settings.SEMAINE_FEED_INLINE_MAX_EVENTS = 2
    events = _in_date_order(edition, organisation, 3)
    assert client.get(search_url(edition)).status_code == 503
    fetch(client, search_url(edition))
    on_commit(services.update_event, editor, events[0], fields={"title": "Jour zéro"})
    client.get(search_url(edition))  # serves the previous file, queues the new build
    assert str(fetch(client, search_url(edition)).events[0]["SUMMARY"]) == "Jour zéro"


def test_the_search_feed_uses_the_same_number_of_queries_whatever_its_length(
    client, edition, organisation, venue
):
    def count_queries():
        cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(search_url(edition), {"theme": "data"}).status_code == 200
        return len(ctx.captured_queries)

    data = Theme.objects.get(slug="data")
    published(edition, organisation, venue=venue).themes.set([data])
    few = count_queries()
    for _ in range(15):
        event = published(edition, organisation, venue=venue, slots=2)
        event.themes.set([data])
    assert count_queries() == few


def test_an_empty_search_feed_is_still_a_valid_calendar(client, edition):
    calendar = fetch(client, search_url(edition), {"theme": "blockchain"})
    assert calendar.events == []
    assert [tz.tz_name for tz in calendar.timezones] == ["Europe/Paris"]


def test_an_unknown_edition_is_a_404(client):
    assert client.get(reverse("opendata:search_ics", kwargs={"edition": "inconnue"})).status_code == 404


# Programme and organisation feeds


def test_the_programme_feed_holds_its_published_events(client, edition, organisation):
    programme = factories.ProgrammeFactory(edition=edition, organisation=organisation)
    inside = published(edition, organisation, programme=programme)
    factories.EventFactory(edition=edition, organisation=organisation, programme=programme)
    published(edition, organisation)
    url = reverse("opendata:programme_ics", kwargs={"edition": edition.slug, "slug": programme.slug})
    calendar = fetch(client, url)
    assert uids(calendar) == [f"{inside.public_id}-{inside.slots.get().pk}@semaine"]
    assert programme.title in str(calendar["X-WR-CALNAME"])


def test_an_unknown_programme_or_one_of_another_edition_is_a_404(client, edition, organisation):
    programme = factories.ProgrammeFactory(edition=edition, organisation=organisation)
    other = factories.EditionFactory()
    for edition_slug, slug in ((edition.slug, "inconnu"), (other.slug, programme.slug),
                               ("inconnue", programme.slug)):
        url = reverse("opendata:programme_ics", kwargs={"edition": edition_slug, "slug": slug})
        assert client.get(url).status_code == 404


def test_the_organisation_feed_holds_its_events_of_every_edition_as_organiser_or_co_organiser(
    client, edition, organisation, other_organisation
):
    own = published(edition, organisation)
    earlier = published(factories.EditionFactory(starts_on=edition.starts_on - timedelta(days=365)),
                        organisation)
    shared = published(edition, other_organisation)
    shared.co_organisers.set([organisation, factories.OrganisationFactory()])
    published(edition, other_organisation)
    factories.EventFactory(edition=edition, organisation=organisation)
    url = reverse("opendata:organisation_ics", kwargs={"slug": organisation.slug})
    calendar = fetch(client, url)
    assert uids(calendar) == [
        f"{e.public_id}-{e.slots.get().pk}@semaine" for e in (earlier, own, shared)
    ]


def test_an_unknown_organisation_is_a_404(client):
    url = reverse("opendata:organisation_ics", kwargs={"slug": "inconnue"})
    assert client.get(url).status_code == 404


def test_a_cancelled_slot_is_cancelled_in_the_feed(client, edition, organisation, editor):
    event = factories.EventFactory(edition=edition, organisation=organisation, slots=2,
                                   state=EventState.PUBLISHED)
    first = event.slots.order_by("starts_at").first()
    services.cancel_slot(editor, first, "Salle indisponible")
    calendar = Calendar.from_ical(client.get(event_url(event)).content)
    statuses = sorted(str(component["STATUS"]) for component in calendar.walk("VEVENT"))
    assert statuses == ["CANCELLED", "CONFIRMED"]


# Every feed read by two independent parsers

WINTER_AND_SUMMER = pytest.mark.parametrize("starts_on", [date(2027, 11, 22), date(2027, 6, 14)],
                                            ids=["winter", "summer"])


@WINTER_AND_SUMMER
def test_every_feed_gives_two_parsers_the_instants_of_the_database(client, organisation, starts_on):
    edition = factories.EditionFactory(starts_on=starts_on, ends_on=starts_on + timedelta(days=6))
    programme = factories.ProgrammeFactory(edition=edition, organisation=organisation)
    event = published(edition, organisation, programme=programme, slots=2)
    urls = [
        event_url(event),
        search_url(edition),
        reverse("opendata:programme_ics", kwargs={"edition": edition.slug, "slug": programme.slug}),
        reverse("opendata:organisation_ics", kwargs={"slug": organisation.slug}),
    ]
    feeds = [client.get(url).content for url in urls]
    expected = calendars.slot_instants(event.slots.order_by("starts_at"))
    for reading in calendars.read_twice(*feeds):
        assert [(start, end) for _uid, start, end in reading.events] == expected
        assert [tzid for tzid, _standard, _daylight in reading.timezones] == ["Europe/Paris"]


def test_an_empty_feed_has_a_complete_vtimezone(client, edition):
    [reading] = calendars.read_twice(client.get(search_url(edition)).content)
    assert reading.events == []
    assert [tzid for tzid, _standard, _daylight in reading.timezones] == ["Europe/Paris"]
