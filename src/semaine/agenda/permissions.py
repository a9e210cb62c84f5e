"""Who may do what to editions and events."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from semaine.organisers.permissions import is_member

from .models import Coordination, Edition, Event


def is_coordinator(user, edition: Edition) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return Coordination.objects.filter(user=user, edition=edition).exists()


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
