"""Bad input of every kind is an RFC 9457 problem naming what is wrong, never a 500, and
nothing is half-written."""

import pytest

from semaine.agenda.models import Event
from semaine.api.auth import MAX_BODY_BYTES

from .test_write import new_event

pytestmark = pytest.mark.django_db


def assert_problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    return body


def fields(body):
    return [error["field"] for error in body.get("errors", [])]


def test_malformed_json_is_a_400(api, token):
    response = api.raw("post", "/organiser/events", '{"title": "oups",', token=token)
    assert_problem(response, 400)


def test_a_body_that_is_not_an_object_is_a_422(api, token):
    assert_problem(api.raw("post", "/organiser/events", "[1, 2]", token=token), 422)


def test_a_wrong_type_names_the_field(api, token, edition):
    body = assert_problem(api.post("/organiser/events", new_event(edition, capacity="beaucoup"),
                                   token=token), 422)
    assert "capacity" in fields(body)


def test_an_unknown_field_is_refused(api, token, edition):
    body = assert_problem(api.post("/organiser/events", new_event(edition, state="published"),
                                   token=token), 422)
    assert "state" in fields(body)
    assert not Event.objects.exists()


def test_an_unknown_field_in_a_slot_is_refused(api, token, edition):
    event = new_event(edition)
    event["slots"][0]["room"] = "B12"
    body = assert_problem(api.post("/organiser/events", event, token=token), 422)
    assert "slots.0.room" in fields(body)


def test_a_missing_required_field_is_named(api, token, edition):
    event = new_event(edition)
    del event["title"]
    assert "title" in fields(assert_problem(api.post("/organiser/events", event, token=token), 422))


def test_a_slot_without_time_zone_is_refused(api, token, edition):
    naive = {"starts_at": "2030-11-20T09:00:00", "ends_at": "2030-11-20T11:00:00"}
    response = api.post("/organiser/events", new_event(edition, slots=[naive]), token=token)
    assert "slots.0.starts_at" in fields(assert_problem(response, 422))


def test_a_null_for_a_required_field_in_a_patch_is_refused(api, token, edition):
    created = api.post("/organiser/events", new_event(edition), token=token).json()
    response = api.patch(f"/organiser/events/{created['id']}", {"title": None}, token=token)
    body = assert_problem(response, 422)
    assert "title" in fields(body)


def test_an_oversized_body_is_a_413(api, token, edition):
    event = new_event(edition, description="x" * (MAX_BODY_BYTES + 1))
    assert_problem(api.post("/organiser/events", event, token=token), 413)
    assert not Event.objects.exists()


def test_a_body_over_djangos_own_limit_without_a_token_is_refused_before_it_is_read(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api.raw("post", "/organiser/events", '{"title": "' + "x" * 2000 + '"}')
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_a_malformed_event_id_in_a_write_is_a_problem(api, token):
    response = api.patch("/organiser/events/pas-un-uuid", {"title": "x"}, token=token)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


def test_a_nul_character_in_a_body_is_refused_cleanly(api, token, edition):
    response = api.post("/organiser/events", new_event(edition, title="A\x00B"), token=token)
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["title"]


def test_a_failed_validation_writes_nothing(api, token, edition):
    api.post("/organiser/events", new_event(edition, formats=["inconnu"]), token=token)
    assert not Event.objects.exists()


def details(body) -> dict:
    return {error["field"]: error["detail"] for error in body.get("errors", [])}


ENGLISH = ("Input should", "Field required", "Extra inputs", "String should", "valid", "type=")


@pytest.mark.parametrize(("change", "field", "detail"), [
    ({"capacity": "beaucoup"}, "capacity", "Un nombre entier est attendu."),
    ({"capacity": 0}, "capacity", "La valeur doit être au moins 1."),
    ({"state": "published"}, "state", "Ce champ n’existe pas."),
    ({"title": "x" * 201}, "title", "Au plus 200 caractères."),
    ({"title": 12}, "title", "Une chaîne de caractères est attendue."),
    ({"attendance_mode": "hybride"}, "attendance_mode", "Valeur inconnue : choisissez parmi"),
    ({"slots": "demain"}, "slots", "Une liste est attendue."),
])
def test_the_schemas_refusals_are_explained_in_french(api, token, edition, change, field, detail):
    body = assert_problem(api.post("/organiser/events", new_event(edition, **change), token=token), 422)
    assert details(body)[field].startswith(detail), details(body)
    assert not any(word in details(body)[field] for word in ENGLISH[:5])


def test_a_missing_field_and_a_moment_without_offset_are_explained_in_french(api, token, edition):
    event = new_event(edition)
    del event["title"]
    event["slots"][0]["starts_at"] = "2026-11-20T09:00:00"
    event["slots"][0]["ends_at"] = "pas une date"
    body = assert_problem(api.post("/organiser/events", event, token=token), 422)
    assert details(body) == {
        "title": "Ce champ est obligatoire.",
        "slots.0.starts_at": "Indiquez le décalage horaire (par exemple +01:00).",
        "slots.0.ends_at": "Indiquez une date et une heure au format ISO 8601 (AAAA-MM-JJTHH:MM:SS+01:00).",
    }


def test_a_bad_query_parameter_is_explained_in_french(api, edition):
    body = assert_problem(api.get(f"/editions/{edition.slug}/events", {"limit": "dix"}), 400)
    assert all(not any(word in detail for word in ENGLISH[:5]) for detail in details(body).values())
    assert details(body)
