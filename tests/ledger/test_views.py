"""The register's pages say which time zone their times are in."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from semaine.agenda.models import EventState
from semaine.ledger import services as ledger
from semaine.ledger.models import Block, Entry
from tests import factories

pytestmark = pytest.mark.django_db

SEALED = datetime(2026, 7, 1, 7, 30, 5, tzinfo=UTC)  # 9 h 30 in Paris (summer time)


@pytest.fixture
def sealed(edition, organisation):
    factories.EventFactory(edition=edition, organisation=organisation, state=EventState.PUBLISHED)
    ledger.backfill()
    ledger.seal()
    Entry.objects.update(recorded_at=SEALED)
    Block.objects.update(sealed_at=SEALED)


@pytest.mark.parametrize("page", ["register", "block", "entry"])
def test_the_register_shows_paris_time_and_says_so(client, sealed, page):
    url = {"register": reverse("ledger:register"),
           "block": reverse("ledger:block", kwargs={"number": 1}),
           "entry": reverse("ledger:entry", kwargs={"index": 0})}[page]
    with timezone.override("UTC"):  # whatever zone is active, the page speaks of Paris
        html = client.get(url).text
    assert "1er juillet 2026 09:30" in html
    assert "heure de Paris" in html
    assert '<time datetime="2026-07-01T09:30:05+02:00">' in html
