"""Browser journey over the 2017 demo edition: a reuser finds the open data and downloads the CSV."""

import csv

import pytest
from playwright.sync_api import Page, expect

from semaine.agenda.models import EventState, Slot

pytestmark = pytest.mark.e2e


def test_a_reuser_downloads_the_programme_as_csv_from_the_edition_home(
    page: Page, assert_accessible, demo
):
    page.goto("/editions/2017/")
    page.get_by_role("link", name="Les données ouvertes de l’édition").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Données ouvertes")
    expect(page.get_by_role("table", name="Jeux de données de l’édition")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Licence Ouverte 2.0")
    assert_accessible()

    with page.expect_download() as info:
        page.get_by_role("link", name="Événements (CSV)").click()
    download = info.value
    assert download.suggested_filename == "2017-evenements.csv"
    with open(download.path(), encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    slots = Slot.objects.filter(event__edition__slug="2017", event__state=EventState.PUBLISHED)
    assert len(rows) == slots.count() > 0
    assert {row["edition"] for row in rows} == {"2017"}
