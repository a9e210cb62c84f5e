import json

import pytest
from django.urls import reverse

from semaine.consultations import services
from semaine.consultations.models import Comment, Proposal, Support
from semaine.organisers import services as organisers
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def contributions(organisation):
    consultation = factories.consultation(organisation)
    person = factories.verified_person()
    mine = Proposal.objects.create(consultation=consultation, author=person, title="Ma proposition",
                                   body="Texte")
    other = Proposal.objects.create(consultation=consultation, author=factories.verified_person(),
                                    title="Une autre", body="Texte")
    services.support(person, other)
    services.comment(person, consultation, proposal=other, body="Mon commentaire")
    return person, mine, other


def test_my_account_exports_proposals_supports_and_comments(client, contributions):
    person, _mine, other = contributions
    client.force_login(person)
    data = json.loads(client.get(reverse("accounts:export")).content)
    assert [p["titre"] for p in data["propositions"]] == ["Ma proposition"]
    assert [s["proposition"] for s in data["soutiens"]] == [other.title]
    assert [c["texte"] for c in data["commentaires"]] == ["Mon commentaire"]
    assert "inscriptions" in data and data["compte"]["adresse_electronique"] == person.email
    page = client.get(reverse("accounts:account")).content.decode()
    assert "1 proposition, 1 soutien, 1 commentaire" in page


def test_deleting_the_account_keeps_contributions_as_a_deleted_account(client, contributions):
    person, mine, other = contributions
    organisers.delete_account(person, factories.PASSWORD)
    mine.refresh_from_db()
    other.refresh_from_db()
    assert mine.author is None and other.supports_count == 1
    assert Support.objects.get().user is None and Comment.objects.get().author is None
    page = client.get(mine.get_absolute_url()).content.decode()
    assert "compte supprimé" in page and person.last_name not in page
    assert "compte supprimé" in client.get(other.get_absolute_url()).content.decode()
