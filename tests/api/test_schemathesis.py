"""Property-based checks of the whole API against its own OpenAPI document (Schemathesis):
no 5xx, every status, content type and body as documented. Derandomised and bounded."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from semaine.api.tokens import create_api_token
from semaine.organisers.models import Role
from tests import factories

from .conftest import published_event as publish

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
EXAMPLES = settings(max_examples=6, derandomize=True, deadline=None, database=None,
                    suppress_health_check=list(HealthCheck))


@pytest.fixture
def api_data(db, edition, organisation, venue, settings):
    settings.SEMAINE_API_RATE_LIMIT = 100_000
    settings.ALLOWED_HOSTS = ["*"]
    programme = factories.ProgrammeFactory(edition=edition, organisation=organisation)
    factories.TrackFactory(programme=programme)
    publish(edition, organisation, venue=venue, themes=["data"], programme=programme)
    admin = factories.MembershipFactory(organisation=organisation, role=Role.ADMIN).user
    return create_api_token(admin, organisation, "Schemathesis")[1]


@pytest.fixture
def api_schema(api_data):
    from semaine.wsgi import application

    # As Django's test client does: the test's connection must survive each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/openapi.json", application)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def operations(schema):
    for result in schema.get_all_operations():
        yield result.ok()


def run(operation, mode, **call):
    """Up to EXAMPLES cases of one operation, each called and checked."""

    @EXAMPLES
    @given(case=operation.as_strategy(generation_mode=mode))
    def check(case):
        case.call_and_validate(checks=CHECKS, **call)

    try:
        check()
    except Unsatisfiable:
        assert mode is GenerationMode.NEGATIVE  # an operation without parameters: nothing to negate


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_public_reads_conform_to_the_schema(api_schema, mode):
    public = list(operations(api_schema.exclude(path_regex="^/api/organiser")))
    assert len(public) >= 13
    for operation in public:
        run(operation, mode)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_organiser_writes_with_a_token_conform_to_the_schema(api_schema, api_data, mode):
    organiser = list(operations(api_schema.include(path_regex="^/api/organiser")))
    assert len(organiser) >= 8
    for operation in organiser:
        run(operation, mode, headers={"Authorization": f"Bearer {api_data}"})
