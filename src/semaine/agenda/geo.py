"""GeoJSON (RFC 7946) pieces shared by the map and the open data exports."""

GEOJSON_TYPE = "application/geo+json"
#: Decimal places of the coordinates: 6 is about 10 cm, more than a venue needs.
PRECISION = 6


def point(longitude: float, latitude: float) -> dict:
    """A Point geometry: WGS 84, longitude first (RFC 7946 §3.1.1 and §4)."""
    return {"type": "Point", "coordinates": [round(longitude, PRECISION), round(latitude, PRECISION)]}


def feature(identifier: str, longitude: float, latitude: float, properties: dict) -> dict:
    """A Feature located at a point."""
    return {"type": "Feature", "id": identifier, "geometry": point(longitude, latitude),
            "properties": properties}
