"""Charts drawn on the server as SVG: a choropleth map of the départements and bar charts.

No script: each chart is an ``<svg role="img">`` with its own title and description, values
written next to the bars, map classes told by both a colour and a texture; the accessible
alternative (the data as a table) sits under each chart in the page.
"""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .stats import Table

MAP_FILE = Path(__file__).resolve().parents[1] / "territory" / "data" / "departements-carte.json"


@dataclass(frozen=True)
class MapClass:
    index: int
    low: int
    high: int
    fill: str  # the pattern's background colour
    mark: str  # the colour of its texture

    @property
    def label(self) -> str:
        if self.high == 0:
            return _("Aucun événement")
        if self.low == self.high:
            return ngettext("%(n)s événement", "%(n)s événements", self.low) % {"n": self.low}
        return ngettext("De %(low)s à %(high)s événement", "De %(low)s à %(high)s événements",
                        self.high) % {"low": self.low, "high": self.high}


#: Background and texture of each class, lightest first (DSFR's blue France scale).
PALETTE = (("#f6f6f6", "#f6f6f6"), ("#e3e3fd", "#6a6af4"), ("#a1a1f8", "#000091"),
           ("#6a6af4", "#ffffff"), ("#000091", "#000091"))
CLASS_COUNT = len(PALETTE) - 1


def map_classes(highest: int) -> list[MapClass]:
    """Class 0 for no event, then up to four classes of equal width over 1…highest."""
    classes = [MapClass(0, 0, 0, *PALETTE[0])]
    if highest <= 0:
        return classes
    if highest <= CLASS_COUNT:
        bounds = [(n, n) for n in range(1, highest + 1)]
    else:
        uppers = [round(highest * (i + 1) / CLASS_COUNT) for i in range(CLASS_COUNT)]
        bounds, low = [], 1
        for upper in uppers:
            if upper >= low:
                bounds.append((low, upper))
                low = upper + 1
    # Fewer classes than colours: keep the darkest ones apart by skipping the middle ones.
    offsets = {1: [4], 2: [2, 4], 3: [1, 2, 4]}.get(len(bounds), [1, 2, 3, 4])
    for (low, high), offset in zip(bounds, offsets, strict=True):
        classes.append(MapClass(offset, low, high, *PALETTE[offset]))
    return classes


def class_of(count: int, classes: list[MapClass]) -> MapClass:
    for map_class in classes:
        if map_class.low <= count <= map_class.high:
            return map_class
    return classes[-1]


def _texture(map_class: MapClass, prefix: str) -> str:
    """A pattern per class: plain (0), dots (1), hatching (2), cross-hatching (3), solid (4)."""
    name = f"{prefix}-c{map_class.index}"
    background = f'<rect width="12" height="12" fill="{map_class.fill}"/>'
    marks = {
        0: "",
        1: f'<circle cx="3" cy="3" r="1.6" fill="{map_class.mark}"/>'
           f'<circle cx="9" cy="9" r="1.6" fill="{map_class.mark}"/>',
        2: f'<path d="M-3,3 l6,-6 M0,12 l12,-12 M9,15 l6,-6" stroke="{map_class.mark}" '
           'stroke-width="2"/>',
        3: f'<path d="M0,12 l12,-12 M0,0 l12,12" stroke="{map_class.mark}" stroke-width="1.5"/>',
        4: "",
    }[map_class.index]
    return (f'<pattern id="{name}" width="12" height="12" patternUnits="userSpaceOnUse">'
            f"{background}{marks}</pattern>")


def swatch(map_class: MapClass, prefix: str) -> SafeString:
    """The legend's sample of a class (decorative: the text says the same)."""
    return mark_safe(  # noqa: S308 - built from constants and integers only
        f'<svg class="semaine-swatch" width="24" height="24" viewBox="0 0 24 24" aria-hidden="true" '
        f'focusable="false"><defs>{_texture(map_class, prefix + "-legend")}</defs>'
        f'<rect x="0.5" y="0.5" width="23" height="23" fill="url(#{prefix}-legend-c{map_class.index})" '
        'stroke="#3a3a3a"/></svg>'
    )


@cache
def map_shapes() -> dict:
    return json.loads(MAP_FILE.read_text(encoding="utf-8"))


def _labelled(prefix: str, title: str, description: str) -> tuple[str, str]:
    opening = (f'role="img" aria-labelledby="{prefix}-titre {prefix}-desc" '
               'xmlns="http://www.w3.org/2000/svg" focusable="false"')
    heading = (f'<title id="{prefix}-titre">{escape(title)}</title>'
               f'<desc id="{prefix}-desc">{escape(description)}</desc>')
    return opening, heading


def choropleth(table: Table, prefix: str = "carte") -> tuple[SafeString, list[MapClass]]:
    """The départements coloured by their count class; returns the SVG and its classes."""
    shapes = map_shapes()
    counts = {row["code"]: row[table.value] for row in table.rows}
    names = {row["code"]: row["label"] for row in table.rows}
    classes = map_classes(max(counts.values(), default=0))
    opening, heading = _labelled(prefix, table.title, table.description)
    paths = []
    for area in shapes["areas"]:
        code = area["code"]
        n = counts.get(code, 0)
        map_class = class_of(n, classes)
        label = ngettext("%(name)s (%(code)s) : %(n)s événement",
                         "%(name)s (%(code)s) : %(n)s événements", n) % {
            "name": names.get(code, code), "code": code, "n": n}
        paths.append(
            f'<path class="departement c{map_class.index}" data-code="{escape(code)}" '
            f'data-count="{n}" data-inset="{escape(area["inset"])}" '
            f'fill="url(#{prefix}-c{map_class.index})" d="{escape(area["d"])}">'
            f"<title>{escape(label)}</title></path>"
        )
    defs = "".join(_texture(map_class, prefix) for map_class in classes)
    inset = _("Paris et petite couronne")
    svg = (f'<svg class="semaine-map" viewBox="{escape(shapes["viewBox"])}" {opening}>{heading}'
           f"<defs>{defs}</defs>"
           f'<g stroke="#3a3a3a" stroke-width="1.2" stroke-linejoin="round">{"".join(paths)}</g>'
           f'<text x="1995" y="40" font-size="30" text-anchor="end" fill="#161616">{escape(inset)}</text>'
           "</svg>")
    return mark_safe(svg), classes  # noqa: S308 - every value is escaped above


def _number(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",") + " %"
    return str(value)


def bars(table: Table, prefix: str) -> SafeString:
    """Horizontal bars, one per row, each named above it and with its value after it."""
    width, label_height, bar_height, gap = 640, 18, 16, 10
    row_height = label_height + bar_height + gap
    rows = table.drawn
    values = [row.get(table.value) for row in rows]
    top = 100.0 if any(isinstance(v, float) for v in values) else max(
        [v for v in values if v is not None] or [0])
    top = max(top, max([v for v in values if v is not None] or [0]), 1)
    chart_width = width - 90
    opening, heading = _labelled(prefix, table.title, table.description)
    parts = []
    for i, row in enumerate(rows):
        y = i * row_height
        value = row.get(table.value)
        length = 0 if not value else max(2, round(chart_width * value / top))
        label = row.get("label", "")
        parts.append(
            f'<text x="0" y="{y + 13}" font-size="13" fill="#161616">{escape(label)}</text>'
            f'<rect x="0" y="{y + label_height}" width="{length}" height="{bar_height}" '
            f'fill="#000091"/>'
            f'<text x="{length + 6}" y="{y + label_height + 13}" font-size="13" '
            f'font-weight="bold" fill="#161616">{escape(_number(value))}</text>'
        )
    height = max(len(rows), 1) * row_height
    svg = (f'<svg class="semaine-bars" viewBox="0 0 {width} {height}" width="100%" {opening}>'
           f'{heading}<line x1="0" y1="0" x2="0" y2="{height}" stroke="#3a3a3a"/>'
           f'{"".join(parts)}</svg>')
    return mark_safe(svg)  # noqa: S308 - every value is escaped above
