"""Browser journey over the 2017 demo edition: a date out of range is refused beside its field
in the organiser space, and a date out of range in an address is a French notice on the agenda
and the calendar. Every page goes through axe-core."""

import re

import pytest
from playwright.sync_api import Page, expect

from semaine.agenda.models import Event

from .test_publishing_journey import EDITOR, fill_slot, sign_in, tick

pytestmark = pytest.mark.e2e

RANGE = "Indiquez une date entre le 01/01/2000 et le 31/12/2100."


def test_dates_out_of_range_are_refused_or_ignored_in_french(page: Page, assert_accessible, demo):
    check = assert_accessible

    sign_in(page, check, EDITOR)
    expect(page).to_have_url(re.compile(r"/espace/[-\w]+/evenements/$"))
    page.get_by_role("link", name="Nouvel événement").click()
    page.fill("#id_title", "Atelier hors du temps")
    page.fill("#id_summary", "Un créneau en l’an 9999 n’est pas enregistré.")
    page.get_by_label("En ligne", exact=True).check(force=True)
    page.fill("#id_online_url", "https://visio.example.fr/atelier")
    tick(page, "Atelier")
    tick(page, "Grand public")
    fill_slot(page, 0, "9999-12-31", "09:30", "12:00")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text(RANGE).first).to_be_visible()
    expect(page.locator("#id_slots-0-starts_at")).to_have_value("9999-12-31T09:30")
    check()
    assert not Event.objects.filter(title="Atelier hors du temps").exists()

    page.goto("/editions/2017/agenda/?from=0001-01-01")
    expect(page.get_by_role("status").first).to_contain_text("n’accepte pas la valeur « 0001-01-01 »")
    expect(page.get_by_role("status").first).to_contain_text(RANGE)
    check()

    page.goto("/editions/2017/calendrier/?jour=9999-12-31")
    expect(page.get_by_text("n’est pas un jour de l’édition")).to_be_visible()
    check()
