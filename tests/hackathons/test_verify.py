"""``semaine hackathon verify URL`` against a live node: the ranking recomputed from the published
sheets, each record found in the signed log; a sheet changed after publication is caught."""

import pytest
from django.db import transaction
from django.urls import reverse

from semaine import cli
from semaine.hackathons import verify
from semaine.hackathons.models import Score
from semaine.ledger import services as ledger_services
from tests import factories


@pytest.fixture
def published(live_server, migrated_reference_data):
    edition = factories.EditionFactory(is_current=True)
    membership = factories.MembershipFactory(organisation=factories.OrganisationFactory())
    event = factories.published_event(edition, membership.organisation, formats=("hackathon",))
    hack = factories.hackathon_scenario(
        event, membership.user, leads=[factories.UserFactory() for _ in range(3)],
        jurors=[factories.UserFactory() for _ in range(3)], publish=True)
    with transaction.atomic():
        ledger_services.seal()
    return live_server.url + reverse("hackathons:results", kwargs={"public_id": hack.public_id})


@pytest.mark.django_db(transaction=True)
def test_published_results_are_recomputed_and_found_in_the_log(published, capsys):
    report = verify.verify(published)
    assert report.ok, report.problems
    assert any("identique au classement publié" in line for line in report.checked)
    assert any("10 enregistrements présents" in line for line in report.checked)  # 9 + results
    assert cli.main(["hackathon", "verify", published]) == 0
    assert "identique" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_a_score_changed_after_publication_is_caught(published, capsys):
    score = Score.objects.order_by("pk").first()
    Score.objects.filter(pk=score.pk).update(value=(score.value + 1) % 6)
    report = verify.verify(published)
    assert not report.ok
    assert any("n’a pas scellé ce qui est publié" in p for p in report.problems)
    assert cli.main(["hackathon", "verify", published]) == 1
    assert "ÉCHEC" in capsys.readouterr().err


def test_a_ranking_that_does_not_follow_from_the_sheets_is_caught():
    criteria = [{"key": "c1", "weight": 1, "scale_max": 10}]
    sheets = [{"hackathon": "h", "sheet": "s1", "juror": "J1", "submission": "a",
               "scores": {"c1": 9}},
              {"hackathon": "h", "sheet": "s2", "juror": "J1", "submission": "b",
               "scores": {"c1": 2}}]
    honest = {"hackathon": "h", "criteria": criteria, "ranking": [
        {"rank": 1, "submission": "a", "score": "1.000000"},
        {"rank": 2, "submission": "b", "score": "0.000000"}]}
    assert verify.recompute({"results": honest, "sheets": sheets}) == []
    swapped = {**honest, "ranking": [{**honest["ranking"][1], "rank": 1},
                                     {**honest["ranking"][0], "rank": 2}]}
    assert verify.recompute({"results": swapped, "sheets": sheets})
