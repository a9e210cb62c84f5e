"""Every feed, export and API endpoint that reads a date answers without a 500, whatever the
date: the files ignore a bad day (as any bad filter), the API refuses it with a problem naming
the parameter; a slot written through the API in year 9999 or year 1 is refused, named."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse

from semaine.agenda.models import PARIS, Event
from tests.agenda.test_date_parameters import BAD_DAYS

from .conftest import body, build_files, export_url
from .conftest import published_event as publish
from .openagenda_data import one_event
from .test_api_bad_input import assert_problem, fields
from .test_api_write import new_event

pytestmark = pytest.mark.django_db

#: Values of a moment parameter (with its offset) that no endpoint may choke on.
BAD_MOMENTS = [
    "0001-01-01T00:00:00+01:00", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00",
    "10000-01-01T00:00:00Z", "1999-12-31T12:00:00Z", "2017-02-30T10:00:00Z", "-1", "0",
    "99999999999999999999", "253402300800", "1e400", "２０１７-11-20T10:00:00Z", "x" * 300,
]
FILES = ["csv", "jsonld", "geojson"]


@pytest.fixture
def published(edition, organisation, venue):
    return publish(edition, organisation, venue=venue)


@pytest.mark.parametrize("value", BAD_DAYS)
@pytest.mark.parametrize("name", FILES)
def test_a_bad_day_in_an_export_is_ignored(client, edition, published, name, value):
    build_files(edition)  # the whole edition's file, as the worker builds it
    plain = body(client.get(export_url(edition, name)))
    for param in ("from", "to"):
        response = client.get(export_url(edition, name), {param: value})
        assert response.status_code == 200, (param, value)
        if name != "jsonld":  # the JSON-LD document's @id is its own address
            assert body(response) == plain


@pytest.mark.parametrize("value", BAD_DAYS)
def test_a_bad_day_in_the_search_feed_is_ignored(client, edition, published, value):
    url = reverse("opendata:search_ics", kwargs={"edition": edition.slug})
    for param in ("from", "to"):
        response = client.get(url, {param: value})
        assert response.status_code == 200, (param, value)
        assert response.content.count(b"BEGIN:VEVENT") == 1


@pytest.mark.parametrize("value", BAD_DAYS)
@pytest.mark.parametrize("path", ["/editions/{edition}/events", "/editions/{edition}/slots"])
def test_a_bad_day_in_the_api_is_a_400_naming_the_parameter(api, edition, published, path, value):
    for param in ("from", "to"):
        response = api.get(path.format(edition=edition.slug), {param: value})
        problem = assert_problem(response, 400)
        assert param in fields(problem), (param, value)


@pytest.mark.parametrize("path", ["/editions/{edition}/events", "/editions/{edition}/slots"])
def test_a_day_out_of_range_in_the_api_says_which_days_are_accepted(api, edition, published, path):
    problem = assert_problem(api.get(path.format(edition=edition.slug), {"from": "0001-01-01"}), 400)
    assert any("31/12/2100" in error["detail"] for error in problem["errors"])


@pytest.mark.parametrize("value", BAD_MOMENTS)
@pytest.mark.parametrize(("path", "param"), [
    ("/editions/{edition}/events", "updated_since"),
    ("/editions/{edition}/events/removed", "since"),
])
def test_a_bad_moment_in_the_api_is_a_400_naming_the_parameter(api, edition, published, path,
                                                                param, value):
    response = api.get(path.format(edition=edition.slug), {param: value})
    assert param in fields(assert_problem(response, 400)), value


@pytest.mark.parametrize(("starts_at", "ends_at"), [
    ("9999-12-31T09:00:00+01:00", "9999-12-31T10:00:00+01:00"),
    ("0001-01-01T09:00:00+01:00", "0001-01-01T10:00:00+01:00"),
    ("0001-01-01T00:00:00+14:00", "0001-01-01T10:00:00+14:00"),
    ("9999-12-31T22:00:00-12:00", "9999-12-31T23:00:00-12:00"),
])
def test_creating_an_event_with_a_slot_out_of_range_is_a_422_naming_the_field(
    api, token, edition, starts_at, ends_at
):
    event = new_event(edition, slots=[{"starts_at": starts_at, "ends_at": ends_at}])
    problem = assert_problem(api.post("/organiser/events", event, token=token), 422)
    assert "slots.0.starts_at" in fields(problem)
    assert not Event.objects.exists()


def test_creating_an_event_with_a_slot_far_from_the_edition_is_a_422_naming_the_field(
    api, token, edition
):
    late = datetime.combine(edition.ends_on + timedelta(days=200), datetime.min.time(), PARIS)
    slot = {"starts_at": late.isoformat(), "ends_at": (late + timedelta(hours=2)).isoformat()}
    problem = assert_problem(api.post("/organiser/events", new_event(edition, slots=[slot]),
                                      token=token), 422)
    assert "slots.0.ends_at" in fields(problem)
    assert "trois mois après l’édition" in problem["detail"]


@pytest.mark.parametrize(("starts_at", "ends_at", "field"), [
    ("9999-12-31T09:00:00+01:00", "9999-12-31T10:00:00+01:00", "starts_at"),
    ("0001-01-01T09:00:00+01:00", "0001-01-01T10:00:00+01:00", "starts_at"),
    (None, "9999-12-31T23:00:00-12:00", "ends_at"),
    (None, "+62", "ends_at"),
])
def test_adding_a_slot_out_of_range_is_a_422_naming_the_field(api, token, edition, starts_at,
                                                                ends_at, field):
    created = api.post("/organiser/events", new_event(edition), token=token).json()
    start = datetime.combine(edition.starts_on, datetime.min.time(), PARIS)
    if ends_at == "+62":
        ends_at = (start + timedelta(days=63)).isoformat()
    slot = {"starts_at": starts_at or start.isoformat(), "ends_at": ends_at}
    response = api.post(f"/organiser/events/{created['id']}/slots", slot, token=token)
    assert field in fields(assert_problem(response, 422))
    assert Event.objects.get().slots.count() == 1


@pytest.mark.parametrize(("timing", "reason"), [
    ({"begin": "9999-12-31T09:00:00+01:00", "end": "9999-12-31T10:00:00+01:00"}, "31/12/2100"),
    ({"begin": "2017-11-21T09:00:00+01:00", "end": "9999-12-31T10:00:00+01:00"}, "31/12/2100"),
    ({"begin": "2017-11-21T09:00:00+01:00", "end": "2018-11-21T10:00:00+01:00"}, "62 jours"),
    ({"begin": "2018-06-01T09:00:00+02:00", "end": "2018-06-01T10:00:00+02:00"}, "trois mois après"),
    ({"begin": "0001-01-01T00:00:00+05:00", "end": "0001-01-01T10:00:00+05:00"}, "Horaire illisible"),
    ({"begin": "9999-12-31T22:00:00-05:00", "end": "9999-12-31T23:00:00-05:00"}, "Horaire illisible"),
])
def test_an_imported_event_with_a_timing_out_of_range_is_skipped_with_the_reason(
    run_import, timing, reason
):
    within = {"begin": "2017-11-21T14:00:00+01:00", "end": "2017-11-21T16:00:00+01:00"}
    [line] = run_import(one_event(timings=[within, timing]))
    assert line.outcome == "skipped" and reason in line.message, line
    assert not Event.objects.exists()
