"""The edition's hackathon projects and consultation proposals as open data: built in the
background, served from disk, read back with the csv and json modules; never a person."""

import csv
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from semaine.consultations.models import Answer, Comment, Proposal
from semaine.opendata import participation, publication
from tests import factories

from .conftest import body

pytestmark = pytest.mark.django_db


def _url(edition, name):
    return reverse("opendata:participation", kwargs={"edition": edition.slug, "name": name})


def _get(client, edition, name):
    response = client.get(_url(edition, name))
    assert response.status_code == 200, response.status_code
    return body(response).decode("utf-8")


def _published_hackathon(edition, organisation):
    membership = factories.MembershipFactory(organisation=organisation)
    event = factories.published_event(edition, organisation, title="Hackathon des données",
                                      formats=("hackathon",))
    return factories.hackathon_scenario(
        event, membership.user, leads=[factories.UserFactory(first_name="Gertrude"),
                                       factories.UserFactory()],
        jurors=[factories.UserFactory()], publish=True)


def test_published_projects_are_files_without_people(client, edition, organisation):
    hack = _published_hackathon(edition, organisation)
    still_open = factories.hackathon(edition, organisation, title="Hackathon ouvert")
    factories.participant(still_open)
    assert client.get(_url(edition, "projets.csv")).status_code == 503  # not built yet
    publication.build_all()
    rows = list(csv.DictReader(io.StringIO(_get(client, edition, "projets.csv"), newline="")))
    assert sorted(row["titre"] for row in rows) == ["Projet 1", "Projet 2"]
    first = next(row for row in rows if row["titre"] == "Projet 1")
    assert first["hackathon"] == "Hackathon des données"
    assert first["equipe"] == "Équipe 1" and first["licence"]
    assert first["depot"] == "https://example.org/code"
    assert first["jeux_de_donnees"].startswith("Données ")
    assert first["url"].startswith("http://testserver/hackathons/projets/")
    document = json.loads(_get(client, edition, "projets.json"))
    assert document["edition"] == edition.slug
    assert {p["titre"] for p in document["projets"]} == {"Projet 1", "Projet 2"}
    assert isinstance(document["projets"][0]["jeux_de_donnees"], list)
    everything = _get(client, edition, "projets.csv") + json.dumps(document, ensure_ascii=False)
    for membership in hack.teams.get(name="Équipe 1").memberships.select_related("user"):
        assert membership.user.email not in everything
        assert membership.user.last_name not in everything
    assert "Gertrude" not in everything


def test_a_formula_in_a_project_is_neutralised(client, edition, organisation):
    hack = _published_hackathon(edition, organisation)
    hack.submissions.filter(title="Projet 1").update(title="=HYPERLINK(\"x\")")
    publication.build_all()
    rows = list(csv.DictReader(io.StringIO(_get(client, edition, "projets.csv"), newline="")))
    assert "'=HYPERLINK(\"x\")" in [row["titre"] for row in rows]


def test_proposals_are_files_without_authors_nor_hidden_comments(client, edition, organisation):
    consultation = factories.consultation(organisation, edition=edition, title="L’accueil")
    author = factories.verified_person(email="auteur-secret@example.org", last_name="Zébulon")
    category = consultation.categories.get(name="Accueil")
    kept = Proposal.objects.create(consultation=consultation, author=author, title="Un guichet",
                                   body="Ouvert le samedi", category=category, commune="Caen",
                                   supports_count=7, comments_count=2,
                                   answer=Answer.ACCEPTED, justification="Bonne idée")
    Proposal.objects.create(consultation=consultation, author=author, title="Retirée",
                            body="…", state="withdrawn")
    Comment.objects.create(consultation=consultation, proposal=kept, author=author, body="Oui")
    Comment.objects.create(consultation=consultation, proposal=kept, author=author,
                           body="Injure cachée", hidden_at=timezone.now())
    other = factories.consultation(organisation, slug="ailleurs")  # no edition: not listed
    Proposal.objects.create(consultation=other, author=author, title="Hors édition", body="…")
    publication.build_all()
    text = _get(client, edition, "propositions.csv")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [row["titre"] for row in rows] == ["Un guichet"]
    row = rows[0]
    assert row["consultation"] == consultation.slug and row["consultation_titre"] == "L’accueil"
    assert row["categorie"] == "Accueil" and row["commune"] == "Caen"
    assert row["soutiens"] == "7" and row["commentaires"] == "1"
    assert row["reponse"] == "Retenue" and row["justification"] == "Bonne idée"
    document = json.loads(_get(client, edition, "propositions.json"))
    assert document["propositions"][0]["reponse"] == "Retenue"
    everything = text + json.dumps(document, ensure_ascii=False)
    for secret in ("auteur-secret", "Zébulon", "Injure cachée", "Retirée", "Hors édition"):
        assert secret not in everything


def test_a_change_rebuilds_the_files_and_the_page_lists_them(client, edition, organisation):
    consultation = factories.consultation(organisation, edition=edition)
    publication.build_all()
    assert publication.build_all() == []  # nothing changed: nothing rebuilt
    Proposal.objects.create(consultation=consultation, title="Nouvelle", body="…")
    assert participation.folder(edition) in publication.build_all()
    assert "Nouvelle" in _get(client, edition, "propositions.csv")
    page = client.get(reverse("opendata:edition", kwargs={"edition": edition.slug})).text
    assert _url(edition, "projets.csv") in page and _url(edition, "propositions.json") in page
    assert client.get(_url(edition, "autre.csv")).status_code == 404
