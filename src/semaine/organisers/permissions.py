"""Who may act for an organisation. Coordinator rules live in ``agenda.permissions``."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from .models import Membership, Organisation, Role


def is_member(user, organisation: Organisation) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return Membership.objects.filter(user=user, organisation=organisation).exists()


def is_org_admin(user, organisation: Organisation) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return Membership.objects.filter(
        user=user, organisation=organisation, role=Role.ADMIN
    ).exists()


def is_any_coordinator(user) -> bool:
    """A national coordinator of at least one edition (or platform staff)."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or user.coordinations.exists()


def require_member(user, organisation: Organisation) -> None:
    if not is_member(user, organisation):
        raise PermissionDenied(_("Vous n'agissez pas pour cette organisation."))


def require_org_admin(user, organisation: Organisation) -> None:
    if not is_org_admin(user, organisation):
        raise PermissionDenied(_("Seuls les administrateurs de l'organisation peuvent faire cela."))


def require_any_coordinator(user) -> None:
    if not is_any_coordinator(user):
        raise PermissionDenied(_("Réservé à la coordination nationale."))
