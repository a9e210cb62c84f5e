"""Caching of anonymous pages and feeds, invalidated whenever published content changes.

One counter, the content generation, is part of every cache key; each write that visitors can
see bumps it (after commit), so every cached page and feed is fresh on the next request. The
counter lives in the shared cache (the database), never in a process's memory.
"""

import hashlib
from functools import wraps

from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

GENERATION_KEY = "semaine:content-generation"
VARY = ("Cookie", "Accept-Language", "HX-Request")
CACHED_HEADERS = ("Content-Type", "Content-Disposition", "ETag", "Last-Modified", "Link")


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        value = cache.get(GENERATION_KEY, 1)
    return value


def _bump() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, timeout=None)


def content_changed() -> None:
    """Call from a service when something visitors see has changed."""
    transaction.on_commit(_bump)


def cache_anonymous(timeout: int = 300):
    """Serve GET requests of anonymous visitors from the cache, per language and full URL."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
                return view(request, *args, **kwargs)
            fragment = "fragment" if request.headers.get("HX-Request") else "page"
            digest = hashlib.sha256(
                f"{fragment}:{request.get_host()}:{request.get_full_path()}".encode()
            ).hexdigest()
            key = f"semaine:page:{generation()}:{get_language()}:{digest}"
            hit = cache.get(key)
            if hit is not None:
                status, content, headers = hit
                response = HttpResponse(content, status=status)
                for name, value in headers.items():
                    response[name] = value
                response["X-Cache"] = "hit"
                patch_vary_headers(response, VARY)
                return response
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.streaming and not response.cookies:
                if hasattr(response, "render") and callable(response.render):
                    response.render()
                headers = {h: response[h] for h in CACHED_HEADERS if h in response}
                cache.set(key, (response.status_code, response.content, headers), timeout)
                response["X-Cache"] = "miss"
            patch_vary_headers(response, VARY)
            return response

        return wrapper

    return decorator
