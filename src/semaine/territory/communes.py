"""The communes of France and where their centres lie, read from the files shipped in ``data/``
(``communes.csv.gz``, ``departements-contours.json``; their sources in ``data/README.md``).

Nothing here touches the network: a venue the address service cannot place, or placed while
offline, is put at the centre of its commune, or of its département when the commune is unknown
or has no known centre.
"""

import csv
import gzip
import io
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
COMMUNES_FILE = DATA / "communes.csv.gz"
OUTLINES_FILE = DATA / "departements-contours.json"


@dataclass(frozen=True)
class Commune:
    code: str
    name: str
    departement: str
    postcodes: tuple[str, ...]
    latitude: float | None
    longitude: float | None


@dataclass(frozen=True)
class Centre:
    """A place's approximate position: ``level`` is ``commune`` or ``departement``."""

    latitude: float
    longitude: float
    level: str
    name: str


def name_key(name: str) -> str:
    """A commune's name to compare: no accents, no case, no punctuation, « St » for « Saint »."""
    text = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^a-z0-9]+", " ", text)
    text = re.sub(r"\bste\b", "sainte", re.sub(r"\bst\b", "saint", text))
    return " ".join(text.split())


@cache
def _index() -> tuple[dict, dict]:
    by_postcode: dict[tuple[str, str], Commune] = {}
    by_departement: dict[tuple[str, str], list[Commune]] = {}
    with gzip.open(COMMUNES_FILE, "rb") as raw:
        rows = csv.reader(io.TextIOWrapper(raw, encoding="utf-8"))
        next(rows)  # code, name, departement, postcodes, latitude, longitude
        for code, name, departement, postcodes, latitude, longitude in rows:
            commune = Commune(code, name, departement, tuple(postcodes.split()),
                              float(latitude) if latitude else None,
                              float(longitude) if longitude else None)
            key = name_key(name)
            for postcode in commune.postcodes:
                by_postcode.setdefault((postcode, key), commune)
            by_departement.setdefault((commune.departement, key), []).append(commune)
    return by_postcode, by_departement


@cache
def outlines() -> dict:
    """The départements' outlines as GeoJSON (metropolitan France and Corsica) with each one's
    centre, and the centres of the overseas départements."""
    return json.loads(OUTLINES_FILE.read_text(encoding="utf-8"))


@cache
def departement_centres() -> dict[str, tuple[float, float]]:
    """(latitude, longitude) of each département's centre, by INSEE code."""
    data = outlines()
    centres = {feature["id"]: feature["properties"]["centre"] for feature in data["features"]}
    centres.update(data["overseas_centres"])
    return {code: (lonlat[1], lonlat[0]) for code, lonlat in centres.items()}


def find(name: str, postcode: str = "", departement: str = "") -> Commune | None:
    """The commune called ``name``: by its postcode first, else by its name within the
    département (only when the name is unique there)."""
    by_postcode, by_departement = _index()
    key = name_key(name)
    if not key:
        return None
    if postcode and (postcode, key) in by_postcode:
        return by_postcode[(postcode, key)]
    matches = by_departement.get((departement, key), [])
    return matches[0] if len(matches) == 1 else None


def centre(name: str, postcode: str = "", departement: str = "") -> Centre | None:
    """The centre of the commune, else of the département; None for an unknown département."""
    commune = find(name, postcode, departement)
    if commune is not None and commune.latitude is not None:
        return Centre(commune.latitude, commune.longitude, "commune", commune.name)
    point = departement_centres().get(departement)
    if point is None:
        return None
    return Centre(point[0], point[1], "departement", departement)
