import pytest

from semaine.hackathons import services
from tests import factories


@pytest.fixture
def hack(edition, organisation):
    return factories.hackathon(edition, organisation)


@pytest.fixture
def challenge(hack):
    return hack.challenges.get()


@pytest.fixture
def alice(hack):
    return factories.participant(hack, first_name="Alice")


@pytest.fixture
def bob(hack):
    return factories.participant(hack, first_name="Bob")


@pytest.fixture
def team(alice, challenge):
    return services.create_team(alice, challenge, name="Les Vikings", skills_sought="design")
