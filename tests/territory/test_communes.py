"""The communes shipped with the platform and their centres (territory/data/communes.csv.gz)."""

import pytest

from semaine.territory import communes


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
