"""The GeoJSON export: a FeatureCollection (RFC 7946) checked by the geojson library."""

import json

import geojson
import pytest

from semaine.agenda.models import AttendanceMode
from tests import factories

from .conftest import build_files, export_url

pytestmark = pytest.mark.django_db


def collection(download, edition, data=None) -> dict:
    return json.loads(download(edition, "geojson", data))


def test_the_export_is_a_valid_feature_collection(download, edition, publish, venue):
    publish(venue=venue, slots=2)
    publish(venue=factories.VenueFactory(commune="Basse-Terre", latitude=15.9985, longitude=-61.7255))
    parsed = geojson.loads(download(edition, "geojson"))
    assert isinstance(parsed, geojson.FeatureCollection)
    assert parsed.is_valid, parsed.errors()
    assert len(parsed["features"]) == 3


def test_the_validator_catches_a_broken_collection():
    broken = geojson.loads('{"type":"FeatureCollection","features":[{"type":"Feature",'
                           '"geometry":{"type":"Point","coordinates":[1]},"properties":{}}]}')
    assert not broken.is_valid


def test_coordinates_are_longitude_then_latitude(download, edition, publish, venue):
    publish(venue=venue)
    geometry = collection(download, edition)["features"][0]["geometry"]
    assert geometry == {"type": "Point", "coordinates": [-1.5536, 47.2184]}


def test_each_slot_is_one_feature_identified_as_in_the_csv(download, edition, publish, venue):
    event = publish(venue=venue, slots=2)
    features = collection(download, edition)["features"]
    assert [feature["id"] for feature in features] == [
        f"{event.public_id}-{slot.pk}" for slot in event.slots.order_by("starts_at")]


def test_each_feature_says_what_when_where_and_who(download, edition, publish, venue):
    event = publish(venue=venue)
    properties = collection(download, edition)["features"][0]["properties"]
    assert properties["titre"] == event.title
    assert properties["url"] == f"http://testserver{event.get_absolute_url()}"
    assert properties["date_debut"].endswith(("+01:00", "+02:00"))
    assert (properties["commune"], properties["code_departement"], properties["code_region"]) == (
        "Nantes", "44", "52")
    assert properties["formats"] == ["Atelier"] and properties["statut"] == "programme"


def test_online_events_and_venues_without_coordinates_are_left_out(download, edition, publish, venue):
    publish(venue=venue, attendance_mode=AttendanceMode.ONLINE, online_url="https://visio.example.fr/c")
    publish(venue=factories.VenueFactory(latitude=None, longitude=None))
    publish()
    located = publish(venue=venue)
    features = collection(download, edition)["features"]
    assert [feature["properties"]["identifiant_evenement"] for feature in features] == [
        str(located.public_id)]


def test_the_export_is_served_as_geojson(client, edition, publish, venue):
    publish(venue=venue)
    build_files(edition)
    response = client.get(export_url(edition, "geojson"))
    assert response["Content-Type"] == "application/geo+json"


def test_a_venue_placed_at_its_commune_centre_is_in_the_export_flagged_approximate(
        download, edition, publish, venue):
    publish(venue=venue, title="À l’adresse")
    centre = factories.VenueFactory(commune="Rezé", postcode="44400", latitude=47.1906,
                                    longitude=-1.5689, location_precision="commune")
    publish(venue=centre, title="Au centre de Rezé")
    properties = {feature["properties"]["titre"]: feature["properties"]
                  for feature in collection(download, edition)["features"]}
    assert properties["Au centre de Rezé"]["position_approximative"] is True
    assert properties["À l’adresse"]["position_approximative"] is False
    csv_text = download(edition, "csv")
    assert b"position_approximative" in csv_text.splitlines()[0]
