"""Browser journey of registrations: register, confirm by e-mail, waiting list, freed seat,
check-in and certificate, then the registrant's own data (see, export, erase).

E-mails are read from ``django.core.mail.outbox``: the live server runs in this process with the
test settings (locmem backend, immediate tasks), and it commits for real, so every e-mail is in
the outbox by the time its page has answered. Every page the browser visits goes through
axe-core (``assert_accessible``).
"""

import json
import re
from datetime import datetime, time, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import icalendar
import pytest
from django.core import mail
from django.db.models import Count, Q
from django.utils import timezone
from playwright.sync_api import Page, expect

from semaine.agenda.models import PARIS, EventState, Slot
from semaine.registrations.models import Registration, RegistrationStatus
from tests import factories

pytestmark = pytest.mark.e2e

TITLE = "Atelier de facilitation graphique pour les agents"
FIRST = {"first_name": "Inès", "last_name": "Moreau", "email": "ines.moreau@example.fr"}
SECOND = {"first_name": "Léon", "last_name": "Bertrand", "email": "leon.bertrand@example.fr"}


@pytest.fixture
def organiser(live_server, migrated_reference_data):
    """An editor of an approved organisation (password: factories.PASSWORD)."""
    return factories.MembershipFactory(
        organisation=factories.OrganisationFactory(name="Département de la Loire-Atlantique")
    ).user


@pytest.fixture
def event(organiser):
    """A published event of the current edition: one slot ten days ahead, one seat."""
    edition = factories.EditionFactory(is_current=True)
    event = factories.EventFactory(
        edition=edition, organisation=organiser.memberships.get().organisation, title=TITLE,
        state=EventState.PUBLISHED, published_at=timezone.now(), registration_mode="platform",
        slots=0,
    )
    day = timezone.localdate(timezone.now() + timedelta(days=10), PARIS)
    Slot.objects.create(
        event=event, capacity=1,
        starts_at=datetime.combine(day, time(9), PARIS),
        ends_at=datetime.combine(day, time(12), PARIS),
    )
    event.refresh_span()
    return event


# Helpers ---------------------------------------------------------------------------------------

def mails_to(address: str, subject: str = "") -> list:
    return [m for m in mail.outbox if m.to == [address] and subject in m.subject]


def the_mail(address: str, subject: str):
    found = mails_to(address, subject)
    assert len(found) == 1, (
        f"expected one e-mail « {subject} » to {address}, got {len(found)}; outbox: "
        + repr([(m.to, m.subject) for m in mail.outbox])
    )
    return found[0]


def link_in(message, pattern: str) -> str:
    """The path of the one link of an e-mail whose path matches `pattern` (the links start with
    SITE_URL, not with the live server's address)."""
    paths = [urlsplit(u).path for u in re.findall(r"https?://\S+", message.body)]
    found = [path for path in paths if re.fullmatch(pattern, path)]
    assert len(found) == 1, f"no single link matching {pattern} in:\n{message.body}"
    return found[0]


def expect_status(page: Page, label: str) -> None:
    expect(page.locator("main .fr-badge").first).to_have_text(label)


def expect_message(page: Page, text: str) -> None:
    expect(page.get_by_role("status")).to_contain_text(text)


def register(page: Page, check, event, person: dict) -> str:
    """Register from the event page, confirm by the e-mailed link; the ticket's path."""
    page.goto(event.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    check()
    page.get_by_role("link", name="S’inscrire", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("S’inscrire")
    check()
    # the field for robots is neither seen nor reached by a person
    honeypot = page.locator("input[name=website]")
    expect(honeypot).not_to_be_in_viewport()
    expect(honeypot).to_have_attribute("tabindex", "-1")
    expect(page.locator("[aria-hidden=true]", has=honeypot)).to_have_count(1)
    page.get_by_label("Prénom").fill(person["first_name"])
    page.get_by_label("Nom", exact=True).fill(person["last_name"])
    page.get_by_label("Adresse électronique").fill(person["email"])
    page.get_by_role("button", name="M’inscrire").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vérifiez votre messagerie")
    expect(page.locator("main")).to_contain_text(person["email"])
    check()

    confirm = link_in(the_mail(person["email"], "Confirmez votre inscription"),
                      r"/inscriptions/confirmer/[^/]+/")
    page.goto(confirm)
    expect(page).to_have_url(re.compile(r"/inscriptions/billet/[^/]+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon inscription")
    expect(page).to_have_title(re.compile(r"^Mon inscription — " + re.escape(TITLE) + " — [^<>]+$"))
    return urlsplit(page.url).path


def sign_in(page: Page, check, email: str) -> None:
    page.goto("/compte/connexion/")
    check()
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(factories.PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


def sign_out(page: Page, check) -> None:
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("link", name="Se connecter")).to_be_visible()
    check()


def slot_counts(page: Page) -> dict:
    """The organiser's table « Places par créneau » (one slot): its row, by column, without the
    slot's dates."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Inscrits")
    table = page.locator("table", has=page.locator("caption", has_text="Places par créneau"))
    expect(table.locator("tbody tr")).to_have_count(1)
    headers = table.locator("thead th").all_inner_texts()
    cells = table.locator("tbody td").all_inner_texts()
    counts = dict(zip(headers, (cell.strip() for cell in cells), strict=True))
    del counts["Créneau"]
    return counts


def slot_tally(slot) -> dict:
    return Registration.objects.filter(slot=slot).aggregate(
        rows=Count("pk"),
        present=Count("pk", filter=Q(checked_in_at__isnull=False)),
        cancelled=Count("pk", filter=Q(status=RegistrationStatus.CANCELLED)),
    )


# The journey -----------------------------------------------------------------------------------

def test_registration_waiting_list_check_in_and_personal_data(
    page: Page, assert_accessible, browser_errors, organiser, event
):
    check = assert_accessible
    slot = event.slots.get()

    # A first visitor registers and confirms: the only seat is theirs.
    first_ticket = register(page, check, event, FIRST)
    expect_status(page, "Inscrit")
    expect(page.locator(".semaine-qr svg")).to_be_visible()
    check()
    confirmed = the_mail(FIRST["email"], "Inscription confirmée")
    calendars = [a for a in confirmed.attachments if a[0].endswith(".ics")]
    assert len(calendars) == 1, confirmed.attachments
    name, content, mimetype = calendars[0]
    assert mimetype == "text/calendar"
    vevents = icalendar.Calendar.from_ical(content).walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in vevents] == [TITLE]
    assert vevents[0].decoded("DTSTART") == slot.starts_at
    assert first_ticket in confirmed.body

    # A second visitor finds the slot full: waiting list.
    second_ticket = register(page, check, event, SECOND)
    expect_status(page, "Sur liste d’attente")
    expect(page.locator(".semaine-qr")).to_have_count(0)
    expect(page.get_by_role("link", name="Quitter la liste d’attente")).to_be_visible()
    expect(page.locator("#waiting-position")).to_contain_text("Votre rang sur la liste d’attente : 1.")
    check()
    assert "Votre rang sur la liste d'attente : 1." in the_mail(SECOND["email"], "Liste d’attente").body

    # The first visitor cancels: the seat is offered to the second, who takes it.
    page.goto(first_ticket)
    check()
    # Cancelling asks first; « non » keeps the seat, « oui » gives it up.
    page.get_by_role("link", name="Annuler mon inscription").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Annuler mon inscription")
    question = f"Voulez-vous vraiment annuler votre inscription à « {TITLE} » ?"
    expect(page.get_by_text(question)).to_be_visible()
    check()
    page.get_by_role("link", name="Non, garder mon inscription").click()
    expect(page).to_have_url(re.compile(re.escape(first_ticket) + "$"))
    expect_status(page, "Inscrit")
    page.get_by_role("link", name="Annuler mon inscription").click()
    page.get_by_role("button", name="Oui, annuler mon inscription").click()
    expect_message(page, "Votre inscription est annulée.")
    expect_status(page, "Annulée")
    expect(page.get_by_role("link", name="Annuler mon inscription")).to_have_count(0)
    check()
    the_mail(FIRST["email"], "Inscription annulée")
    offer = the_mail(SECOND["email"], "Une place s’est libérée")
    page.goto(link_in(offer, r"/inscriptions/place-liberee/[^/]+/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Une place s’est libérée")
    check()
    page.get_by_role("button", name="Je prends la place").click()
    expect(page).to_have_url(re.compile(re.escape(second_ticket) + "$"))
    expect_message(page, "La place est à vous")
    expect_status(page, "Inscrit")
    expect(page.locator(".semaine-qr svg")).to_be_visible()
    expect(page.get_by_role("link", name="Mon attestation de présence")).to_have_count(0)
    check()
    assert len(mails_to(SECOND["email"], "Inscription confirmée")) == 1

    # The day comes: the slot is under way.
    slot = factories.move_slot(slot)

    # The organiser sees the counts, then checks the second visitor in at the welcome desk.
    sign_in(page, check, organiser.email)
    check()
    page.goto(f"/inscriptions/organisateur/evenements/{event.pk}/")
    assert slot_counts(page) == {"Places": "1", "Inscrits": "1", "Places proposées": "0",
                                 "Liste d’attente": "0", "Présents": "0"}
    people = page.locator("table", has=page.locator("caption", has_text="Personnes"))
    expect(people.locator("tbody tr")).to_have_count(2)
    expect(people.locator("tbody tr", has_text=SECOND["last_name"])).to_contain_text("Inscrit")
    expect(people.locator("tbody tr", has_text=FIRST["last_name"])).to_contain_text("Annulée")
    check()
    page.get_by_role("link", name="Accueil des participants").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Accueil des participants")
    check()
    page.get_by_label("Nom ou prénom").fill(SECOND["last_name"])
    page.get_by_role("button", name="Chercher").click()
    expect(page).to_have_url(re.compile(r"[?&]q=" + SECOND["last_name"]))
    person = page.locator("main li", has_text=f"{SECOND['first_name']} {SECOND['last_name']}")
    expect(person).to_have_count(1)
    check()
    person.get_by_role("button", name="Pointer").click()
    expect_message(page, f"Arrivée de {SECOND['first_name']} enregistrée.")
    expect(page).to_have_url(re.compile(r"/accueil/\?q=" + SECOND["last_name"]))
    expect(person.locator(".fr-badge")).to_have_text("présent")
    expect(person.get_by_role("button", name="Pointer")).to_have_count(0)
    check()
    page.get_by_role("link", name="Tous les inscrits").click()
    assert slot_counts(page) == {"Places": "1", "Inscrits": "1", "Places proposées": "0",
                                 "Liste d’attente": "0", "Présents": "1"}
    check()

    # The attendee's ticket now offers the attendance certificate.
    page.goto(second_ticket)
    check()
    page.get_by_role("link", name="Mon attestation de présence").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Attestation de présence")
    expect(page.locator("main")).to_contain_text(f"{SECOND['first_name']} {SECOND['last_name']}")
    expect(page.locator("main")).to_contain_text(TITLE)
    check()
    sign_out(page, check)

    # The second visitor asks for their data by e-mail, sees them and exports them.
    before = slot_tally(slot)
    assert before == {"rows": 2, "present": 1, "cancelled": 1}
    page.goto(second_ticket)
    check()
    page.get_by_role("link", name="Voir, télécharger ou effacer toutes mes données d’inscription").click()
    expect(page).to_have_url(re.compile(r"/mes-donnees/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes données d’inscription")
    check()
    page.get_by_label("Adresse électronique").fill(SECOND["email"])
    page.get_by_role("button", name="Recevoir le lien").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vérifiez votre messagerie")
    check()
    page.goto(link_in(the_mail(SECOND["email"], "Vos données d’inscription"), r"/mes-donnees/[^/]+/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes données d’inscription")
    mine = page.locator("table", has=page.locator("caption", has_text="Mes inscriptions"))
    expect(mine.locator("tbody tr")).to_have_count(1)
    expect(mine).to_contain_text(TITLE)
    expect(mine).to_contain_text("Inscrit")
    check()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger mes données (JSON)").click()
    download = download_info.value
    assert download.suggested_filename == "mes-donnees-inscriptions.json"
    data = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert data["email"] == SECOND["email"]
    assert [r["event"]["title"] for r in data["registrations"]] == [TITLE]
    assert data["registrations"][0]["last_name"] == SECOND["last_name"]
    assert data["registrations"][0]["checked_in_at"]
    assert data["account"] is None

    # Then erases them: confirm page, then the button.
    page.get_by_role("link", name="Effacer mes données").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Effacer mes données")
    check()
    page.get_by_role("button", name="Effacer définitivement mes données").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vos données sont effacées")
    expect(page.locator("main")).to_contain_text("1 inscription a été anonymisée.")
    check()

    assert not Registration.objects.filter(email__iexact=SECOND["email"]).exists()
    assert not Registration.objects.filter(last_name=SECOND["last_name"]).exists()
    erased = Registration.objects.get(slot=slot, email__endswith="@invalid")
    assert (erased.first_name, erased.last_name) == ("—", "—")
    assert erased.email == f"efface-{erased.pk}@invalid"
    assert erased.checked_in_at is not None
    # The live registration was cancelled (its seat freed), nobody was e-mailed about it; the
    # rows per slot and the attendance survive for the statistics.
    assert erased.status == RegistrationStatus.CANCELLED
    assert slot_tally(slot) == {"rows": 2, "present": 1, "cancelled": 2}
    assert len(mails_to(SECOND["email"], "Inscription annulée")) == 0

    # The links e-mailed before stop working (the ticket answers 404, which Chromium reports on
    # its console: that one error is expected).
    response = page.goto(second_ticket)
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Lien non valable")
    page.wait_for_load_state("load")
    assert browser_errors == [
        "console error: Failed to load resource: the server responded with a status of 404 "
        "(Not Found)"
    ]
    browser_errors.clear()
    check()
