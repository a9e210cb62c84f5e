"""Every list of the API runs a fixed number of queries, whatever its length."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from semaine.api.tokens import create_api_token
from semaine.organisers.models import Role
from tests import factories

from .conftest import published_event as publish

pytestmark = pytest.mark.django_db


def count(client, path, params=None, **headers):
    client.get(path, params or {}, **headers)  # warm the shared cache of reference lists
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params or {}, **headers)
    assert response.status_code == 200, response.content
    return len(queries)


def more_events(edition, organisation, venue, n):
    programme = factories.ProgrammeFactory(edition=edition, organisation=organisation)
    co = factories.OrganisationFactory()
    for i in range(n):
        event = publish(edition, organisation, venue=venue, themes=["data", "design"], day=i % 5,
                        programme=programme)
        event.co_organisers.add(co)


@pytest.mark.parametrize("params", [{}, {"theme": "data", "departement": "44"},
                                    {"updated_since": "2000-01-01T00:00:00Z"}])
def test_the_events_list_is_constant(client, edition, organisation, venue, params,
                                     django_assert_num_queries):
    path = f"/api/editions/{edition.slug}/events"
    more_events(edition, organisation, venue, 2)
    few = count(client, path, params)
    more_events(edition, organisation, venue, 8)
    with django_assert_num_queries(few):
        client.get(path, params)


def test_the_slots_list_is_constant(client, edition, organisation, venue, django_assert_num_queries):
    path = f"/api/editions/{edition.slug}/slots"
    more_events(edition, organisation, venue, 2)
    few = count(client, path)
    more_events(edition, organisation, venue, 8)
    with django_assert_num_queries(few):
        client.get(path)


def test_the_programmes_and_organisations_lists_are_constant(client, edition, organisation,
                                                            django_assert_num_queries):
    for path in (f"/api/editions/{edition.slug}/programmes", "/api/organisations"):
        programme = factories.ProgrammeFactory(edition=edition, organisation=organisation)
        factories.TrackFactory(programme=programme)
        few = count(client, path)
        for _ in range(5):
            programme = factories.ProgrammeFactory(edition=edition,
                                                   organisation=factories.OrganisationFactory())
            factories.TrackFactory(programme=programme)
        with django_assert_num_queries(few):
            client.get(path)


def test_the_organisers_list_is_constant(client, edition, organisation, venue, django_assert_num_queries):
    admin = factories.MembershipFactory(organisation=organisation, role=Role.ADMIN).user
    secret = create_api_token(admin, organisation, "Site")[1]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    more_events(edition, organisation, venue, 2)
    few = count(client, "/api/organiser/events", **headers)
    more_events(edition, organisation, venue, 8)
    with django_assert_num_queries(few):
        client.get("/api/organiser/events", **headers)
