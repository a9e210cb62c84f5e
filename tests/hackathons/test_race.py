
import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from semaine.hackathons import services
from semaine.hackathons.models import TeamMembership
from tests import factories
from tests.races import race


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_members_accepting_two_requests_for_the_last_place_let_one_in(
    migrated_reference_data, edition, organisation
):
    hack = factories.hackathon(edition, organisation, team_max=3)
    lead, second = factories.participant(hack), factories.participant(hack)
    team = services.create_team(lead, hack.challenges.get(), name="Les Vikings")
    services.decide_join_request(lead, services.request_to_join(second, team), accept=True)
    late = [factories.participant(hack) for _ in range(2)]
    requests = [services.request_to_join(person, team) for person in late]
    # the two members each accept one request at the same moment: one place left
    errors = race(lambda member, request: services.decide_join_request(member, request,
                                                                        accept=True),
                   [(lead, requests[0]), (second, requests[1])])
    assert team.memberships.count() == 3
    assert len(errors) == 1 and isinstance(errors[0], ValidationError)
    assert "complète" in errors[0].messages[0]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_one_person_accepted_by_two_teams_at_once_joins_one(
    migrated_reference_data, edition, organisation
):
    hack = factories.hackathon(edition, organisation)
    challenge = hack.challenges.get()
    leads = [factories.participant(hack) for _ in range(2)]
    teams = [services.create_team(lead, challenge, name=f"Équipe {i}")
             for i, lead in enumerate(leads)]
    person = factories.participant(hack)
    requests = [services.request_to_join(person, team) for team in teams]
    errors = race(lambda lead, request: services.decide_join_request(lead, request, accept=True),
                   list(zip(leads, requests, strict=True)))
    assert TeamMembership.objects.filter(user=person).count() == 1
    assert len(errors) == 1 and isinstance(errors[0], ValidationError)
