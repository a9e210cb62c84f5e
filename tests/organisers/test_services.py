import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from semaine.organisers import services
from semaine.organisers.models import Membership, OrganisationKind, OrganisationStatus, Role
from semaine.territory.models import Departement
from tests import factories

pytestmark = pytest.mark.django_db


def test_registering_an_organisation_makes_it_pending_with_its_author_as_admin():
    user = factories.UserFactory()
    org = services.register_organisation(
        user, name="Centre hospitalier de Caen", kind=OrganisationKind.HOSPITAL,
        departement=Departement.objects.get(code="14"),
    )
    assert org.status == OrganisationStatus.PENDING
    assert org.region.name == "Normandie"
    assert Membership.objects.get(user=user, organisation=org).role == Role.ADMIN


def test_a_name_refused_once_can_be_declared_again_under_a_new_slug(coordinator):
    user = factories.UserFactory()
    a = services.register_organisation(user, name="Mairie", kind=OrganisationKind.MUNICIPALITY)
    services.reject_organisation(coordinator, a, "Précisez la commune.")
    b = services.register_organisation(user, name="Mairie", kind=OrganisationKind.MUNICIPALITY)
    assert a.slug != b.slug


def test_a_coordinator_approves_and_an_editor_cannot(edition, coordinator, editor):
    pending = factories.OrganisationFactory(status=OrganisationStatus.PENDING)
    with pytest.raises(PermissionDenied):
        services.approve_organisation(editor, pending)
    services.approve_organisation(coordinator, pending, "Bienvenue")
    pending.refresh_from_db()
    assert pending.status == OrganisationStatus.APPROVED
    assert pending.reviewed_by == coordinator


def test_rejecting_needs_a_reason_and_a_decision_is_final(edition, coordinator):
    pending = factories.OrganisationFactory(status=OrganisationStatus.PENDING)
    with pytest.raises(ValidationError):
        services.reject_organisation(coordinator, pending, "")
    services.reject_organisation(coordinator, pending, "Organisation privée.")
    with pytest.raises(ValidationError):
        services.approve_organisation(coordinator, pending)


def test_only_an_organisation_admin_adds_members(organisation, editor):
    newcomer = factories.UserFactory()
    with pytest.raises(PermissionDenied):
        services.add_member(editor, organisation, newcomer)
    admin = factories.MembershipFactory(organisation=organisation, role=Role.ADMIN).user
    services.add_member(admin, organisation, newcomer)
    assert organisation.memberships.filter(user=newcomer).exists()
