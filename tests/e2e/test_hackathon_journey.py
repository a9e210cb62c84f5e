"""Browser journey of a hackathon: the organiser sets it up, a team forms and hands in its
project, three jurors score it and a rival's, the organiser closes scoring and publishes the
results, which a visitor reads. Every page goes through axe-core (``assert_accessible``)."""

import os
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from semaine.agenda.models import PARIS
from semaine.hackathons.models import Hackathon, HackathonState
from semaine.hackathons.services import save_submission
from tests import factories

pytestmark = pytest.mark.e2e
#: Set it to a file name to keep a screenshot of the published results.
SCREENSHOT = os.environ.get("SEMAINE_E2E_HACKATHON_SCREENSHOT", "")


def sign_in(page: Page, check, user) -> None:
    page.goto("/compte/connexion/")
    page.get_by_label("Adresse électronique").fill(user.email)
    page.get_by_label("Mot de passe").fill(factories.PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    check()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("link", name="Se connecter")).to_be_visible()


def link_in(message, pattern: str) -> str:
    paths = [urlsplit(u).path for u in re.findall(r"https?://\S+", message.body)]
    (path,) = [p for p in paths if re.fullmatch(pattern, p)]
    return path


def local(moment) -> str:
    return timezone.localtime(moment, PARIS).strftime("%Y-%m-%dT%H:%M")


def test_a_team_submits_three_jurors_score_and_results_are_published(
    page: Page, assert_accessible, live_server, migrated_reference_data
):
    check = assert_accessible
    edition = factories.EditionFactory(is_current=True)
    membership = factories.MembershipFactory(
        organisation=factories.OrganisationFactory(name="Département du Calvados"))
    organiser, organisation = membership.user, membership.organisation
    event = factories.published_event(edition, organisation, title="Hackathon tourisme",
                                      formats=("hackathon",), registration_mode="platform")
    alice, bob, rival = (factories.UserFactory(first_name=name) for name in
                         ("Alice", "Bruno", "Rita"))
    for person in (alice, bob, rival):
        factories.register_confirmed(event, person)
    jurors = [factories.UserFactory(first_name="Juré", email=f"jure{i}@example.fr")
              for i in range(3)]

    # The organiser sets the hackathon up on the event, with a challenge, a criterion, the jury.
    sign_in(page, check, organiser)
    page.goto(f"/espace/evenements/{event.pk}/")
    page.get_by_role("link", name="Mettre en place le hackathon").click()
    check()
    for field, moment in factories.hackathon_schedule().items():
        page.fill(f"#id_{field}", local(moment))
    page.fill("#id_team_max", "3")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gérer le hackathon")
    check()
    page.get_by_text("Ajouter un défi").click()
    page.fill("#id_challenge-title", "Tourisme")
    page.select_option("#id_challenge-organisation", label=organisation.name)
    page.fill("#id_challenge-problem", "Faire découvrir les sites peu connus.")
    page.fill("#id_challenge-serves", "Les offices de tourisme")
    page.fill("#id_challenge-expected_outcome", "Un prototype")
    page.fill("#id_challenge-contact_name", "Claire Dupont")
    page.fill("#id_challenge-contact_email", "claire@example.fr")
    page.get_by_role("button", name="Ajouter le défi").click()
    page.get_by_text("Ajouter un critère").click()
    page.fill("#id_criterion-name", "Impact")
    page.fill("#id_criterion-weight", "2")
    page.get_by_role("button", name="Ajouter le critère").click()
    for juror in jurors:
        page.fill("#id_juror-email", juror.email)
        page.get_by_role("button", name="Inviter").click()
        expect(page.get_by_role("status")).to_contain_text("L’invitation est envoyée.")
    page.get_by_role("button", name="Ouvrir le hackathon").click()
    expect(page.get_by_role("status")).to_contain_text("Le hackathon est ouvert")
    check()
    hack = Hackathon.objects.get()
    sign_out(page)

    # Alice creates a team on the challenge; Bruno asks to join; Alice accepts; she submits.
    page.goto(event.get_absolute_url())
    page.get_by_role("link", name="Les défis, les équipes et les résultats du hackathon").click()
    check()
    sign_in(page, check, alice)
    page.goto(hack.get_absolute_url())
    page.get_by_role("link", name="Tourisme", exact=True).click()
    page.fill("#id_name", "Les Vikings")
    page.fill("#id_skills_sought", "design")
    page.get_by_role("button", name="Créer l’équipe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Les Vikings")
    check()
    team_url = urlsplit(page.url).path
    sign_out(page)
    sign_in(page, check, bob)
    page.goto(team_url)
    page.fill("#id_message", "Je code en Python.")
    page.get_by_role("button", name="Demander à rejoindre").click()
    expect(page.get_by_role("status")).to_contain_text("Votre demande est envoyée")
    sign_out(page)
    told = next(m for m in mail.outbox if m.to == [alice.email])
    sign_in(page, check, alice)
    page.goto(link_in(told, r"/hackathons/equipes/[-\w]+/"))
    expect(page.get_by_text("Je code en Python.")).to_be_visible()
    page.get_by_role("button", name="Accepter").click()
    expect(page.get_by_role("status")).to_contain_text("Demande acceptée")
    page.get_by_role("link", name="Déposer le projet").click()
    check()
    page.fill("#id_title", "Balades cachées")
    page.fill("#id_summary", "Des suggestions de sites peu connus.")
    page.fill("#id_repository_url", "javascript:alert(1)")
    page.fill("#id_licence", "LicenseRef-Fermee")
    page.get_by_role("button", name="Enregistrer le projet").click()
    expect(page.get_by_text("commençant par http:// ou https://")).to_be_visible()
    check()
    page.fill("#id_repository_url", "https://example.org/balades")
    page.fill("#id_licence", "MIT")
    page.get_by_role("button", name="Enregistrer le projet").click()
    expect(page.get_by_role("status")).to_contain_text("Votre projet est enregistré")
    sign_out(page)
    rival_team = factories.hackathon_team(hack, rival, "Les Normands")
    save_submission(rival, rival_team, title="Carte vivante", summary="…", licence="EUPL-1.2")

    # Three jurors accept their invitation and score both projects.
    for i, juror in enumerate(jurors):
        invitation = next(m for m in mail.outbox if m.to == [juror.email])
        sign_in(page, check, juror)
        page.goto(link_in(invitation, r"/hackathons/jury/invitation/[-\w]+/"))
        check()
        page.get_by_role("button", name="J’accepte de faire partie du jury").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Les projets à noter")
        check()
        for title, value in (("Balades cachées", 8 - i), ("Carte vivante", 5 - i)):
            page.get_by_role("link", name=title).click()
            page.get_by_label(re.compile("Impact")).fill(str(value))
            page.get_by_role("button", name="Enregistrer ma notation").click()
            expect(page.get_by_role("status")).to_contain_text("Votre notation est enregistrée")
        check()
        sign_out(page)

    # After the deadline the organiser closes scoring and publishes the results.
    Hackathon.objects.filter(pk=hack.pk).update(
        submission_deadline=timezone.now() - timedelta(minutes=1))
    sign_in(page, check, organiser)
    page.goto(f"/hackathons/organisateur/{hack.public_id}/")
    page.get_by_role("button", name="Clore la notation").click()
    expect(page.get_by_role("status")).to_contain_text("La notation est close")
    check()
    page.get_by_label("Prix de « Balades cachées » (facultatif)").fill("Prix du jury")
    page.get_by_role("button", name="Publier les résultats").click()
    expect(page.get_by_role("status")).to_contain_text("Les résultats sont publiés")
    sign_out(page)
    hack.refresh_from_db()
    assert hack.state == HackathonState.PUBLISHED

    # A visitor reads the ranking, the method and the published sheets (pseudonyms only).
    page.goto(f"/hackathons/{hack.public_id}/resultats/")
    rows = page.locator("#classement tbody tr")
    expect(rows.nth(0)).to_contain_text("Balades cachées")
    expect(rows.nth(0)).to_contain_text("Prix du jury")
    expect(rows.nth(1)).to_contain_text("Carte vivante")
    expect(page.locator("#fiches tbody tr")).to_have_count(6)
    expect(page.get_by_text("jure0@example.fr")).to_have_count(0)
    check()
    if SCREENSHOT:
        page.screenshot(path=SCREENSHOT, full_page=True)
