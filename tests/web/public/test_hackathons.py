from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from semaine.hackathons import services
from semaine.hackathons.models import Hackathon, HackathonState, JoinRequest, Submission
from tests import factories

pytestmark = pytest.mark.django_db


def _url(name, obj):
    return reverse(f"hackathons:{name}", kwargs={"public_id": obj.public_id})


def test_the_event_page_links_to_its_open_hackathon(client, hack):
    response = client.get(hack.event.get_absolute_url())
    assert hack.get_absolute_url() in response.text
    Hackathon.objects.filter(pk=hack.pk).update(state=HackathonState.PREPARING)
    from django.core.cache import cache

    cache.clear()
    assert hack.get_absolute_url() not in client.get(hack.event.get_absolute_url()).text


def test_a_hackathon_in_preparation_is_shown_to_its_organisers_only(client, hack, editor,
                                                                     other_editor):
    Hackathon.objects.filter(pk=hack.pk).update(state=HackathonState.PREPARING)
    assert client.get(hack.get_absolute_url()).status_code == 404
    client.force_login(other_editor)
    assert client.get(hack.get_absolute_url()).status_code == 404
    client.force_login(editor)
    assert "en préparation" in client.get(hack.get_absolute_url()).text


def test_the_hackathon_page_shows_its_challenges_rules_and_schedule(client, hack):
    Hackathon.objects.filter(pk=hack.pk).update(rules="Soyez **bienveillants**.")
    response = client.get(hack.get_absolute_url())
    assert response.status_code == 200
    assert "Tourisme" in response.text and "<strong>bienveillants</strong>" in response.text
    assert "Heures de Paris" in response.text


def test_the_challenge_page_lists_datasets_and_teams_in_constant_queries(client, hack, editor):
    challenge = hack.challenges.get()
    services.add_dataset(editor, challenge, title="Hébergements", producer="Calvados",
                         url="https://data.example.fr/h.csv", licence="etalab-2.0")
    url = _url("challenge", challenge)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        return len(ctx.captured_queries), response

    lead = factories.participant(hack)
    team = services.create_team(lead, challenge, name="Équipe 0")
    services.save_submission(lead, team, title="Projet 0", summary="…", licence="MIT")
    few, response = count()
    assert "Hébergements" in response.text and "Projet 0" in response.text
    for i in range(1, 6):
        person = factories.participant(hack)
        services.create_team(person, challenge, name=f"Équipe {i}")
    assert count()[0] == few


def test_a_participant_forms_a_team_and_another_joins_it(client, hack):
    alice, bob = factories.participant(hack), factories.participant(hack)
    challenge = hack.challenges.get()
    client.force_login(alice)
    response = client.post(_url("challenge", challenge), {"name": "", "skills_sought": "design"})
    assert response.status_code == 200 and "Ce champ est obligatoire" in response.text
    response = client.post(_url("challenge", challenge), {"name": "Les Vikings",
                                                          "skills_sought": "design"})
    team = hack.teams.get()
    assert response.status_code == 302 and response["Location"] == team.get_absolute_url()
    client.force_login(bob)
    assert "Demander à rejoindre" in client.get(team.get_absolute_url()).text
    client.post(_url("team_action", team), {"action": "join", "message": "Je code."})
    request = JoinRequest.objects.get(user=bob)
    client.force_login(alice)
    page = client.get(team.get_absolute_url()).text
    assert "Je code." in page
    client.post(_url("team_action", team), {"action": "accept", "request": request.pk})
    assert team.memberships.filter(user=bob).exists()


def test_someone_not_registered_sees_no_team_form(client, hack):
    client.force_login(factories.UserFactory())
    assert "Créer l’équipe" not in client.get(_url("challenge", hack.challenges.get())).text


def test_the_submission_form_keeps_the_input_and_explains_errors(client, hack):
    alice = factories.participant(hack)
    team = services.create_team(alice, hack.challenges.get(), name="Les Vikings")
    client.force_login(alice)
    url = _url("submission", team)
    data = {"title": "Balades", "summary": "Des balades.", "description": "",
            "repository_url": "javascript:alert(1)", "demo_url": "", "video_url": "",
            "licence": "LicenseRef-Fermee"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "http:// ou https://" in response.text and "Balades" in response.text
    data["repository_url"] = "https://example.org/code"
    response = client.post(url, data)
    assert "licence ouverte" in response.text
    data["licence"] = "MIT"
    assert client.post(url, data).status_code == 302
    assert Submission.objects.get().version == 1


def test_a_late_submission_shows_the_french_deadline_message(client, hack):
    alice = factories.participant(hack)
    team = services.create_team(alice, hack.challenges.get(), name="Les Vikings")
    Hackathon.objects.filter(pk=hack.pk).update(
        submission_deadline=timezone.now() - timedelta(minutes=5))
    client.force_login(alice)
    response = client.post(_url("submission", team), {"title": "T", "summary": "S",
                                                      "licence": "MIT"})
    assert "Le dépôt est fermé depuis le" in response.text
    assert not Submission.objects.exists()


def test_another_person_cannot_open_a_teams_submission_page(client, hack):
    alice = factories.participant(hack)
    team = services.create_team(alice, hack.challenges.get(), name="Les Vikings")
    client.force_login(factories.participant(hack))
    assert client.get(_url("submission", team)).status_code == 403


def test_jurors_score_and_results_are_published(client, hack, editor):
    impact = services.add_criterion(editor, hack, name="Impact", weight=2)
    alice = factories.participant(hack)
    team = services.create_team(alice, hack.challenges.get(), name="Les Vikings")
    submission = services.save_submission(alice, team, title="Balades", summary="…",
                                          licence="MIT")
    juror_user = factories.UserFactory(email="jure@example.fr")
    juror = services.invite_juror(editor, hack, juror_user.email)
    client.force_login(juror_user)
    accept = reverse("hackathons:juror_accept", kwargs={"token": juror.token})
    assert client.post(accept).status_code == 302
    assert "Balades" in client.get(_url("jury", hack)).text
    score_url = _url("score", submission)
    response = client.post(score_url, {f"c_{impact.pk}": 12})
    assert "La note ne dépasse pas 10" in response.text
    assert client.post(score_url, {f"c_{impact.pk}": 7, "comment": "Bien"}).status_code == 302
    # a participant is not a juror
    client.force_login(alice)
    assert client.get(score_url).status_code == 403
    assert client.get(_url("results", hack)).status_code == 404  # not published yet
    Hackathon.objects.filter(pk=hack.pk).update(
        submission_deadline=timezone.now() - timedelta(minutes=5))
    client.force_login(editor)
    manage = _url("manage", hack)
    client.post(manage, {"action": "close"})
    client.post(manage, {"action": "publish", f"prize_{submission.pk}": "Prix du jury"})
    response = client.get(_url("results", hack))
    assert response.status_code == 200
    assert "Prix du jury" in response.text and "J1" in response.text
    assert "jure@example.fr" not in response.text
    assert "min-max" in response.text


def test_a_conflicted_project_is_not_shown_to_the_juror(client, hack, editor):
    services.add_criterion(editor, hack, name="Impact")
    alice = factories.participant(hack)
    team = services.create_team(alice, hack.challenges.get(), name="Les Vikings")
    submission = services.save_submission(alice, team, title="Balades", summary="…",
                                          licence="MIT")
    juror_user = factories.UserFactory()
    services.accept_jury(juror_user, services.invite_juror(editor, hack, juror_user.email).token)
    client.force_login(juror_user)
    client.post(_url("jury", hack), {"team": team.pk, "reason": "Ma sœur"})
    assert "Balades" not in client.get(_url("jury", hack)).text.split("Conflits")[0]
    assert client.get(_url("score", submission)).status_code == 404


def test_an_uploaded_dataset_is_checked_on_the_organiser_page(client, hack, editor):
    client.force_login(editor)
    url = _url("dataset_add", hack.challenges.get())
    response = client.post(url, {"title": "Sites", "licence": "MIT", "producer": "Calvados",
                                 "upload": SimpleUploadedFile("sites.csv", b"%PDF-1.4")})
    assert "ne correspond pas à son extension" in response.text
    response = client.post(url, {"title": "Sites", "licence": "MIT", "producer": "Calvados",
                                 "upload": SimpleUploadedFile("sites.csv", b"a;b\n1;2\n")})
    assert response.status_code == 302


def _published(edition, organisation, title, leads=2):
    membership = factories.MembershipFactory(organisation=organisation)
    event = factories.published_event(edition, organisation, title=title, formats=("hackathon",))
    return factories.hackathon_scenario(
        event, membership.user, leads=[factories.UserFactory() for _ in range(leads)],
        jurors=[factories.UserFactory()], publish=True)


def test_the_gallery_lists_published_projects_in_constant_queries(client, edition, organisation):
    url = reverse("hackathons:gallery")
    first = _published(edition, organisation, "Hackathon A")
    still_open = factories.hackathon(edition, organisation, title="Hackathon ouvert")
    lead = factories.participant(still_open)
    services.save_submission(lead, services.create_team(lead, still_open.challenges.get(),
                                                        name="Secrets"),
                             title="Projet en cours", summary="…", licence="MIT")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        return len(ctx.captured_queries), response.text

    few, text = count()
    assert "Projet 1" in text and "Projet en cours" not in text
    _published(edition, organisation, "Hackathon B", leads=4)
    many, text = count()
    assert many == few and text.count("Projet 4") == 1
    prized = client.get(url, {"prix": "1"}).text
    assert prized.count("Prix du jury") == 2
    assert "Projet 2" not in prized
    by_challenge = client.get(url, {"defi": "Attractivité"}).text
    assert "Projet 2" in by_challenge and "Projet 1<" not in by_challenge
    assert "Projet 1" not in client.get(url, {"edition": "nulle-part"}).text
    project = first.submissions.get(title="Projet 1")
    page = client.get(reverse("hackathons:project", kwargs={"public_id": project.public_id}))
    assert "Données Tourisme" in page.text and "MIT" in page.text
    hidden = Submission.objects.get(title="Projet en cours")
    assert client.get(reverse("hackathons:project",
                              kwargs={"public_id": hidden.public_id})).status_code == 404


def test_the_edition_page_lists_its_hackathons(client, hack, edition):
    response = client.get(f"/editions/{edition.slug}/")
    assert response.status_code == 200
    assert hack.get_absolute_url() in response.text
    assert f"/hackathons/projets/?edition={edition.slug}" in response.text


def test_participants_see_who_looks_for_a_team_and_strangers_do_not(client, hack):
    alice = factories.participant(hack, first_name="Alice")
    bob = factories.participant(hack, first_name="Bruno")
    client.force_login(alice)
    response = client.post(reverse("hackathons:profile", kwargs={"public_id": hack.public_id}),
                           {"skills": "", "wishes": ""})
    assert response.status_code == 200 and "Ce champ est obligatoire" in response.text
    client.post(reverse("hackathons:profile", kwargs={"public_id": hack.public_id}),
                {"skills": "cartographie", "wishes": "les sentiers", "looking_for_team": "on"})
    client.force_login(bob)
    page = client.get(hack.get_absolute_url()).text
    assert "Alice : cartographie" in page and alice.last_name not in page
    client.force_login(factories.UserFactory())
    assert "cartographie" not in client.get(hack.get_absolute_url()).text
    client.logout()
    assert "cartographie" not in client.get(hack.get_absolute_url()).text


def test_the_gallery_filters_by_dataset_in_constant_queries(client, edition, organisation,
                                                           django_assert_num_queries):
    url = reverse("hackathons:gallery")
    _published(edition, organisation, "Hackathon A", leads=4)
    titles = list(Submission.objects.filter(datasets__title="Données Tourisme")
                  .values_list("title", flat=True))
    assert titles
    client.get(url, {"jeu": "données tourisme"})  # sessions, caches warmed
    with CaptureQueriesContext(connection) as few:
        text = client.get(url, {"jeu": "données tourisme"}).text
    for submission in Submission.objects.all():
        assert (f">{submission.title}<" in text) == (submission.title in titles)
    _published(edition, organisation, "Hackathon B", leads=4)
    with django_assert_num_queries(len(few.captured_queries)):
        text = client.get(url, {"jeu": "Données Tourisme"}).text
    assert text.count(">Projet 1<") == 2 and 'value="Données Tourisme"' in text
    assert "Aucun projet ne correspond" in client.get(url, {"jeu": "Inconnu"}).text
