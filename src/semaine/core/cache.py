"""Caching of anonymous pages and feeds, invalidated whenever published content changes.

One counter, the content generation, lives in the shared cache (the database table, or Redis
when ``SEMAINE_CACHE_URL`` names one); every write that visitors can see bumps it after commit.
A cached page records the generation it was built at and is served only while the generation
has not moved. Each process also keeps copies of the pages it served (bounded in bytes, least
recently used out first) and reads the generation at most every
``SEMAINE_PAGE_GENERATION_TTL`` seconds (0.1 by default), at once after a change made in the
process itself: a warm page is then served without a round trip to the shared cache, and a
change made through another process reaches anonymous visitors within that interval.

Views opt in with ``@cache_anonymous()``. ``AnonymousPageCache`` wraps the WSGI application
(see ``semaine.wsgi``), ``AsgiAnonymousPageCache`` the ASGI one (``semaine.asgi``): a visitor
without a session gets a stored page before Django builds a request or runs a middleware, which
is what keeps a warm page close to the cost of a bare view; a miss goes through Django and, if
the view opted in, is stored with its final headers. Both read a request through the same names
(an ASGI request is first described as a WSGI environ would), so they compute the same keys and
serve each other's pages.
"""

import hashlib
import logging
import re
import secrets
import threading
import time
from collections import OrderedDict
from functools import wraps
from http import HTTPStatus

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.dispatch import Signal
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags, parse_http_date_safe

logger = logging.getLogger(__name__)

GENERATION_KEY = "semaine:content-generation"
#: Stored pages are (generation, status, headers, content, expiry time); the prefix names that
#: shape, so that processes of another version sharing the cache never read each other's pages.
PAGE_PREFIX = "semaine:page:v2:"
VARY = ("Cookie", "Accept-Language", "HX-Request")
#: Set by ``cache_anonymous`` on the response, removed before it leaves the process.
MARK_HEADER = "X-Semaine-Cache-Timeout"
NOT_STORED = {"set-cookie", "x-cache", MARK_HEADER.lower()}
#: Cached pages are shared: their scripts load as 'self', never by a (then reused) nonce.
NONCE = re.compile(r"\s*'nonce-[^']*'")


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        # A counter lost with the cache (eviction, restart) starts again from a random value,
        # never from one it held before: a page kept at an old generation can never match it.
        cache.add(GENERATION_KEY, secrets.randbits(48), timeout=None)
        value = cache.get(GENERATION_KEY)
    return value


#: Raised by every change this process makes, so that its page copies see it at once.
_changes = 0


#: Sent after a committed change moved the content generation, in the process that made it:
#: what is derived from the published content (the open-data files) is rebuilt from it.
generation_changed = Signal()


def _bump() -> None:
    global _changes
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # lost: any new value is a change
        cache.add(GENERATION_KEY, secrets.randbits(48), timeout=None)
    finally:
        _changes += 1  # after the shared counter moved, so that a re-read sees the move
    for receiver, error in generation_changed.send_robust(sender=None):
        if isinstance(error, Exception):
            logger.error("%s failed after a content change", receiver, exc_info=error)


def content_changed() -> None:
    """Call from a service when something visitors see has changed."""
    transaction.on_commit(_bump)


def cache_anonymous(timeout: int = 300):
    """Let the page cache keep this view's successful responses for anonymous visitors.

    A view whose page changes by itself at a known moment (registration closing when a slot
    starts) sets ``response.cache_until`` to it: the page is not kept past that moment."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            keep = timeout
            until = getattr(response, "cache_until", None)
            if until is not None:
                keep = min(keep, int(until.timestamp() - time.time()))
            if response.status_code == 200 and not response.streaming and keep > 0:
                response[MARK_HEADER] = str(keep)
            patch_vary_headers(response, VARY)
            return response

        return wrapper

    return decorator


def _cookies(environ) -> str:
    return environ.get("HTTP_COOKIE", "")


def _cacheable_request(environ) -> bool:
    if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
        return False
    cookies = _cookies(environ)
    return f"{settings.SESSION_COOKIE_NAME}=" not in cookies and "messages=" not in cookies


def _key(environ) -> str:
    """Everything the response may depend on for an anonymous visitor."""
    language = ""
    for part in _cookies(environ).split(";"):
        name, _, value = part.strip().partition("=")
        if name == settings.LANGUAGE_COOKIE_NAME:
            language = value
    raw = "\n".join((
        environ.get("HTTP_HX_REQUEST", ""), language, environ.get("HTTP_ACCEPT_LANGUAGE", ""),
        # the scheme as the proxy saw it too: a page stored for HTTPS is never the answer to a
        # plain HTTP request, which production redirects
        environ.get("wsgi.url_scheme", ""), environ.get("HTTP_X_FORWARDED_PROTO", ""),
        environ.get("HTTP_HOST", ""), environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""),
    ))
    return PAGE_PREFIX + hashlib.sha256(raw.encode()).hexdigest()


def _not_modified(environ, headers: list) -> bool:
    values = {name.lower(): value for name, value in headers}
    if "etag" in values and environ.get("HTTP_IF_NONE_MATCH"):
        wanted = parse_etags(environ["HTTP_IF_NONE_MATCH"])
        return "*" in wanted or values["etag"] in wanted or values["etag"].removeprefix("W/") in [
            tag.removeprefix("W/") for tag in wanted]
    if "last-modified" in values and environ.get("HTTP_IF_MODIFIED_SINCE"):
        since = parse_http_date_safe(environ["HTTP_IF_MODIFIED_SINCE"])
        modified = parse_http_date_safe(values["last-modified"])
        return since is not None and modified is not None and modified <= since
    return False


class LocalPages:
    """This process's copies of stored pages: each one serves only at the generation it was
    built for and until its expiry; the least recently used go first beyond ``max_bytes``."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.size = 0
        self._pages: OrderedDict[str, tuple] = OrderedDict()
        self._lock = threading.Lock()
        self._generation = (None, -1, 0.0)  # (value, this process's changes, monotonic time read)

    def generation(self) -> int:
        """The content generation, read again once ``SEMAINE_PAGE_GENERATION_TTL`` has passed
        or this process has changed something."""
        value, changes, read_at = self._generation
        now = time.monotonic()
        if changes != _changes or now - read_at >= settings.SEMAINE_PAGE_GENERATION_TTL:
            changes = _changes
            value = generation()
            self._generation = (value, changes, now)
        return value

    def known_generation(self) -> int | None:
        """The content generation if it needs no read of the shared cache, else None."""
        value, changes, read_at = self._generation
        if changes != _changes or time.monotonic() - read_at >= settings.SEMAINE_PAGE_GENERATION_TTL:
            return None
        return value

    def get(self, key: str, current: int):
        with self._lock:
            page = self._pages.get(key)
            if page is None:
                return None
            if page[0] != current or page[4] <= time.time():
                self._remove(key)
                return None
            self._pages.move_to_end(key)
            return page

    def put(self, key: str, page: tuple) -> None:
        weight = len(page[3])
        if weight > self.max_bytes:
            return
        with self._lock:
            self._remove(key)
            self._pages[key] = page
            self.size += weight
            while self.size > self.max_bytes:
                self._remove(next(iter(self._pages)))

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self.size = 0
            self._generation = (None, -1, 0.0)

    def _remove(self, key: str) -> None:
        page = self._pages.pop(key, None)
        if page is not None:
            self.size -= len(page[3])


class _PageStore:
    """What the WSGI and ASGI wrappers share: finding a stored page and storing one."""

    def __init__(self, application):
        self.application = application
        self.local = LocalPages(settings.SEMAINE_PAGE_MEMORY_BYTES)

    def _lookup(self, key: str) -> tuple[int, tuple | None]:
        """The current generation, and the page stored under ``key`` for it (or None)."""
        current = self.local.generation()
        hit = self.local.get(key, current)
        if hit is None:
            hit = cache.get(key)
            if hit is not None and hit[0] == current and hit[4] > time.time():
                self.local.put(key, hit)
            else:
                hit = None
        return current, hit

    def _store(self, key: str, current: int, status: str, headers: list, content: bytes,
               timeout: int) -> None:
        stored = [
            (n, NONCE.sub("", v) if n.lower() == "content-security-policy" else v)
            for n, v in headers if n.lower() not in NOT_STORED
        ]
        page = (current, status, stored, content, time.time() + timeout)
        cache.set(key, page, timeout)
        self.local.put(key, page)

    @staticmethod
    def _storable(environ, key, timeout, status_code: int, headers: list) -> bool:
        cookies = any(n.lower() == "set-cookie" for n, _ in headers)
        return bool(key and timeout and status_code == 200 and not cookies
                    and environ["REQUEST_METHOD"] == "GET")


class AnonymousPageCache(_PageStore):
    """WSGI middleware: serves and stores the pages of anonymous visitors."""

    def __call__(self, environ, start_response):
        if not _cacheable_request(environ):
            return self._through(environ, start_response, None, None)
        key = _key(environ)
        current, hit = self._lookup(key)
        if hit is not None:
            _, status, headers, content, _expires = hit
            headers = [*headers, ("X-Cache", "hit")]
            if _not_modified(environ, headers):
                start_response("304 Not Modified", [(n, v) for n, v in headers
                                                    if n.lower() not in ("content-length",)])
                return [b""]
            start_response(status, headers)
            return [b"" if environ["REQUEST_METHOD"] == "HEAD" else content]
        return self._through(environ, start_response, key, current)

    def _through(self, environ, start_response, key, current):
        captured = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return start_response(status, headers, exc_info) if exc_info else _no_write

        body = self.application(environ, capture)
        status, headers = captured["status"], captured["headers"]
        timeout = next((v for n, v in headers if n.lower() == MARK_HEADER.lower()), None)
        headers = [(n, v) for n, v in headers if n.lower() != MARK_HEADER.lower()]
        if not self._storable(environ, key, timeout, int(status.split()[0]), headers):
            start_response(status, headers)
            return body  # streamed responses stay streamed
        try:
            content = b"".join(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        self._store(key, current, status, headers, content, int(timeout))
        start_response(status, [*headers, ("X-Cache", "miss")])
        return [content]


def _no_write(data):
    raise RuntimeError("The page cache does not support the WSGI write() callable.")


def _environ(scope) -> dict:
    """What the cache reads of an ASGI request, named and encoded as in a WSGI environ (headers
    as ``HTTP_*``, the path and query string as latin-1 text of their bytes), so that the same
    request gets the same key from either server."""
    path = scope.get("path", "")
    root = scope.get("root_path", "")
    if root:
        path = path.removeprefix(root)
    environ = {
        "REQUEST_METHOD": scope.get("method", ""),
        "wsgi.url_scheme": scope.get("scheme") or "http",
        "PATH_INFO": path.encode("utf-8", "surrogateescape").decode("latin-1"),
        "QUERY_STRING": scope.get("query_string", b"").decode("latin-1"),
    }
    for name, value in scope.get("headers", ()):
        meta = "HTTP_" + name.decode("latin-1").upper().replace("-", "_")
        value = value.decode("latin-1")
        if meta in environ:  # a repeated header, joined as a WSGI server joins it
            environ[meta] += ("; " if meta == "HTTP_COOKIE" else ",") + value
        else:
            environ[meta] = value
    return environ


def _bytes_headers(headers: list) -> list:
    return [(n.encode("latin-1"), v.encode("latin-1")) for n, v in headers]


def _text_headers(headers: list) -> list:
    return [(n.decode("latin-1"), v.decode("latin-1")) for n, v in headers]


class AsgiAnonymousPageCache(_PageStore):
    """ASGI middleware: the same page cache as ``AnonymousPageCache``, for an ASGI server.

    A page this process holds at a generation read less than ``SEMAINE_PAGE_GENERATION_TTL`` ago
    is answered on the event loop; a read of the shared cache (a database table by default, which
    only synchronous code may query) and a store go through ``sync_to_async``, as Django's own
    synchronous work does."""

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.application(scope, receive, send)
        environ = _environ(scope)
        if not _cacheable_request(environ):
            return await self._through(environ, scope, receive, send, None, None)
        key = _key(environ)
        current = self.local.known_generation()
        hit = None if current is None else self.local.get(key, current)
        if hit is None:
            current, hit = await sync_to_async(self._lookup)(key)
        if hit is None:
            return await self._through(environ, scope, receive, send, key, current)
        _, status, headers, content, _expires = hit
        headers = [*headers, ("X-Cache", "hit")]
        if _not_modified(environ, headers):
            status_code, content = 304, b""
            headers = [(n, v) for n, v in headers if n.lower() != "content-length"]
        else:
            status_code = int(status.split()[0])
            if environ["REQUEST_METHOD"] == "HEAD":
                content = b""
        await send({"type": "http.response.start", "status": status_code,
                    "headers": _bytes_headers(headers)})
        await send({"type": "http.response.body", "body": content})

    async def _through(self, environ, scope, receive, send, key, current):
        mark = MARK_HEADER.lower().encode()
        kept = {}

        async def capture(message):
            if message["type"] == "http.response.start":
                timeout = next((v for n, v in message.get("headers", ()) if n.lower() == mark), None)
                headers = [(n, v) for n, v in message.get("headers", ()) if n.lower() != mark]
                if self._storable(environ, key, timeout, message["status"], _text_headers(headers)):
                    kept.update(start={**message, "headers": headers}, timeout=int(timeout), body=[])
                    return
                await send({**message, "headers": headers})  # streamed responses stay streamed
            elif message["type"] == "http.response.body" and "start" in kept:
                kept["body"].append(message.get("body", b""))
                if message.get("more_body", False):
                    return
                start, content = kept.pop("start"), b"".join(kept["body"])
                status = f"{start['status']} {HTTPStatus(start['status']).phrase}"
                await sync_to_async(self._store)(key, current, status, _text_headers(start["headers"]),
                                                 content, kept["timeout"])
                await send({**start, "headers": [*start["headers"], (b"X-Cache", b"miss")]})
                await send({"type": "http.response.body", "body": content})
            else:
                await send(message)

        await self.application(scope, receive, capture)
