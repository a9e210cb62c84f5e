"""How the exports are served: the whole edition's files from disk (built by the worker), with
conditional requests; filtered selections streamed in chunks, a fixed number of queries per
chunk; the agenda's filters and bad input."""

import json
from collections.abc import Iterator

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from semaine.agenda import search, services
from semaine.agenda.models import Format, Theme
from semaine.opendata import exports
from semaine.territory.models import Departement
from tests import factories

from .conftest import body, build_files, export_url

pytestmark = pytest.mark.django_db
EXPORTS = ("csv", "jsonld", "geojson")
IN_44 = {"departement": "44"}


@pytest.fixture
def small_chunks(monkeypatch):
    """Two events per chunk, so that a handful of events spans several chunks."""
    monkeypatch.setattr(exports, "CHUNK_SIZE", 2)
    return 2


@pytest.mark.parametrize("name", EXPORTS)
def test_a_filtered_export_is_streamed_and_reads_the_events_while_it_is_sent(
    client, edition, publish, venue, name
):
    publish(venue=venue)
    response = client.get(export_url(edition, name), IN_44)
    assert response.streaming
    assert isinstance(response.streaming_content, Iterator)
    with CaptureQueriesContext(connection) as reading:
        content = b"".join(response.streaming_content)
    assert any('"agenda_slot"' in query["sql"] for query in reading.captured_queries)
    assert content


def test_chunks_keep_every_event_once_and_in_date_order(csv_rows, edition, publish, small_chunks):
    events = [publish() for _ in range(5)]
    rows = csv_rows(edition)
    assert [row["identifiant_evenement"] for row in rows] == [str(event.public_id) for event in events]


def _download_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        body(client.get(url))
    return len(context.captured_queries)


@pytest.mark.parametrize("name", EXPORTS)
def test_each_chunk_takes_the_same_number_of_queries(
    client, edition, publish, venue, small_chunks, django_assert_num_queries, name
):
    url = export_url(edition, name) + "?departement=44"
    for _ in range(2):
        publish(venue=venue, slots=2)
    body(client.get(url))  # fills the shared caches (reference lists, content generation)
    one_chunk = _download_queries(client, url)
    for _ in range(4):
        event = publish(venue=venue, slots=3)
        event.themes.set(Theme.objects.all()[:3])
        event.co_organisers.set([factories.OrganisationFactory()])
    with django_assert_num_queries(one_chunk + 2 * exports.QUERIES_PER_CHUNK):
        body(client.get(url))


@pytest.mark.parametrize("name", EXPORTS)
def test_a_matching_etag_is_answered_304(client, edition, publish, venue, name):
    publish(venue=venue)
    build_files(edition)
    url = export_url(edition, name)
    etag = client.get(url)["ETag"]
    not_modified = client.get(url, headers={"If-None-Match": etag})
    assert not_modified.status_code == 304
    assert body(not_modified) == b""


def test_a_304_reads_no_event(client, edition, publish):
    publish()
    build_files(edition)
    url = export_url(edition, "csv")
    etag = client.get(url)["ETag"]
    with CaptureQueriesContext(connection) as context:
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert not [query for query in context.captured_queries if '"agenda_event"' in query["sql"]]


def test_if_modified_since_the_last_change_is_answered_304(client, edition, publish):
    publish()
    build_files(edition)
    url = export_url(edition, "csv")
    last_modified = client.get(url)["Last-Modified"]
    assert client.get(url, headers={"If-Modified-Since": last_modified}).status_code == 304


def test_an_edit_changes_the_etag(client, edition, publish, editor, on_commit):
    event = publish()
    build_files(edition)
    url = export_url(edition, "csv")
    before = client.get(url)["ETag"]
    on_commit(services.update_event, editor, event, fields={"title": "Atelier renommé"})
    response = client.get(url, headers={"If-None-Match": before})
    assert response.status_code == 200
    assert response["ETag"] != before
    assert "Atelier renommé" in body(response).decode()


def test_a_filtered_export_has_its_own_etag(client, edition, publish):
    publish()
    build_files(edition)
    url = export_url(edition, "csv")
    assert client.get(url)["ETag"] != client.get(url, {"departement": "44"})["ETag"]


def test_the_agenda_filters_select_the_exported_events(csv_rows, edition, publish, venue):
    in_nantes = publish(venue=venue, formats=[Format.objects.get(slug="hackathon")])
    publish(venue=factories.VenueFactory(departement=Departement.objects.get(code="14"), commune="Caen"))
    publish(venue=venue)
    assert {row["identifiant_evenement"] for row in csv_rows(edition, {"departement": "44",
                                                                       "format": "hackathon"})} == {
        str(in_nantes.public_id)}


def test_a_text_search_exports_every_match_by_date(csv_rows, edition, publish):
    later = publish(title="Hackathon des données", slots=2)
    earlier = publish(title="Atelier données ouvertes")
    earlier.slots.update(starts_at=later.first_starts_at.replace(year=later.first_starts_at.year - 1),
                         ends_at=later.first_starts_at.replace(year=later.first_starts_at.year - 1,
                                                               hour=later.first_starts_at.hour + 1))
    earlier.refresh_span()
    search.refresh_search_vector([later.pk, earlier.pk])
    rows = csv_rows(edition, {"q": "données", "sort": "relevance"})
    assert [row["identifiant_evenement"] for row in rows] == [str(earlier.public_id)] + [
        str(later.public_id)] * 2


@pytest.mark.parametrize("params", [
    {"theme": "inconnu"}, {"departement": "ZZ"}, {"from": "pas-une-date", "to": "2017-13-45"},
    {"lat": "abc", "lon": "1"}, {"lat": "95", "lon": "500"}, {"day": "9"}, {"access": "volant"},
    {"near": "Atlantide"}, {"sort": "distance"}, {"programme": "x" * 500}, {"q": "\x00"},
    {"attendance": "partout"}, {"track": "sans-programme"},
])
@pytest.mark.parametrize("name", EXPORTS)
def test_unknown_or_malformed_filters_are_ignored(client, edition, publish, venue, params, name):
    publish(venue=venue)
    build_files(edition)
    plain = body(client.get(export_url(edition, name)))
    response = client.get(export_url(edition, name), params)
    assert response.status_code == 200
    if name == "jsonld":  # the document's @id is its own address, query string included
        assert json.loads(body(response))["@graph"] == json.loads(plain)["@graph"]
    else:
        assert body(response) == plain


def test_a_head_request_has_the_validators_and_no_body(client, edition, publish):
    publish()
    build_files(edition)
    response = client.head(export_url(edition, "csv"))
    assert response.status_code == 200
    assert response["ETag"] and response["Last-Modified"]
    assert body(response) == b""


@pytest.mark.parametrize("name", EXPORTS)
def test_exports_are_read_only(client, edition, name):
    assert client.post(export_url(edition, name)).status_code == 405


@pytest.mark.parametrize("name", [*EXPORTS, "schema", "datapackage", "edition"])
def test_an_unknown_edition_is_a_404(client, db, name):
    assert client.get(export_url(factories.EditionFactory.build(slug="inconnue"), name)).status_code == 404
