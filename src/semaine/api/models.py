"""The API's own records: organisers' tokens.

The table was created by the open data app and keeps its name (``opendata_apitoken``): the model
moved here in the migrations' state only (``0001_api_token`` here, ``0004`` there)."""

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from semaine.organisers.models import Organisation

TOKEN_PREFIX = "smn_"  # noqa: S105 - the visible prefix of every token, not a secret


def hash_token(secret: str) -> str:
    """Tokens are long random strings: a plain SHA-256 keeps them unguessable from the hash."""
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiToken(models.Model):
    """A secret that lets a program act for an organisation through the API.

    Only its hash is stored; the secret itself is shown once, when it is created. A token acts
    with the rights of the person who created it, and only for its own organisation.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("nom"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    #: The first characters of the secret, to recognise a token in the list.
    hint = models.CharField(max_length=12, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )

    class Meta:
        db_table = "opendata_apitoken"  # created by the open data app, kept where it is
        ordering = ["-created_at", "-pk"]
        verbose_name = _("jeton d'API")
        verbose_name_plural = _("jetons d'API")

    def __str__(self):
        return f"{self.name} ({self.organisation})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
