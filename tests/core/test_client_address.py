"""The address every limit counts: the peer, or the client a trusted proxy forwarded for."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from semaine.core.ratelimit import client_address
from tests import factories

pytestmark = pytest.mark.django_db


def request_from(remote, forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


def test_a_forwarded_header_is_believed_only_from_a_trusted_proxy(settings):
    settings.SEMAINE_TRUSTED_PROXIES = ""
    assert client_address(request_from("10.0.0.1", "198.51.100.1")) == "10.0.0.1"
    settings.SEMAINE_TRUSTED_PROXIES = "10.0.0.0/8"
    assert client_address(request_from("203.0.113.7", "198.51.100.1")) == "203.0.113.7"
    assert client_address(request_from("10.0.0.1", "198.51.100.1")) == "198.51.100.1"


def test_behind_a_trusted_proxy_the_client_is_the_address_it_forwarded(settings):
    settings.SEMAINE_TRUSTED_PROXIES = "10.0.0.1"
    assert client_address(request_from("10.0.0.1", "198.51.100.1")) == "198.51.100.1"


def test_a_client_cannot_choose_its_address_by_writing_the_header_itself(settings):
    settings.SEMAINE_TRUSTED_PROXIES = "10.0.0.1"
    # the visitor wrote "1.2.3.4"; the proxy appended the address it saw
    assert client_address(request_from("10.0.0.1", "1.2.3.4, 198.51.100.1")) == "198.51.100.1"


def test_through_a_chain_of_trusted_proxies_the_first_untrusted_address_from_the_right_is_the_client(
    settings,
):
    settings.SEMAINE_TRUSTED_PROXIES = "10.0.0.0/8, 2001:db8::/32"
    forwarded = "1.2.3.4, 198.51.100.1, 2001:db8::5, 10.1.2.3"
    assert client_address(request_from("10.0.0.1", forwarded)) == "198.51.100.1"


def test_garbage_in_the_forwarded_header_is_not_taken_for_an_address(settings):
    settings.SEMAINE_TRUSTED_PROXIES = "10.0.0.1"
    assert client_address(request_from("10.0.0.1", "198.51.100.1, <script>")) == "10.0.0.1"
    assert client_address(request_from("10.0.0.1", "")) == "10.0.0.1"
    assert client_address(request_from("10.0.0.1", "[2001:db8::9]:443")) == "2001:db8::9"


@pytest.fixture
def event(edition, organisation):
    return factories.EventFactory(edition=edition, organisation=organisation, slots=1,
                                  state="published", registration_mode="platform")


def register(client, event, n, **headers):
    return client.post(
        reverse("registrations:register", kwargs={"public_id": event.public_id}),
        {"slot": event.slots.get().pk, "first_name": "Inès", "last_name": "Moreau",
         "email": f"personne{n}@example.fr", "website": ""}, **headers)


def test_through_a_trusted_proxy_two_clients_have_two_registration_limits(client, event, settings):
    settings.SEMAINE_TRUSTED_PROXIES = "10.0.0.1"
    settings.SEMAINE_REGISTRATION_LIMIT_PER_ADDRESS = 1
    register(client, event, 1, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1")
    other = register(client, event, 2, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert "Trop de demandes" not in other.text
    again = register(client, event, 3, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert "Trop de demandes" in again.text


def test_a_spoofed_forwarded_header_does_not_escape_the_registration_limit(client, event, settings):
    settings.SEMAINE_TRUSTED_PROXIES = "10.0.0.1"
    settings.SEMAINE_REGISTRATION_LIMIT_PER_ADDRESS = 1
    # a visitor registers through the proxy, then comes straight, claiming another address
    register(client, event, 1, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1")
    again = register(client, event, 2, REMOTE_ADDR="198.51.100.1", HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert "Trop de demandes" in again.text


def test_a_malformed_trusted_proxy_setting_stops_the_start():
    import os
    import subprocess
    import sys

    env = {**os.environ, "SEMAINE_TRUSTED_PROXIES": "10.0.0.1, proxy.internal",
           "DJANGO_SETTINGS_MODULE": "semaine.settings"}
    result = subprocess.run([sys.executable, "-c", "import django; django.setup()"], env=env,
                            capture_output=True, text=True, check=False)
    assert result.returncode != 0
    assert "SEMAINE_TRUSTED_PROXIES" in result.stderr


@pytest.mark.parametrize(("remote", "secure"), [("10.0.0.1", True), ("203.0.113.7", False)])
def test_only_a_trusted_proxy_may_say_a_request_came_over_https(client, settings, remote, secure):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    settings.SEMAINE_TRUSTED_PROXIES = "10.0.0.0/8"
    response = client.get("/healthz", REMOTE_ADDR=remote, HTTP_X_FORWARDED_PROTO="https")
    assert (response.status_code != 301) is secure, response.status_code


def test_without_trusted_proxies_the_https_header_is_believed_as_before(client, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    settings.SEMAINE_TRUSTED_PROXIES = ""
    response = client.get("/healthz", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code != 301
