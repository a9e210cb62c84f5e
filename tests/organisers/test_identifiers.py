"""SIRET, INSEE codes and names as organisations are recognised by."""

import pytest
from django.core.exceptions import ValidationError

from semaine.organisers.identifiers import clean_insee_code, clean_siret, luhn_valid
from semaine.organisers.models import OrganisationKind, name_key
from semaine.territory.models import Departement


@pytest.mark.parametrize("written, stored", [
    ("732 829 320 00074", "73282932000074"),
    ("73282932000074", "73282932000074"),
    ("356.000.000.00048", "35600000000048"),  # La Poste's head office follows the common rule
    ("35600000049837", "35600000049837"),  # a post office: digits adding up to a multiple of 5
    ("", ""),
    ("  ", ""),
])
def test_valid_sirets_are_stored_as_fourteen_digits(written, stored):
    assert clean_siret(written) == stored


@pytest.mark.parametrize("written, message", [
    ("73282932000075", "clé de contrôle"),
    ("7328293200007", "14 chiffres"),
    ("7328293200007A", "14 chiffres"),
    ("７３２８２９３２００００７４", "14 chiffres"),  # full-width digits are not ASCII digits
    ("35600000049838", "clé de contrôle"),  # La Poste: 64 is no multiple of 5
])
def test_invalid_sirets_are_refused_in_french(written, message):
    with pytest.raises(ValidationError) as caught:
        clean_siret(written)
    assert message in caught.value.messages[0]


def test_la_poste_uses_its_own_rule_not_luhn():
    post_office = "35600000049837"
    assert not luhn_valid(post_office)
    assert sum(map(int, post_office)) % 5 == 0
    assert clean_siret(post_office) == post_office


@pytest.mark.parametrize("a, b", [
    ("Département de la Loire-Atlantique", "departement de Loire Atlantique"),
    ("Département du Val-d'Oise", "DEPARTEMENT VAL D’OISE"),
    ("Région Île-de-France", "region ile de france"),
    ("Centre hospitalier de l'Œuvre", "centre hospitalier oeuvre"),
])
def test_names_compare_without_case_accents_punctuation_or_articles(a, b):
    assert name_key(a) == name_key(b)


def test_different_names_stay_different():
    assert name_key("Département de la Gironde") != name_key("Département de la Loire-Atlantique")


@pytest.mark.django_db
def test_insee_codes_follow_the_kind():
    loire_atlantique = Departement.objects.get(code="44")
    assert clean_insee_code("44109", OrganisationKind.MUNICIPALITY, loire_atlantique) == "44109"
    assert clean_insee_code("2a004", OrganisationKind.MUNICIPALITY) == "2A004"
    assert clean_insee_code("97411", OrganisationKind.MUNICIPALITY) == "97411"
    assert clean_insee_code("44", OrganisationKind.DEPARTEMENT, loire_atlantique) == "44"
    assert clean_insee_code("52", OrganisationKind.REGION) == "52"
    assert clean_insee_code("", OrganisationKind.HOSPITAL) == ""


@pytest.mark.django_db
@pytest.mark.parametrize("code, kind, departement, message", [
    ("4410", OrganisationKind.MUNICIPALITY, None, "5 caractères"),
    ("33063", OrganisationKind.MUNICIPALITY, "44", "pas dans le département"),
    ("99", OrganisationKind.DEPARTEMENT, None, "aucun département"),
    ("33", OrganisationKind.DEPARTEMENT, "44", "ne correspond pas"),
    ("99", OrganisationKind.REGION, None, "aucune région"),
    ("44109", OrganisationKind.HOSPITAL, None, "que les collectivités"),
])
def test_insee_codes_that_do_not_fit_are_refused_in_french(code, kind, departement, message):
    departement = Departement.objects.get(code=departement) if departement else None
    with pytest.raises(ValidationError) as caught:
        clean_insee_code(code, kind, departement)
    assert message in caught.value.messages[0]
