"""An invitation waits for the person's yes: nobody is added to an organisation without consent,
and the admin who invites learns nothing of whether the address already has an account."""

import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from semaine.accounts.models import User
from semaine.organisers import services
from semaine.organisers.models import Invitation, InvitationState, Role
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def admin(organisation):
    return factories.MembershipFactory(organisation=organisation, role=Role.ADMIN).user


def members_url(organisation):
    return reverse("organisers:members", kwargs={"slug": organisation.slug})


def invite(client, organisation, email, commit):
    with commit():
        response = client.post(members_url(organisation), {"email": email, "role": Role.EDITOR},
                                follow=True)
    return response


def test_inviting_an_existing_account_adds_nobody_and_tells_the_admin_nothing_more(
        client, organisation, admin, commit):
    existing = factories.UserFactory(email="ines@example.fr")
    client.force_login(admin)

    known = invite(client, organisation, "ines@example.fr", commit)
    unknown = invite(client, organisation, "nouveau@example.fr", commit)

    assert not organisation.memberships.filter(user=existing).exists()
    newcomer = User.objects.get(email="nouveau@example.fr")
    assert not organisation.memberships.filter(user=newcomer).exists()

    def messages_of(response):
        return [str(m) for m in response.context["messages"]]

    assert messages_of(known) == messages_of(unknown) == [
        "Invitation en cours d’envoi : cette page dira si elle n’a pas pu partir."]
    assert known.redirect_chain == unknown.redirect_chain
    page = unknown.text
    assert "ines@example.fr" in page and "nouveau@example.fr" in page
    assert page.count("invitée le") == 2  # both wait the same way

    to_existing, to_newcomer = mail.outbox
    assert to_existing.subject == to_newcomer.subject
    assert "/compte/mot-de-passe/nouveau/" not in to_existing.body
    assert "/compte/mot-de-passe/nouveau/" in to_newcomer.body
    for message in (to_existing, to_newcomer):
        assert "http://127.0.0.1:8000/compte/\n" in message.body
        assert "vous ne faites pas partie de l’organisation" in message.body


def test_the_person_accepts_from_my_account_and_becomes_a_member(
        client, organisation, admin, commit):
    person = factories.UserFactory()
    invitation = services.invite(admin, organisation, person, Role.ADMIN)
    client.force_login(person)

    page = client.get(reverse("accounts:account")).text
    assert organisation.name in page and "Décliner" in page
    response = client.post(reverse("accounts:invitation", kwargs={"pk": invitation.pk}),
                           {"decision": "accept"})

    assert response.status_code == 302
    assert organisation.memberships.get(user=person).role == Role.ADMIN
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.ACCEPTED
    with pytest.raises(ValidationError, match="déjà répondu"):
        services.decline_invitation(person, invitation)


def test_the_person_declines_and_stays_out(client, organisation, admin):
    person = factories.UserFactory()
    invitation = services.invite(admin, organisation, person)
    client.force_login(person)

    client.post(reverse("accounts:invitation", kwargs={"pk": invitation.pk}),
                {"decision": "decline"})

    assert not organisation.memberships.filter(user=person).exists()
    assert Invitation.objects.get().state == InvitationState.DECLINED
    page = client.get(reverse("accounts:account")).text
    assert "Décliner" not in page and "Déclinée" in page  # kept in what the account holds


def test_nobody_answers_an_invitation_addressed_to_someone_else(client, organisation, admin):
    person, intruder = factories.UserFactory(), factories.UserFactory()
    invitation = services.invite(admin, organisation, person)

    with pytest.raises(PermissionDenied):
        services.accept_invitation(intruder, invitation)
    client.force_login(intruder)
    response = client.post(reverse("accounts:invitation", kwargs={"pk": invitation.pk}),
                           {"decision": "accept"})
    assert response.status_code == 404
    assert not organisation.memberships.filter(user__in=[person, intruder]).exists()


def test_an_editor_cannot_invite_and_a_second_invitation_replaces_the_first(
        organisation, admin, editor):
    person = factories.UserFactory()
    with pytest.raises(PermissionDenied):
        services.invite(editor, organisation, person)
    services.invite(admin, organisation, person, Role.EDITOR)
    services.invite(admin, organisation, person, Role.ADMIN)
    assert Invitation.objects.get().role == Role.ADMIN
    with pytest.raises(ValidationError):
        services.invite(admin, organisation, person, "owner")


def test_a_bad_address_is_refused_beside_the_field(client, organisation, admin):
    client.force_login(admin)
    response = client.post(members_url(organisation), {"email": "pas-une-adresse", "role": "editor"})
    assert response.status_code == 200
    assert "Saisissez une adresse" in response.text
    assert not Invitation.objects.exists()


def test_the_newcomer_link_to_choose_a_password_is_in_the_invitation(
        client, organisation, admin, commit):
    client.force_login(admin)
    invite(client, organisation, "recrue@example.fr", commit)
    assert re.search(r"/compte/mot-de-passe/nouveau/\S+/", mail.outbox[0].body)
