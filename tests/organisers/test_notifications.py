"""A decision on an organisation is e-mailed to its members, with the link to their space."""

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from semaine.organisers import services
from semaine.organisers.models import OrganisationStatus
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def pending(db):
    organisation = factories.OrganisationFactory(name="Mairie de Rezé", status=OrganisationStatus.PENDING)
    factories.MembershipFactory(organisation=organisation, user__email="maire@example.fr")
    return organisation


def test_an_approval_tells_the_organisations_members_with_the_link_to_their_space(
        pending, coordinator, commit):
    with commit():
        services.approve_organisation(coordinator, pending)

    [message] = mail.outbox
    assert message.to == ["maire@example.fr"]
    assert message.subject == "La coordination a validé la Mairie de Rezé"
    assert settings.SITE_URL + reverse("organisers:home") in message.body


def test_a_refusal_tells_the_organisations_members_with_the_reason(pending, coordinator, commit):
    with commit():
        services.reject_organisation(coordinator, pending, "Pas un organisme public.")

    [message] = mail.outbox
    assert message.subject == "La coordination n’a pas validé la Mairie de Rezé"
    assert "> Pas un organisme public." in message.body
    assert settings.SITE_URL + reverse("organisers:home") in message.body
