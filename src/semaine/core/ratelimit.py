"""Rate limits counted in the database, shared by every web process.

django-ratelimit, the usual choice, needs a cache with atomic increments (memcached, Redis) and
refuses the database cache this project uses by default; an UPDATE … SET count = count + 1 on a
row per (key, window) is atomic in PostgreSQL and SQLite alike. Keys are hashed: neither an
address nor an e-mail is stored.
"""

import hashlib
import ipaddress
import time
from functools import lru_cache

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

from .models import RateCounter


def _key(kind: str, value: str) -> str:
    return f"{kind}:{hashlib.sha256(value.strip().lower().encode()).hexdigest()[:40]}"


def hit(kind: str, value: str, *, limit: int, period: int) -> bool:
    """Count one attempt; True while the client stays within `limit` attempts per `period`."""
    key = _key(kind, value)
    window = int(time.time()) // period * period  # the window's start, in seconds
    with transaction.atomic():
        updated = RateCounter.objects.filter(key=key, window=window).update(count=F("count") + 1)
        if not updated:
            try:
                with transaction.atomic():
                    RateCounter.objects.create(key=key, window=window, count=1)
            except IntegrityError:
                RateCounter.objects.filter(key=key, window=window).update(count=F("count") + 1)
        count = RateCounter.objects.filter(key=key, window=window).values_list("count", flat=True)[0]
    return count <= limit


def hourly_attempt(kind: str, request, email: str) -> bool:
    """One more attempt of ``kind`` (a registration, a sign-up) from the request's client and for
    ``email``: False once either has made more than the settings allow in the hour
    (``SEMAINE_REGISTRATION_LIMIT_PER_ADDRESS``, ``…_PER_EMAIL``)."""
    return hit(f"{kind}-ip", client_address(request),
               limit=settings.SEMAINE_REGISTRATION_LIMIT_PER_ADDRESS, period=3600) and \
        hit(f"{kind}-email", email, limit=settings.SEMAINE_REGISTRATION_LIMIT_PER_EMAIL, period=3600)


def exceeded(kind: str, value: str, *, limit: int, period: int) -> bool:
    """True when the client already spent its `limit` attempts of the current window
    (reads the counter without counting)."""
    window = int(time.time()) // period * period
    count = RateCounter.objects.filter(key=_key(kind, value), window=window).values_list(
        "count", flat=True).first()
    return (count or 0) >= limit


@lru_cache(maxsize=8)
def _networks(setting: str) -> tuple:
    """``SEMAINE_TRUSTED_PROXIES`` (comma-separated addresses or CIDR ranges) as networks."""
    return tuple(ipaddress.ip_network(item.strip(), strict=False)
                 for item in setting.split(",") if item.strip())


def _ip(value: str):
    """``value`` as an address (IPv4, IPv6, IPv4 with a port or IPv6 in brackets), or None."""
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [2001:db8::1]:443
        value = value[1:value.index("]")]
    elif value.count(":") == 1:  # 203.0.113.7:443
        value = value.split(":")[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    return address.ipv4_mapped or address if address.version == 6 else address


def _in(address, networks) -> bool:
    return any(address.version == net.version and address in net for net in networks)


def from_trusted_proxy(request) -> bool | None:
    """Whether the request's peer is one of ``SEMAINE_TRUSTED_PROXIES`` (None when none is set)."""
    trusted = _networks(getattr(settings, "SEMAINE_TRUSTED_PROXIES", "") or "")
    if not trusted:
        return None
    peer = _ip(request.META.get("REMOTE_ADDR", ""))
    return peer is not None and _in(peer, trusted)


class ForwardedHeadersMiddleware:
    """Forgets the proxy headers a request carries when it does not come from a trusted proxy.

    ``X-Forwarded-Proto`` tells the site a request came over HTTPS (``SECURE_PROXY_SSL_HEADER``):
    once ``SEMAINE_TRUSTED_PROXIES`` names the proxies, a client reaching the site another way
    cannot claim it. Without the setting the header is believed as before (the proxy in front
    must then overwrite it). Runs before every other middleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if from_trusted_proxy(request) is False:
            request.META.pop("HTTP_X_FORWARDED_PROTO", None)
        return self.get_response(request)


def client_address(request) -> str:
    """The address of the person behind the request, the one every limit counts.

    ``REMOTE_ADDR``, the peer of the connection, unless that peer is a trusted proxy
    (``SEMAINE_TRUSTED_PROXIES``): then ``X-Forwarded-For`` is read from the right, each trusted
    proxy's entry skipped, and the first address the platform's own proxies did not add is the
    client's. A visitor can write anything in that header; only what trusted proxies appended
    to it is believed, and an entry that is not an address ends the walk at the last proxy.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = _networks(getattr(settings, "SEMAINE_TRUSTED_PROXIES", "") or "")
    peer = _ip(remote)
    if peer is None or not trusted:
        return str(peer) if peer is not None else remote

    def is_trusted(address) -> bool:
        return _in(address, trusted)

    if not is_trusted(peer):
        return str(peer)
    client = peer
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for item in reversed(forwarded.split(",")[-32:] if forwarded else []):
        address = _ip(item)
        if address is None:
            break  # garbage: believe nothing further left than the last proxy
        client = address
        if not is_trusted(address):
            break
    return str(client)


def forget_old(older_than: int = 86400) -> int:
    """Drop the counters of windows that started more than `older_than` seconds ago."""
    return RateCounter.objects.filter(window__lt=int(time.time()) - older_than).delete()[0]
