"""The pages of declaring an organisation, asking to join one and deciding on the requests."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from semaine.organisers import services
from semaine.organisers.models import JoinRequest, JoinRequestState, Organisation, Role
from semaine.organisers.services import announce_join_requests
from semaine.territory.models import Departement
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def admin(organisation):
    return factories.MembershipFactory(organisation=organisation, role=Role.ADMIN).user


def declare_data(**extra):
    data = {"name": "Mairie de Rezé", "kind": "municipality",
            "departement": Departement.objects.get(code="44").pk, "siret": "", "insee_code": "44143",
            "website": ""}
    data.update(extra)
    return data


def test_declaring_a_new_organisation_makes_me_its_admin(client):
    user = factories.UserFactory()
    client.force_login(user)
    response = client.post(reverse("organisers:declare"),
                           declare_data(siret="732 829 320 00074"))
    organisation = Organisation.objects.get()
    assert response.url == reverse("organisers:events", kwargs={"slug": organisation.slug})
    assert (organisation.siret, organisation.insee_code) == ("73282932000074", "44143")
    assert organisation.memberships.get().role == Role.ADMIN
    assert "Vous avez déclaré la Mairie de Rezé : la coordination validera" in client.get(
        response.url).text


def test_declaring_a_duplicate_offers_to_join_it(client, organisation):
    client.force_login(factories.UserFactory())
    response = client.post(reverse("organisers:declare"), declare_data(
        name="departement Loire-Atlantique", kind="departement", insee_code=""))
    assert response.status_code == 200
    join_url = reverse("organisers:join", kwargs={"slug": organisation.slug})
    assert join_url in response.text
    assert f"Demander à rejoindre le {organisation.name}" in response.text
    assert Organisation.objects.count() == 1


def test_bad_identifiers_are_explained_beside_their_field(client):
    client.force_login(factories.UserFactory())
    response = client.post(reverse("organisers:declare"), declare_data(
        siret="1234", insee_code="33063"))
    assert "14 chiffres" in response.text
    assert "pas dans le département choisi" in response.text
    assert not Organisation.objects.exists()


def test_asking_to_join_then_the_admin_accepts_from_the_members_page(
        client, organisation, admin, commit):
    requester = factories.UserFactory(first_name="Inès", last_name="Roux")
    client.force_login(requester)
    join_url = reverse("organisers:join", kwargs={"slug": organisation.slug})
    assert f"<h1>Rejoindre le {organisation.name}</h1>" in client.get(join_url).text
    with commit():
        response = client.post(join_url, {"message": "Chargée de mission innovation."})
    assert response.status_code == 302
    home = client.get(response.url).text
    assert "en attente de la réponse" in home
    assert f"envoyée aux administrateurs du {organisation.name} :" in home
    assert [m.to for m in mail.outbox] == [[admin.email]]
    # asking twice says so beside the form
    assert "attend déjà" in client.post(join_url, {"message": ""}).text

    client.force_login(admin)
    members = reverse("organisers:members", kwargs={"slug": organisation.slug})
    page = client.get(members).text
    assert "Inès Roux" in page and "Chargée de mission innovation." in page
    join_request = JoinRequest.objects.get()
    with commit():
        response = client.post(reverse("organisers:join_request", kwargs={"pk": join_request.pk}),
                               {"decision": "accept"}, follow=True)
    assert "fait maintenant partie" in response.text
    assert organisation.memberships.filter(user=requester, role=Role.EDITOR).exists()
    assert mail.outbox[-1].to == [requester.email]


def test_an_editor_cannot_decide_and_sees_no_requests(client, organisation, admin, editor):
    join_request = JoinRequest.objects.create(
        organisation=organisation, requester=factories.UserFactory(email="ines@example.fr"))
    announce_join_requests(join_request.requester)
    client.force_login(editor)
    members = reverse("organisers:members", kwargs={"slug": organisation.slug})
    assert "ines@example.fr" not in client.get(members).text
    response = client.post(reverse("organisers:join_request", kwargs={"pk": join_request.pk}),
                           {"decision": "accept"})
    assert response.status_code == 403
    join_request.refresh_from_db()
    assert join_request.state == JoinRequestState.PENDING


def test_another_organisations_admin_cannot_decide(client, organisation, other_organisation):
    join_request = JoinRequest.objects.create(organisation=organisation,
                                              requester=factories.UserFactory())
    intruder = factories.MembershipFactory(organisation=other_organisation, role=Role.ADMIN).user
    client.force_login(intruder)
    response = client.post(reverse("organisers:join_request", kwargs={"pk": join_request.pk}),
                           {"decision": "refuse"})
    assert response.status_code == 403
    assert JoinRequest.objects.get().state == JoinRequestState.PENDING


def test_a_refusal_reason_too_long_is_refused(client, organisation, admin):
    join_request = JoinRequest.objects.create(organisation=organisation,
                                              requester=factories.UserFactory())
    announce_join_requests(join_request.requester)
    client.force_login(admin)
    response = client.post(reverse("organisers:join_request", kwargs={"pk": join_request.pk}),
                           {"decision": "refuse", "reason": "x" * 2001}, follow=True)
    assert "2000 caractères" in response.text
    assert JoinRequest.objects.get().state == JoinRequestState.PENDING


def test_the_public_page_and_the_coordinator_show_the_identifiers(client, organisation, coordinator):
    Organisation.objects.filter(pk=organisation.pk).update(siret="73282932000074", insee_code="44")
    page = client.get(organisation.get_absolute_url()).text
    assert "73282932000074" in page and "Code INSEE de la collectivité" in page

    twin = factories.OrganisationFactory(name="DÉPARTEMENT LOIRE ATLANTIQUE", status="pending")
    client.force_login(coordinator)
    page = client.get(reverse("coordination:organisations")).text
    assert twin.name in page and "Doublon probable" in page
    assert organisation.get_absolute_url() in page


def test_the_admin_checks_the_identifiers_too(admin_client, organisation):
    url = reverse("admin:organisers_organisation_change", args=[organisation.pk])
    data = {"name": organisation.name, "slug": organisation.slug, "kind": "departement",
            "siret": "73282932000075", "insee_code": "99", "website": "", "description": "",
            "status": "approved", "status_comment": "",
            "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0"}
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "clé de contrôle" in response.text and "aucun département" in response.text
    response = admin_client.post(url, {**data, "siret": "73282932000074", "insee_code": "44"})
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert (organisation.siret, organisation.insee_code) == ("73282932000074", "44")


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_members_page_reads_as_many_requests_in_the_same_queries(client, organisation, admin):
    client.force_login(admin)
    url = reverse("organisers:members", kwargs={"slug": organisation.slug})

    def add_people():
        services.request_to_join(factories.UserFactory(), organisation)
        services.invite(admin, organisation, factories.UserFactory())

    add_people()
    few = _queries(client, url)
    for _ in range(4):
        add_people()
    assert _queries(client, url) == few


def test_the_organisations_to_approve_read_their_duplicates_in_the_same_queries(client, coordinator):
    client.force_login(coordinator)
    url = reverse("coordination:organisations")
    factories.OrganisationFactory(name="Mairie de Rezé", status="pending")
    few = _queries(client, url)
    for n in range(4):
        factories.OrganisationFactory(name=f"Mairie numéro {n}", status="pending")
        factories.OrganisationFactory(name=f"MAIRIE NUMERO {n}", slug=f"m{n}", status="approved")
    assert _queries(client, url) == few
