"""Every feed and export that reads a date answers without a 500, whatever the date: the files
ignore a bad day, as any bad filter."""

import pytest
from django.urls import reverse

from tests import factories
from tests.agenda.test_date_parameters import BAD_DAYS

from .conftest import body, build_files, export_url

pytestmark = pytest.mark.django_db

FILES = ["csv", "jsonld", "geojson"]


@pytest.fixture
def published(edition, organisation, venue):
    return factories.published_event(edition, organisation, venue=venue)


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
