"""Every write on organisations and memberships: one function per use case. Signing up for an
organisation, inviting a colleague and erasing one's account live here, above ``accounts``,
because they create or check memberships."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from semaine.accounts import outbox
from semaine.accounts.models import EmailKind
from semaine.accounts.services import password_link, send_later, tell_account_exists, verification_link

from . import notifications
from .models import Membership, Organisation, OrganisationStatus, Role
from .permissions import require_any_coordinator, require_org_admin

User = get_user_model()


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


# --- sign-up, invitations, erasing one's account ---------------------------------------------


@transaction.atomic
def sign_up_organiser(*, email, password, first_name, last_name, organisation: dict):
    """A person and the organisation they publish for. Inactive until the address is verified;
    the organisation waits for a coordinator's approval before it can submit events.

    An address that already has an account gets an e-mail saying so (how to sign in, or to
    choose a new password), nothing is created or changed, and the caller answers as for a new
    account: the page never tells whether an address has an account. Returns the e-mail queued
    for the address, whichever of the two it is, so that the caller shows its progress the same
    way."""
    email = User.objects.normalize_email(email).lower()
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        make_password(password)  # as long as a new account takes: the timing tells nothing either
        return tell_account_exists(existing)
    user = User.objects.create_user(
        email, password, first_name=first_name, last_name=last_name, is_active=False
    )
    org = register_organisation(user, **organisation)
    body = render_to_string(
        "organisers/email_verify.txt", {"user": user, "link": verification_link(user), "organisation": org}
    )
    return send_later(user.email, _("Confirmez votre adresse électronique"), body)


@transaction.atomic
def invite_member(actor, organisation, *, email: str, role: str):
    """An organisation's admin adds a colleague; a newcomer receives a link to choose a password."""
    email = User.objects.normalize_email(email).lower()
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if created:
        user = User.objects.create_user(email, None)  # unusable password until they choose one
    membership = add_member(actor, organisation, user, role)
    context = {"organisation": organisation, "actor": actor, "site_url": settings.SITE_URL}
    if created:
        context["link"] = password_link(user)
    body = render_to_string("organisers/email_invitation.txt", context)
    send_later(email, _("Vous êtes invité à publier pour %(name)s") % {"name": organisation.name}, body,
               kind=EmailKind.INVITATION, organisation=organisation)
    return membership


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
    """Erase ``user``'s account: memberships and coordinations go with it; what the account did
    stays, without its name (history entries, reviews, registrations keep their own data and
    are erased from « Mes données »)."""
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
