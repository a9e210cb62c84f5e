"""Browser journeys over the 2017 demo edition: publish an event, find it, switch language.

Every page the browser visits goes through axe-core (``assert_accessible``).
"""

import os
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from semaine.agenda.models import PARIS, Event, EventState, Programme
from semaine.seed.demo import demo_data

pytestmark = pytest.mark.e2e
DEMO_PASSWORD = demo_data().password

COORDINATOR = "coordination@demo.semaine.fr"
EDITOR = "editeur.loire-atlantique@demo.semaine.fr"
TITLE = "Atelier de cartographie sensible"
SUMMARY = (
    "Agents et habitants dessinent ensemble la carte de leurs trajets vers les services "
    "publics du département, pour repérer ce qui les facilite et ce qui les freine."
)
VENUE = "Archives départementales de la Loire-Atlantique"
#: Set it to a file name to keep a screenshot of the published event page.
SCREENSHOT = os.environ.get("SEMAINE_E2E_SCREENSHOT", "")


def sign_in(page: Page, check, email: str) -> None:
    page.goto("/compte/connexion/")
    check()
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


def sign_out(page: Page, check) -> None:
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("link", name="Se connecter")).to_be_visible()
    check()


def fill_slot(page: Page, row: int, day: str, start: str, end: str) -> None:
    page.fill(f"#id_slots-{row}-starts_at", f"{day}T{start}")
    page.fill(f"#id_slots-{row}-ends_at", f"{day}T{end}")


def tick(page: Page, label: str) -> None:
    """Tick a DSFR checkbox the way a person does: its label covers the box."""
    box = page.get_by_label(label, exact=True)
    page.locator(f"label[for='{box.get_attribute('id')}']").click()
    expect(box).to_be_checked()


def list_after(page: Page, heading: str):
    """The list that follows a heading (the slots of an event)."""
    return page.get_by_role("heading", name=heading, exact=True).locator(
        "xpath=following-sibling::ul[1]"
    )


def expect_message(page: Page, text: str) -> None:
    expect(page.get_by_role("status")).to_contain_text(text)


def test_an_editor_publishes_and_a_visitor_finds_the_event(page: Page, assert_accessible, demo):
    check = assert_accessible

    # The 2017 deadline is long past: the coordinator reopens submissions first.
    sign_in(page, check, COORDINATOR)
    expect(page).to_have_url(re.compile(r"/coordination/$"))
    check()
    until = timezone.localtime(timezone.now() + timedelta(days=30), PARIS)
    page.get_by_label("Soumissions rouvertes jusqu’au").fill(until.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Rouvrir les soumissions").click()
    expect_message(page, "Les soumissions sont rouvertes.")
    check()
    sign_out(page, check)

    # The Loire-Atlantique editor creates the event with its first slot.
    sign_in(page, check, EDITOR)
    expect(page).to_have_url(re.compile(r"/espace/[-\w]+/evenements/$"))
    check()
    page.get_by_role("link", name="Nouvel événement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouvel événement")
    check()
    page.fill("#id_title", TITLE)
    page.fill("#id_summary", SUMMARY)
    venue = page.locator("#id_venue option", has_text=VENUE).first.get_attribute("value")
    page.select_option("#id_venue", venue)
    tick(page, "Atelier")
    tick(page, "Grand public")
    fill_slot(page, 0, "2017-11-21", "09:30", "12:00")
    page.get_by_role("button", name="Enregistrer").click()
    expect_message(page, "L’événement est enregistré.")
    expect(page).to_have_url(re.compile(r"/espace/evenements/\d+/$"))
    check()

    # Saving gave the form an empty row: the second slot goes there.
    page.get_by_role("link", name="Modifier").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Modifier l’événement")
    check()
    expect(page.locator("#id_slots-0-starts_at")).to_have_value("2017-11-21T09:30")
    fill_slot(page, 1, "2017-11-22", "14:00", "17:00")
    page.get_by_role("button", name="Enregistrer").click()
    expect_message(page, "L’événement est enregistré.")
    slots = list_after(page, "Créneaux").get_by_role("listitem")
    expect(slots).to_have_count(2)
    expect(slots.nth(0)).to_contain_text("21 novembre 2017")
    expect(slots.nth(0)).to_contain_text("09:30")
    expect(slots.nth(1)).to_contain_text("22 novembre 2017")
    expect(slots.nth(1)).to_contain_text("14:00")
    check()

    page.get_by_role("button", name="Soumettre à la coordination").click()
    expect_message(page, "L’événement est soumis à la coordination.")
    check()
    sign_out(page, check)

    # The coordinator publishes it from the queue.
    sign_in(page, check, COORDINATOR)
    expect(page).to_have_url(re.compile(r"/coordination/$"))
    check()
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    check()
    page.get_by_role("button", name="Publier", exact=True).click()
    expect_message(page, "L’événement est publié.")
    expect(page).to_have_url(re.compile(r"/coordination/\?edition=2017$"))
    check()
    sign_out(page, check)
    event = Event.objects.get(title=TITLE)
    assert event.state == EventState.PUBLISHED
    assert event.slots.count() == 2

    # A visitor finds it in the edition's programme, page after page.
    page.goto("/editions/2017/agenda/")
    check()
    card = page.get_by_role("link", name=TITLE)
    pages_seen = 1
    while not card.count():
        assert page.get_by_role("link", name="Page suivante").count(), (
            f"« {TITLE} » is on none of the {pages_seen} pages of the programme"
        )
        page.get_by_role("link", name="Page suivante").click()
        pages_seen += 1
        expect(page).to_have_url(re.compile(rf"[?&]page={pages_seen}$"))
        check()
    card.click()

    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator("main")).to_contain_text(SUMMARY)
    when = list_after(page, "Quand")
    expect(when.get_by_role("listitem")).to_have_count(2)
    expect(when).to_contain_text("21 novembre 2017")
    expect(when).to_contain_text("09:30")
    expect(when).to_contain_text("22 novembre 2017")
    expect(page.locator("main")).to_contain_text(VENUE)
    expect(page.locator("main")).not_to_contain_text("Aperçu")
    check()
    if SCREENSHOT:
        page.screenshot(path=SCREENSHOT, full_page=True)


def test_a_visitor_switches_the_interface_to_english(page: Page, assert_accessible, demo):
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    assert_accessible()
    page.locator(".fr-header__tools-links").get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".fr-header__tools-links").get_by_role("link", name="Français")).to_be_visible()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    assert_accessible()


def test_the_public_pages_are_accessible(page: Page, assert_accessible, demo):
    programme = Programme.objects.get(organisation__slug="departement-de-la-loire-atlantique")
    for url in ("/", "/compte/connexion/", "/compte/inscription/", programme.get_absolute_url()):
        response = page.goto(url)
        assert response is not None and response.ok, f"{url} answered {response.status}"
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible()
    expect(page.get_by_role("heading", level=1)).to_have_text(programme.title)


def test_the_accessibility_check_catches_violations(page: Page, assert_accessible):
    """The helper is not blind: an image without text alternative and a field without label."""
    page.goto("/")
    assert_accessible()
    page.evaluate(
        """() => {
            const main = document.querySelector("main");
            const image = document.createElement("img");
            image.src = "data:image/gif;base64,R0lGODlhAQABAAAAACw=";
            main.append(image, document.createElement("input"));
        }"""
    )
    with pytest.raises(AssertionError, match=r"image-alt \(critical\)") as failure:
        assert_accessible()
    assert "label (critical)" in str(failure.value)
