"""Browser journey of an event through the whole edition workflow, over the demo: an
organisation's administrator builds a programme with three tracks in the next edition (open for
submissions, not the current one), files an event in one track and submits it; the edition's
coordinator is told by e-mail, returns it with a comment; the organiser is told, reads the comment
at the top of the event, fixes it and submits it again; the coordinator publishes it; the
organiser is told; the event is on the public programme page, in its track's section.

E-mails are read from ``django.core.mail.outbox`` (the live server runs in this process); the
coordinators' e-mail of recent submissions is sent by its job, run here as the scheduler would.
Every page goes through axe-core.
"""

import os
import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from semaine.accounts.notifications import send_submission_digests
from semaine.agenda.models import Edition, Event, EventState, Programme
from tests.e2e.test_programmes_journey import track_names
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
PROGRAMME = "Parcours de l'innovation en Loire-Atlantique"
EVENT = "Fresque des services publics numériques"
SUMMARY = "Agents et habitants retracent ensemble le parcours d'une démarche en ligne."
FIXED = "Agents et habitants retracent ensemble, pas à pas, le parcours d'une démarche en ligne."
COMMENT = "Précisez le public visé et la durée de l'atelier dans le résumé."
#: Set it to a folder to keep screenshots of the pages of the journey.
SCREENSHOTS = os.environ.get("SEMAINE_E2E_EDITION_SCREENSHOTS", "")


def shoot(page: Page, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"edition-{name}.png"), full_page=True)


def received(address: str, subject: str):
    """The one e-mail to ``address`` whose subject contains ``subject``."""
    found = [m for m in mail.outbox if m.to == [address] and subject in m.subject]
    assert len(found) == 1, f"{len(found)} e-mails « {subject} » to {address}: " + repr(
        [(m.to, m.subject) for m in mail.outbox])
    return found[0]


def link_in(message, path: str) -> str:
    """The path of the link to ``path`` (a pattern) in an e-mail, to open in the browser."""
    urls = [urlsplit(url).path for url in re.findall(r"https?://\S+", message.body)]
    matching = [url for url in urls if re.fullmatch(path, url)]
    assert matching, f"no link to {path} in:\n{message.body}"
    return matching[0]


def test_an_event_goes_from_submission_to_return_to_publication_in_the_next_edition(
        page: Page, assert_accessible, demo):
    check = assert_accessible
    next_edition = Edition.objects.get(slug="a-venir")
    assert next_edition.accepts_submissions()
    assert Edition.objects.get(is_current=True) != next_edition

    # The organisation's administrator builds the programme in the next edition.
    sign_in(page, check, EDITOR)
    page.get_by_role("link", name="Programmes et parcours").click()
    check()
    expect(page.get_by_label("Édition").locator("option:checked")).to_have_text(next_edition.name)
    page.get_by_label("Titre").fill(PROGRAMME)
    page.get_by_label("Présentation").fill("Trois parcours pour toutes les curiosités.")
    page.get_by_role("button", name="Créer le programme").click()
    expect_message(page, "Le programme est créé")
    for name in ("Découvrir", "Partager", "Comprendre"):
        page.get_by_label("Nom du parcours").fill(name)
        page.get_by_role("button", name="Ajouter le parcours").click()
        expect_message(page, "Le parcours est ajouté.")
    assert track_names(page) == ["Découvrir", "Partager", "Comprendre"]
    check()
    programme = Programme.objects.get(title=PROGRAMME)
    assert programme.edition == next_edition

    # The event goes in the « Partager » track, then to the coordination.
    page.get_by_role("link", name="Nouvel événement").click()
    check()
    page.fill("#id_title", EVENT)
    page.fill("#id_summary", SUMMARY)
    page.select_option("#id_venue", index=1)
    page.select_option("#id_programme", label=PROGRAMME)
    page.select_option("#id_track", label=f"{PROGRAMME} — Partager")
    tick(page, "Atelier")
    tick(page, "Grand public")
    fill_slot(page, 0, next_edition.starts_on.isoformat(), "14:00", "16:30")
    page.get_by_role("button", name="Enregistrer").click()
    expect_message(page, "L’événement est enregistré.")
    check()
    page.get_by_role("button", name="Soumettre à la coordination").click()
    expect_message(page, "L’événement est soumis à la coordination.")
    check()
    sign_out(page, check)
    event = Event.objects.get(title=EVENT)
    assert (event.edition, event.state, event.track.name) == (next_edition, EventState.SUBMITTED,
                                                              "Partager")

    # The coordinator's e-mail of recent submissions leaves with the job that gathers them.
    assert not [m for m in mail.outbox if m.to == [COORDINATOR]]
    assert send_submission_digests() >= 1
    submitted = received(COORDINATOR, "soumis à validation")
    assert EVENT in submitted.body
    review = link_in(submitted, rf"/coordination/evenements/{event.pk}/")

    # The coordinator opens the link and returns the event with a comment.
    sign_in(page, check, COORDINATOR)
    page.goto(review)
    expect(page.get_by_role("heading", level=1)).to_have_text(EVENT)
    check()
    shoot(page, "review")
    page.get_by_role("button", name="Renvoyer pour correction").click()
    expect(page.locator("main")).to_contain_text("Expliquez votre décision à l'organisateur.")
    check()
    page.get_by_label("Commentaire pour l’organisateur").fill(COMMENT)
    page.get_by_role("button", name="Renvoyer pour correction").click()
    expect_message(page, "L’événement est renvoyé à l’organisateur.")
    check()
    sign_out(page, check)

    # The organiser is told, with the comment and the link to the event.
    returned = received(EDITOR, "vous est renvoyé pour correction")
    assert COMMENT in returned.body
    own_page = link_in(returned, rf"/espace/evenements/{event.pk}/")

    # The comment is at the top of the event; the organiser fixes the event and submits it again.
    sign_in(page, check, EDITOR)
    page.goto(own_page)
    expect(page.get_by_role("heading", level=1)).to_have_text(EVENT)
    alert = page.locator("#retour-coordination")
    expect(alert).to_contain_text(COMMENT)
    assert page.evaluate("""() => {
        const h1 = document.querySelector("main h1");
        return h1.nextElementSibling === document.getElementById("retour-coordination");
    }""")
    check()
    shoot(page, "returned")
    page.get_by_role("link", name="Modifier").click()
    check()
    page.fill("#id_summary", FIXED)
    page.get_by_role("button", name="Enregistrer").click()
    expect_message(page, "L’événement est enregistré.")
    expect(page.locator("#retour-coordination")).to_contain_text(COMMENT)  # until resubmitted
    page.get_by_role("button", name="Soumettre à la coordination").click()
    expect_message(page, "L’événement est soumis à la coordination.")
    expect(page.locator("#retour-coordination")).to_have_count(0)
    check()
    sign_out(page, check)

    # The coordinator is told of the new submission and publishes the event.
    mail.outbox.clear()
    assert send_submission_digests() >= 1
    review = link_in(received(COORDINATOR, "soumis à validation"),
                     rf"/coordination/evenements/{event.pk}/")
    sign_in(page, check, COORDINATOR)
    page.goto(review)
    expect(page.locator("main")).to_contain_text(FIXED)
    check()
    page.get_by_role("button", name="Publier", exact=True).click()
    expect_message(page, "L’événement est publié.")
    check()
    sign_out(page, check)
    event.refresh_from_db()
    assert event.state == EventState.PUBLISHED

    # The organiser is told it is published, with the link to the event.
    published = received(EDITOR, "est publié")
    assert EVENT in published.body
    assert link_in(published, rf"/espace/evenements/{event.pk}/")

    # A visitor finds it on the programme's page, in the « Partager » section.
    page.goto(programme.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(PROGRAMME)
    expect(page.locator("section h2")).to_have_text(["Découvrir", "Partager", "Comprendre"])
    sharing = page.locator("section", has=page.get_by_role("heading", name="Partager", exact=True))
    expect(sharing.get_by_role("link", name=EVENT)).to_be_visible()
    for other in ("Découvrir", "Comprendre"):
        section = page.locator("section", has=page.get_by_role("heading", name=other, exact=True))
        expect(section.get_by_role("link", name=EVENT)).to_have_count(0)
    check()
    shoot(page, "public-programme")
