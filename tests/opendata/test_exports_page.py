"""The « Données ouvertes » page of an edition and the data package that describes the files."""

import json

import pytest
from django.urls import reverse
from django.utils import translation

from semaine.agenda.models import EventState
from tests import factories

from .conftest import body, build_files, export_url

pytestmark = pytest.mark.django_db
LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"


def test_the_page_lists_every_dataset_with_its_licence_and_the_size_of_the_programme(
    client, edition, publish, venue
):
    publish(slots=2, venue=venue)
    publish()
    factories.EventFactory(edition=edition, state=EventState.DRAFT)
    page = client.get(export_url(edition, "edition")).content.decode()
    for name in ("csv", "schema", "datapackage", "jsonld", "geojson", "search_ics"):
        assert f'href="{export_url(edition, name)}"' in page, name
    assert 'href="/api/docs"' in page
    assert f'href="{LICENCE_URL}"' in page and "Licence Ouverte 2.0" in page
    assert "2 événements publiés" in page and "3 créneaux" in page
    assert "3 lignes" in page and "2 points" in page  # the GeoJSON: the located slots only


def test_the_page_lists_the_calendar_of_each_programme_with_published_events(client, edition, publish):
    programme = factories.ProgrammeFactory(edition=edition, title="Semaine en Loire-Atlantique")
    empty = factories.ProgrammeFactory(edition=edition, title="Programme sans événement")
    publish(programme=programme)
    page = client.get(export_url(edition, "edition")).content.decode()
    feed = reverse("opendata:programme_ics", kwargs={"edition": edition.slug, "slug": programme.slug})
    assert f'href="{feed}"' in page and empty.title not in page


def test_the_page_shows_every_column_of_the_csv(client, edition):
    from semaine.opendata.exports import COLUMNS

    page = client.get(export_url(edition, "edition")).content.decode()
    assert all(f"<code>{column}</code>" in page for column in COLUMNS)


def test_the_page_speaks_english_to_an_english_visitor(client, edition):
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        page = client.get(export_url(edition, "edition")).content.decode()
    assert "<h1>Open data</h1>" in page
    assert "Events (CSV)" in page


def test_the_footer_leads_to_the_open_data_of_the_current_edition(client, edition):
    home = client.get("/").content.decode()
    assert f'href="{reverse("opendata:current")}"' in home
    response = client.get(reverse("opendata:current"))
    assert response.status_code == 302 and response["Location"] == export_url(edition, "edition")


def test_the_edition_home_links_to_its_open_data(client, edition):
    page = client.get(edition.get_absolute_url()).content.decode()
    assert f'href="{export_url(edition, "edition")}"' in page


def test_the_page_takes_the_same_number_of_queries_whatever_the_number_of_events(
    client, edition, publish, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    publish()
    client.get(export_url(edition, "edition"))
    with CaptureQueriesContext(connection) as few:
        client.get(export_url(edition, "edition"))
    for _ in range(5):
        publish(programme=factories.ProgrammeFactory(edition=edition), slots=2)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(export_url(edition, "edition"))


def test_the_data_package_names_its_licence_and_its_files(client, edition, publish):
    publish()
    build_files(edition)
    package = json.loads(body(client.get(export_url(edition, "datapackage"))))
    assert package["licenses"] == [{"name": "etalab-2.0", "path": LICENCE_URL,
                                    "title": "Licence Ouverte / Open Licence version 2.0"}]
    assert package["name"] == f"semaine-innovation-publique-{edition.slug}"
    assert package["last_modified"]
    resources = {resource["name"]: resource for resource in package["resources"]}
    assert resources["evenements"]["schema"] == "schema.json"
    base = export_url(edition, "edition")
    for resource in resources.values():
        assert client.get(base + resource["path"]).status_code == 200, resource["path"]
    assert client.get(base + resources["evenements"]["schema"]).status_code == 200


def test_the_data_package_is_answered_304_when_unchanged(client, edition, publish):
    publish()
    build_files(edition)
    url = export_url(edition, "datapackage")
    etag = client.get(url)["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304


def test_the_schema_is_cached_for_visitors_and_the_built_files_are_read_from_disk(site, edition,
                                                                                 publish):
    publish()
    build_files(edition)
    url = export_url(edition, "schema")
    assert site.get(url)["X-Cache"] == "miss"
    assert site.get(url)["X-Cache"] == "hit"
    for name in ("datapackage", "csv"):
        assert "X-Cache" not in site.get(export_url(edition, name))  # files: never stored


def test_the_page_the_data_package_and_the_csv_share_one_count_of_the_edition(client, edition,
                                                                              publish):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def counts(url):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
        return sum("COUNT(DISTINCT" in q["sql"].upper() for q in queries.captured_queries)

    publish()
    build_files(edition)
    assert counts(export_url(edition, "edition")) == 1
    assert counts(export_url(edition, "datapackage")) == 0
    assert counts(export_url(edition, "csv")) == 0
    assert counts(export_url(edition, "geojson")) == 0  # a file too
