"""Where a venue lies: its address asked of the Base Adresse Nationale (BAN), else the centre of
its commune or département from the data shipped with the platform (``territory.communes``).

The address service is only ever called from background work (``tasks.locate_venue``), never
while a page is being answered. Its URL is ``settings.GEOCODER_URL`` (``SEMAINE_GEOCODER_URL``;
empty: no call, the centre of the commune at once).

The BAN's ``/search/`` answers a GeoJSON FeatureCollection (``type``, ``version``,
``features``, ``attribution``, ``licence``, ``query``, ``limit``); each feature has a Point
``geometry`` (longitude, latitude) and ``properties``: ``label`` (the full address), ``score``
(0 to 1, how well it matches the query), ``housenumber``, ``id``, ``name``, ``postcode``,
``citycode`` (INSEE code of the commune), ``x``, ``y`` (Lambert 93), ``city``, ``context``
(« 44, Loire-Atlantique, Pays de la Loire »), ``type`` (``housenumber``, ``street``,
``locality`` or ``municipality``), ``importance`` and ``street``.
"""

import json
import logging
import math
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings

from semaine.territory import communes
from semaine.territory.codes import departement_code

from .models import LocationPrecision

logger = logging.getLogger(__name__)

#: Seconds to wait for the address service: a venue is placed at its commune's centre past it.
TIMEOUT = 5.0
#: Answers scored lower are not trusted (the BAN scores a good match above 0.7).
MIN_SCORE = 0.5
#: Bytes read of an answer at most (one feature is about 1 KiB).
MAX_BYTES = 256 * 1024
#: The BAN's result types and how precise a position they give.
PRECISIONS = {
    "housenumber": LocationPrecision.ADDRESS,
    "street": LocationPrecision.ADDRESS,
    "locality": LocationPrecision.ADDRESS,
    "municipality": LocationPrecision.COMMUNE,
}


@dataclass(frozen=True)
class Position:
    latitude: float
    longitude: float
    precision: str
    label: str = ""


class GeocoderError(Exception):
    """The address service could not be reached or gave an answer that cannot be used."""


def _query(address: str, commune: str) -> str:
    return " ".join(part for part in (address.strip(), commune.strip()) if part)


def ask_address_service(address: str, postcode: str, commune: str, *, url: str | None = None,
                        timeout: float = TIMEOUT) -> Position | None:
    """The BAN's best match for an address, or None when it has none it trusts (no result, low
    score, a result in another département). Raises ``GeocoderError`` when the service fails."""
    url = settings.GEOCODER_URL if url is None else url
    query = _query(address, commune)
    if not url or len(query) < 3:
        return None
    params = {"q": query[:200], "limit": "1"}
    if len(postcode) == 5 and postcode.isdigit():
        params["postcode"] = postcode
    request = urllib.request.Request(  # noqa: S310 - the URL is the operator's setting
        f"{url}{'&' if '?' in url else '?'}{urllib.parse.urlencode(params)}",
        headers={"Accept": "application/json", "User-Agent": "semaine"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            body = response.read(MAX_BYTES + 1)
    except (OSError, ValueError) as exc:  # URLError, HTTPError, timeouts, refused connections
        raise GeocoderError(str(exc)) from exc
    if len(body) > MAX_BYTES:
        raise GeocoderError("answer too large")
    try:
        collection = json.loads(body)
        features = collection["features"]
    except (ValueError, TypeError, KeyError) as exc:
        raise GeocoderError("answer is not a GeoJSON FeatureCollection") from exc
    if not isinstance(features, list) or not features:
        return None
    try:
        feature = features[0]
        properties = feature.get("properties") or {}
        longitude, latitude = (float(value) for value in feature["geometry"]["coordinates"][:2])
        score = float(properties.get("score", 0))
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise GeocoderError("feature without a point or a score") from exc
    if not (math.isfinite(latitude) and math.isfinite(longitude)) or score < MIN_SCORE:
        return None
    wanted = departement_code(postcode)
    found = departement_code(str(properties.get("citycode") or properties.get("postcode") or ""))
    if wanted and found and wanted != found:
        return None  # a namesake elsewhere in France
    precision = PRECISIONS.get(properties.get("type"), LocationPrecision.COMMUNE)
    return Position(latitude, longitude, precision, str(properties.get("label", ""))[:250])


def commune_centre(commune: str, postcode: str, departement: str) -> Position | None:
    """The centre of the commune (or of the département) from the shipped data."""
    centre = communes.centre(commune, postcode, departement)
    if centre is None:
        return None
    precision = LocationPrecision.COMMUNE if centre.level == "commune" else LocationPrecision.DEPARTEMENT
    return Position(centre.latitude, centre.longitude, precision, centre.name)


def locate(address: str, postcode: str, commune: str, departement: str) -> Position | None:
    """The venue's position: its address if the service finds it, else its commune's centre."""
    try:
        position = ask_address_service(address, postcode, commune)
    except GeocoderError as exc:
        logger.warning("address service failed for %r: %s", _query(address, commune), exc)
        position = None
    return position or commune_centre(commune, postcode, departement)
