"""Browser journeys over the demo: an organisation's administrator builds a programme with three
tracks and files an event in one of them; a coordinator prepares a new edition. Every page goes
through axe-core.
"""

import os
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from semaine.agenda.models import PARIS, Coordination, Edition, Event, Programme
from tests.e2e.test_publishing_journey import (
    COORDINATOR,
    EDITOR,
    expect_message,
    fill_slot,
    sign_in,
    sign_out,
    tick,
)

pytestmark = pytest.mark.e2e
TITLE = "Mois de l'innovation en Loire-Atlantique"
EVENT = "Visite du laboratoire des usages"
#: a folder where the journeys keep screenshots of the new pages
SCREENSHOTS = os.environ.get("SEMAINE_E2E_PROGRAMME_SCREENSHOTS", "")


def shoot(page: Page, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)


def track_names(page: Page) -> list[str]:
    return [text.strip() for text in page.locator("#parcours + ol > li > p").all_inner_texts()]


def test_an_admin_builds_a_programme_with_three_tracks_and_files_an_event_in_one(
        page: Page, assert_accessible, demo):
    check = assert_accessible
    sign_in(page, check, EDITOR)
    page.get_by_role("link", name="Programmes et parcours").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Programmes et parcours")
    check()
    shoot(page, "programmes")

    # The edition open for submissions is offered first (the 2017 one is closed).
    edition = page.get_by_label("Édition")
    expect(edition.locator("option:checked")).to_contain_text("Mois de l'innovation publique")
    page.get_by_label("Titre").fill(TITLE)
    page.get_by_label("Présentation").fill("Trois parcours : **découvrir**, partager, comprendre.")
    page.get_by_role("button", name="Créer le programme").click()
    expect_message(page, "Le programme est créé")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    check()

    for name in ("Découvrir", "Comprendre", "Partager"):
        page.get_by_label("Nom du parcours").fill(name)
        page.get_by_role("button", name="Ajouter le parcours").click()
        expect_message(page, "Le parcours est ajouté.")
    assert track_names(page) == ["Découvrir", "Comprendre", "Partager"]
    # A duplicate name is refused beside the field.
    page.get_by_label("Nom du parcours").fill("partager")
    page.get_by_role("button", name="Ajouter le parcours").click()
    expect(page.locator("#id_name-desc-error, .fr-error-text").first).to_contain_text(
        "déjà un parcours de ce nom")
    check()
    # « Partager » goes up one place, with a plain button.
    page.get_by_role("button", name="Monter Partager").click()
    expect_message(page, "Le parcours « Partager » est déplacé.")
    assert track_names(page) == ["Découvrir", "Partager", "Comprendre"]
    check()
    shoot(page, "programme")

    page.get_by_role("link", name="Modifier Comprendre").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Parcours « Comprendre »")
    check()
    shoot(page, "track")
    page.get_by_label("Présentation").fill("Les enjeux des **données** publiques.")
    page.get_by_role("button", name="Enregistrer le parcours").click()
    expect_message(page, "Le parcours est enregistré.")

    # The event goes to the open edition, in the « Partager » track.
    page.get_by_role("link", name="Nouvel événement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouvel événement")
    check()
    shoot(page, "event-form")
    programme = Programme.objects.get(title=TITLE)
    page.fill("#id_title", EVENT)
    page.fill("#id_summary", "Agents et habitants testent ensemble un service en ligne.")
    page.select_option("#id_venue", index=1)
    page.select_option("#id_programme", label=TITLE)
    page.select_option("#id_track", label=f"{TITLE} — Partager")
    tick(page, "Atelier")
    tick(page, "Grand public")
    day = programme.edition.starts_on.isoformat()
    fill_slot(page, 0, day, "09:30", "12:00")
    page.get_by_role("button", name="Enregistrer").click()
    expect_message(page, "L’événement est enregistré.")
    check()
    event = Event.objects.get(title=EVENT)
    assert (event.edition, event.programme, event.track.name) == (programme.edition, programme,
                                                                 "Partager")

    # The public page shows the tracks in their order, each with its anchor.
    page.goto(programme.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator("section h2")).to_have_text(["Découvrir", "Partager", "Comprendre"])
    expect(page.locator("#parcours-comprendre")).to_contain_text("données")
    check()
    shoot(page, "public-programme")


def test_a_coordinator_prepares_an_edition_and_visitors_browse_the_editions(
        page: Page, assert_accessible, demo):
    check = assert_accessible
    sign_in(page, check, COORDINATOR)
    page.get_by_role("navigation", name="Espace de coordination").get_by_role(
        "link", name="Éditions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Éditions")
    check()
    shoot(page, "coordination-editions")
    page.get_by_role("link", name="Nouvelle édition").click()
    check()
    shoot(page, "edition-form")
    page.get_by_label("Nom", exact=True).fill("Semaine de l'innovation publique 2031")
    page.get_by_label("Premier jour").fill("2031-11-17")
    page.get_by_label("Dernier jour").fill("2031-11-10")
    deadline = timezone.localtime(timezone.now() + timedelta(days=40), PARIS)
    page.get_by_label("Date limite de soumission").fill(deadline.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Créer l’édition").click()
    expect(page.locator("main")).to_contain_text("Le dernier jour doit suivre le premier.")
    check()
    page.get_by_label("Dernier jour").fill("2031-11-23")
    page.get_by_role("button", name="Créer l’édition").click()
    expect_message(page, "L’édition est créée")
    expect(page.get_by_role("heading", level=1)).to_have_text("Semaine de l'innovation publique 2031")
    check()
    shoot(page, "coordination-edition")
    edition = Edition.objects.get(name="Semaine de l'innovation publique 2031")

    page.get_by_label("Adresse électronique de son compte").fill(EDITOR)
    page.get_by_role("button", name="Ajouter à la coordination").click()
    expect_message(page, "La personne coordonne désormais l’édition")
    assert Coordination.objects.filter(edition=edition, user__email=EDITOR).exists()
    page.get_by_role("button", name="Fermer les soumissions maintenant").click()
    expect_message(page, "Les soumissions sont fermées.")
    page.get_by_role("button", name="En faire l’édition en cours").click()
    expect_message(page, "est désormais l’édition en cours")
    assert Edition.objects.get(is_current=True) == edition
    check()
    sign_out(page, check)

    page.goto("/")
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Éditions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Éditions")
    expect(page.locator("main")).to_contain_text(re.compile(r"\d+ événements publiés"))
    check()
    shoot(page, "public-editions")
    page.get_by_role("link", name=re.compile("2017")).first.click()
    expect(page).to_have_url(re.compile(r"/editions/2017/$"))
