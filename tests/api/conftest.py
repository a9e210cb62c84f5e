"""Fixtures of the API tests: published events, tokens of two organisations and a JSON client."""

import pytest

from semaine.api.tokens import create_api_token
from semaine.organisers.models import Role
from tests import factories


@pytest.fixture(autouse=True)
def _site_address(settings):
    """Addresses the API gives name the site by ``SEMAINE_SITE_URL``: the test client's."""
    settings.SITE_URL = "http://testserver"


published_event = factories.published_event


@pytest.fixture
def admin(organisation):
    return factories.MembershipFactory(organisation=organisation, role=Role.ADMIN).user


@pytest.fixture
def other_admin(other_organisation):
    return factories.MembershipFactory(organisation=other_organisation, role=Role.ADMIN).user


@pytest.fixture
def token(admin, organisation):
    """The secret of a token of ``organisation``."""
    return create_api_token(admin, organisation, "Site du Département")[1]


@pytest.fixture
def other_token(other_admin, other_organisation):
    return create_api_token(other_admin, other_organisation, "Site du Calvados")[1]


def bearer(secret):
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def api(client):
    """JSON requests to the API: ``api.get(path, params, token=…)``, ``api.post(path, body, token=…)``."""

    class Api:
        def _headers(self, token):
            return {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}

        def get(self, path, params=None, token=None):
            return client.get("/api" + path, params or {}, **self._headers(token))

        def post(self, path, body=None, token=None):
            return client.post("/api" + path, body if body is not None else {},
                               content_type="application/json", **self._headers(token))

        def patch(self, path, body, token=None):
            return client.patch("/api" + path, body, content_type="application/json",
                                **self._headers(token))

        def delete(self, path, token=None):
            return client.delete("/api" + path, **self._headers(token))

        def raw(self, method, path, data, token=None, content_type="application/json"):
            return getattr(client, method)("/api" + path, data, content_type=content_type,
                                           **self._headers(token))

    return Api()
