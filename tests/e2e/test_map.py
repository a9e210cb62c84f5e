"""Browser journey over the 2017 demo edition: a visitor finds events on the map.

By default no tile server is configured: the page asks no other host than the site for anything,
the markers and clusters show over the départements' outlines, with no JavaScript error, no CSP
refusal and no serious axe-core violation. With a tile server configured (here a local one), the
tiles come from it.
"""

import os
import re
import socket
from urllib.parse import urlsplit

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


@pytest.fixture
def requests_made(page, live_server) -> list[str]:
    """Every URL the page asks for, pages, scripts, images, fetches and all."""
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    return urls


def elsewhere(urls: list[str], live_server) -> list[str]:
    return [url for url in urls if not url.startswith(live_server.url + "/")
            and not url.startswith(("data:", "blob:"))]


def test_a_visitor_sees_the_events_on_the_map_and_no_request_leaves_the_site(
    page: Page, assert_accessible, demo, requests_made, live_server
):
    assert socket.gethostbyname(urlsplit(live_server.url).hostname) == "127.0.0.1"
    page.goto(MAP)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Carte des événements")
    markers = page.locator("#carte .leaflet-marker-icon")
    expect(markers.first).to_be_visible()
    assert markers.count() > 0
    status = page.locator("#carte-etat")
    expect(status).to_contain_text("Événements affichés sur la carte")
    # The départements' outlines are the backdrop: drawn from this site, no tile asked for.
    expect(page.locator("#carte .leaflet-overlay-pane path").first).to_be_attached()
    assert page.locator("#carte .leaflet-overlay-pane path").count() >= 96
    assert page.locator("#carte .leaflet-tile").count() == 0
    geojson = [url for url in requests_made if "agenda.geojson" in url]
    assert geojson and "bbox=" in geojson[0]
    assert any(url.endswith("/carte/departements.geojson") for url in requests_made)

    # The text alternative lists the same events, with links.
    published = Event.objects.filter(edition__slug="2017", state=EventState.PUBLISHED)
    listing = page.locator("#liste-carte ~ ul").first
    expect(listing.get_by_role("link").first).to_be_visible()
    expect(page.locator("main")).to_contain_text(f"{published.count()} événements correspondent")
    approximate = published.filter(venue__location_precision="commune").first()
    assert approximate is not None, "the demo has a venue placed at its commune's centre"
    expect(listing).to_contain_text(f"{approximate.venue.commune} (position approximative)")
    if SCREENSHOT:
        page.wait_for_timeout(500)
        page.locator("#carte").screenshot(path=SCREENSHOT.replace(".png", "-vue.png"))
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
    assert elsewhere(requests_made, live_server) == []


def test_an_event_page_placed_approximately_asks_no_other_host(
    page: Page, assert_accessible, demo, requests_made, live_server
):
    event = Event.objects.filter(edition__slug="2017", state=EventState.PUBLISHED,
                                 venue__location_precision="commune").first()
    page.goto(event.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(event.title)
    expect(page.locator("main")).to_contain_text(event.venue.address)
    expect(page.locator("main")).to_contain_text("Position approximative")
    expect(page.locator("#lieu-position")).to_contain_text(f"{event.venue.latitude:.5f}")
    assert page.locator("[data-semaine-map]").count() == 0
    if SCREENSHOT:
        page.screenshot(path=SCREENSHOT.replace(".png", "-evenement.png"), full_page=True)
    assert_accessible()
    assert elsewhere(requests_made, live_server) == []


def png_tile() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (256, 256), (200, 220, 200)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def tile_server():
    """A tile server on 127.0.0.1 that answers a tiny PNG to any path, keeping the paths."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    paths: list[str] = []
    tile = png_tile()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the standard library's name
            paths.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(tile)))
            self.end_headers()
            self.wfile.write(tile)

        def log_message(self, format, *args):  # noqa: A002 - quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", paths
    server.shutdown()
    server.server_close()


def test_with_a_tile_server_configured_the_tiles_come_from_it(
    page: Page, settings, demo, requests_made, live_server, tile_server, browser_errors
):
    origin, paths = tile_server
    settings.MAP_TILES_URL = origin + "/plan/{z}/{x}/{y}.png"
    settings.MAP_TILES_ATTRIBUTION = "© Serveur de tuiles d’essai"
    policy = dict(settings.CONTENT_SECURITY_POLICY["DIRECTIVES"])
    policy["img-src"] = [*policy["img-src"], origin]
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": policy}
    page.goto(MAP)
    expect(page.locator("#carte .leaflet-tile-loaded").first).to_be_attached()
    expect(page.locator("#carte .leaflet-control-attribution")).to_contain_text("Serveur de tuiles")
    assert page.locator("#carte .leaflet-overlay-pane path").count() == 0  # tiles, not outlines
    tiles = [url for url in requests_made if url.startswith(origin)]
    assert tiles and all(re.fullmatch(re.escape(origin) + r"/plan/\d+/\d+/\d+\.png", url) for url in tiles)
    assert paths and len(paths) == len(tiles)
    # The event page draws its small map from the same server.
    event = Event.objects.filter(edition__slug="2017", state=EventState.PUBLISHED,
                                 venue__latitude__isnull=False).first()
    before = len(paths)
    page.goto(event.get_absolute_url())
    expect(page.locator("[data-semaine-map=point] .leaflet-tile-loaded").first).to_be_attached()
    assert len(paths) > before
    assert [url for url in elsewhere(requests_made, live_server) if not url.startswith(origin)] == []
    assert browser_errors == []


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
