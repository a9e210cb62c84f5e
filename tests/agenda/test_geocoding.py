"""Placing a venue: the Base Adresse Nationale's answers (recorded, served by a real local HTTP
server, see conftest.py) and the centre of the commune when the service cannot be trusted."""

import pytest

from semaine.agenda import geocoding
from semaine.agenda.models import LocationPrecision

NANTES_CENTRE = (47.2186, -1.5538)  # its town hall, in territory/data/communes.csv.gz


def test_an_address_the_service_knows_is_placed_at_the_address(geocoder):
    position = geocoding.locate("3 quai Ceineray", "44000", "Nantes", "44")
    assert (position.latitude, position.longitude) == (47.218925, -1.553553)
    assert position.precision == LocationPrecision.ADDRESS
    assert position.label == "3 Quai Ceineray 44000 Nantes"
    assert geocoder.requests == [{"path": "/search/", "q": "3 quai Ceineray Nantes",
                                  "postcode": "44000", "limit": "1"}]


def test_a_municipality_is_a_commune_precision(geocoder):
    position = geocoding.ask_address_service("", "44110", "Châteaubriant")
    assert position.precision == LocationPrecision.COMMUNE
    assert (position.latitude, position.longitude) == (47.717134, -1.376372)


@pytest.mark.parametrize("address", [
    "12 impasse des Songes",       # a match scored 0.31: not trusted
    "Salle polyvalente",           # no result
    "1 place de la République",    # a namesake in another département
])
def test_an_answer_not_trusted_places_the_venue_at_its_commune_centre(geocoder, address):
    assert geocoding.ask_address_service(address, "44000", "Nantes") is None
    position = geocoding.locate(address, "44000", "Nantes", "44")
    assert (position.latitude, position.longitude) == NANTES_CENTRE
    assert position.precision == LocationPrecision.COMMUNE


@pytest.mark.parametrize("address", ["Panne", "Page"])
def test_a_failing_service_places_the_venue_at_its_commune_centre(geocoder, address):
    with pytest.raises(geocoding.GeocoderError):
        geocoding.ask_address_service(address, "44000", "Nantes")
    position = geocoding.locate(address, "44000", "Nantes", "44")
    assert (position.latitude, position.longitude) == NANTES_CENTRE


def test_a_service_too_slow_is_given_up(geocoder):
    with pytest.raises(geocoding.GeocoderError):
        geocoding.ask_address_service("Lent", "44000", "Nantes", timeout=0.3)


def test_an_unreachable_service_places_the_venue_at_its_commune_centre(settings, ban_server):
    settings.GEOCODER_URL = ban_server.url
    ban_server.close()  # nothing listens on that port any more
    position = geocoding.locate("3 quai Ceineray", "44000", "Nantes", "44")
    assert (position.latitude, position.longitude) == NANTES_CENTRE


def test_without_a_service_nothing_is_asked(settings, ban_server):
    settings.GEOCODER_URL = ""
    position = geocoding.locate("3 quai Ceineray", "44000", "Nantes", "44")
    assert position.precision == LocationPrecision.COMMUNE
    assert ban_server.requests == []
