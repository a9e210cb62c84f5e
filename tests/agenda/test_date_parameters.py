"""Every page that reads a date from its address answers with the page and a French notice,
never a 500, whatever the date: extreme, impossible, malformed or in another script."""

from datetime import date

import pytest
from django.http import QueryDict
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from semaine.agenda import search
from tests import factories

pytestmark = pytest.mark.django_db

#: Values of a date parameter that no page may choke on (none of them is an accepted day).
BAD_DAYS = [
    "0001-01-01", "9999-12-31", "10000-01-01", "1999-12-31", "2101-01-01", "2017-02-30",
    "0000-00-00", "-1", "0", "99999999999999999999", "1e400", "２０１７-11-20", "٢٠١٧-١١-٢٠",
    "2017-11-20T10:00:00+14:00", "2017-11-20 10:00", "1511136000", "2017-11-20\x00x", "x" * 300,
]
#: (URL name, the parameters that take a day) of the agenda's pages.
PAGES = [
    ("agenda:list", ("from", "to")),
    ("agenda:calendar", ("from", "to")),
    ("agenda:map", ("from", "to")),
]
NOTICE = "n’accepte pas la valeur"


@pytest.fixture
def published(edition, organisation, venue):
    return factories.published_event(edition, organisation, venue=venue)


@pytest.mark.parametrize("value", BAD_DAYS)
@pytest.mark.parametrize(("name", "params"), PAGES)
def test_a_bad_day_on_a_page_is_a_french_notice_not_an_error(client, edition, published, name,
                                                             params, value):
    url = reverse(name, kwargs={"edition": edition.slug})
    for param in params:
        response = client.get(url, {param: value})
        assert response.status_code == 200, (param, value)
        assert NOTICE in response.text, (param, value)
        assert "01/01/2000" in response.text and "31/12/2100" in response.text


@pytest.mark.parametrize("value", BAD_DAYS)
def test_a_bad_day_on_the_map_data_is_ignored(client, edition, published, value):
    url = reverse("agenda:geojson", kwargs={"edition": edition.slug})
    for param in ("from", "to"):
        response = client.get(url, {param: value})
        assert response.status_code == 200, (param, value)
        assert len(response.json()["features"]) == 1


@pytest.mark.parametrize("value", BAD_DAYS + ["2017-11-20"])
def test_a_day_outside_the_edition_on_the_calendar_shows_the_whole_edition_with_a_notice(
    client, edition, published, value
):
    response = client.get(reverse("agenda:calendar", kwargs={"edition": edition.slug}),
                          {"jour": value})
    assert response.status_code == 200
    assert "n’est pas un jour de l’édition" in response.text
    assert response.context["grid"].focus is None


@settings(max_examples=150, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=st.dates(), last=st.dates(), weekday=st.integers(1, 7))
@example(first=date(2000, 1, 1), last=date(2100, 12, 31), weekday=1)
@example(first=date(1, 1, 1), last=date(9999, 12, 31), weekday=7)
def test_any_day_of_the_calendar_is_either_searched_or_dropped_with_a_notice(edition, first, last,
                                                                             weekday):
    """Every date Python can hold, in any pair: a day in range (its edges included) is searched
    (the query runs), any other is dropped with a notice."""
    params = QueryDict(mutable=True)
    params.update({"from": first.isoformat(), "to": last.isoformat(), "day": str(weekday)})
    filters = search.parse_filters(params, edition=edition)
    for day, param in ((first, "from"), (last, "to")):
        accepted = date(2000, 1, 1) <= day <= date(2100, 12, 31)
        assert accepted == (day in (filters.date_from, filters.date_to)), day
        if not accepted:
            assert "31/12/2100" in dict(filters.invalid)[param]
    list(search.search_events(edition, filters)[:1])
