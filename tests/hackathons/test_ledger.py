import json
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from semaine.agenda.ledger import record_event
from semaine.hackathons import ledger, ranking, services
from semaine.hackathons.models import Hackathon, Score
from semaine.ledger.models import Entry
from semaine.ledger.reconcile import tampered_subjects
from semaine.ledger.services import opens
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(hack, editor, challenge):
    """Two teams submitted, three jurors scored both; the deadline has passed."""
    with transaction.atomic():
        record_event(hack.event, "event.published")
    services.add_criterion(editor, hack, name="Impact", weight=2)
    services.add_criterion(editor, hack, name="Données", weight=1, scale_max=5)
    submissions = []
    for name in ("Les Vikings", "Les Normands"):
        lead = factories.participant(hack, last_name=f"Chef {name}")
        team = services.create_team(lead, challenge, name=name)
        submissions.append(services.save_submission(lead, team, title=f"Projet {name}",
                                                    summary="…", licence="MIT"))
    jurors = []
    for i in range(3):
        user = factories.UserFactory(last_name=f"Jurée{i}", email=f"juree{i}@example.fr")
        services.accept_jury(user, services.invite_juror(editor, hack, user.email).token)
        jurors.append(user)
    criteria = list(hack.criteria.all())
    for i, user in enumerate(jurors):
        for j, submission in enumerate(submissions):
            services.score(user, submission,
                           values={c.pk: (i + j * 3) % (c.scale_max + 1) for c in criteria})
    Hackathon.objects.filter(pk=hack.pk).update(
        submission_deadline=timezone.now() - timedelta(minutes=1))
    hack.refresh_from_db()
    return submissions, jurors


def _records(kind):
    return [json.loads(e.record) for e in Entry.objects.filter(kind=kind).order_by("id")]


def test_closing_records_each_sheet_as_a_salted_commitment(hack, editor, scored):
    sheets = services.close_scoring(editor, hack)
    records = _records(ledger.SHEET_CLOSED)
    assert len(records) == len(sheets) == 6
    for sheet, record in zip(sheets, records, strict=True):
        assert set(record) == {"hackathon", "sheet", "commitment"}
        assert opens(record["commitment"], ledger._committed(sheet))
    assert tampered_subjects() == []


def test_a_score_changed_after_closing_is_found_by_ledger_verify(hack, editor, scored):
    sheets = services.close_scoring(editor, hack)
    Score.objects.filter(sheet=sheets[0]).update(value=4)  # behind the platform's back
    problems = tampered_subjects()
    assert [obj.pk for obj, _reason in problems] == [sheets[0].pk]
    assert "engagement" in problems[0][1]


def test_publication_records_the_sheets_under_pseudonyms_and_the_ranking(hack, editor, scored):
    submissions, jurors = scored
    services.close_scoring(editor, hack)
    ranked = services.publish_results(editor, hack)
    published = _records(ledger.SHEET_PUBLISHED)
    assert {s["juror"] for s in published} == {"J1", "J2", "J3"}
    (results,) = _records(ledger.RESULTS)
    assert results["method"] == ledger.METHOD
    # anyone recomputes the ranking from what the log holds
    recomputed = ranking.from_records(results["criteria"], published)
    assert [r.submission for r in recomputed] == [row["submission"] for row in results["ranking"]]
    assert [r.submission for r in ranked] == [row["submission"] for row in results["ranking"]]
    # no name, no address in the log
    everything = "".join(Entry.objects.values_list("record", flat=True))
    for user in jurors + [m.user for s in submissions for m in s.team.memberships.all()]:
        assert user.email not in everything and user.last_name not in everything
    assert tampered_subjects() == []


def test_a_changed_ranking_input_after_publication_is_found(hack, editor, scored):
    services.close_scoring(editor, hack)
    services.publish_results(editor, hack)
    hack.criteria.filter(name="Impact").update(weight=9)
    assert any(obj == hack for obj, _reason in tampered_subjects())
