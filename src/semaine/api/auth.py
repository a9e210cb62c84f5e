"""Organisers' API tokens: bearer authentication, body size and rate limit per token."""

import time

from django.conf import settings
from django.utils.translation import gettext as _
from ninja.security import HttpBearer
from ninja.throttling import BaseThrottle

from semaine.core import ratelimit
from semaine.organisers.permissions import require_member

from .errors import ApiProblem
from .tokens import authenticate_token

#: Largest request body a token may send (an event with fifty slots fits many times over).
MAX_BODY_BYTES = 64 * 1024


def _limit() -> tuple[int, int]:
    return settings.SEMAINE_API_RATE_LIMIT, settings.SEMAINE_API_RATE_PERIOD


class TokenAuth(HttpBearer):
    """``Authorization: Bearer smn_…``: the request acts for the token's organisation."""

    openapi_description = "Jeton d’API d’une organisation (espace organisateur, « Jetons d’API »)."

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_BODY_BYTES:
            raise ApiProblem(413, _("Requête trop volumineuse"),
                             _("Le corps de la requête dépasse %(n)s octets.") % {"n": MAX_BODY_BYTES})
        return super().__call__(request)

    def authenticate(self, request, token):
        """The token, while its creator still acts for its organisation (403 otherwise, on
        every endpoint: reads of drafts and venues as much as writes)."""
        found = authenticate_token(token)
        if found is not None:
            require_member(found.created_by, found.organisation)
        return found


class TokenRateLimit(BaseThrottle):
    """So many requests per token and period, counted in the database (``core.ratelimit``)."""

    def allow_request(self, request) -> bool:
        limit, period = _limit()
        return ratelimit.hit("api-token", str(request.auth.pk), limit=limit, period=period)

    def wait(self) -> float:
        _limit_count, period = _limit()
        return max(1, period - int(time.time()) % period)
