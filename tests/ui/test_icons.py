"""Every icon class the interface uses exists in the stylesheets the pages load.

An icon class that no stylesheet defines is drawn by DSFR as a plain square of the text colour.
The sources (templates, the Python that builds HTML, scripts) are read here; the browser test
of the layout (tests/e2e/test_layout.py) checks, with the same stylesheets, the icons of every
page as rendered.
"""

import re
from functools import cache
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

import semaine

SOURCE = Path(semaine.__file__).resolve().parent
#: An icon class: DSFR's ``fr-icon-…`` and Remix Icon's ``ri-…`` (which DSFR also names).
ICON = re.compile(r"(?<![\w-])(?:fr-icon|ri)-[a-z0-9]+(?:-[a-z0-9]+)*(?![\w-])")
STYLESHEET = re.compile(r'<link rel="stylesheet"\s+href="([^"]+)"')
SOURCE_SUFFIXES = (".html", ".py", ".js", ".txt")
#: Not the interface's sources: third-party code, translations, database migrations.
SKIPPED = ("vendor", "locale", "migrations")


def icon_classes(text: str) -> set[str]:
    return set(ICON.findall(text))


@cache
def _stylesheets_of_the_pages() -> tuple[Path, ...]:
    """The stylesheets every page links (DSFR's, through django-dsfr) and those of the project."""
    from django.template import Context, Template

    # The tag of the base template (ui/themes/dsfr/base.html) that links DSFR's stylesheets.
    html = Template("{% load dsfr_tags %}{% dsfr_css %}").render(Context({}))
    found = []
    for href in STYLESHEET.findall(html):
        path = finders.find(href.removeprefix(settings.STATIC_URL).split("?")[0])
        assert path, f"the stylesheet {href} of the pages is not among the static files"
        found.append(Path(path))
    found += sorted(path for path in SOURCE.glob("*/static/**/*.css") if "vendor" not in path.parts)
    return tuple(found)


@cache
def defined_icons() -> frozenset[str]:
    icons = set()
    for path in _stylesheets_of_the_pages():
        icons |= {match.removeprefix(".") for match in re.findall(r"\.(?:fr-icon|ri)-[a-z0-9-]+",
                                                                    path.read_text("utf-8"))}
    return frozenset(icons)


def missing_icons(used) -> set[str]:
    return set(used) - defined_icons()


def used_in_sources() -> dict[str, set[Path]]:
    used: dict[str, set[Path]] = {}
    for path in SOURCE.rglob("*"):
        if path.suffix not in SOURCE_SUFFIXES or any(part in SKIPPED for part in path.parts):
            continue
        for icon in icon_classes(path.read_text("utf-8")):
            used.setdefault(icon, set()).add(path.relative_to(SOURCE))
    return used


def test_dsfr_icons_are_read_from_the_stylesheets_the_pages_load():
    assert {"fr-icon-calendar-line", "fr-icon-download-line"} <= defined_icons()
    assert "fr-icon-no-such-icon" in missing_icons({"fr-icon-no-such-icon"})


@pytest.mark.parametrize("text, icons", [
    ('<a class="fr-btn fr-icon-add-line fr-btn--icon-left">', {"fr-icon-add-line"}),
    ("'<p class=\"fr-card__detail fr-icon-map-pin-2-line\">'", {"fr-icon-map-pin-2-line"}),
    ('<span class="ri-ticket-2-line"></span>', {"ri-ticket-2-line"}),
    ('<a class="fr-link--icon-left fr-btn--icon-right">', set()),
])
def test_icon_classes_are_found_in_sources(text, icons):
    assert icon_classes(text) == icons


def test_every_icon_class_in_the_sources_exists_in_the_bundled_css():
    used = used_in_sources()
    assert used, "no icon class found in the sources"
    missing = {icon: sorted(map(str, used[icon])) for icon in missing_icons(used)}
    assert not missing, f"icon classes that no stylesheet of the pages defines: {missing}"
