"""Fixtures of the open data tests: exports (published events, downloads read back) and
OpenAgenda imports (a 2017-like edition and a programme with three tracks)."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from semaine.agenda.models import EventState
from semaine.opendata import openagenda
from tests import factories


@pytest.fixture
def edition_2017(db):
    return factories.EditionFactory(
        slug="2017", starts_on=date(2017, 11, 20), ends_on=date(2017, 11, 26),
        submission_deadline=timezone.now() + timedelta(days=10), is_current=True,
    )


@pytest.fixture
def programme(edition_2017, organisation):
    programme = factories.ProgrammeFactory(
        edition=edition_2017, organisation=organisation,
        title="Semaine de l'innovation publique en Loire-Atlantique", slug="loire-atlantique",
    )
    for position, name in enumerate(("Découvrir", "Partager", "Comprendre")):
        factories.TrackFactory(programme=programme, name=name, position=position)
    return programme


@pytest.fixture
def run_import(editor, programme):
    def run(document, **options):
        return openagenda.import_document(editor, options.pop("programme", programme),
                                          openagenda.check_document(document), **options)

    return run


@pytest.fixture
def coordinator_2017(edition_2017):
    return factories.CoordinationFactory(edition=edition_2017).user


@pytest.fixture
def publish(edition, organisation):
    """A published event of the edition (keyword arguments go to the factory)."""

    def make(**kwargs):
        kwargs.setdefault("edition", edition)
        kwargs.setdefault("organisation", organisation)
        return factories.EventFactory(state=EventState.PUBLISHED, **kwargs)

    return make


def export_url(edition, name: str) -> str:
    return reverse(f"opendata:{name}", kwargs={"edition": edition.slug})


def body(response) -> bytes:
    """The content of a response, streamed or not."""
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def download(client):
    """GET an export and return its bytes (the answer must be 200)."""

    def get(edition, name: str, data=None, **headers) -> bytes:
        response = client.get(export_url(edition, name), data, headers=headers)
        assert response.status_code == 200, response.status_code
        return body(response)

    return get


@pytest.fixture
def csv_rows(download):
    """The CSV export read back by Python's csv module, as dicts."""

    def get(edition, data=None) -> list[dict]:
        text = download(edition, "csv", data).decode("utf-8")
        return list(csv.DictReader(io.StringIO(text, newline="")))

    return get


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run the services' after-commit work (the cache generation) as production does."""

    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run
