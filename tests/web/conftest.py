import pytest

from tests import factories


@pytest.fixture
def hack(edition, organisation):
    return factories.hackathon(edition, organisation)
