"""Every write on organisations and memberships: one function per use case. Signing up for an
organisation, inviting a colleague and erasing one's account live here, above ``accounts``,
because they create or check memberships."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from semaine.accounts import outbox
from semaine.accounts.models import EmailKind
from semaine.accounts.services import password_link, send_later, tell_account_exists, verification_link

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

User = get_user_model()


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
def announce_join_requests(user, **kwargs) -> int:
    """``user``'s address is verified: the admins of the organisations they asked to join are
    told now. Connected to ``accounts.signals.email_verified`` in ``apps.py``."""
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


# --- sign-up, invitations, erasing one's account ---------------------------------------------


@transaction.atomic
def sign_up_organiser(*, email, password, first_name, last_name, organisation: dict,
                      join: Organisation | None = None, message: str = ""):
    """A person and the organisation they publish for. Inactive until the address is verified;
    the organisation waits for a coordinator's approval before it can submit events. An
    organisation already registered is not declared again (``DuplicateOrganisation``): with
    ``join``, the person asks to join that one instead, and its admins are told once the address
    is verified.

    An address that already has an account gets an e-mail saying so (how to sign in, or to
    choose a new password), nothing is created or changed, and the caller answers as for a new
    account: the page never tells whether an address has an account. Returns the e-mail queued
    for the address, whichever of the two it is, so that the caller shows its progress the same
    way."""
    # what depends on the organisation alone is checked first: the answer must not depend on
    # whether the address has an account
    if join is None:
        check_not_registered(**{key: organisation.get(key) for key in
                                ("name", "kind", "siret", "insee_code", "departement")})
    elif join.status == OrganisationStatus.REJECTED:
        raise ValidationError(_("La coordination n’a pas validé cette organisation : on ne peut "
                                "pas la rejoindre."))
    email = User.objects.normalize_email(email).lower()
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        make_password(password)  # as long as a new account takes: the timing tells nothing either
        return tell_account_exists(existing)
    user = User.objects.create_user(
        email, password, first_name=first_name, last_name=last_name, is_active=False
    )
    if join is not None:
        request_to_join(user, join, message)
        org = join
    else:
        org = register_organisation(user, **organisation)
    body = render_to_string(
        "organisers/email_verify.txt",
        {"user": user, "link": verification_link(user), "organisation": org, "joining": join is not None},
    )
    return send_later(user.email, _("Confirmez votre adresse électronique"), body)


@transaction.atomic
def invite_member(actor, organisation, *, email: str, role: str):
    """An organisation's admin invites a colleague. The person becomes a member only once they
    accept, from « Mon compte » (a newcomer first chooses a password): nobody is added without
    saying yes. Whether the address already had an account, the admin is told nothing: the same
    invitation e-mail leaves in both cases, and the invitation waits the same way."""
    require_org_admin(actor, organisation)
    email = User.objects.normalize_email(email).lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email, None)  # unusable password until they choose one
    invitation = invite(actor, organisation, user, role)
    if invitation is None:  # already a member, whose role changed
        return None
    context = {"organisation": organisation, "actor": actor, "site_url": settings.SITE_URL,
               "role": invitation.get_role_display(),
               "account_link": settings.SITE_URL + reverse("accounts:account")}
    if not user.has_usable_password():
        context["link"] = password_link(user)
    body = render_to_string("organisers/email_invitation.txt", context)
    send_later(email, _("Vous êtes invité à publier pour %(name)s") % {"name": organisation.named}, body,
               kind=EmailKind.INVITATION, organisation=organisation)
    return invitation


@transaction.atomic
def send_invitations_again(actor, organisation) -> int:
    """An organisation's admin asks to try again the invitations that could not be sent."""
    require_org_admin(actor, organisation)
    return outbox.send_again(organisation.emails.filter(kind=EmailKind.INVITATION))


def sole_admin_of(user) -> list:
    """Organisations with other members where ``user`` is the only administrator: they would be
    left without anyone to manage their members."""
    administered = user.memberships.filter(role=Role.ADMIN).values("organisation")
    return list(
        Organisation.objects.filter(pk__in=administered)
        .annotate(admins=Count("memberships", filter=Q(memberships__role=Role.ADMIN), distinct=True),
                  people=Count("memberships", distinct=True))
        .filter(admins=1, people__gt=1).order_by("name")
    )


@transaction.atomic
def delete_account(user, password: str) -> None:
    """Erase ``user``'s account: memberships, coordinations, invitations received and requests to
    join organisations go with it; what the account did stays, without its name (history entries,
    reviews, decisions on others' requests; registrations keep their own data and are erased from
    « Mes données »)."""
    if not user.check_password(password):
        raise ValidationError({"password": _("Mot de passe incorrect.")})
    # the organisations this account administers are locked, as removing a member locks its
    # organisation: two administrators leaving at once never leave it without one
    administered = user.memberships.filter(role=Role.ADMIN).values("organisation")
    list(Organisation.objects.select_for_update().filter(pk__in=administered).values_list("pk"))
    blocking = sole_admin_of(user)
    if blocking:
        names = ", ".join(o.name for o in blocking)
        raise ValidationError(_(
            "Vous êtes le seul administrateur de : %(names)s. Nommez d'abord un autre "
            "administrateur parmi ses membres."
        ) % {"names": names})
    user.delete()
