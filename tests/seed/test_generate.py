import pytest
from django.db.models import Count, Max, Min

from semaine.agenda.models import Edition, Event
from semaine.agenda.search import refresh_facets
from semaine.seed.generate import generate_edition
from semaine.territory.models import Departement

pytestmark = pytest.mark.django_db


def test_generate_builds_events_with_slots_across_every_departement():
    result = generate_edition(events=400, edition_slug="bench", seed=7)
    edition = Edition.objects.get(slug="bench")
    events = Event.objects.filter(edition=edition)
    assert result["events"] == events.count() == 400
    assert not events.annotate(n=Count("slots")).filter(n=0).exists()
    covered = set(events.values_list("organisation__departement__code", flat=True))
    assert set(Departement.objects.values_list("code", flat=True)) <= covered | {None}
    assert Departement.objects.exclude(organisations__events__edition=edition).count() == 0
    # the denormalised span matches the slots
    sample = events.annotate(first=Min("slots__starts_at"), last=Max("slots__ends_at"))[:50]
    assert all(e.first_starts_at == e.first and e.last_ends_at == e.last for e in sample)


def test_generate_is_deterministic_for_a_seed():
    generate_edition(events=50, edition_slug="a", seed=3)
    generate_edition(events=50, edition_slug="b", seed=3)
    titles = [list(Event.objects.filter(edition__slug=s).order_by("pk").values_list("title", flat=True))
              for s in ("a", "b")]
    assert titles[0] == titles[1]


def test_generated_facets_are_those_the_database_would_compute():
    generate_edition(events=300, edition_slug="facets", seed=11)
    events = Event.objects.filter(edition__slug="facets").order_by("pk")
    written = dict(events.values_list("pk", "facets"))
    assert all(written.values())
    refresh_facets(edition_id=Edition.objects.get(slug="facets").pk)
    assert dict(events.values_list("pk", "facets")) == written
