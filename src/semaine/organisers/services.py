"""Every write on organisations and memberships: one function per use case."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from . import notifications, queries
from .identifiers import clean_insee_code, clean_siret
from .models import (
    Invitation,
    InvitationState,
    JoinRequest,
    JoinRequestState,
    Membership,
    Organisation,
    OrganisationStatus,
    Role,
)
from .permissions import require_any_coordinator, require_org_admin


class DuplicateOrganisation(ValidationError):
    """The organisation declared already exists: ``existing`` lists it (them), to ask to join."""

    def __init__(self, existing: list[Organisation]):
        super().__init__(
            _("Cette organisation est déjà inscrite : demandez à la rejoindre plutôt que de la "
              "déclarer une seconde fois."), code="duplicate")
        self.existing = existing


def clean_identifiers(*, kind, siret="", insee_code="", departement=None) -> tuple[str, str]:
    """The SIRET and INSEE code as stored, or a ValidationError naming the field at fault."""
    errors = {}
    try:
        siret = clean_siret(siret)
    except ValidationError as error:
        errors["siret"] = error
    try:
        insee_code = clean_insee_code(insee_code, kind, departement)
    except ValidationError as error:
        errors["insee_code"] = error
    if errors:
        raise ValidationError(errors)
    return siret, insee_code


def unique_slug(model, base: str, *, field: str = "slug", max_length: int = 200, **scope) -> str:
    """A slug derived from ``base`` that no row of ``model`` (within ``scope``) uses yet."""
    root = (slugify(base) or "sans-titre")[:max_length]
    candidate, n = root, 2
    while model.objects.filter(**{field: candidate}, **scope).exists():
        suffix = f"-{n}"
        candidate = f"{root[: max_length - len(suffix)]}{suffix}"
        n += 1
    return candidate


def check_not_registered(*, name, kind, siret="", insee_code="", departement=None
                         ) -> tuple[str, str]:
    """Raise ``DuplicateOrganisation`` if an organisation of that name (once normalised), SIRET,
    or INSEE code for that kind is already registered; else the identifiers as stored."""
    siret, insee_code = clean_identifiers(kind=kind, siret=siret, insee_code=insee_code,
                                          departement=departement)
    existing = queries.existing_organisations(name=name, siret=siret, kind=kind,
                                              insee_code=insee_code)
    if existing:
        raise DuplicateOrganisation(existing)
    return siret, insee_code


@transaction.atomic
def register_organisation(user, *, name, kind, region=None, departement=None, website="",
                          description="", siret="", insee_code="") -> Organisation:
    """A person asks to publish for a new organisation; it waits for a coordinator's approval.
    An organisation already registered under that name, SIRET or INSEE code is not declared
    twice: ``DuplicateOrganisation`` names it, to ask to join it instead."""
    siret, insee_code = check_not_registered(name=name, kind=kind, siret=siret,
                                             insee_code=insee_code, departement=departement)
    if departement is not None and region is None:
        region = departement.region
    try:
        with transaction.atomic():
            organisation = Organisation.objects.create(
                name=name.strip(),
                slug=unique_slug(Organisation, name),
                kind=kind,
                region=region,
                departement=departement,
                website=website,
                description=description,
                siret=siret,
                insee_code=insee_code,
                status=OrganisationStatus.PENDING,
            )
    except IntegrityError:
        # declared at the same moment by someone else, or held by a refused organisation
        raise ValidationError({"siret" if siret else "insee_code": _(
            "Une autre organisation est déjà inscrite avec ce numéro : écrivez à la "
            "coordination.")}) from None
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


# --- asking to join an organisation ----------------------------------------------------------


@transaction.atomic
def request_to_join(user, organisation: Organisation, message: str = "") -> JoinRequest:
    """``user`` asks to publish for ``organisation``; its admins are e-mailed to decide (once the
    account's address is verified, for an account just created)."""
    if not user.is_authenticated:
        raise PermissionDenied(_("Connectez-vous pour demander à rejoindre une organisation."))
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if organisation.status == OrganisationStatus.REJECTED:
        raise ValidationError(_("La coordination n’a pas validé cette organisation : on ne peut "
                                "pas la rejoindre."))
    if Membership.objects.filter(user=user, organisation=organisation).exists():
        raise ValidationError(_("Vous faites déjà partie de cette organisation."))
    if JoinRequest.objects.filter(requester=user, organisation=organisation,
                                  state=JoinRequestState.PENDING).exists():
        raise ValidationError(_("Votre demande pour rejoindre cette organisation attend déjà la "
                                "réponse de ses administrateurs."))
    join_request = JoinRequest.objects.create(requester=user, organisation=organisation,
                                              message=message.strip())
    if user.is_active:
        _announce(join_request)
    return join_request


def _announce(join_request: JoinRequest) -> None:
    join_request.announced_at = timezone.now()
    join_request.save(update_fields=["announced_at"])
    notifications.join_requested(join_request)


@transaction.atomic
def announce_join_requests(user) -> int:
    """``user``'s address is verified: the admins of the organisations they asked to join are
    told now."""
    waiting = list(JoinRequest.objects.select_for_update().select_related("organisation", "requester")
                   .filter(requester=user, state=JoinRequestState.PENDING, announced_at=None))
    for join_request in waiting:
        _announce(join_request)
    return len(waiting)


def _decide(actor, join_request: JoinRequest, state: str, reason: str = "") -> JoinRequest:
    join_request = (JoinRequest.objects.select_for_update(of=("self",))
                    .select_related("organisation", "requester").get(pk=join_request.pk))
    require_org_admin(actor, join_request.organisation)
    if join_request.state != JoinRequestState.PENDING:
        raise ValidationError(_("Cette demande a déjà reçu une réponse."))
    if join_request.announced_at is None:
        raise ValidationError(_("Cette personne n’a pas encore confirmé son adresse."))
    join_request.state = state
    join_request.reason = reason.strip()
    join_request.decided_by = actor
    join_request.decided_at = timezone.now()
    join_request.save(update_fields=["state", "reason", "decided_by", "decided_at"])
    notifications.join_request_decided(join_request, actor)
    return join_request


@transaction.atomic
def accept_join_request(actor, join_request: JoinRequest) -> Membership:
    """An admin of the organisation accepts: the requester becomes an editor."""
    join_request = _decide(actor, join_request, JoinRequestState.ACCEPTED)
    membership, _created = Membership.objects.get_or_create(
        user=join_request.requester, organisation=join_request.organisation,
        defaults={"role": Role.EDITOR},
    )
    return membership


@transaction.atomic
def refuse_join_request(actor, join_request: JoinRequest, reason: str = "") -> JoinRequest:
    """An admin of the organisation refuses, saying why if they wish."""
    return _decide(actor, join_request, JoinRequestState.REFUSED, reason)


# --- invitations ------------------------------------------------------------------------------


@transaction.atomic
def invite(actor, organisation: Organisation, user, role: str = Role.EDITOR) -> Invitation | None:
    """An admin invites ``user``: a pending invitation that ``user`` accepts or declines. Someone
    already a member gets the role instead (``None`` then)."""
    require_org_admin(actor, organisation)
    if role not in Role.values:
        raise ValidationError({"role": _("Choisissez un rôle de la liste.")})
    if Membership.objects.filter(user=user, organisation=organisation).exists():
        add_member(actor, organisation, user, role)
        return None
    invitation = (Invitation.objects.select_for_update()
                  .filter(user=user, organisation=organisation, state=InvitationState.PENDING)
                  .first())
    if invitation is None:
        invitation = Invitation.objects.create(user=user, organisation=organisation, role=role,
                                               invited_by=actor)
    else:
        invitation.role, invitation.invited_by = role, actor
        invitation.save(update_fields=["role", "invited_by"])
    return invitation


def _answer(user, invitation: Invitation, state: str) -> Invitation:
    invitation = (Invitation.objects.select_for_update(of=("self",))
                  .select_related("organisation").get(pk=invitation.pk))
    if not user.is_authenticated or invitation.user_id != user.pk:
        raise PermissionDenied(_("Cette invitation ne vous est pas adressée."))
    if invitation.state != InvitationState.PENDING:
        raise ValidationError(_("Vous avez déjà répondu à cette invitation."))
    invitation.state = state
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["state", "answered_at"])
    return invitation


@transaction.atomic
def accept_invitation(user, invitation: Invitation) -> Membership:
    """The person invited says yes: they become a member with the role they were offered."""
    invitation = _answer(user, invitation, InvitationState.ACCEPTED)
    membership, _created = Membership.objects.get_or_create(
        user=user, organisation=invitation.organisation, defaults={"role": invitation.role},
    )
    return membership


@transaction.atomic
def decline_invitation(user, invitation: Invitation) -> Invitation:
    return _answer(user, invitation, InvitationState.DECLINED)
