"""Browser journey of one organisation per public body: a person declares an organisation that is
already registered, is offered to ask to join it instead, asks; its admin follows the e-mail's
link, accepts; the person now prepares and submits the organisation's events. Every page goes
through axe-core. Set ``SEMAINE_E2E_JOIN_SCREENSHOTS`` to a folder to keep the new pages."""

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from semaine.accounts.models import User
from semaine.agenda import queries
from semaine.agenda import services as agenda
from semaine.agenda.models import Event, EventState
from semaine.organisers.models import Organisation, Role
from tests import factories

from .test_publishing_journey import (
    COORDINATOR,
    DEMO_PASSWORD,
    EDITOR,
    expect_message,
    fill_slot,
    sign_in,
    sign_out,
    tick,
)

pytestmark = pytest.mark.e2e
REQUESTER = "ines.roux@loire-atlantique.fr"
TITLE = "Café des usagers du numérique"
SCREENSHOTS = os.environ.get("SEMAINE_E2E_JOIN_SCREENSHOTS", "")


def shot(page: Page, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=Path(SCREENSHOTS) / f"{name}.png", full_page=True)


def test_a_duplicate_declaration_becomes_a_request_the_admin_accepts(
        page: Page, assert_accessible, demo):
    check = assert_accessible
    factories.UserFactory(email=REQUESTER, first_name="Inès", last_name="Roux",
                          password=DEMO_PASSWORD)
    edition = queries.current_edition()
    agenda.reopen_submissions(User.objects.get(email=COORDINATOR), edition,
                              timezone.now() + timedelta(days=30))
    organisation = Organisation.objects.get(name="Département de la Loire-Atlantique")
    organisations_before = Organisation.objects.count()

    # Inès declares « her » organisation, written her own way: it is already registered.
    sign_in(page, check, REQUESTER)
    page.goto("/espace/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Espace organisateur")
    check()
    page.get_by_role("link", name="Déclarer une organisation").click()
    page.get_by_label("Nom de l’organisation").fill("departement de Loire Atlantique")
    page.get_by_label("Type d’organisation").select_option("departement")
    page.get_by_label("Numéro SIRET").fill("123")
    page.get_by_role("button", name="Déclarer l’organisation").click()
    expect(page.locator("#siret-desc-error, .fr-error-text").first).to_contain_text("14 chiffres")
    check()
    page.get_by_label("Numéro SIRET").fill("")
    page.get_by_role("button", name="Déclarer l’organisation").click()
    expect(page.get_by_role("heading", name="Cette organisation est déjà inscrite")).to_be_visible()
    check()
    shot(page, "declare-duplicate")
    assert Organisation.objects.count() == organisations_before

    page.get_by_role("link", name=f"Demander à rejoindre le {organisation.name}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Rejoindre le {organisation.name}")
    check()
    shot(page, "join")
    page.get_by_label("Message aux administrateurs").fill("Chargée de mission au numérique.")
    page.get_by_role("button", name="Envoyer ma demande").click()
    expect_message(page, f"Votre demande est envoyée aux administrateurs du {organisation.name} :")
    expect(page.locator("main")).to_contain_text("en attente de la réponse de ses administrateurs")
    check()
    shot(page, "organiser-home-with-request")
    sign_out(page, check)

    # The admin is e-mailed a link to the members page, where they accept.
    [to_admin] = [m for m in mail.outbox if m.to == [EDITOR] and "demande à rejoindre" in m.subject]
    assert to_admin.subject == f"Inès Roux ({REQUESTER}) demande à rejoindre le {organisation.name}"
    link = re.search(r"http://\S+/membres/", to_admin.body).group(0)
    sign_in(page, check, EDITOR)
    page.goto(re.sub(r"^http://[^/]+", "", link))
    request_card = page.locator(".fr-callout", has_text="Inès Roux")
    expect(request_card).to_contain_text("Chargée de mission au numérique.")
    check()
    shot(page, "members-with-request")
    request_card.get_by_role("button", name="Accepter").click()
    expect_message(page, f"{REQUESTER} fait maintenant partie de l’organisation.")
    expect(page.locator("table")).to_contain_text(REQUESTER)
    check()
    sign_out(page, check)
    assert organisation.memberships.get(user__email=REQUESTER).role == Role.EDITOR
    to_requester = [m for m in mail.outbox if m.to == [REQUESTER]]
    assert [m.subject for m in to_requester] == [f"Vous avez rejoint le {organisation.name}"]

    # Inès now prepares and submits one of its events.
    sign_in(page, check, REQUESTER)
    expect(page).to_have_url(re.compile(rf"/espace/{organisation.slug}/evenements/$"))
    page.get_by_role("link", name="Nouvel événement").click()
    page.fill("#id_title", TITLE)
    page.fill("#id_summary", "Un café pour parler des démarches en ligne avec les agents.")
    page.select_option("#id_venue", index=1)
    tick(page, "Atelier")
    tick(page, "Grand public")
    day = edition.starts_on.isoformat()
    fill_slot(page, 0, day, "09:30", "11:00")
    page.get_by_role("button", name="Enregistrer").click()
    expect_message(page, "L’événement est enregistré.")
    page.get_by_role("button", name="Soumettre à la coordination").click()
    expect_message(page, "L’événement est soumis à la coordination.")
    check()
    event = Event.objects.get(title=TITLE)
    assert event.organisation == organisation and event.state == EventState.SUBMITTED
