import pytest
from django.urls import reverse

from semaine.consultations import services
from semaine.consultations.models import Alignment, Comment, Proposal, ProposalState, Support
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultation(organisation):
    return factories.consultation(organisation, phase="supports", supports_per_person=2)


def _proposal(consultation, **fields):
    return Proposal.objects.create(consultation=consultation, author=factories.verified_person(),
                                   title=fields.pop("title", "Un guichet unique"),
                                   body=fields.pop("body", "Un seul lieu."), **fields)


def test_participer_is_in_the_main_menu_and_lists_consultations(client, consultation):
    home = client.get(reverse("ui:home")).content.decode()
    assert reverse("consultations:index") in home
    page = client.get(reverse("consultations:index")).content.decode()
    assert consultation.title in page and "Phase en cours : Soutiens" in page


def test_the_consultation_page_marks_the_current_phase(client, consultation):
    page = client.get(consultation.get_absolute_url()).content.decode()
    assert 'aria-current="step"' in page
    current = page.split('aria-current="step"')[1][:200]
    assert "Soutiens" in current


def test_filters_and_sorts_work_without_javascript(client, consultation, django_assert_num_queries):
    accueil, numerique = consultation.categories.all()
    a = _proposal(consultation, title="Alpha", category=accueil, supports_count=5)
    b = _proposal(consultation, title="Bravo", category=numerique, comments_count=9, answer="accepted")
    _proposal(consultation, title="Charlie", state=ProposalState.WITHDRAWN)
    url = consultation.get_absolute_url()
    page = client.get(url, {"categorie": accueil.pk}).content.decode()
    assert "Alpha" in page and "Bravo" not in page and "Charlie" not in page
    page = client.get(url, {"reponse": "accepted"}).content.decode()
    assert "Bravo" in page and "Alpha" not in page
    page = client.get(url, {"tri": "supported"}).content.decode()
    assert page.index("Alpha") < page.index("Bravo")
    page = client.get(url, {"tri": "commented"}).content.decode()
    assert page.index("Bravo") < page.index("Alpha")
    assert a.pk and b.pk
    for n in range(30):
        _proposal(consultation, title=f"Idée {n}")
    client.get(url)  # the session and its seed exist from here on
    with django_assert_num_queries(7):
        client.get(url, {"page": 2})


def test_the_random_order_is_kept_per_visitor_and_differs_between_visitors(client, consultation):
    for n in range(40):
        _proposal(consultation, title=f"Idée n°{n:02d}")
    url = consultation.get_absolute_url()

    def order(c):
        page = c.get(url).content.decode()
        return [line[:2] for line in page.split("Idée n°")[1:]]

    first = order(client)
    assert order(client) == first
    others = {tuple(order(type(client)())) for _ in range(3)}
    assert any(list(o) != first for o in others)


def test_the_proposal_page_sanitises_html_and_threads_comments(client, consultation):
    person = factories.verified_person()
    proposal = _proposal(consultation, body="<script>alert(1)</script>**gras**")
    first = services.comment(person, consultation, proposal=proposal, body="Oui",
                             alignment=Alignment.FOR)
    services.comment(person, consultation, proposal=proposal, parent=first,
                     body="<img src=x onerror=alert(1)>", alignment=Alignment.AGAINST)
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in page and "onerror" not in page
    assert "<strong>gras</strong>" in page
    assert "consultation-comment--reply" in page and "Contre" in page and "Pour" in page


def test_supporting_from_the_page(client, consultation):
    proposal = _proposal(consultation)
    person = factories.verified_person()
    url = reverse("consultations:support", kwargs={"slug": consultation.slug, "pk": proposal.pk})
    assert client.post(url).status_code == 302  # to sign in
    assert not Support.objects.exists()
    client.force_login(person)
    page = client.post(url, follow=True).content.decode()
    assert "Merci pour votre soutien" in page and "1 soutien" in page
    page = client.post(url, {"retirer": "1"}, follow=True).content.decode()
    assert "0 soutien" in page


def test_a_support_refused_by_the_limit_says_why(client, consultation):
    person = factories.verified_person()
    client.force_login(person)
    proposals = [_proposal(consultation) for _ in range(3)]
    for p in proposals:
        response = client.post(reverse("consultations:support",
                                       kwargs={"slug": consultation.slug, "pk": p.pk}), follow=True)
    assert "nombre maximal" in response.content.decode()
    assert Support.objects.filter(user=person).count() == 2


def test_propose_with_errors_beside_the_fields(client, organisation):
    consultation = factories.consultation(organisation, phase="proposals")
    url = reverse("consultations:propose", kwargs={"slug": consultation.slug})
    assert client.get(url).status_code == 302
    client.force_login(factories.UserFactory())
    assert "Confirmez" in client.get(url).content.decode()
    client.force_login(factories.verified_person())
    response = client.post(url, {"title": "", "body": "x" * 20_000})
    assert response.status_code == 200
    assert "Le formulaire contient des erreurs" in response.content.decode()
    response = client.post(url, {"title": "Un guichet", "body": "Un seul lieu",
                                 "category": consultation.categories.first().pk, "commune": "Nantes"})
    proposal = Proposal.objects.get()
    assert response.url == proposal.get_absolute_url() and proposal.commune == "Nantes"


def test_the_honeypot_refuses_a_robot(client, organisation):
    consultation = factories.consultation(organisation, phase="proposals")
    client.force_login(factories.verified_person())
    client.post(reverse("consultations:propose", kwargs={"slug": consultation.slug}),
                {"title": "A", "body": "B", "website": "http://spam"})
    assert not Proposal.objects.exists()


def test_comment_and_report_from_the_page(client, consultation):
    proposal = _proposal(consultation)
    client.force_login(factories.verified_person())
    url = reverse("consultations:comment", kwargs={"slug": consultation.slug, "pk": proposal.pk})
    client.post(url, {"body": "Bonne idée", "alignment": "for"})
    comment = Comment.objects.get()
    client.post(url, {"body": "Merci", "alignment": "neutral", "parent": comment.pk})
    assert Comment.objects.get(parent=comment).body == "Merci"
    page = client.post(reverse("consultations:report", kwargs={"slug": consultation.slug,
                                                               "comment_pk": comment.pk}),
                       follow=True).content.decode()
    assert "signalé" in page
    assert Comment.objects.get(pk=comment.pk).reports_count == 1


def test_a_hidden_comment_shows_its_reason_not_its_text(client, consultation, editor):
    proposal = _proposal(consultation)
    comment = services.comment(factories.verified_person(), consultation, proposal=proposal,
                               body="Texte injurieux")
    services.hide_comment(editor, comment, reason="Propos injurieux")
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "Texte injurieux" not in page and "Propos injurieux" in page


def test_the_synthesis_counts_by_category_and_answer(client, consultation):
    accueil = consultation.categories.first()
    _proposal(consultation, title="Retenue", category=accueil, answer="accepted")
    _proposal(consultation, title="Autre", category=accueil)
    _proposal(consultation, title="Sans catégorie", answer="not_retained")
    page = client.get(reverse("consultations:synthesis", kwargs={"slug": consultation.slug}))
    text = page.content.decode()
    assert "<caption>" in text and "Retenue" in text
    row = text.split('<th scope="row">Accueil</th>')[1].split("</tr>")[0]
    assert [cell.split("</td>")[0] for cell in row.split("<td>")[1:]] == ["2", "1", "0", "0", "1"]
    assert text.index(">Accueil</th>") < text.index(">Sans catégorie</th>")


def test_the_consultation_has_its_own_threaded_debate(client, consultation):
    client.force_login(factories.verified_person())
    url = reverse("consultations:debate", kwargs={"slug": consultation.slug})
    client.post(url, {"body": "Pensez aux aidants", "alignment": "for"})
    first = Comment.objects.get()
    assert first.proposal is None
    page = client.post(url, {"body": "D’accord", "alignment": "neutral", "parent": first.pk},
                       follow=True).content.decode()
    assert "Pensez aux aidants" in page and "consultation-comment--reply" in page
    assert Comment.objects.get(parent=first).body == "D’accord"


def test_htmx_refreshes_only_the_list(client, consultation):
    _proposal(consultation, title="Alpha")
    response = client.get(consultation.get_absolute_url(), {"tri": "recent"},
                          headers={"HX-Request": "true"})
    text = response.content.decode()
    assert "Alpha" in text and "<html" not in text and "Débat" not in text
    page = client.get(consultation.get_absolute_url()).content.decode()
    assert 'hx-target="#proposals"' in page and 'id="proposals"' in page


def test_consultations_are_listed_per_edition(client, organisation, edition):
    mine = factories.consultation(organisation, edition=edition, title="De l’édition")
    factories.consultation(organisation, title="Hors édition")
    page = client.get(reverse("consultations:index"), {"edition": edition.slug}).content.decode()
    assert mine.title in page and "Hors édition" not in page


def test_the_synthesis_draws_the_answers_as_bars(client, consultation):
    _proposal(consultation, answer="accepted")
    _proposal(consultation)
    page = client.get(reverse("consultations:synthesis", kwargs={"slug": consultation.slug}))
    assert '<progress max="2" value="1" aria-label="Retenue">' in page.content.decode()
