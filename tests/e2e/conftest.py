"""Browser tests: Playwright's sync API driving Debian's Chromium, with axe-core checks.

Requirements (the tests fail, never skip, when they are missing):

- Chromium at /usr/bin/chromium: ``apt-get install -y chromium``;
- axe-core at node_modules/axe-core/axe.min.js: ``npm ci`` at the root of the repository.
"""

import re
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
#: Rule sets that axe-core runs on every page.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
#: Impacts that fail a test; the others are reported as warnings.
BLOCKING_IMPACTS = ("serious", "critical")
#: Milliseconds Playwright waits for a page, an element or a navigation.
TIMEOUT_MS = 15_000


def _require(path: Path, how: str) -> None:
    if not path.exists():
        pytest.fail(f"{path} is missing: {how}", pytrace=False)


@pytest.fixture(scope="session")
def axe_source() -> str:
    _require(AXE_JS, "run `npm ci` at the root of the repository to install axe-core.")
    return AXE_JS.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def _async_unsafe_allowed() -> Iterator[None]:
    """Let Django touch the database while Playwright's event loop runs in the test thread.

    Playwright's sync API keeps a running event loop in the thread of the tests for as long as
    it is started; Django refuses database access from such a thread unless
    DJANGO_ALLOW_ASYNC_UNSAFE is set. It is set for the browser tests only and removed after
    them: set for the whole session, it would leak into the subprocesses of other tests
    (``manage check --deploy`` reports it as async.E001).
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="module")
def browser(_async_unsafe_allowed) -> Iterator:
    _require(CHROMIUM, "install Debian's Chromium with `apt-get install -y chromium`.")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the test extra installs it
        pytest.fail("Playwright is missing: `pip install -e '.[test]'`.", pytrace=False)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_errors() -> list[str]:
    """JavaScript errors and console errors (CSP refusals among them) of the current page."""
    return []


def tile_origin() -> str:
    """The origin of the configured tile server ("" without one, the default)."""
    from urllib.parse import urlsplit

    from django.conf import settings

    parts = urlsplit(settings.MAP_TILES_URL.replace("{s}", "a"))
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


@pytest.fixture
def tile_requests() -> list[str]:
    """The map tiles the pages asked for (every one aborted: no tile server is reachable)."""
    return []


@pytest.fixture
def page(browser, live_server, browser_errors, tile_requests):
    """A fresh French-speaking browser tab; the site's CSP stays on (axe goes in by evaluate).

    Nothing outside this machine is reachable: requests to other hosts are aborted, tiles
    included. Chromium's own reports of the tiles it could not load are not errors of the page;
    every other console error is.
    """
    context = browser.new_context(
        base_url=live_server.url,
        locale="fr-FR",
        timezone_id="Europe/Paris",
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    origin = tile_origin()

    def abort_tile(route) -> None:
        tile_requests.append(route.request.url)
        route.abort("internetdisconnected")

    # Playwright tries the routes registered last first: the tile server's, then any other host.
    page.route(re.compile(r"^https?://(?!127\.0\.0\.1|localhost)"), lambda route: route.abort())
    if origin and not origin.startswith(("http://127.0.0.1:", "http://localhost:")):
        page.route(re.compile("^" + re.escape(origin) + "/"), abort_tile)

    def on_console(message) -> None:
        url = (message.location or {}).get("url", "")
        if message.type != "error":
            return
        if origin and url.startswith(origin) and message.text.startswith("Failed to load resource"):
            return
        browser_errors.append(f"console error: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: browser_errors.append(f"JavaScript error: {error}"))
    yield page
    context.close()


def _describe(violation: dict) -> str:
    targets = []
    for node in violation["nodes"][:3]:
        targets.append(" ".join(str(part) for part in node["target"]))
    more = len(violation["nodes"]) - len(targets)
    return (
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        f"{'; '.join(targets)}{f' (+{more} more)' if more > 0 else ''}"
    )


@pytest.fixture
def assert_accessible(page, axe_source, browser_errors):
    """Run axe-core on the current page; fail on serious or critical violations.

    The site's Content-Security-Policy forbids inline scripts, so axe is not added as a
    <script> tag: ``page.evaluate`` runs in the page without being subject to the CSP.
    """

    def check() -> list[dict]:
        page.wait_for_load_state("load")
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            page.evaluate(axe_source)
        result = page.evaluate(
            "async (tags) => await axe.run(document, "
            "{runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
            AXE_TAGS,
        )
        violations = result["violations"]
        assert result["passes"] or violations, f"axe-core checked nothing on {page.url}"
        blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
        for violation in violations:
            if violation not in blocking:
                warnings.warn(f"axe-core on {page.url}: {_describe(violation)}", stacklevel=2)
        assert not blocking, f"axe-core on {page.url}:\n" + "\n".join(
            "  - " + _describe(v) for v in blocking
        )
        errors, browser_errors[:] = list(browser_errors), []
        assert not errors, f"errors in the browser on {page.url}:\n" + "\n".join(errors)
        return violations

    return check


@pytest.fixture
def demo(live_server, migrated_reference_data):
    """The 2017 demo edition, loaded in the database the live server reads.

    Serialized rollback cannot restore the reference rows here: while Playwright's loop runs,
    Django hands the test thread another connection object, without the contents serialized when
    the test database was created; `migrated_reference_data` puts them back instead.
    """
    from semaine.seed.demo import load_demo

    return load_demo()
