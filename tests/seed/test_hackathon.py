"""The demo's Calvados hackathon of 2017: played through the services, results published and
recorded in the ledger; its file is checked before anything is written."""

import shutil

import pytest
from django.db import transaction

from semaine.hackathons import ranking
from semaine.hackathons.models import Hackathon, HackathonState
from semaine.hackathons.queries import results_for_verification
from semaine.ledger.reconcile import tampered_subjects
from semaine.seed import hackathon
from semaine.seed.demo import load_demo
from semaine.seed.demo_data import DATA_DIR, DemoDataError

pytestmark = pytest.mark.django_db


def test_the_demo_plays_the_calvados_hackathon_to_its_published_results():
    load_demo()
    hack = Hackathon.objects.select_related("event").get()
    assert hack.event.title == "Hackathon Calvados : tourisme, attractivité et data"
    assert hack.state == HackathonState.PUBLISHED
    assert sorted(hack.challenges.values_list("title", flat=True)) == [
        "Attractivité", "Data", "Tourisme"]
    assert hack.submissions.count() == 3 and hack.jurors.count() == 3
    assert hack.submission_deadline.year == 2017
    data = results_for_verification(hack)
    recomputed = ranking.from_records(data["results"]["criteria"], data["sheets"])
    assert [r.submission for r in recomputed] == [
        row["submission"] for row in data["results"]["ranking"]]
    winner = hack.submissions.get(public_id=data["results"]["ranking"][0]["submission"])
    assert winner.prize == "Prix du jury"
    assert tampered_subjects() == []
    with transaction.atomic():
        load_demo()  # idempotent: the hackathon is not played twice
    assert Hackathon.objects.count() == 1


@pytest.mark.parametrize(("old", "new", "problem"), [
    ("scores: [[10, 9, 5]", "scores: [[10, 9]", "une liste de 3 notes par juré"),
    ("scores: [[7, 7, 4]", "scores: [[7, 7, 9]", "n’est pas une note de 0 à 5"),
    ("challenge: Data", "challenge: Données", "« Données » inconnu"),
    ("team_max: 5", "team_mx: 5", "champ inconnu « team_mx »"),
])
def test_a_mistake_in_the_hackathon_file_names_the_file_and_the_entry(tmp_path, old, new,
                                                                      problem):
    shutil.copy(DATA_DIR / hackathon.HACKATHON_FILE, tmp_path / hackathon.HACKATHON_FILE)
    path = tmp_path / hackathon.HACKATHON_FILE
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(DemoDataError, match=problem) as error:
        hackathon.read(tmp_path)
    assert hackathon.HACKATHON_FILE in str(error.value)
