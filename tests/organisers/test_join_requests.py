"""One organisation per public body: a declaration that matches an organisation already registered
is turned into a request to join it, which its admins accept or refuse."""

import threading

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, connections, transaction

from semaine.accounts.models import User
from semaine.organisers import queries, services
from semaine.organisers.models import (
    JoinRequest,
    JoinRequestState,
    Membership,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    Role,
)
from semaine.territory.models import Departement
from tests import factories

pytestmark = pytest.mark.django_db

SIRET = "73282932000074"


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def admin(organisation):
    return factories.MembershipFactory(organisation=organisation, role=Role.ADMIN).user


def declare(user, name, **fields):
    fields.setdefault("kind", OrganisationKind.DEPARTEMENT)
    return services.register_organisation(user, name=name, **fields)


@pytest.mark.parametrize("name", [
    "Département de la Loire-Atlantique", "departement de Loire Atlantique",
    "DÉPARTEMENT LOIRE-ATLANTIQUE",
])
def test_the_same_name_written_otherwise_is_not_declared_twice(organisation, name):
    with pytest.raises(services.DuplicateOrganisation) as caught:
        declare(factories.UserFactory(), name)
    assert caught.value.existing == [organisation]
    assert Organisation.objects.count() == 1


def test_the_same_siret_or_insee_code_is_not_declared_twice(organisation):
    Organisation.objects.filter(pk=organisation.pk).update(siret=SIRET, insee_code="44")
    user = factories.UserFactory()
    with pytest.raises(services.DuplicateOrganisation):
        declare(user, "CD44", kind=OrganisationKind.STATE, siret="732 829 320 00074")
    with pytest.raises(services.DuplicateOrganisation):
        declare(user, "Conseil départemental 44", insee_code="44",
                departement=Departement.objects.get(code="44"))
    # the same code for another kind is another body: the région 52 is not the département 52
    region = declare(user, "Région des Pays de la Loire", kind=OrganisationKind.REGION,
                     insee_code="52")
    assert region.insee_code == "52"


def test_a_declaration_with_a_wrong_siret_names_the_field():
    with pytest.raises(ValidationError) as caught:
        declare(factories.UserFactory(), "Mairie de Rezé", kind=OrganisationKind.MUNICIPALITY,
                siret="12345678901234", insee_code="4410")
    assert set(caught.value.error_dict) == {"siret", "insee_code"}
    assert not Organisation.objects.exists()


def test_a_siret_held_by_a_refused_organisation_is_refused_beside_the_field(coordinator):
    user = factories.UserFactory()
    refused = declare(user, "Mairie de Rezé", kind=OrganisationKind.MUNICIPALITY, siret=SIRET)
    services.reject_organisation(coordinator, refused, "Doublon.")
    with pytest.raises(ValidationError) as caught:
        declare(user, "Ville de Rezé", kind=OrganisationKind.MUNICIPALITY, siret=SIRET)
    assert "siret" in caught.value.error_dict


def test_a_request_tells_the_admins_who_accept_and_the_requester_is_told(
        organisation, admin, editor, commit):
    requester = factories.UserFactory(first_name="Inès", last_name="Roux")
    with commit():
        join_request = services.request_to_join(requester, organisation, "Je suis à la DSI.")

    assert [m.to for m in mail.outbox] == [[admin.email]]  # not the editor
    body = mail.outbox[0].body
    assert mail.outbox[0].subject == (f"Inès Roux ({requester.email}) demande à rejoindre "
                                      f"le {organisation.name}")
    assert f"demande à rejoindre le {organisation.name} pour publier" in body
    assert "> Je suis à la DSI." in body
    assert f"/espace/{organisation.slug}/membres/" in body
    assert list(queries.pending_join_requests(organisation)) == [join_request]

    mail.outbox.clear()
    with commit():
        membership = services.accept_join_request(admin, join_request)

    assert membership.role == Role.EDITOR and membership.user == requester
    assert [m.to for m in mail.outbox] == [[requester.email]]
    assert f"Vous avez rejoint le {organisation.name}" == mail.outbox[0].subject
    assert f"vous faites maintenant partie du {organisation.name} " in mail.outbox[0].body
    assert f"/espace/{organisation.slug}/evenements/" in mail.outbox[0].body
    join_request.refresh_from_db()
    assert join_request.state == JoinRequestState.ACCEPTED and join_request.decided_by == admin


def test_a_refusal_carries_its_reason_to_the_requester(organisation, admin, commit):
    requester = factories.UserFactory()
    join_request = services.request_to_join(requester, organisation)
    with commit():
        services.refuse_join_request(admin, join_request, "Écrivez-nous depuis votre adresse pro.")

    assert not Membership.objects.filter(user=requester).exists()
    assert [m.to for m in mail.outbox] == [[requester.email]]
    assert mail.outbox[0].subject == (f"Votre demande pour rejoindre le {organisation.name} "
                                      "n’est pas acceptée")
    assert f"Les administrateurs du {organisation.name} n’ont pas accepté" in mail.outbox[0].body
    assert "> Écrivez-nous depuis votre adresse pro." in mail.outbox[0].body
    with pytest.raises(ValidationError, match="déjà reçu une réponse"):
        services.accept_join_request(admin, join_request)


def test_neither_an_editor_nor_another_organisations_admin_can_decide(
        organisation, other_organisation, admin, editor):
    join_request = services.request_to_join(factories.UserFactory(), organisation)
    other_admin = factories.MembershipFactory(organisation=other_organisation, role=Role.ADMIN).user
    for intruder in (editor, other_admin):
        with pytest.raises(PermissionDenied):
            services.accept_join_request(intruder, join_request)
        with pytest.raises(PermissionDenied):
            services.refuse_join_request(intruder, join_request)
    join_request.refresh_from_db()
    assert join_request.state == JoinRequestState.PENDING
    assert organisation.memberships.count() == 2


def test_a_member_a_second_request_or_a_refused_organisation_cannot_ask(
        organisation, editor, coordinator):
    with pytest.raises(ValidationError, match="déjà partie"):
        services.request_to_join(editor, organisation)
    requester = factories.UserFactory()
    services.request_to_join(requester, organisation)
    with pytest.raises(ValidationError, match="attend déjà"):
        services.request_to_join(requester, organisation)
    refused = factories.OrganisationFactory(status=OrganisationStatus.REJECTED)
    with pytest.raises(ValidationError, match="pas validé"):
        services.request_to_join(requester, refused)
    assert JoinRequest.objects.count() == 1


def test_a_request_from_an_address_not_yet_verified_waits_for_its_verification(
        organisation, admin, commit):
    requester = factories.UserFactory(is_active=False)
    with commit():
        services.request_to_join(requester, organisation)
    assert mail.outbox == [] and not queries.pending_join_requests(organisation).exists()

    requester.is_active = True
    requester.save()
    with commit():
        assert services.announce_join_requests(requester) == 1
    assert [m.to for m in mail.outbox] == [[admin.email]]
    assert queries.pending_join_requests(organisation).count() == 1


def test_the_coordinator_sees_probable_duplicates_that_slipped_in(
        organisation, django_assert_num_queries):
    # two declarations at the same moment both pass the check: the coordinator is warned
    twin = factories.OrganisationFactory(name="DEPARTEMENT DE LOIRE ATLANTIQUE",
                                         status=OrganisationStatus.PENDING)
    alone = factories.OrganisationFactory(name="Mairie de Vertou", status=OrganisationStatus.PENDING)

    with django_assert_num_queries(1):
        found = queries.probable_duplicates([twin, alone])

    assert found == {twin.pk: [organisation]}


def test_a_siret_or_an_insee_code_is_held_by_one_organisation_only(organisation):
    Organisation.objects.filter(pk=organisation.pk).update(siret=SIRET, insee_code="44")
    for fields in ({"siret": SIRET}, {"insee_code": "44"}):
        with pytest.raises(IntegrityError), transaction.atomic():
            factories.OrganisationFactory(**fields)
    # blank is no value: any number of organisations have none
    factories.OrganisationFactory.create_batch(2)
    assert factories.OrganisationFactory(insee_code="44", kind=OrganisationKind.REGION).pk


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_admins_accepting_at_once_make_one_membership(migrated_reference_data, organisation):
    admins = [factories.MembershipFactory(organisation=organisation, role=Role.ADMIN).user
              for _ in range(2)]
    requester = factories.UserFactory()
    join_request = services.request_to_join(requester, organisation)
    barrier, outcomes = threading.Barrier(2), []

    def accept(admin):
        try:
            barrier.wait()
            services.accept_join_request(User.objects.get(pk=admin.pk),
                                         JoinRequest.objects.get(pk=join_request.pk))
            outcomes.append("accepted")
        except ValidationError:
            outcomes.append("already answered")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=(admin,)) for admin in admins]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["accepted", "already answered"]
    assert Membership.objects.filter(user=requester, organisation=organisation).count() == 1
