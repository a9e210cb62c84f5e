import pytest
from django.urls import reverse
from django.utils import timezone

from semaine.accounts.models import Email
from semaine.consultations import services
from semaine.consultations.models import Comment, Consultation, Proposal
from tests import factories

pytestmark = pytest.mark.django_db


def _dates():
    today = timezone.localdate()
    data = {}
    for n, code in enumerate(["information", "proposals", "supports", "analysis", "answers"]):
        data[f"{code}_starts"] = (today + timezone.timedelta(days=10 * n)).isoformat()
        data[f"{code}_ends"] = (today + timezone.timedelta(days=10 * n + 9)).isoformat()
    return data


def test_an_editor_creates_a_consultation_with_categories_and_workshops(client, editor,
                                                                        organisation, edition):
    workshop = factories.EventFactory(edition=edition, organisation=organisation)
    client.force_login(editor)
    url = reverse("consultations:create", kwargs={"organisation": organisation.slug})
    response = client.post(url, {"title": "Accueil numérique", "question": "Comment ?",
                                 "proposals_per_person": 3, "categories": "Accueil\nNumérique",
                                 "workshops": [workshop.pk], "threshold_accumulates": "on",
                                 **_dates()})
    consultation = Consultation.objects.get()
    assert response.url == consultation.get_absolute_url()
    assert consultation.categories.count() == 2
    assert list(workshop.consultations.all()) == [consultation]


def test_dates_out_of_order_are_shown_beside_the_field(client, editor, organisation):
    client.force_login(editor)
    dates = _dates()
    dates["supports_starts"] = dates["information_starts"]
    response = client.post(reverse("consultations:create", kwargs={"organisation": organisation.slug}),
                           {"title": "X", "question": "Y", "proposals_per_person": 3, **dates})
    assert response.status_code == 200
    assert "Les phases se suivent" in response.content.decode()


def test_another_organisation_cannot_reach_the_organiser_pages(client, other_editor, organisation):
    consultation = factories.consultation(organisation)
    client.force_login(other_editor)
    for name in ("edit", "moderation", "answers"):
        url = reverse(f"consultations:{name}", kwargs={"slug": consultation.slug})
        assert client.get(url).status_code == 403
    assert client.get(reverse("consultations:create",
                              kwargs={"organisation": organisation.slug})).status_code == 404


def test_moderation_queue_hides_with_a_reason(client, editor, organisation):
    consultation = factories.consultation(organisation)
    comment = services.comment(factories.verified_person(), consultation, body="Insulte")
    services.report_comment(factories.verified_person(), comment)
    client.force_login(editor)
    url = reverse("consultations:moderation", kwargs={"slug": consultation.slug})
    assert "Insulte" in client.get(url).content.decode()
    hide = reverse("consultations:hide", kwargs={"slug": consultation.slug, "pk": comment.pk})
    client.post(hide, {"reason": ""})
    assert not Comment.objects.get().is_hidden
    client.post(hide, {"reason": "Propos injurieux"})
    assert Comment.objects.get().hidden_reason == "Propos injurieux"
    assert "Insulte" not in client.get(url).content.decode()


def test_answering_a_proposal_mails_its_author(client, editor, organisation):
    consultation = factories.consultation(organisation, phase="analysis")
    author = factories.verified_person()
    proposal = Proposal.objects.create(consultation=consultation, author=author, title="Idée",
                                       body="Texte")
    client.force_login(editor)
    assert "Idée" in client.get(reverse("consultations:answers",
                                        kwargs={"slug": consultation.slug})).content.decode()
    client.post(reverse("consultations:answer", kwargs={"slug": consultation.slug, "pk": proposal.pk}),
                {f"p{proposal.pk}-answer": "studying", f"p{proposal.pk}-justification": "En cours"})
    proposal.refresh_from_db()
    assert proposal.answer == "studying"
    assert Email.objects.get().to == author.email


def test_a_linked_workshop_names_its_consultation(client, organisation, edition):
    event = factories.published_event(edition, organisation, title="Atelier de co-conception")
    consultation = factories.consultation(organisation)
    consultation.workshops.add(event)
    assert consultation.title in client.get(event.get_absolute_url()).content.decode()
    assert event.title in client.get(consultation.get_absolute_url()).content.decode()
