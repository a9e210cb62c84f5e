from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from semaine.accounts.models import Email
from semaine.hackathons import services
from semaine.hackathons.models import (
    Hackathon,
    HackathonState,
    JoinRequestStatus,
    SubmissionVersion,
    TeamMembership,
    TeamState,
)
from tests import factories

pytestmark = pytest.mark.django_db


def _submit(user, team, **values):
    return services.save_submission(user, team, **{
        "title": "Balades cachées", "summary": "Des suggestions de sites peu connus.",
        "description": "Un **service**.", "repository_url": "https://example.org/code",
        "licence": "MIT", **values})


def _past_deadline(hack):
    Hackathon.objects.filter(pk=hack.pk).update(
        submission_deadline=timezone.now() - timedelta(minutes=1))
    hack.refresh_from_db()


# --- setting up ---------------------------------------------------------------------------------


def test_an_organiser_sets_up_a_hackathon_on_a_published_hackathon_event(edition, organisation,
                                                                           editor):
    event = factories.published_event(edition, organisation, formats=("hackathon",))
    hack = services.set_up_hackathon(editor, event, **factories.hackathon_schedule(),
                                     team_min=2, team_max=4, rules="Soyez *bienveillants*.")
    assert hack.state == HackathonState.PREPARING
    assert (hack.team_min, hack.team_max) == (2, 4)


def test_another_organisation_cannot_set_up_a_hackathon_on_the_event(edition, organisation,
                                                                      other_editor):
    event = factories.published_event(edition, organisation, formats=("hackathon",))
    with pytest.raises(PermissionDenied):
        services.set_up_hackathon(other_editor, event, **factories.hackathon_schedule())
    assert not Hackathon.objects.exists()


def test_a_hackathon_needs_a_hackathon_event_and_a_coherent_schedule(edition, organisation, editor):
    workshop = factories.published_event(edition, organisation, formats=("atelier",))
    with pytest.raises(ValidationError, match="format « hackathon »"):
        services.set_up_hackathon(editor, workshop, **factories.hackathon_schedule())
    event = factories.published_event(edition, organisation, formats=("hackathon",), title="H")
    schedule = factories.hackathon_schedule()
    schedule["pitches_at"] = schedule["submission_deadline"] - timedelta(hours=1)
    with pytest.raises(ValidationError) as error:
        services.set_up_hackathon(editor, event, **schedule)
    assert "pitches_at" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.set_up_hackathon(editor, event, **factories.hackathon_schedule(), team_min=5,
                                  team_max=2)
    assert "team_max" in error.value.message_dict


def test_a_challenge_and_its_datasets(hack, editor, organisation, other_editor):
    challenge = services.add_challenge(
        editor, hack, organisation=organisation, title="Attractivité", problem="…",
        serves="Les habitants", expected_outcome="Un prototype", contact_name="Léa",
        contact_email="lea@example.fr")
    with pytest.raises(PermissionDenied):
        services.add_challenge(other_editor, hack, organisation=organisation, title="X",
                               problem="…", serves="…", expected_outcome="…", contact_name="…",
                               contact_email="x@example.fr")
    link = services.add_dataset(editor, challenge, title="Hébergements", producer="Calvados",
                                url="https://data.example.fr/hebergements.csv", format="CSV",
                                licence="etalab-2.0")
    assert link.url.startswith("https://")
    with pytest.raises(ValidationError) as error:
        services.add_dataset(editor, challenge, title="Piège", producer="?", licence="MIT",
                             url="javascript:alert(1)")
    assert "url" in error.value.message_dict
    upload = SimpleUploadedFile("sites.csv", b"nom;commune\nAbbaye;Caen\n")
    stored = services.add_dataset(editor, challenge, title="Sites", producer="Calvados",
                                  licence="ODbL-1.0", upload=upload)
    assert stored.file.name.endswith(".csv") and stored.file_size == upload.size
    assert stored.format == "CSV"


@pytest.mark.parametrize(("name", "content", "message"), [
    ("sites.csv", b"%PDF-1.7 ...", "ne correspond pas"),
    ("outil.exe", b"MZ\x90\x00", "n’est pas accepté"),
    ("donnees.json", b"{pas du json", "ne correspond pas"),
    ("image.pdf", b"\x89PNG\r\n\x1a\n", "ne correspond pas"),
])
def test_a_disguised_or_forbidden_file_is_refused(challenge, editor, name, content, message):
    with pytest.raises(ValidationError, match=message):
        services.add_dataset(editor, challenge, title="X", producer="X", licence="MIT",
                             upload=SimpleUploadedFile(name, content))
    assert not challenge.datasets.exists()


def test_an_oversized_file_is_refused(challenge, editor, monkeypatch):
    from semaine.hackathons import files

    monkeypatch.setattr(files, "MAX_DATASET_BYTES", 10)
    with pytest.raises(ValidationError, match="dépasse la taille"):
        services.add_dataset(editor, challenge, title="X", producer="X", licence="MIT",
                             upload=SimpleUploadedFile("a.csv", b"a;b\n" * 10))


# --- teams --------------------------------------------------------------------------------------


def test_a_participant_creates_a_team_and_leads_it(team, alice):
    membership = TeamMembership.objects.get(team=team)
    assert membership.user == alice and membership.is_lead


def test_someone_not_registered_cannot_create_a_team(challenge):
    stranger = factories.UserFactory()
    with pytest.raises(PermissionDenied, match="Inscrivez-vous"):
        services.create_team(stranger, challenge, name="Intrus")


def test_one_team_per_participant_per_hackathon(team, alice, bob, challenge):
    with pytest.raises(ValidationError, match="déjà partie"):
        services.create_team(alice, challenge, name="Deuxième équipe")
    other = services.create_team(bob, challenge, name="Les Normands")
    with pytest.raises(ValidationError, match="déjà partie"):
        services.request_to_join(alice, other)


def test_a_join_request_tells_the_members_and_the_decision_tells_the_requester(team, alice, bob):
    request = services.request_to_join(bob, team, "Je code en Python.")
    told = Email.objects.filter(to=alice.email).get()
    assert "Bob" in told.body and "Je code en Python." in told.body
    assert f"/hackathons/equipes/{team.public_id}/" in told.body
    services.decide_join_request(alice, request, accept=True)
    assert TeamMembership.objects.filter(team=team, user=bob).exists()
    told = Email.objects.filter(to=bob.email).get()
    assert "Vous avez rejoint" in told.subject


def test_only_members_decide_and_a_refusal_is_told(team, alice, bob, hack):
    carol = factories.participant(hack)
    request = services.request_to_join(bob, team)
    with pytest.raises(PermissionDenied):
        services.decide_join_request(carol, request, accept=True)
    services.decide_join_request(alice, request, accept=False)
    request.refresh_from_db()
    assert request.status == JoinRequestStatus.REFUSED
    assert not TeamMembership.objects.filter(user=bob).exists()
    assert "n’est pas retenue" in Email.objects.get(to=bob.email).subject
    with pytest.raises(ValidationError, match="déjà reçu une réponse"):
        services.decide_join_request(alice, request, accept=True)


def test_the_size_limit_holds(team, alice, hack):
    people = [factories.participant(hack) for _ in range(3)]
    requests = [services.request_to_join(p, team) for p in people]
    services.decide_join_request(alice, requests[0], accept=True)
    services.decide_join_request(alice, requests[1], accept=True)  # 3 = team_max
    with pytest.raises(ValidationError, match="complète"):
        services.decide_join_request(alice, requests[2], accept=True)
    assert team.memberships.count() == 3


def test_leave_hand_over_and_dissolve(team, alice, bob):
    services.decide_join_request(alice, services.request_to_join(bob, team), accept=True)
    with pytest.raises(ValidationError, match="Confiez d’abord"):
        services.leave_team(alice, team)
    with pytest.raises(PermissionDenied):
        services.hand_over(bob, team, bob)
    services.hand_over(alice, team, bob)
    services.leave_team(alice, team)
    assert list(team.memberships.values_list("user", "is_lead")) == [(bob.pk, True)]
    services.dissolve_team(bob, team)
    team.refresh_from_db()
    assert team.state == TeamState.DISSOLVED and not team.memberships.exists()


def test_a_team_that_submitted_is_not_dissolved(team, alice):
    _submit(alice, team)
    with pytest.raises(ValidationError, match="déposé un projet"):
        services.dissolve_team(alice, team)


# --- submissions --------------------------------------------------------------------------------


def test_every_saved_version_is_kept(team, alice):
    first = _submit(alice, team)
    second = _submit(alice, team, title="Balades cachées v2")
    assert first.pk == second.pk and second.version == 2
    versions = SubmissionVersion.objects.filter(submission=second).order_by("number")
    assert [v.values["title"] for v in versions] == ["Balades cachées", "Balades cachées v2"]


def test_only_team_members_save_the_submission(team, bob):
    with pytest.raises(PermissionDenied):
        _submit(bob, team)


@pytest.mark.parametrize("field", ["repository_url", "demo_url", "video_url"])
def test_javascript_urls_are_refused(team, alice, field):
    with pytest.raises(ValidationError) as error:
        _submit(alice, team, **{field: "javascript:alert(document.cookie)"})
    assert field in error.value.message_dict
    assert not SubmissionVersion.objects.exists()


def test_a_closed_licence_is_refused_when_the_rules_require_an_open_one(team, alice, hack):
    with pytest.raises(ValidationError) as error:
        _submit(alice, team, licence="LicenseRef-Proprietaire")
    assert "licence ouverte" in error.value.message_dict["licence"][0]
    Hackathon.objects.filter(pk=hack.pk).update(open_licence_required=False)
    assert _submit(alice, team, licence="LicenseRef-Proprietaire").licence == \
        "LicenseRef-Proprietaire"


def test_a_late_save_is_refused_and_nothing_is_lost(team, alice, hack, editor):
    _submit(alice, team)
    _past_deadline(hack)
    with pytest.raises(ValidationError, match="heure de Paris") as error:
        _submit(alice, team, title="Trop tard")
    assert "n’a pas été modifié" in error.value.messages[0]
    assert team.submission.title == "Balades cachées"
    services.extend_deadline(editor, hack, timezone.now() + timedelta(hours=1))
    assert _submit(alice, team, title="Dans les temps").version == 2


def test_only_the_organiser_extends_the_deadline(hack, other_editor):
    with pytest.raises(PermissionDenied):
        services.extend_deadline(other_editor, hack, timezone.now() + timedelta(days=9))


# --- jury ---------------------------------------------------------------------------------------


@pytest.fixture
def jury(hack, editor):
    services.add_criterion(editor, hack, name="Impact", weight=3)
    services.add_criterion(editor, hack, name="Faisabilité", weight=1, scale_max=5)
    people = []
    for _ in range(2):
        user = factories.UserFactory()
        juror = services.invite_juror(editor, hack, user.email)
        services.accept_jury(user, juror.token)
        people.append(user)
    return people


def test_a_juror_is_invited_by_e_mail_and_accepts_with_that_address(hack, editor):
    juror = services.invite_juror(editor, hack, "Jury@Example.fr")
    email = Email.objects.get(to="jury@example.fr")
    assert f"/hackathons/jury/invitation/{juror.token}/" in email.body
    with pytest.raises(ValidationError, match="déjà invitée"):
        services.invite_juror(editor, hack, "jury@example.fr")
    with pytest.raises(PermissionDenied):
        services.accept_jury(factories.UserFactory(), juror.token)
    user = factories.UserFactory(email="jury@example.fr")
    assert services.accept_jury(user, juror.token).user == user
    assert juror.pseudonym == "J1"


def test_only_the_organiser_invites_jurors_and_sets_criteria(hack, other_editor):
    with pytest.raises(PermissionDenied):
        services.invite_juror(other_editor, hack, "x@example.fr")
    with pytest.raises(PermissionDenied):
        services.add_criterion(other_editor, hack, name="Impact")


def test_scores_stay_within_the_scale(team, alice, jury, hack):
    submission = _submit(alice, team)
    impact, feasibility = hack.criteria.all()
    with pytest.raises(ValidationError) as error:
        services.score(jury[0], submission, values={impact.pk: 11, feasibility.pk: "trois"})
    assert set(error.value.message_dict) == {f"c_{impact.pk}", f"c_{feasibility.pk}"}
    sheet = services.score(jury[0], submission, values={impact.pk: 10, feasibility.pk: 5},
                           comment="Très utile")
    assert sorted(sheet.scores.values_list("value", flat=True)) == [5, 10]


def test_participants_and_strangers_do_not_score(team, alice, bob, jury, hack):
    submission = _submit(alice, team)
    values = {c.pk: 1 for c in hack.criteria.all()}
    for person in (alice, bob, factories.UserFactory()):
        with pytest.raises(PermissionDenied):
            services.score(person, submission, values=values)


def test_a_juror_never_scores_a_conflicted_or_own_submission(team, alice, jury, hack, organisation):
    submission = _submit(alice, team)
    values = {c.pk: 1 for c in hack.criteria.all()}
    services.declare_conflict(jury[0], hack, team=team, reason="Ma sœur y participe")
    with pytest.raises(PermissionDenied, match="conflit"):
        services.score(jury[0], submission, values=values)
    services.declare_conflict(jury[1], hack, organisation=organisation)
    with pytest.raises(PermissionDenied, match="conflit"):
        services.score(jury[1], submission, values=values)
    # a juror who is also in the team
    services.decide_join_request(alice, services.request_to_join(
        factories.participant(hack, email="membre@example.fr"), team), accept=True)
    editor = hack.event.organisation.members.first()
    juror = services.invite_juror(editor, hack, "membre@example.fr")
    member = team.memberships.get(user__email="membre@example.fr").user
    services.accept_jury(member, juror.token)
    with pytest.raises(PermissionDenied, match="conflit"):
        services.score(member, submission, values=values)


def test_results_before_scoring_closes_are_refused(hack, editor):
    with pytest.raises(ValidationError, match="Fermez d’abord la notation"):
        services.publish_results(editor, hack)


def test_scoring_closes_after_the_deadline_only_and_by_the_organiser(hack, editor, other_editor):
    with pytest.raises(ValidationError, match="encore ouvert"):
        services.close_scoring(editor, hack)
    _past_deadline(hack)
    with pytest.raises(PermissionDenied):
        services.close_scoring(other_editor, hack)
    services.close_scoring(editor, hack)
    hack.refresh_from_db()
    assert hack.state == HackathonState.SCORING_CLOSED


def test_after_closing_no_score_changes(team, alice, jury, hack, editor):
    submission = _submit(alice, team)
    values = {c.pk: 2 for c in hack.criteria.all()}
    services.score(jury[0], submission, values=values)
    _past_deadline(hack)
    services.close_scoring(editor, hack)
    with pytest.raises(ValidationError, match="close"):
        services.score(jury[0], submission, values={c.pk: 5 for c in hack.criteria.all()})


def test_publishing_results_tells_the_teams(hack, team, alice, bob, jury, editor):
    services.decide_join_request(alice, services.request_to_join(bob, team), accept=True)
    submission = _submit(alice, team)
    for juror in jury:
        services.score(juror, submission, values={c.pk: 3 for c in hack.criteria.all()})
    _past_deadline(hack)
    services.close_scoring(editor, hack)
    mail.outbox.clear()
    Email.objects.all().delete()
    ranked = services.publish_results(editor, hack, prizes={submission.pk: "Prix du jury"})
    assert [r.submission for r in ranked] == [str(submission.public_id)]
    assert set(Email.objects.values_list("to", flat=True)) == {alice.email, bob.email}
    assert f"/hackathons/{hack.public_id}/resultats/" in Email.objects.first().body
    with pytest.raises(ValidationError, match="déjà publiés"):
        services.publish_results(editor, hack)


def test_a_participant_profile_is_for_registered_participants(hack, alice):
    profile = services.save_profile(alice, hack, skills="design", wishes="Tourisme")
    again = services.save_profile(alice, hack, skills="design, Python", looking_for_team=False)
    assert again.pk == profile.pk and again.skills == "design, Python"
    with pytest.raises(PermissionDenied):
        services.save_profile(factories.UserFactory(), hack, skills="tout")
    with pytest.raises(ValidationError) as error:
        services.save_profile(alice, hack, skills="")
    assert "skills" in error.value.message_dict
