"""« Mon compte »: a person sees what is kept about them, downloads it, erases their account."""

import json
import threading

import pytest
from django.db import connection, connections
from django.urls import reverse

from semaine.accounts.models import User
from semaine.agenda import services as agenda
from semaine.agenda.models import EventHistory
from semaine.organisers.models import Membership, Role
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_account_page_needs_a_signed_in_person(client):
    for name in ("account", "export", "delete"):
        response = client.get(reverse(f"accounts:{name}"))
        assert response.status_code == 302 and "/compte/connexion/" in response["Location"]


def test_the_export_holds_the_account_memberships_and_registrations(client, editor, organisation):
    client.force_login(editor)
    page = client.get(reverse("accounts:account"))
    assert editor.email in page.text and organisation.name in page.text
    response = client.get(reverse("accounts:export"))
    assert response["Content-Type"].startswith("application/json")
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["compte"]["adresse_electronique"] == editor.email
    assert data["organisations"] == [
        {"organisation": organisation.name, "role": "Rédacteur",
         "depuis": editor.memberships.get().created_at.isoformat()}
    ]
    assert data["inscriptions"] == []


def test_a_wrong_password_deletes_nothing(client, editor):
    client.force_login(editor)
    response = client.post(reverse("accounts:delete"), {"password": "pas le bon"})
    assert response.status_code == 200
    assert "Mot de passe incorrect." in response.text
    assert User.objects.filter(pk=editor.pk).exists()


def test_the_only_admin_of_an_organisation_with_members_must_name_another_first(client, organisation):
    admin = factories.MembershipFactory(organisation=organisation, role=Role.ADMIN).user
    factories.MembershipFactory(organisation=organisation, role=Role.EDITOR)
    client.force_login(admin)
    response = client.post(reverse("accounts:delete"), {"password": factories.PASSWORD})
    assert response.status_code == 200 and organisation.name in response.text
    assert User.objects.filter(pk=admin.pk).exists()
    # with a second administrator, the first may leave
    factories.MembershipFactory(organisation=organisation, role=Role.ADMIN)
    response = client.post(reverse("accounts:delete"), {"password": factories.PASSWORD})
    assert response.status_code == 302
    assert not User.objects.filter(pk=admin.pk).exists()


def test_deleting_the_account_keeps_what_it_did_without_its_name(client, editor, organisation, edition):
    event = factories.EventFactory(edition=edition, organisation=organisation)
    agenda.submit_event(editor, event)
    client.force_login(editor)
    response = client.post(reverse("accounts:delete"), {"password": factories.PASSWORD}, follow=True)
    assert "Votre compte est supprimé." in response.text
    assert not User.objects.filter(pk=editor.pk).exists()
    assert not Membership.objects.filter(organisation=organisation).exists()
    history = EventHistory.objects.get(event=event)
    assert history.actor is None and history.to_state == "submitted"
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_administrators_leaving_at_once_leave_one(migrated_reference_data, organisation):
    from django.core.exceptions import ValidationError

    from semaine.organisers.services import delete_account

    admins = [factories.MembershipFactory(organisation=organisation, role=Role.ADMIN).user
              for _ in range(2)]
    factories.MembershipFactory(organisation=organisation, role=Role.EDITOR)
    barrier, outcomes = threading.Barrier(2), []

    def leave(user):
        try:
            barrier.wait()
            delete_account(User.objects.get(pk=user.pk), factories.PASSWORD)
            outcomes.append("deleted")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=leave, args=(user,)) for user in admins]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["deleted", "refused"]
    assert Membership.objects.filter(organisation=organisation, role=Role.ADMIN).count() == 1


def test_invitations_and_join_requests_are_exported_and_erased_with_the_account(client, organisation):
    from semaine.organisers import services as organisers
    from semaine.organisers.models import Invitation, JoinRequest

    admin = factories.MembershipFactory(organisation=organisation, role=Role.ADMIN).user
    other = factories.OrganisationFactory(name="Mairie de Rezé")
    factories.MembershipFactory(organisation=other, role=Role.ADMIN)
    person = factories.UserFactory()
    organisers.invite(admin, organisation, person, Role.EDITOR)
    organisers.request_to_join(person, other, "Je travaille au service culture.")
    client.force_login(person)

    data = json.loads(client.get(reverse("accounts:export")).content)

    [invitation] = data["invitations"]
    assert invitation["organisation"] == organisation.name and invitation["etat"] == "En attente"
    [join_request] = data["demandes_pour_rejoindre"]
    assert join_request["organisation"] == "Mairie de Rezé"
    assert join_request["message"] == "Je travaille au service culture."
    assert join_request["etat"] == "En attente"

    client.post(reverse("accounts:delete"), {"password": factories.PASSWORD})
    assert not User.objects.filter(pk=person.pk).exists()
    assert not Invitation.objects.exists() and not JoinRequest.objects.exists()


def test_erasing_the_admin_who_decided_keeps_the_decision_without_their_name(client, organisation):
    from semaine.organisers import services as organisers

    admins = [factories.MembershipFactory(organisation=organisation, role=Role.ADMIN).user
              for _ in range(2)]
    person = factories.UserFactory()
    join_request = organisers.request_to_join(person, organisation)
    organisers.refuse_join_request(admins[0], join_request, "Pas pour l’instant.")
    invitation = organisers.invite(admins[0], organisation, factories.UserFactory())
    client.force_login(admins[0])
    client.post(reverse("accounts:delete"), {"password": factories.PASSWORD})

    join_request.refresh_from_db()
    invitation.refresh_from_db()
    assert join_request.decided_by is None and join_request.reason == "Pas pour l’instant."
    assert invitation.invited_by is None
