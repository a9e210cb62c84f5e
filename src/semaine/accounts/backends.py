"""Sign-in attempts counted per address, whatever the accounts tried (password spraying).

django-axes locks one account from one address after a few failures; it applies one failure
limit to every combination of parameters, so a looser limit on the address alone is counted
here, in the database like the other rate limits (``semaine.core.ratelimit``, hashed keys):
``SEMAINE_LOGIN_ADDRESS_LIMIT`` failed sign-ins from one address per
``SEMAINE_LOGIN_ADDRESS_PERIOD`` seconds, over any accounts, then every sign-in from that
address is refused until the period ends.
"""

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver

from semaine.core import ratelimit

KIND = "login-address"


def address_blocked(request) -> bool:
    """Whether sign-ins from this request's address are refused for now."""
    return ratelimit.exceeded(KIND, ratelimit.client_address(request),
                              limit=settings.SEMAINE_LOGIN_ADDRESS_LIMIT,
                              period=settings.SEMAINE_LOGIN_ADDRESS_PERIOD)


class AddressThrottleBackend:
    """Refuses every sign-in from an address over its limit (the sign-in page and the admin's).

    Authenticates nobody itself (so it has no ``get_user``): raising PermissionDenied stops the
    backends that follow."""

    def authenticate(self, request, **credentials):
        if request is not None and address_blocked(request):
            raise PermissionDenied
        return None


@receiver(user_login_failed, dispatch_uid="semaine.accounts.count_failed_sign_in")
def count_failed_sign_in(sender, credentials, request=None, **kwargs):
    if request is not None:
        ratelimit.hit(KIND, ratelimit.client_address(request),
                      limit=settings.SEMAINE_LOGIN_ADDRESS_LIMIT,
                      period=settings.SEMAINE_LOGIN_ADDRESS_PERIOD)
