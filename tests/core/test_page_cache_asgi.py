"""The page cache in front of the ASGI application (semaine.asgi), driven by real ASGI calls.

Django's ASGI handler runs each request's synchronous work in a thread of its own, with its own
database connection: these tests commit their data (transactional) so that it sees them."""

import pytest
from asgiref.sync import async_to_sync
from asgiref.testing import ApplicationCommunicator
from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_started
from django.urls import reverse

from semaine import wsgi
from semaine.asgi import application
from semaine.core.cache import _bump
from tests import factories
from tests.conftest import Site

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def asgi(migrated_reference_data):
    """GET through the ASGI application; returns (status, headers, body, Django requests built)."""
    cache.clear()
    if hasattr(application, "local"):  # the page cache in front of Django
        application.local.clear()
    built = []

    def count(**kwargs):
        built.append(1)

    async def call(scope):
        communicator = ApplicationCommunicator(application, scope)
        await communicator.send_input({"type": "http.request", "body": b"", "more_body": False})
        start = await communicator.receive_output(10)
        body = b""
        while True:
            message = await communicator.receive_output(10)
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        await communicator.wait(10)
        return start, body

    def get(path, cookies=None, method="GET"):
        headers = [(b"host", b"testserver")]
        if cookies:
            headers.append((b"cookie", "; ".join(f"{k}={v}" for k, v in cookies.items()).encode()))
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
                 "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
                 "root_path": "", "headers": headers, "client": ("127.0.0.1", 40000),
                 "server": ("testserver", 80)}
        before = len(built)
        start, body = async_to_sync(call)(scope)
        headers = {name.decode().lower(): value.decode() for name, value in start["headers"]}
        return start["status"], headers, body.decode(), len(built) - before

    request_started.connect(count)
    yield get
    request_started.disconnect(count)


@pytest.fixture
def programme(edition, organisation):
    factories.EventFactory(edition=edition, organisation=organisation, state="published",
                           title="Hackathon du Calvados")
    return reverse("agenda:list", kwargs={"edition": edition.slug})


def test_a_second_anonymous_request_is_served_from_the_cache_without_building_a_request(asgi, programme):
    status, headers, body, built = asgi(programme)
    assert (status, headers["x-cache"], built) == (200, "miss", 1)
    assert "Hackathon du Calvados" in body
    status, headers, again, built = asgi(programme)
    assert (status, headers["x-cache"], built) == (200, "hit", 0)
    assert again == body
    assert "x-semaine-cache-timeout" not in headers


def test_a_signed_in_request_is_never_served_from_the_cache(asgi, client, programme, editor):
    asgi(programme)
    assert asgi(programme)[1]["x-cache"] == "hit"
    client.force_login(editor)
    status, headers, _body, built = asgi(programme, cookies={
        settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value})
    assert (status, built) == (200, 1)
    assert "x-cache" not in headers


def test_a_content_change_is_seen_by_the_next_anonymous_request(asgi, programme):
    asgi(programme)
    assert asgi(programme)[1]["x-cache"] == "hit"
    _bump()
    assert asgi(programme)[1]["x-cache"] == "miss"


def test_a_head_request_is_answered_from_the_cache_without_a_body(asgi, programme):
    asgi(programme)
    status, headers, body, built = asgi(programme, method="HEAD")
    assert (status, headers["x-cache"], body, built) == (200, "hit", "", 0)


def test_a_page_stored_through_wsgi_is_served_through_asgi(asgi, programme):
    wsgi.application.local.clear()
    assert Site().get(programme)["X-Cache"] == "miss"
    status, headers, body, built = asgi(programme)
    assert (status, headers["x-cache"], built) == (200, "hit", 0)
    assert "Hackathon du Calvados" in body
