"""Browser journey over the 2017 demo edition: a visitor finds events on the map.

No tile server is reachable (its requests are aborted): the markers and clusters must show
regardless, with no JavaScript error, no CSP refusal and no serious axe-core violation.
"""

import os
import re

import pytest
from playwright.sync_api import Page, expect

from semaine.agenda.models import Event, EventState

pytestmark = pytest.mark.e2e

MAP = "/editions/2017/carte/"
#: Set it to a file name to keep a screenshot of the map with a popup open.
SCREENSHOT = os.environ.get("SEMAINE_E2E_MAP_SCREENSHOT", "")


@pytest.fixture
def offline_tiles(tile_requests):
    """The tile requests of the page (all aborted by the page fixture)."""
    return tile_requests


def test_a_visitor_sees_the_events_on_the_map_without_tiles(
    page: Page, assert_accessible, demo, offline_tiles
):
    requests = []
    page.on("request", lambda r: requests.append(r.url) if "agenda.geojson" in r.url else None)
    page.goto(MAP)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Carte des événements")
    markers = page.locator("#carte .leaflet-marker-icon")
    expect(markers.first).to_be_visible()
    assert markers.count() > 0
    status = page.locator("#carte-etat")
    expect(status).to_contain_text("Événements affichés sur la carte")
    assert offline_tiles, "the map asked for no tile: the test proves nothing about them"
    assert requests and "bbox=" in requests[0]

    # The text alternative lists the same events, with links.
    published = Event.objects.filter(edition__slug="2017", state=EventState.PUBLISHED)
    listing = page.locator("#liste-carte ~ ul").first
    expect(listing.get_by_role("link").first).to_be_visible()
    expect(page.locator("main")).to_contain_text(f"{published.count()} événements correspondent")
    assert_accessible()

    # A cluster opens on a click; a marker shows a popup linking to its event.
    for _ in range(8):
        single = page.locator("#carte .leaflet-marker-icon:not(.marker-cluster)")
        if single.count():
            break
        page.locator("#carte .marker-cluster").first.click()
        page.wait_for_timeout(700)
    single.first.click()
    popup = page.locator(".leaflet-popup-content")
    expect(popup.get_by_role("link")).to_be_visible()
    title = popup.get_by_role("link").inner_text()
    assert published.filter(title=title).exists()
    expect(page.locator(".leaflet-popup")).to_have_css("opacity", "1")  # faded in
    if SCREENSHOT:
        page.screenshot(path=SCREENSHOT, full_page=True)
    assert_accessible()


def test_the_map_follows_the_agenda_filters(page: Page, assert_accessible, demo, offline_tiles):
    page.goto(MAP + "?format=hackathon")
    expect(page.locator("main")).to_contain_text("Hackathon")
    expect(page.locator("#carte .leaflet-marker-icon").first).to_be_visible()
    count = Event.objects.filter(edition__slug="2017", state=EventState.PUBLISHED,
                                 formats__slug="hackathon", venue__latitude__isnull=False).count()
    expect(page.locator("#carte-etat")).to_contain_text(f"Événements affichés sur la carte : {count}.")
    assert_accessible()
    page.get_by_role("link", name="Modifier les filtres dans la liste").click()
    expect(page).to_have_url(re.compile(r"/editions/2017/agenda/\?format=hackathon$"))


def test_an_event_page_with_a_venue_stays_clean(page: Page, assert_accessible, demo, offline_tiles):
    event = Event.objects.filter(edition__slug="2017", state=EventState.PUBLISHED,
                                 venue__latitude__isnull=False).first()
    page.goto(event.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(event.title)
    expect(page.locator("main")).to_contain_text(event.venue.commune)
    assert_accessible()
