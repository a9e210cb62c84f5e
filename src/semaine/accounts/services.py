"""Accounts: sign-up with e-mail verification."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from semaine.organisers.models import Organisation, OrganisationStatus, Role
from semaine.organisers.permissions import require_org_admin
from semaine.organisers.services import (
    announce_join_requests,
    check_not_registered,
    invite,
    register_organisation,
    request_to_join,
)

from . import outbox
from .models import Email, EmailKind, NotificationFrequency
from .tokens import email_verification_token

User = get_user_model()


def send_later(to: str, subject: str, body: str, attachments: list | None = None, *,
               kind: str = EmailKind.ACCOUNT, organisation=None) -> Email:
    """Queue an e-mail in the outbox; the worker sends it once the current transaction has
    committed, and retries it if sending fails."""
    return outbox.queue(to=to, subject=subject, body=body, attachments=attachments, kind=kind,
                        organisation=organisation)


def verification_link(user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = email_verification_token.make_token(user)
    return settings.SITE_URL + reverse("accounts:verify", kwargs={"uidb64": uid, "token": token})


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
    from django.contrib.auth.hashers import make_password

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
        return _tell_account_exists(existing)
    user = User.objects.create_user(
        email, password, first_name=first_name, last_name=last_name, is_active=False
    )
    if join is not None:
        request_to_join(user, join, message)
        org = join
    else:
        org = register_organisation(user, **organisation)
    body = render_to_string(
        "accounts/email_verify.txt",
        {"user": user, "link": verification_link(user), "organisation": org, "joining": join is not None},
    )
    return send_later(user.email, _("Confirmez votre adresse électronique"), body)


def password_link(user) -> str:
    """The address where ``user`` chooses a new password (valid as Django's reset tokens are)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return settings.SITE_URL + reverse(
        "accounts:password_reset_confirm",
        kwargs={"uidb64": uid, "token": default_token_generator.make_token(user)},
    )


def _tell_account_exists(user) -> Email:
    """Someone tried to create an account with ``user``'s address: tell its owner how to get in."""
    context = {
        "user": user, "login_link": settings.SITE_URL + reverse("accounts:login"),
        "reset_link": password_link(user),
        "verify_link": None if user.is_active else verification_link(user),
    }
    return send_later(user.email, _("Vous avez déjà un compte"),
                      render_to_string("accounts/email_account_exists.txt", context))


@transaction.atomic
def verify_email(uidb64: str, token: str):
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
        user = User.objects.select_for_update().get(pk=pk)
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        return None
    if not email_verification_token.check_token(user, token):
        return None
    user.is_active = True
    user.email_verified_at = timezone.now()
    user.save(update_fields=["is_active", "email_verified_at"])
    announce_join_requests(user)
    return user


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
    body = render_to_string("accounts/email_invitation.txt", context)
    send_later(email, _("Vous êtes invité à publier pour %(name)s") % {"name": organisation.name}, body,
               kind=EmailKind.INVITATION, organisation=organisation)
    return invitation


@transaction.atomic
def send_invitations_again(actor, organisation) -> int:
    """An organisation's admin asks to try again the invitations that could not be sent."""
    require_org_admin(actor, organisation)
    return outbox.send_again(organisation.emails.filter(kind=EmailKind.INVITATION))


# --- one's own account (RGPD: see, export, erase) ----------------------------------------------


@transaction.atomic
def set_notification_frequency(user, frequency: str):
    """« Mon compte »: the follow-up e-mails at once, or in one summary a day."""
    if frequency not in NotificationFrequency.values:
        raise ValidationError({"notification_frequency": _("Choisissez l’une des deux possibilités.")})
    User.objects.filter(pk=user.pk).update(notification_frequency=frequency)
    user.notification_frequency = frequency
    return user


def account_data(user) -> dict:
    """Everything the platform keeps about ``user``'s account, as the export gives it."""
    from semaine.registrations.models import Registration

    return {
        "compte": {
            "adresse_electronique": user.email,
            "prenom": user.first_name,
            "nom": user.last_name,
            "cree_le": user.date_joined.isoformat(),
            "adresse_verifiee_le": user.email_verified_at.isoformat() if user.email_verified_at else None,
            "derniere_connexion": user.last_login.isoformat() if user.last_login else None,
        },
        "organisations": [
            {"organisation": m.organisation.name, "role": str(m.get_role_display()),
             "depuis": m.created_at.isoformat()}
            for m in user.memberships.select_related("organisation").order_by("organisation__name")
        ],
        "invitations": [
            {"organisation": i.organisation.name, "role": str(i.get_role_display()),
             "etat": str(i.get_state_display()), "recue_le": i.created_at.isoformat(),
             "repondue_le": i.answered_at.isoformat() if i.answered_at else None}
            for i in user.invitations.select_related("organisation").order_by("created_at", "pk")
        ],
        "demandes_pour_rejoindre": [
            {"organisation": r.organisation.name, "message": r.message,
             "etat": str(r.get_state_display()), "envoyee_le": r.created_at.isoformat(),
             "decidee_le": r.decided_at.isoformat() if r.decided_at else None,
             "raison_du_refus": r.reason}
            for r in user.join_requests.select_related("organisation").order_by("created_at", "pk")
        ],
        "coordinations": [
            {"edition": c.edition.name} for c in user.coordinations.select_related("edition")
        ],
        "inscriptions": [
            {"evenement": r.event.title, "creneau": r.slot.starts_at.isoformat(),
             "statut": str(r.get_status_display())}
            for r in Registration.objects.filter(user=user).select_related("event", "slot")
            .order_by("slot__starts_at")
        ],
    }


def sole_admin_of(user) -> list:
    """Organisations with other members where ``user`` is the only administrator: they would be
    left without anyone to manage their members."""
    from django.db.models import Count, Q

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
