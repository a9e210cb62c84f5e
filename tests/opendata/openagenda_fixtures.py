"""Shared data of the OpenAgenda tests: a 2017-like edition, a programme with three tracks and
the sample export of a Loire-Atlantique-like agenda."""

import copy
import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from semaine.agenda.models import PARIS
from semaine.opendata import openagenda
from tests import factories

DATA = Path(__file__).resolve().parent / "data"
SAMPLE = DATA / "openagenda-loire-atlantique.json"


def sample() -> dict:
    return json.loads(SAMPLE.read_text(encoding="utf-8"))


def event_of(document: dict, uid: int) -> dict:
    return next(e for e in document["events"] if e["uid"] == uid)


def one_event(**changes) -> dict:
    """The sample's first event (a visit in Nantes), changed as given, alone in a document."""
    raw = copy.deepcopy(sample()["events"][0])
    raw.update(changes)
    return {"agenda": {"uid": 51824379}, "events": [raw]}


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


def by_outcome(lines) -> dict:
    result = {}
    for line in lines:
        result.setdefault(line.outcome, []).append(line)
    return result


def paris(*args) -> datetime:
    return datetime(*args, tzinfo=PARIS)
