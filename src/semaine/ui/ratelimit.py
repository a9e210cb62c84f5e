"""Rate limits counted in the database, shared by every web process.

django-ratelimit, the usual choice, needs a cache with atomic increments (memcached, Redis) and
refuses the database cache this project uses by default; an UPDATE … SET count = count + 1 on a
row per (key, window) is atomic in PostgreSQL and SQLite alike. Keys are hashed: neither an
address nor an e-mail is stored.
"""

import hashlib
import time

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


def client_address(request) -> str:
    """The visitor's address (behind a proxy, set SECURE_PROXY_SSL_HEADER and let the proxy
    overwrite REMOTE_ADDR, e.g. with gunicorn's --forwarded-allow-ips)."""
    return request.META.get("REMOTE_ADDR", "")


def forget_old(older_than: int = 86400) -> int:
    """Drop the counters of windows that started more than `older_than` seconds ago."""
    return RateCounter.objects.filter(window__lt=int(time.time()) - older_than).delete()[0]
