"""Every write on organisers' API tokens: create, revoke, and recognise one on a request."""

import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from semaine.organisers.models import Organisation
from semaine.organisers.permissions import require_org_admin

from .models import TOKEN_PREFIX, ApiToken, hash_token

#: ``last_used_at`` is written at most this often per token (one write, not one per request).
LAST_USED_PRECISION = timedelta(minutes=1)


@transaction.atomic
def create_api_token(actor, organisation: Organisation, name: str) -> tuple[ApiToken, str]:
    """An organisation's administrator creates a token; the secret is returned once, here."""
    require_org_admin(actor, organisation)
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Donnez un nom au jeton (par exemple, l’outil qui l’utilise).")})
    if len(name) > 100:
        raise ValidationError({"name": _("Le nom du jeton compte au plus 100 caractères.")})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        organisation=organisation, name=name, token_hash=hash_token(secret),
        hint=secret[: len(TOKEN_PREFIX) + 4], created_by=actor,
    )
    return token, secret


@transaction.atomic
def revoke_api_token(actor, token: ApiToken) -> ApiToken:
    token = ApiToken.objects.select_for_update().select_related("organisation").get(pk=token.pk)
    require_org_admin(actor, token.organisation)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_by = actor
        token.save(update_fields=["revoked_at", "revoked_by"])
    return token


def authenticate_token(secret: str) -> ApiToken | None:
    """The active token with this secret, its organisation and creator loaded; None otherwise
    (revoked, or its creator's account deactivated: the token acts as that person)."""
    if not secret or len(secret) > 200 or not secret.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("organisation", "created_by")
        .filter(token_hash=hash_token(secret), revoked_at__isnull=True, created_by__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
