"""A visitor finds events: search, filters, calendar, calendar file (the map: test_map.py)."""

import re
from pathlib import Path

import icalendar
import pytest
from playwright.sync_api import Page, expect

from semaine.agenda.models import Programme

pytestmark = pytest.mark.e2e


def test_a_visitor_searches_blockchain_and_finds_the_loire_atlantique_event(
    page: Page, assert_accessible, demo
):
    page.goto("/editions/2017/")
    assert_accessible()
    page.get_by_label("Rechercher un événement").fill("blockchain")
    page.get_by_role("button", name="Rechercher").click()
    expect(page).to_have_url(re.compile(r"[?&]q=blockchain"))
    results = page.locator("#results")
    expect(results.get_by_role("link", name="La blockchain expliquée aux agents publics")).to_be_visible()
    expect(results).to_contain_text("Département de la Loire-Atlantique")
    assert_accessible()


def test_a_visitor_filters_calvados_and_hackathon_without_javascript_and_with_htmx(
    page: Page, assert_accessible, demo
):
    page.goto("/editions/2017/agenda/")
    assert_accessible()
    page.get_by_label("Département", exact=True).select_option("14")
    page.locator("label[for=f-format-hackathon]").click()
    page.get_by_role("button", name="Afficher les résultats").click()
    results = page.locator("#results")
    expect(results.locator("#result-count")).to_have_text("1 événement")
    expect(results.get_by_role("link", name="Hackathon Calvados")).to_be_visible()
    # The filters live in the URL: reloading or sharing it gives the same page.
    expect(page).to_have_url(re.compile(r"departement=14.*format=hackathon|format=hackathon.*departement=14"))
    page.reload()
    expect(page.locator("#result-count")).to_have_text("1 événement")
    assert_accessible()
    # Removing a filter from the active list widens the search again.
    page.get_by_role("link", name="Retirer le filtre Hackathon").click()
    expect(page.locator("#result-count")).not_to_have_text("1 événement")
    assert_accessible()


def test_a_visitor_opens_the_calendar_on_22_november(page: Page, assert_accessible, demo):
    page.goto("/editions/2017/calendrier/")
    assert_accessible()
    expect(page.get_by_role("heading", name="Sur plusieurs jours")).to_be_visible()
    expect(page.locator(".semaine-cal__spans")).to_contain_text("Innovation publique et pensée design")
    page.get_by_role("link", name="mercredi 22", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("mercredi 22 novembre")
    day = page.locator("#jour-2017-11-22")
    expect(day.locator(".semaine-cal__slot").first).to_be_visible()
    assert day.locator(".semaine-cal__slot").count() >= 3
    assert_accessible()


def test_a_visitor_downloads_the_ics_of_a_filtered_search(page: Page, assert_accessible, demo):
    page.goto("/editions/2017/agenda/?departement=14")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Ajouter à mon agenda (.ics)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".ics")
    calendar = icalendar.Calendar.from_ical(Path(download.path()).read_bytes())
    events = list(calendar.walk("VEVENT"))
    titles = {str(event["SUMMARY"]) for event in events}
    assert any("Hackathon" in title for title in titles)
    assert all("@semaine" in str(event["UID"]) for event in events)
    assert calendar.walk("VTIMEZONE"), "the feed carries Europe/Paris"


def test_a_visitor_subscribes_to_an_organiser_s_and_a_programme_s_calendar(
    page: Page, assert_accessible, demo
):
    programme = Programme.objects.filter(events__state="published").distinct().first()
    for path in (programme.organisation.get_absolute_url(), programme.get_absolute_url()):
        page.goto(path)
        assert_accessible()
        subscribe = page.get_by_role("link", name="S’abonner dans mon agenda (webcal)")
        expect(subscribe).to_have_attribute("href", re.compile(r"^webcal://[^/]+/.+\.ics$"))
        alternate = page.locator('head link[rel="alternate"][type="text/calendar"]')
        file_link = page.get_by_role("link", name="Fichier iCalendar (.ics)")
        assert alternate.get_attribute("href") == file_link.get_attribute("href")
        assert subscribe.get_attribute("href").split("://", 1)[1] == (
            file_link.get_attribute("href").split("://", 1)[1])
        with page.expect_download() as download_info:
            file_link.click()
        calendar = icalendar.Calendar.from_ical(Path(download_info.value.path()).read_bytes())
        assert list(calendar.walk("VEVENT")) and calendar.walk("VTIMEZONE")
