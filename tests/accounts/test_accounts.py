import re

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from semaine.accounts.models import User
from semaine.organisers.models import OrganisationStatus
from semaine.territory.models import Departement
from tests import factories

pytestmark = pytest.mark.django_db


def signup_data(**extra):
    data = {
        "first_name": "Léa", "last_name": "Durand", "email": "lea.durand@cg14.fr",
        "password": "une phrase de passe solide", "organisation_name": "CHU de Caen",
        "organisation_kind": "hospital", "departement": Departement.objects.get(code="14").pk,
        "website": "",
    }
    data.update(extra)
    return data


def test_sign_up_verifies_the_address_before_the_account_works(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:signup"), signup_data())
    assert "a été envoyé à lea.durand@cg14.fr" in client.get(response.url).text
    user = User.objects.get(email="lea.durand@cg14.fr")
    assert not user.is_active
    assert user.organisations.get().status == OrganisationStatus.PENDING
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/compte/verifier/\S+/", mail.outbox[0].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.is_active and user.email_verified_at
    # the link cannot be replayed
    assert client.get("/" + path).status_code == 400


def test_a_tampered_verification_link_is_refused(client):
    client.post(reverse("accounts:signup"), signup_data())
    user = User.objects.get()
    response = client.get(reverse("accounts:verify", kwargs={"uidb64": "MQ", "token": "abc-def"}))
    assert response.status_code == 400
    user.refresh_from_db()
    assert not user.is_active


def test_the_honeypot_stops_robots(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:signup"),
                               signup_data(website="http://spam.example"))
    assert response.status_code == 200
    assert not User.objects.exists()
    assert not mail.outbox


def test_a_weak_password_and_a_taken_address_are_explained(client):
    factories.UserFactory(email="pris@example.fr")
    response = client.post(reverse("accounts:signup"), signup_data(email="pris@example.fr",
                                                                   password="12345678901"))
    assert "entièrement numérique" in response.text
    response = client.post(reverse("accounts:signup"), signup_data(email="pris@example.fr"))
    assert "Un compte existe déjà" in response.text
    assert User.objects.count() == 1


def test_sign_in_and_sign_out(client):
    user = factories.UserFactory(email="agent@example.fr")
    response = client.post(reverse("accounts:login"),
                           {"username": "agent@example.fr", "password": factories.PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    client.post(reverse("accounts:logout"))
    assert "_auth_user_id" not in client.session


def test_repeated_failed_sign_ins_lock_the_account_for_that_address(client):
    factories.UserFactory(email="agent@example.fr")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": "agent@example.fr", "password": "faux"})
    response = client.post(reverse("accounts:login"),
                           {"username": "agent@example.fr", "password": factories.PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_a_link_that_sets_a_new_password(client, django_capture_on_commit_callbacks):
    user = factories.UserFactory(email="agent@example.fr")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": "agent@example.fr"})
    assert len(mail.outbox) == 1
    path = re.search(r"/compte/mot-de-passe/nouveau/\S+/", mail.outbox[0].body).group(0)
    response = client.get(path, follow=True)
    form_url = response.redirect_chain[-1][0]
    new = "nouvelle phrase solide"
    client.post(form_url, {"new_password1": new, "new_password2": new})
    user.refresh_from_db()
    assert user.check_password("nouvelle phrase solide")


def test_passwords_are_hashed_with_argon2_in_the_real_settings():
    from semaine import settings as real

    assert real.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
