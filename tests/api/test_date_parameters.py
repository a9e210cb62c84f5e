"""Every API endpoint that reads a date refuses a bad one with a problem naming the parameter; a
slot written through the API in year 9999 or year 1 is refused, named."""

from datetime import datetime, timedelta

import pytest

from semaine.agenda.models import PARIS, Event
from tests import factories
from tests.agenda.test_date_parameters import BAD_DAYS

from .test_bad_input import assert_problem, fields
from .test_write import new_event

pytestmark = pytest.mark.django_db

#: Values of a moment parameter (with its offset) that no endpoint may choke on.
BAD_MOMENTS = [
    "0001-01-01T00:00:00+01:00", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00",
    "10000-01-01T00:00:00Z", "1999-12-31T12:00:00Z", "2017-02-30T10:00:00Z", "-1", "0",
    "99999999999999999999", "253402300800", "1e400", "２０１７-11-20T10:00:00Z", "x" * 300,
]


@pytest.fixture
def published(edition, organisation, venue):
    return factories.published_event(edition, organisation, venue=venue)


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
