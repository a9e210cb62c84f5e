import pytest
from django.urls import reverse

from semaine.hackathons.models import Hackathon, HackathonState
from tests import factories

pytestmark = pytest.mark.django_db


def _schedule_data():
    return {field: value.strftime("%Y-%m-%dT%H:%M")
            for field, value in factories.hackathon_schedule().items()}


def test_an_organiser_sets_up_opens_and_fills_a_hackathon(client, edition, organisation, editor):
    event = factories.published_event(edition, organisation, formats=("hackathon",))
    client.force_login(editor)
    assert "Mettre en place le hackathon" in client.get(
        reverse("organisers:event", kwargs={"pk": event.pk})).text
    url = reverse("hackathons:set_up", kwargs={"pk": event.pk})
    bad = {**_schedule_data(), "team_min": 4, "team_max": 2}
    response = client.post(url, bad)
    assert response.status_code == 200 and "taille maximale" in response.text
    response = client.post(url, {**_schedule_data(), "team_min": 1, "team_max": 4,
                                 "open_licence_required": "on", "rules": "Règles"})
    hack = Hackathon.objects.get()
    manage = reverse("hackathons:manage", kwargs={"public_id": hack.public_id})
    assert response["Location"] == manage
    response = client.post(manage, {"action": "open"}, follow=True)
    assert "Ajoutez au moins un défi" in response.text
    client.post(manage, {"action": "challenge", "challenge-title": "Tourisme",
                         "challenge-organisation": organisation.pk,
                         "challenge-problem": "…", "challenge-serves": "…",
                         "challenge-expected_outcome": "…", "challenge-contact_name": "Léa",
                         "challenge-contact_email": "lea@example.fr"})
    client.post(manage, {"action": "criterion", "criterion-name": "Impact",
                         "criterion-weight": 2, "criterion-scale_max": 10})
    client.post(manage, {"action": "juror", "juror-email": "jure@example.fr"})
    client.post(manage, {"action": "open"})
    hack.refresh_from_db()
    assert hack.state == HackathonState.OPEN
    assert hack.challenges.count() == hack.criteria.count() == hack.jurors.count() == 1
    response = client.post(manage, {"action": "publish"}, follow=True)
    assert "Fermez d’abord la notation" in response.text


def test_another_organisation_cannot_manage_the_hackathon(client, edition, organisation,
                                                          other_editor):
    hack = factories.hackathon(edition, organisation)
    client.force_login(other_editor)
    manage = reverse("hackathons:manage", kwargs={"public_id": hack.public_id})
    assert client.get(manage).status_code == 403
    assert client.post(manage, {"action": "juror", "juror-email": "x@example.fr"}).status_code \
        == 403
    assert client.get(reverse("hackathons:set_up", kwargs={"pk": hack.event.pk})).status_code \
        == 403
    assert not hack.jurors.exists()
