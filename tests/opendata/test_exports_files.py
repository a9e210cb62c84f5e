"""The whole edition's open-data files are built by the worker and served from disk: never
computed in a request, rebuilt once per burst of changes, a failed build shown and tried again;
filtered selections are bounded."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tasks import default_task_backend

from semaine.agenda import services
from semaine.agenda.models import Event
from semaine.core import cache as page_cache
from semaine.core import scheduler
from semaine.opendata import tasks

from .conftest import body, build_files, export_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(settings):
    """Tasks are queued, not run: what a web process does while the worker is elsewhere."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    return default_task_backend.results


@pytest.mark.parametrize("name", ["csv", "jsonld", "geojson", "datapackage"])
def test_the_whole_export_is_never_computed_in_the_request(client, edition, publish, venue, queued, name):
    publish(venue=venue)
    with CaptureQueriesContext(connection) as request_queries:
        response = client.get(export_url(edition, name))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Le fichier est en cours de préparation" in response.content.decode()
    # the builder reads the slots of each chunk of events: no such read here
    assert not [query for query in request_queries.captured_queries
                if 'FROM "agenda_slot"' in query["sql"]]
    assert [result.task.name for result in queued] == ["build_open_data_files"]


def test_the_file_built_by_the_worker_is_served_with_its_etag(client, edition, publish, queued):
    event = publish(title="Atelier des données")
    client.get(export_url(edition, "csv"))
    queued[0].task.call()  # the worker runs the queued build
    response = client.get(export_url(edition, "csv"))
    assert response.status_code == 200
    assert str(event.public_id) in body(response).decode()
    assert response["ETag"].strip('"') and response["X-Semaine-Built-At"]
    assert client.get(export_url(edition, "csv"),
                      headers={"If-None-Match": response["ETag"]}).status_code == 304


def test_a_burst_of_changes_queues_one_build(edition, publish, editor, on_commit, queued):
    event = publish()
    for title in ("Premier titre", "Deuxième titre", "Troisième titre"):
        on_commit(services.update_event, editor, event, fields={"title": title})
    assert [result.task.name for result in queued] == ["build_open_data_files"]


def test_a_change_made_during_a_build_queues_the_next_one(edition, publish, queued):
    publish()
    page_cache._bump()
    queued[0].task.call()  # starts: the next change must queue another build
    page_cache._bump()
    assert len(queued) == 2


def test_while_a_newer_programme_is_built_the_previous_file_is_served_and_says_so(
    client, edition, publish, queued
):
    publish(title="Avant")
    build_files(edition)
    publish(title="Après")
    response = client.get(export_url(edition, "csv"))
    assert response.status_code == 200
    assert response["X-Semaine-Rebuilding"] == "1"
    assert "Après" not in body(response).decode()
    assert [result.task.name for result in queued] == ["build_open_data_files"]


def test_a_byte_range_of_a_file_is_served(client, edition, publish):
    publish()
    build_files(edition)
    whole = body(client.get(export_url(edition, "csv")))
    response = client.get(export_url(edition, "csv"), headers={"Range": "bytes=5-14"})
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 5-14/{len(whole)}"
    assert body(response) == whole[5:15]
    beyond = client.get(export_url(edition, "csv"), headers={"Range": f"bytes={len(whole)}-"})
    assert beyond.status_code == 416


def test_a_failed_build_shows_on_the_open_data_page_and_is_tried_again(client, edition, publish):
    event = publish()
    Event.objects.filter(pk=event.pk).update(status="inconnu")  # no export code for it
    result = tasks.build_open_data_files.enqueue()
    assert result.status == "FAILED"
    page = client.get(export_url(edition, "edition")).content.decode()
    assert "La dernière fabrication des fichiers a échoué le" in page
    assert client.get(export_url(edition, "csv")).status_code == 503

    Event.objects.filter(pk=event.pk).update(status=event.status)
    scheduler.tick(now=10**9)  # the periodic job queues the build again
    page = client.get(export_url(edition, "edition")).content.decode()
    assert "Fichiers de l’édition fabriqués le" in page
    assert "a échoué" not in page
    assert client.get(export_url(edition, "csv")).status_code == 200


def test_a_filtered_selection_larger_than_the_limit_is_refused_not_cut(client, edition, publish, venue,
                                                                      settings):
    settings.SEMAINE_EXPORT_MAX_FILTERED_EVENTS = 2
    for _ in range(3):
        publish(venue=venue)
    response = client.get(export_url(edition, "csv"), {"departement": "44"})
    assert response.status_code == 400
    assert "Cette sélection compte 3 événements : une sélection filtrée en compte au plus 2." in (
        response.content.decode())
    settings.SEMAINE_EXPORT_MAX_FILTERED_EVENTS = 3
    assert client.get(export_url(edition, "csv"), {"departement": "44"}).status_code == 200
