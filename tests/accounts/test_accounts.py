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


def test_a_weak_password_is_explained(client):
    response = client.post(reverse("accounts:signup"), signup_data(password="12345678901"))
    assert "entièrement numérique" in response.text
    assert not User.objects.exists()


def test_signing_up_with_a_taken_address_answers_exactly_as_for_a_new_one(
    client, django_capture_on_commit_callbacks
):
    factories.UserFactory(email="pris@example.fr", first_name="Paul")
    with django_capture_on_commit_callbacks(execute=True):
        new = client.post(reverse("accounts:signup"), signup_data(email="libre@example.fr"))
        taken = client.post(reverse("accounts:signup"), signup_data(
            email="pris@example.fr", organisation_name="CHU de Rouen",
            departement=Departement.objects.get(code="76").pk))
    # Both are sent on to the progress of the e-mail sent to the address (each gets one).
    assert taken.status_code == new.status_code == 302
    new, taken = client.get(new.url), client.get(taken.url)
    assert taken.status_code == new.status_code == 200

    def pages(response):  # the templates of the page (the e-mails differ, and must)
        return [t.name for t in response.templates if not t.name.startswith("accounts/email_")]

    assert pages(taken) == pages(new)
    def text(response):  # each page's address holds its own e-mail's signed number
        return re.sub(r"/compte/courriel/[^/]+/", "/compte/courriel/N/", response.content.decode())

    assert text(taken).replace("pris@", "libre@") == text(new)
    assert "Un compte existe déjà" not in taken.text


def test_signing_up_with_a_taken_address_changes_nothing_and_tells_its_owner(
    client, django_capture_on_commit_callbacks
):
    owner = factories.UserFactory(email="pris@example.fr", first_name="Paul")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:signup"), signup_data(email="pris@example.fr", first_name="Eve"))
    assert User.objects.count() == 1
    owner.refresh_from_db()
    assert owner.first_name == "Paul" and owner.check_password(factories.PASSWORD)
    assert not owner.organisations.exists()
    [message] = mail.outbox
    assert message.to == ["pris@example.fr"]
    assert "déjà un compte" in message.subject
    assert "/compte/connexion/" in message.body
    path = re.search(r"/compte/mot-de-passe/nouveau/\S+/", message.body).group(0)
    form_url = client.get(path, follow=True).redirect_chain[-1][0]
    client.post(form_url, {"new_password1": "nouvelle phrase solide",
                           "new_password2": "nouvelle phrase solide"})
    owner.refresh_from_db()
    assert owner.check_password("nouvelle phrase solide")


def test_signing_up_again_before_confirming_sends_a_new_confirmation_link(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:signup"), signup_data())
        # the organisation is registered now: the page offers to join it, which sends the link
        again = client.post(reverse("accounts:signup"), signup_data())
        assert "Demander à rejoindre le CHU de Caen" in again.text
        join = again.context["existing"][0].pk
        client.post(reverse("accounts:signup"), signup_data(join=join))
    assert User.objects.count() == 1
    assert len(mail.outbox) == 2
    link = re.search(r"/compte/verifier/\S+/", mail.outbox[1].body).group(0)
    assert client.get(link).status_code == 302
    assert User.objects.get().is_active


def test_sign_ups_are_limited_per_address(client, settings):
    settings.SEMAINE_REGISTRATION_LIMIT_PER_ADDRESS = 2
    for n in range(2):
        client.post(reverse("accounts:signup"), signup_data(email=f"agent{n}@example.fr",
                                                            organisation_name=f"CHU {n}"))
    response = client.post(reverse("accounts:signup"), signup_data(email="agent9@example.fr",
                                                                   organisation_name="CHU 9"))
    assert "Trop de demandes de création de compte" in response.text
    assert User.objects.count() == 2


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


def test_many_accounts_tried_from_one_address_close_sign_in_from_that_address(client, settings):
    settings.SEMAINE_LOGIN_ADDRESS_LIMIT = 4
    user = factories.UserFactory(email="agent@example.fr")
    for n in range(4):
        client.post(reverse("accounts:login"), {"username": f"cible{n}@example.fr", "password": "faux"})
    response = client.post(reverse("accounts:login"),
                           {"username": "agent@example.fr", "password": factories.PASSWORD})
    assert response.status_code == 429
    assert "Trop de connexions ont échoué depuis votre adresse" in response.text
    assert "_auth_user_id" not in client.session
    elsewhere = client.post(reverse("accounts:login"),
                            {"username": "agent@example.fr", "password": factories.PASSWORD},
                            REMOTE_ADDR="198.51.100.9")
    assert elsewhere.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_the_address_limit_also_guards_the_admin_sign_in(client, settings):
    settings.SEMAINE_LOGIN_ADDRESS_LIMIT = 2
    factories.UserFactory(email="admin@example.fr", is_staff=True, is_superuser=True)
    for n in range(2):
        client.post(reverse("accounts:login"), {"username": f"cible{n}@example.fr", "password": "faux"})
    client.post("/admin/login/", {"username": "admin@example.fr", "password": factories.PASSWORD})
    assert "_auth_user_id" not in client.session


def test_behind_a_trusted_proxy_an_account_locked_for_one_client_opens_for_another(client, settings):
    settings.SEMAINE_TRUSTED_PROXIES = "10.0.0.1"
    factories.UserFactory(email="agent@example.fr")
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": "agent@example.fr", "password": "faux"},
                    HTTP_X_FORWARDED_FOR="198.51.100.1", **proxy)
    locked = client.post(reverse("accounts:login"),
                         {"username": "agent@example.fr", "password": factories.PASSWORD},
                         HTTP_X_FORWARDED_FOR="198.51.100.1", **proxy)
    assert locked.status_code == 429
    other = client.post(reverse("accounts:login"),
                        {"username": "agent@example.fr", "password": factories.PASSWORD},
                        HTTP_X_FORWARDED_FOR="198.51.100.2", **proxy)
    assert other.status_code == 302


def test_passwords_are_hashed_with_argon2_in_the_real_settings():
    from semaine import settings as real

    assert real.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_declaring_an_organisation_already_registered_offers_to_join_it(
    client, organisation, django_capture_on_commit_callbacks
):
    admin = factories.MembershipFactory(organisation=organisation, role="admin").user
    data = signup_data(organisation_name="departement de Loire Atlantique",
                       organisation_kind="departement",
                       departement=Departement.objects.get(code="44").pk)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:signup"), data)
    assert response.status_code == 200
    assert "Cette organisation est déjà inscrite" in response.text
    assert f'name="join" value="{organisation.pk}"' in response.text
    assert not User.objects.filter(email="lea.durand@cg14.fr").exists() and mail.outbox == []

    # asking without the password again keeps the organisation on the page
    response = client.post(reverse("accounts:signup"), {**data, "password": "", "join": organisation.pk})
    assert f'value="{organisation.pk}"' in response.text

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:signup"), {**data, "join": organisation.pk})
    assert response.status_code == 302
    user = User.objects.get(email="lea.durand@cg14.fr")
    assert not user.is_active and not user.organisations.exists()
    assert user.join_requests.get().organisation == organisation
    assert [m.to for m in mail.outbox] == [[user.email]]  # the admins wait for the verification
    assert "demandé à rejoindre le Département de la Loire-Atlantique sur" in mail.outbox[0].body

    link = re.search(r"/compte/verifier/\S+/", mail.outbox[0].body).group(0)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(link)
    assert [m.to for m in mail.outbox[1:]] == [[admin.email]]
    assert "Léa Durand" in mail.outbox[1].subject


def test_a_duplicate_is_shown_the_same_whether_the_address_has_an_account(client, organisation):
    factories.UserFactory(email="pris@example.fr")
    data = signup_data(organisation_name=organisation.name, organisation_kind="departement",
                       departement="")
    free = client.post(reverse("accounts:signup"), {**data, "email": "libre@example.fr"})
    taken = client.post(reverse("accounts:signup"), {**data, "email": "pris@example.fr"})
    assert free.status_code == taken.status_code == 200

    def text(response):
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())

    assert text(taken).replace("pris@", "libre@") == text(free)


def test_a_wrong_siret_or_insee_code_is_explained_beside_the_field(client):
    response = client.post(reverse("accounts:signup"), signup_data(
        siret="1234 5678 9012 34", organisation_kind="municipality", insee_code="14000"))
    assert response.status_code == 200
    assert "clé de contrôle" in response.text
    assert "ce n’est pas son code postal" not in response.text  # 14000 has the form of a code
    response = client.post(reverse("accounts:signup"), signup_data(insee_code="14118"))
    assert "que les collectivités" in response.text
    assert not User.objects.exists()


def test_asking_to_join_a_refused_organisation_answers_the_same_for_any_address(client):
    from semaine.organisers.models import OrganisationStatus

    refused = factories.OrganisationFactory(status=OrganisationStatus.REJECTED)
    factories.UserFactory(email="pris@example.fr")
    for email in ("libre@example.fr", "pris@example.fr"):
        response = client.post(reverse("accounts:signup"), signup_data(email=email, join=refused.pk))
        assert response.status_code == 200
        assert "pas validé cette organisation" in response.text
    assert not User.objects.filter(email="libre@example.fr").exists()
