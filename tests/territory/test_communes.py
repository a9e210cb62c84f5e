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


def test_almost_every_commune_has_its_own_centre():
    by_postcode, by_departement = communes._index()
    shipped = [commune for found in by_departement.values() for commune in found]
    located = [commune for commune in shipped if commune.latitude is not None]
    assert len(located) >= 0.999 * len(shipped)


@pytest.mark.parametrize(("code", "latitude", "longitude"), [
    ("44109", 47.218, -1.554),   # Nantes
    ("33063", 44.838, -0.579),   # Bordeaux
    ("14118", 49.183, -0.370),   # Caen
    ("95127", 49.036, 2.061),    # Cergy
    ("14587", 49.189, -0.413),   # Saint-Germain-la-Blanche-Herbe, 2,000 inhabitants
    ("55050", 49.232, 5.471),    # Bezonvaux, a village destroyed in 1916, no inhabitant
    ("75104", 48.854, 2.357),    # Paris 4e Arrondissement
    ("97411", -20.879, 55.448),  # Saint-Denis (La Réunion)
])
def test_a_commune_is_placed_within_a_few_kilometres_of_its_centre(code, latitude, longitude):
    _by_postcode, by_departement = communes._index()
    commune = next(c for found in by_departement.values() for c in found if c.code == code)
    assert abs(commune.latitude - latitude) < 0.04 and abs(commune.longitude - longitude) < 0.05


def test_a_small_commune_is_placed_at_its_own_centre_not_its_departements():
    centre = communes.centre("Bezonvaux", "55100", "55")
    assert centre.level == "commune"
    assert abs(centre.latitude - 49.232) < 0.02 and abs(centre.longitude - 5.471) < 0.02
