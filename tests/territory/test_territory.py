import pytest

from semaine.territory.models import Departement, Region

pytestmark = pytest.mark.django_db


def test_every_region_and_departement_is_loaded_with_its_insee_code():
    assert Region.objects.count() == 18
    assert Region.objects.filter(overseas=True).count() == 5
    assert Departement.objects.count() == 101
    assert Departement.objects.get(code="2A").name == "Corse-du-Sud"
    assert Departement.objects.get(code="976").region.name == "Mayotte"
    assert Departement.objects.get(code="44").region.code == "52"
    assert Departement.objects.get(code="14").region.name == "Normandie"


def test_every_departement_has_a_prefecture_with_coordinates():
    assert not Departement.objects.filter(latitude__isnull=True).exists()
    assert not Departement.objects.filter(prefecture="").exists()
