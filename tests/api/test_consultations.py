import pytest

from semaine.consultations import services
from semaine.consultations.models import Proposal, ProposalState
from tests import factories

pytestmark = pytest.mark.django_db


def test_consultations_and_their_proposals_are_read_through_the_api(
    client, organisation, editor, edition, django_assert_max_num_queries
):
    workshop = factories.published_event(edition, organisation, title="Atelier")
    consultation = factories.consultation(organisation, supports_per_person=3)
    consultation.workshops.add(workshop)
    author = factories.verified_person()
    proposal = Proposal.objects.create(consultation=consultation, author=author, title="Idée",
                                       body="Texte", category=consultation.categories.first())
    Proposal.objects.create(consultation=consultation, author=author, title="Retirée", body="X",
                            state=ProposalState.WITHDRAWN)
    services.support(factories.verified_person(), proposal)
    services.answer_proposal(editor, proposal, answer="accepted", justification="Oui")
    with django_assert_max_num_queries(4):
        listed = client.get("/api/consultations").json()
    item = listed["items"][0]
    assert item["slug"] == consultation.slug and item["current_phase"] == "supports"
    assert item["workshops"] == [str(workshop.public_id)]
    assert [p["phase"] for p in item["phases"]][0] == "information"
    proposals = client.get(f"/api/consultations/{consultation.slug}/proposals").json()
    assert [p["title"] for p in proposals["items"]] == ["Idée"]
    shown = proposals["items"][0]
    assert shown["supports"] == 1 and shown["answer"] == "accepted" and shown["category"] == "Accueil"
    assert author.email not in str(proposals) and "author" not in shown


def test_an_unknown_consultation_or_parameter_is_a_problem(client, organisation):
    factories.consultation(organisation)
    response = client.get("/api/consultations/nulle-part/proposals")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")
    assert client.get("/api/consultations?tri=x").status_code == 400
