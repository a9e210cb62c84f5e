"""Who may do what to editions and events."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from semaine.organisers.models import Organisation
from semaine.organisers.permissions import is_any_coordinator, is_member, is_org_admin

from .models import Coordination, Edition, Event


def is_coordinator(user, edition: Edition) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return Coordination.objects.filter(user=user, edition=edition).exists()


def can_manage_programmes(user, organisation: Organisation, edition: Edition) -> bool:
    """An organisation's administrators shape its programmes and tracks; so do the edition's
    national coordinators, for any organisation. Editors do not."""
    return is_org_admin(user, organisation) or is_coordinator(user, edition)


def can_create_edition(user) -> bool:
    """A national coordinator of any edition (or platform staff) prepares the next one."""
    return is_any_coordinator(user)


def can_edit_event(user, event: Event) -> bool:
    """Only the people of the event's own organisation edit it (co-organisers do not)."""
    return is_member(user, event.organisation)


def can_view_event(user, event: Event) -> bool:
    if event.is_published:
        return True
    return can_edit_event(user, event) or is_coordinator(user, event.edition)


def require_coordinator(user, edition: Edition) -> None:
    if not is_coordinator(user, edition):
        raise PermissionDenied(_("Seule la coordination de l'édition peut faire cela."))


def require_event_editor(user, event: Event) -> None:
    if not can_edit_event(user, event):
        raise PermissionDenied(_("Vous ne pouvez pas modifier cet événement."))


def require_programme_manager(user, organisation: Organisation, edition: Edition) -> None:
    if not can_manage_programmes(user, organisation, edition):
        raise PermissionDenied(_(
            "Seuls les administrateurs de l'organisation et la coordination de l'édition "
            "peuvent gérer ses programmes."))


def require_edition_creator(user) -> None:
    if not can_create_edition(user):
        raise PermissionDenied(_("Réservé à la coordination nationale."))
