"""Browser journey of a consultation: a person proposes, another supports and comments, the
first reports the comment, the organiser hides it with a reason, answers the proposal (the
author is told by e-mail) and the synthesis counts it. The phases are moved by changing the
consultation's dates between steps. Every page goes through axe-core."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from semaine.consultations.models import Consultation, Phase
from tests import factories

pytestmark = pytest.mark.e2e


def _move_to(consultation, phase):
    """Put ``phase`` under way today (each phase lasts ten days)."""
    order = [p.value for p in Phase]
    first = timezone.localdate() - timedelta(days=10 * order.index(phase) + 5)
    dates = {}
    for n, code in enumerate(order):
        dates[f"{code}_starts"] = first + timedelta(days=10 * n)
        dates[f"{code}_ends"] = first + timedelta(days=10 * n + 9)
    Consultation.objects.filter(pk=consultation.pk).update(**dates)


def _sign_in(page, user):
    page.context.clear_cookies()
    page.goto("/compte/connexion/")
    page.get_by_label("Adresse électronique").fill(user.email)
    page.get_by_label("Mot de passe").fill(factories.PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


def test_propose_support_comment_report_moderate_answer(page, live_server, migrated_reference_data,
                                                        assert_accessible):
    organisation = factories.OrganisationFactory(name="Département de la Loire-Atlantique")
    organiser = factories.MembershipFactory(organisation=organisation).user
    author = factories.verified_person(first_name="Inès", last_name="Moreau")
    supporter = factories.verified_person(first_name="Léon", last_name="Bertrand")
    consultation = factories.consultation(organisation, phase="proposals",
                                          title="Concevoir ensemble le futur accueil numérique")

    page.goto("/")
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Participer").click()
    assert_accessible()
    page.get_by_role("link", name=consultation.title).click()
    expect(page.locator("[aria-current=step]")).to_contain_text("Propositions")
    assert_accessible()

    _sign_in(page, author)
    page.goto(consultation.get_absolute_url())
    page.get_by_role("link", name="Faire une proposition").click()
    assert_accessible()
    page.get_by_label("Titre").fill("Un rendez-vous en visio avec un agent")
    page.get_by_label("Votre proposition").fill("Pouvoir **parler à un agent** sans se déplacer.")
    page.get_by_label("Catégorie").select_option(label="Numérique")
    page.get_by_label("Commune").fill("Nantes")
    page.get_by_role("button", name="Publier ma proposition").click()
    expect(page.get_by_text("Votre proposition est publiée.")).to_be_visible()
    expect(page.locator("strong", has_text="parler à un agent")).to_be_visible()
    proposal_url = page.url
    assert_accessible()

    _move_to(consultation, "supports")
    _sign_in(page, supporter)
    page.goto(proposal_url)
    page.get_by_role("button", name="Soutenir").click()
    expect(page.get_by_text("Merci pour votre soutien.")).to_be_visible()
    expect(page.get_by_role("heading", name="1 soutien")).to_be_visible()
    page.get_by_label("Votre commentaire").fill("Et un numéro de téléphone pour qui n’a pas d’écran.")
    page.locator("label", has_text="Contre").first.click()
    page.get_by_role("button", name="Publier mon commentaire").click()
    expect(page.get_by_text("Votre commentaire est publié.")).to_be_visible()
    expect(page.locator(".consultation-comment")).to_contain_text("Contre")
    assert_accessible()

    _sign_in(page, author)
    page.goto(proposal_url)
    page.get_by_role("button", name="Signaler").click()
    expect(page.get_by_text("le commentaire est signalé")).to_be_visible()

    _sign_in(page, organiser)
    page.goto(consultation.get_absolute_url())
    page.get_by_role("link", name="Modération").click()
    assert_accessible()
    page.get_by_label("Motif du masquage").fill("Message hors sujet")
    page.get_by_role("button", name="Masquer").click()
    expect(page.get_by_text("Le commentaire est masqué.")).to_be_visible()
    page.goto(proposal_url)
    expect(page.get_by_text("Commentaire masqué par l’organisateur : Message hors sujet")).to_be_visible()

    _move_to(consultation, "answers")
    mail.outbox.clear()
    page.goto(consultation.get_absolute_url())
    page.get_by_role("link", name="Répondre aux propositions").click()
    assert_accessible()
    page.get_by_label("Réponse", exact=True).select_option(label="Retenue")
    page.get_by_label("Justification").fill("Ouverture du service en 2018.")
    page.get_by_role("button", name="Publier la réponse").click()
    expect(page.get_by_text("La réponse est publiée")).to_be_visible()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([author.email, supporter.email])

    page.goto(consultation.get_absolute_url())
    page.get_by_role("link", name="Synthèse").click()
    expect(page.get_by_role("table")).to_contain_text("Numérique")
    expect(page.get_by_role("link", name="Un rendez-vous en visio avec un agent")).to_be_visible()
    assert_accessible()

    # the filters refresh the list in place (htmx) and keep the address shareable
    page.goto(consultation.get_absolute_url())
    page.get_by_label("Catégorie").select_option(label="Accueil")
    expect(page.get_by_text("Aucune proposition ne correspond.")).to_be_visible()
    assert "categorie=" in page.url
    page.get_by_label("Catégorie").select_option(label="Numérique")
    expect(page.get_by_role("link", name="Un rendez-vous en visio avec un agent")).to_be_visible()
    assert_accessible()
