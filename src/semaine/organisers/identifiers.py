"""How an organisation is recognised: its SIRET, the INSEE code of its collectivité and its name
written without case, accents, punctuation or articles (« Département de la Loire-Atlantique » and
« departement de Loire Atlantique » are one name)."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from semaine.territory.codes import departement_code
from semaine.territory.models import Departement, Region

from .models import OrganisationKind, name_key

__all__ = ["clean_insee_code", "clean_siret", "luhn_valid", "name_key"]

#: La Poste's SIREN: its establishments' SIRET carry no Luhn key, the sum of their digits is a
#: multiple of 5 instead (all but the head office, whose SIRET follows the common rule)
LA_POSTE_SIREN = "356000000"
LA_POSTE_HEAD_OFFICE = "35600000000048"

COMMUNE_CODE = re.compile(r"^(?:\d{2}|2[AB])\d{3}$|^97[1-6]\d{2}$")


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def clean_siret(value: str) -> str:
    """The SIRET in ``value`` (spaces and dots allowed), or "" for none; a French error otherwise."""
    siret = re.sub(r"[\s.]", "", value or "")
    if not siret:
        return ""
    if not siret.isdigit() or not siret.isascii() or len(siret) != 14:
        raise ValidationError(_("Un numéro SIRET compte 14 chiffres."), code="siret_length")
    if siret.startswith(LA_POSTE_SIREN) and siret != LA_POSTE_HEAD_OFFICE:
        valid = sum(int(c) for c in siret) % 5 == 0
    else:
        valid = luhn_valid(siret[:9]) and luhn_valid(siret)
    if not valid:
        raise ValidationError(_("Ce numéro SIRET n’existe pas : vérifiez ses chiffres (sa clé de "
                                "contrôle ne correspond pas)."), code="siret_key")
    return siret


def clean_insee_code(value: str, kind: str, departement=None) -> str:
    """The INSEE code in ``value`` for an organisation of ``kind``: a région's or a département's
    code for a Région or a Département, a commune's code for a commune or an intercommunalité
    (« 44109 »); "" for none; a French error otherwise."""
    code = re.sub(r"\s", "", value or "").upper()
    if not code:
        return ""
    if kind == OrganisationKind.REGION:
        if not Region.objects.filter(code=code).exists():
            raise ValidationError(_("« %(code)s » n’est le code INSEE d’aucune région (par exemple "
                                    "« 52 » pour les Pays de la Loire).") % {"code": code},
                                  code="insee_region")
    elif kind == OrganisationKind.DEPARTEMENT:
        if not Departement.objects.filter(code=code).exists():
            raise ValidationError(_("« %(code)s » n’est le code INSEE d’aucun département (par "
                                    "exemple « 44 » ou « 2A »).") % {"code": code},
                                  code="insee_departement")
        if departement is not None and departement.code != code:
            raise ValidationError(_("Ce code ne correspond pas au département choisi (%(code)s).")
                                  % {"code": departement.code}, code="insee_mismatch")
    elif kind == OrganisationKind.MUNICIPALITY:
        if not COMMUNE_CODE.match(code):
            raise ValidationError(_("Le code INSEE d’une commune compte 5 caractères (par exemple "
                                    "« 44109 » pour Nantes, « 2A004 » pour Ajaccio) : ce n’est "
                                    "pas son code postal."), code="insee_commune")
        if departement is not None and departement_code(code) != departement.code:
            raise ValidationError(_("Cette commune n’est pas dans le département choisi (%(code)s).")
                                  % {"code": departement.code}, code="insee_mismatch")
    else:
        raise ValidationError(_("Le code INSEE ne concerne que les collectivités : communes, "
                                "intercommunalités, départements et régions. Laissez-le vide."),
                              code="insee_kind")
    return code
