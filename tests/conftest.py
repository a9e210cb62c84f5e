import pytest
from django.utils import translation

from tests import factories


@pytest.fixture(autouse=True)
def _fast_and_synchronous(settings, tmp_path):
    """Tests hash passwords quickly, run background tasks at once and keep uploads apart."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _reset_language():
    """A request in English must not leave the next test speaking English."""
    yield
    translation.deactivate()


@pytest.fixture
def edition(db):
    return factories.EditionFactory(is_current=True)


@pytest.fixture
def organisation(db):
    return factories.OrganisationFactory(name="Département de la Loire-Atlantique")


@pytest.fixture
def other_organisation(db):
    return factories.OrganisationFactory(name="Département du Calvados")


@pytest.fixture
def editor(organisation):
    return factories.MembershipFactory(organisation=organisation).user


@pytest.fixture
def other_editor(other_organisation):
    return factories.MembershipFactory(organisation=other_organisation).user


@pytest.fixture
def coordinator(edition):
    return factories.CoordinationFactory(edition=edition).user


@pytest.fixture
def venue(organisation):
    return factories.VenueFactory(organisation=organisation)
