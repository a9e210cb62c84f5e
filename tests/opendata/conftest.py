"""Fixtures of the open data tests: exports (published events, downloads read back)."""

import csv
import io

import pytest
from django.urls import reverse

from semaine.agenda.models import EventState
from semaine.opendata import publication
from tests import factories


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


@pytest.fixture(autouse=True)
def _site_address(settings):
    """Files built in the background name the site by ``SEMAINE_SITE_URL``: the test client's."""
    settings.SITE_URL = "http://testserver"


def build_files(edition) -> None:
    """What the worker does after a change: build the edition's open-data files."""
    publication.build_edition_files(edition)


@pytest.fixture
def download(client):
    """GET an export and return its bytes (the answer must be 200). The whole edition's files
    are built first, as the worker does after every change."""

    def get(edition, name: str, data=None, **headers) -> bytes:
        if not data:
            build_files(edition)
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
