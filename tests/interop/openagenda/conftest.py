"""Fixtures of the OpenAgenda tests: a 2017-like edition, a programme with three tracks and an
import into it."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from semaine.interop import openagenda
from tests import factories


@pytest.fixture(autouse=True)
def _site_address(settings):
    """Exports name the site by ``SEMAINE_SITE_URL``: the test client's."""
    settings.SITE_URL = "http://testserver"


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
