"""Browser journey over the demo: a visitor opens the programme in figures from the edition's
home, reads the map of the départements and a table, and downloads a chart's data as CSV."""

import csv
import io

import pytest
from playwright.sync_api import Page, expect

from semaine.agenda.models import Event, EventState

pytestmark = pytest.mark.e2e


def test_a_visitor_reads_the_statistics_and_downloads_a_csv(page: Page, assert_accessible, demo):
    page.goto("/editions/2017/")
    page.get_by_role("link", name="Le programme en chiffres").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Le programme en chiffres")
    assert page.url.endswith("/editions/2017/statistiques/")

    # The map: every département drawn, those with events darker than those without.
    chart = page.locator("#departements svg[role=img]")
    expect(chart).to_be_visible()
    assert chart.locator("path[data-code]").count() >= 101
    loire = chart.locator('path[data-code="44"]')
    published = Event.objects.filter(edition__slug="2017", state=EventState.PUBLISHED,
                                     venue__departement__code="44").count()
    assert loire.get_attribute("data-count") == str(published) and published > 0
    assert loire.get_attribute("class") != "departement c0"
    assert chart.locator('path[data-code="976"]').get_attribute("class") == "departement c0"
    assert page.locator("svg[role=img]").count() >= 10
    assert_accessible()

    # The accessible alternative: the data as a table, in a disclosure.
    page.locator("#departements summary").click()
    table = page.locator("#departements table")
    expect(table).to_be_visible()
    expect(table.get_by_role("row").filter(has_text="Loire-Atlantique")).to_contain_text(str(published))
    assert_accessible()

    # The data as CSV.
    with page.expect_download() as info:
        page.locator("#departements").get_by_role("link", name="(CSV)").click()
    download = info.value
    assert download.suggested_filename == "2017-departements.csv"
    with open(download.path(), encoding="utf-8-sig") as data:
        rows = list(csv.reader(io.StringIO(data.read()), delimiter=";"))
    assert rows[0][:2] == ["Code INSEE", "Département"]
    assert ["44", "Loire-Atlantique", "Pays de la Loire", str(published)] in rows
