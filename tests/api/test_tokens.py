"""API tokens: per organisation, hashed, revocable, rate limited; the page « Jetons d'API »."""

import pytest
from django.core.exceptions import PermissionDenied

from semaine.api.models import ApiToken, hash_token
from semaine.api.tokens import create_api_token, revoke_api_token
from semaine.core.models import RateCounter
from semaine.organisers.models import Membership
from tests import factories

from .conftest import published_event as publish

pytestmark = pytest.mark.django_db


def test_only_the_hash_of_a_token_is_stored(admin, organisation):
    token, secret = create_api_token(admin, organisation, "Site")
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.token_hash == hash_token(secret) and secret not in stored.token_hash
    assert secret.startswith(stored.hint)


def test_an_editor_cannot_create_a_token(editor, organisation):
    with pytest.raises(PermissionDenied):
        create_api_token(editor, organisation, "Site")


def test_no_token_is_a_401_problem_with_a_challenge(api):
    response = api.get("/organiser/events")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_wrong_token_is_a_401(api):
    assert api.get("/organiser/events", token="smn_nimportequoi").status_code == 401


def test_a_revoked_token_is_a_401(api, token, admin):
    revoke_api_token(admin, ApiToken.objects.get())
    assert api.get("/organiser", token=token).status_code == 401


def test_a_token_of_a_deactivated_account_is_a_401(api, token, admin):
    assert api.get("/organiser", token=token).status_code == 200
    admin.is_active = False
    admin.save(update_fields=["is_active"])
    assert api.get("/organiser", token=token).status_code == 401
    assert api.post("/organiser/events", {}, token=token).status_code == 401


def test_using_a_token_records_when(api, token):
    api.get("/organiser", token=token)
    assert ApiToken.objects.get().last_used_at is not None


def test_a_token_never_reads_another_organisations_draft(api, token, edition, other_organisation):
    theirs = factories.EventFactory(edition=edition, organisation=other_organisation)
    response = api.get(f"/organiser/events/{theirs.public_id}", token=token)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_a_token_never_changes_another_organisations_event(api, token, edition, other_organisation):
    theirs = publish(edition, other_organisation, title="Le leur")
    for response in (
        api.patch(f"/organiser/events/{theirs.public_id}", {"title": "Pris"}, token=token),
        api.post(f"/organiser/events/{theirs.public_id}/cancel", {"reason": "x"}, token=token),
        api.post(f"/organiser/events/{theirs.public_id}/submit", token=token),
        api.delete(f"/organiser/events/{theirs.public_id}/slots/{theirs.slots.get().pk}", token=token),
    ):
        assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.title == "Le leur" and theirs.status == "scheduled"


def test_a_token_whose_creator_left_the_organisation_is_refused_403(api, token, admin, organisation, edition):
    event = factories.EventFactory(edition=edition, organisation=organisation)
    factories.MembershipFactory(organisation=organisation, role="admin")
    Membership.objects.filter(user=admin).delete()
    response = api.patch(f"/organiser/events/{event.public_id}", {"title": "Encore moi"}, token=token)
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    # reads of the organisation's drafts and venues are refused alike
    for path in ("/organiser", "/organiser/events", "/organiser/venues"):
        assert api.get(path, token=token).status_code == 403, path


def test_too_many_requests_is_a_429_with_retry_after(api, token, settings):
    settings.SEMAINE_API_RATE_LIMIT = 3
    statuses = [api.get("/organiser", token=token).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = api.get("/organiser", token=token)
    assert response["Content-Type"] == "application/problem+json"
    assert 1 <= int(response["Retry-After"]) <= 60


def test_the_rate_limit_counts_each_token_apart(api, token, other_token, settings):
    settings.SEMAINE_API_RATE_LIMIT = 1
    assert api.get("/organiser", token=token).status_code == 200
    assert api.get("/organiser", token=other_token).status_code == 200
    assert not any(token in counter.key for counter in RateCounter.objects.all())


def test_the_tokens_page_is_reachable_from_the_organiser_space(client, admin, organisation):
    client.force_login(admin)
    events = client.get(f"/espace/{organisation.slug}/evenements/").content.decode()
    assert f"/espace/{organisation.slug}/jetons/" in events


def test_an_admin_creates_a_token_shown_once(client, admin, organisation):
    client.force_login(admin)
    response = client.post(f"/espace/{organisation.slug}/jetons/", {"name": "Agenda du site"})
    secret = response.context["secret"]
    assert secret and secret in response.content.decode()
    assert ApiToken.objects.get().token_hash == hash_token(secret)
    assert secret not in client.get(f"/espace/{organisation.slug}/jetons/").content.decode()


def test_an_admin_revokes_a_token(client, admin, organisation):
    token, _secret = create_api_token(admin, organisation, "Site")
    client.force_login(admin)
    client.post(f"/espace/{organisation.slug}/jetons/", {"revoke": token.pk})
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == admin


def test_an_editor_sees_the_tokens_but_cannot_create_one(client, editor, organisation):
    client.force_login(editor)
    assert client.get(f"/espace/{organisation.slug}/jetons/").status_code == 200
    assert client.post(f"/espace/{organisation.slug}/jetons/", {"name": "x"}).status_code == 403
    assert not ApiToken.objects.exists()


def test_another_organisations_member_cannot_see_its_tokens(client, other_editor, organisation):
    client.force_login(other_editor)
    assert client.get(f"/espace/{organisation.slug}/jetons/").status_code == 403


def test_a_token_without_a_name_is_refused_in_french(client, admin, organisation):
    client.force_login(admin)
    response = client.post(f"/espace/{organisation.slug}/jetons/", {"name": "  "})
    assert "Ce champ est obligatoire" in response.content.decode()
    assert not ApiToken.objects.exists()
