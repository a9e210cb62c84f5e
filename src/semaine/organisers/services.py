"""Every write on organisations and memberships: one function per use case."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from . import notifications
from .models import Membership, Organisation, OrganisationStatus, Role
from .permissions import require_any_coordinator, require_org_admin


def unique_slug(model, base: str, *, field: str = "slug", max_length: int = 200, **scope) -> str:
    """A slug derived from ``base`` that no row of ``model`` (within ``scope``) uses yet."""
    root = (slugify(base) or "sans-titre")[:max_length]
    candidate, n = root, 2
    while model.objects.filter(**{field: candidate}, **scope).exists():
        suffix = f"-{n}"
        candidate = f"{root[: max_length - len(suffix)]}{suffix}"
        n += 1
    return candidate


@transaction.atomic
def register_organisation(user, *, name, kind, region=None, departement=None, website="",
                          description="") -> Organisation:
    """A person asks to publish for a new organisation; it waits for a coordinator's approval."""
    if departement is not None and region is None:
        region = departement.region
    organisation = Organisation.objects.create(
        name=name.strip(),
        slug=unique_slug(Organisation, name),
        kind=kind,
        region=region,
        departement=departement,
        website=website,
        description=description,
        status=OrganisationStatus.PENDING,
    )
    Membership.objects.create(user=user, organisation=organisation, role=Role.ADMIN)
    return organisation


def _review(actor, organisation: Organisation, status: str, comment: str) -> Organisation:
    require_any_coordinator(actor)
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if organisation.status != OrganisationStatus.PENDING:
        raise ValidationError(_("Cette organisation a déjà été examinée."))
    organisation.status = status
    organisation.status_comment = comment
    organisation.reviewed_by = actor
    organisation.reviewed_at = timezone.now()
    organisation.save(update_fields=["status", "status_comment", "reviewed_by", "reviewed_at"])
    notifications.organisation_reviewed(organisation, actor)
    return organisation


@transaction.atomic
def approve_organisation(actor, organisation: Organisation, comment: str = "") -> Organisation:
    return _review(actor, organisation, OrganisationStatus.APPROVED, comment)


@transaction.atomic
def reject_organisation(actor, organisation: Organisation, comment: str) -> Organisation:
    if not comment.strip():
        raise ValidationError(_("Indiquez la raison du refus."))
    return _review(actor, organisation, OrganisationStatus.REJECTED, comment)


@transaction.atomic
def add_member(actor, organisation: Organisation, user, role: str = Role.EDITOR) -> Membership:
    require_org_admin(actor, organisation)
    membership, _created = Membership.objects.get_or_create(
        user=user, organisation=organisation, defaults={"role": role}
    )
    if membership.role != role:
        _ensure_an_admin_remains(organisation, membership, role)
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


def _ensure_an_admin_remains(organisation, membership, new_role=None) -> None:
    if membership.role == Role.ADMIN and new_role != Role.ADMIN:
        others = organisation.memberships.filter(role=Role.ADMIN).exclude(pk=membership.pk)
        if not others.exists():
            raise ValidationError(_("L’organisation doit garder au moins un administrateur."))


@transaction.atomic
def remove_member(actor, membership: Membership) -> None:
    organisation = Organisation.objects.select_for_update().get(pk=membership.organisation_id)
    require_org_admin(actor, organisation)
    _ensure_an_admin_remains(organisation, membership)
    membership.delete()
