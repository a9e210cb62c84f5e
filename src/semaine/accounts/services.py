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

from . import outbox
from .models import Email, EmailKind, NotificationFrequency
from .signals import email_verified
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


def password_link(user) -> str:
    """The address where ``user`` chooses a new password (valid as Django's reset tokens are)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return settings.SITE_URL + reverse(
        "accounts:password_reset_confirm",
        kwargs={"uidb64": uid, "token": default_token_generator.make_token(user)},
    )


def tell_account_exists(user) -> Email:
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
    email_verified.send(sender=User, user=user)
    return user


# --- one's own account (RGPD: see, export, erase) ----------------------------------------------


@transaction.atomic
def set_notification_frequency(user, frequency: str):
    """« Mon compte »: the follow-up e-mails at once, or in one summary a day."""
    if frequency not in NotificationFrequency.values:
        raise ValidationError({"notification_frequency": _("Choisissez l’une des deux possibilités.")})
    User.objects.filter(pk=user.pk).update(notification_frequency=frequency)
    user.notification_frequency = frequency
    return user
