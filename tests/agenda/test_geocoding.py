"""Placing a venue: the Base Adresse Nationale's answers (recorded, served by a real local HTTP
server, see conftest.py) and the centre of the commune when the service cannot be trusted."""

import pytest

from semaine.agenda import geocoding
from semaine.agenda.models import LocationPrecision
from semaine.territory import communes

NANTES_CENTRE = (47.2172, -1.5534)


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


@pytest.mark.parametrize(("name", "postcode", "departement", "expected"), [
    ("Rezé", "44400", "44", "Rezé"),
    ("REZE", "", "44", "Rezé"),                       # by its name in the département
    ("St-Herblain", "44800", "44", "Saint-Herblain"),
    ("saint nazaire", "44600", "44", "Saint-Nazaire"),
    ("Paris", "75003", "75", "Paris"),
    ("Lyon 3e Arrondissement", "69003", "69", "Lyon 3e Arrondissement"),
])
def test_communes_are_found_by_postcode_and_name_whatever_their_accents_and_case(
        name, postcode, departement, expected):
    assert communes.find(name, postcode, departement).name == expected
    assert communes.centre(name, postcode, departement).level == "commune"


def test_an_unknown_commune_is_placed_at_the_centre_of_its_departement():
    centre = communes.centre("Ancenis", "44150", "44")  # merged into Ancenis-Saint-Géréon
    assert centre.level == "departement"
    assert 46.8 < centre.latitude < 47.8 and -2.6 < centre.longitude < -1.0  # in Loire-Atlantique
    overseas = communes.centre("Nulle-Part", "", "974")
    assert overseas.level == "departement"
    assert -21.4 < overseas.latitude < -20.8 and 55.2 < overseas.longitude < 55.9
    assert communes.centre("Nulle-Part", "", "99") is None


def test_the_shipped_communes_cover_france():
    by_postcode, by_departement = communes._index()
    assert 34_000 < sum(len(found) for found in by_departement.values()) < 36_000
    assert {code for code, _name in by_departement} == set(communes.departement_centres())
    assert len(by_postcode) > 34_000
