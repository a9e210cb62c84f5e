"""Browser journey of an e-mail that cannot be sent: a visitor registers with an address the mail
server refuses and is told so on the next page, tries again once it is accepted; the organiser
writes to the attendees, reads « Message en cours d'envoi », sees the address that could not be
written to, and tries again. The mail server is the test backend that refuses listed addresses.
Every page goes through axe-core."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from semaine.agenda.models import EventState
from tests import factories

from .test_registration_journey import TITLE, event, expect_message, organiser, sign_in  # noqa: F401 - fixtures

pytestmark = pytest.mark.e2e

REFUSED = "boite.inconnue@example.fr"


@pytest.fixture(autouse=True)
def failing_server(settings):
    settings.EMAIL_BACKEND = "tests.mail_backends.FailingEmailBackend"
    settings.TEST_REFUSED_ADDRESSES = [REFUSED]
    return settings


def test_an_email_that_cannot_be_sent_is_shown_and_sent_again(page: Page, assert_accessible,
                                                              organiser, event,  # noqa: F811
                                                              failing_server):
    check = assert_accessible
    page.goto(event.get_absolute_url())
    page.get_by_role("link", name="S’inscrire", exact=True).click()
    page.get_by_label("Prénom").fill("Inès")
    page.get_by_label("Nom", exact=True).fill("Moreau")
    page.get_by_label("Adresse électronique").fill(REFUSED)
    page.get_by_role("button", name="M’inscrire").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Le courriel n’a pas pu être envoyé")
    expect(page.get_by_role("alert")).to_contain_text("550 5.1.1")
    check()

    failing_server.TEST_REFUSED_ADDRESSES = []
    page.get_by_role("button", name="Réessayer l’envoi").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vérifiez votre messagerie")
    expect(page.locator("main")).to_contain_text(f"a été envoyé à {REFUSED}")
    check()
    confirm = re.search(r"/inscriptions/confirmer/[^/\s]+/", mail.outbox[-1].body).group(0)
    page.goto(confirm)
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon inscription")

    failing_server.TEST_REFUSED_ADDRESSES = [REFUSED]
    sign_in(page, check, organiser.email)
    page.goto(f"/inscriptions/organisateur/evenements/{event.pk}/message/")
    page.get_by_label("Objet").fill("Changement de salle")
    page.get_by_label("Message").fill("Rendez-vous salle B.")
    page.get_by_role("button", name="Envoyer").click()
    expect(page.get_by_role("status").first).to_contain_text("Message en cours d’envoi à 1 personne")
    failed = page.locator("#emails-failed")
    expect(failed).to_contain_text("1 courriel n’a pas pu être envoyé")
    expect(failed).to_contain_text(REFUSED)
    expect(page.locator("#message-outcomes tbody tr")).to_contain_text("Changement de salle")
    check()

    failing_server.TEST_REFUSED_ADDRESSES = []
    failed.get_by_role("button", name="Réessayer l’envoi").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inscrits")
    expect(page.locator("#emails-failed")).to_have_count(0)
    check()
    assert [m.subject for m in mail.outbox if m.to == [REFUSED]][-1] == f"{TITLE} : Changement de salle"


def test_a_decision_email_that_cannot_be_sent_is_shown_to_the_coordinator(
        page: Page, assert_accessible, organiser, failing_server):  # noqa: F811
    check = assert_accessible
    edition = factories.EditionFactory(is_current=True)
    coordinator = factories.CoordinationFactory(edition=edition).user
    submitted = factories.EventFactory(edition=edition, state=EventState.SUBMITTED,
                                       organisation=organiser.memberships.get().organisation,
                                       title="Hackathon des données locales")
    failing_server.TEST_REFUSED_ADDRESSES = [organiser.email]
    sign_in(page, check, coordinator.email)
    page.goto(f"/coordination/evenements/{submitted.pk}/")
    page.get_by_role("button", name="Publier").click()
    failed = page.locator("#emails-failed")
    expect(failed).to_contain_text(f"Le courriel à {organiser.email} n’a pas pu être envoyé")
    expect(failed).to_contain_text("550 5.1.1")
    check()
    failed.get_by_role("link", name=re.compile("Hackathon des données locales")).click()
    failed = page.locator("#emails-failed")
    expect(failed).to_contain_text(organiser.email)
    check()

    failing_server.TEST_REFUSED_ADDRESSES = []
    failed.get_by_role("button", name="Réessayer l’envoi").click()
    expect_message(page, "1 courriel est de nouveau en cours d’envoi.")
    expect(page.locator("#emails-failed")).to_have_count(0)
    check()
    assert [m.to for m in mail.outbox][-1] == [organiser.email]
