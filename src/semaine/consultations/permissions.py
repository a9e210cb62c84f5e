"""Who may do what in a consultation: its organisation's members run it; a person with a
confirmed address takes part."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from semaine.organisers.models import Organisation
from semaine.organisers.permissions import is_member


def can_run(user, organisation: Organisation) -> bool:
    """A member (administrator or editor) of an approved organisation."""
    return organisation.is_approved and is_member(user, organisation)


def require_runner(user, organisation: Organisation) -> None:
    if not organisation.is_approved:
        raise PermissionDenied(_("Seule une organisation validée peut mener une consultation."))
    if not is_member(user, organisation):
        raise PermissionDenied(_("Vous n’agissez pas pour l’organisation qui mène cette consultation."))


def can_take_part(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.email_verified_at)


def require_participant(user) -> None:
    if not user.is_authenticated:
        raise PermissionDenied(_("Connectez-vous pour participer."))
    if not can_take_part(user):
        raise PermissionDenied(_("Confirmez d’abord votre adresse électronique pour participer."))
