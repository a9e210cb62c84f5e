"""Every address that takes a number or a word answers without a server error, whatever the value:
numbers past what the database holds, negative or huge query parameters, words that name nothing.
The routes are read from the URL configuration, so a new page is covered the day it is added."""

import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from tests import factories

pytestmark = pytest.mark.django_db

HUGE = "9" * 30  # far past a 64-bit integer
VALUES = {"int": [HUGE, "0"], "slug": ["x" * 300, "inconnu"], "str": ["inconnu", "%C3%A9" * 50],
          "uuid": [str(uuid.UUID(int=0))], "path": ["inconnu/" * 3]}
QUERIES = ["", f"?after={HUGE}&page={HUGE}&cursor={HUGE}&limit={HUGE}&n={HUGE}",
           "?after=x&page=-3&cursor=-1&limit=-1&n=\u0663"]


def _routes(resolver=None, prefix=""):
    """Each route of the project as a string with its converters (``evenements/<int:pk>/``)."""
    for entry in (resolver or get_resolver()).url_patterns:
        pattern = entry.pattern
        if not isinstance(pattern, RoutePattern):
            continue  # regular expressions: the admin's and media, not the project's own pages
        route = prefix + str(pattern._route)
        if route.startswith("admin/"):
            continue
        if isinstance(entry, URLResolver):
            yield from _routes(entry, route)
        elif isinstance(entry, URLPattern) and "<" in route:
            yield route


def _fill(route: str) -> list[str]:
    """The route with each converter given each of its odd values."""
    import re

    paths = [route]
    for match in re.finditer(r"<(?:(\w+):)?(\w+)>", route):
        kind = match.group(1) or "str"
        paths = [p.replace(match.group(0), value, 1) for p in paths for value in VALUES[kind]]
    return ["/" + p for p in paths]


ROUTES = sorted(set(_routes()))


def test_the_routes_are_found():
    assert any("<int:" in route for route in ROUTES)
    assert any(route.startswith("ledger/") for route in ROUTES)


@pytest.mark.parametrize("route", ROUTES)
def test_no_value_in_an_address_makes_a_server_error(client, route, edition, organisation):
    coordinator = factories.CoordinationFactory(edition=edition).user
    factories.MembershipFactory(organisation=organisation, user=coordinator, role="admin")
    for user in (None, coordinator):
        client.logout()
        if user is not None:
            client.force_login(user)
        for path in _fill(route):
            for query in QUERIES:
                response = client.get(path + query)
                assert response.status_code < 500, f"{path}{query} as {user}: {response.status_code}"
