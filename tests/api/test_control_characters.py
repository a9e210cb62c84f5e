"""Every write of the API refuses control characters in text: 422, naming the field, nothing
saved. One-line fields refuse line breaks; Markdown and explanations keep them."""

import pytest

from semaine.agenda.models import Event, EventHistory, EventStatus

from .test_write import new_event

pytestmark = pytest.mark.django_db


def fields_of(response) -> dict:
    assert response.status_code == 422, response.json()
    assert response["Content-Type"].startswith("application/problem+json")
    return {error["field"]: error["detail"] for error in response.json()["errors"]}


@pytest.mark.parametrize(("field", "value"), [
    ("title", "Atelier\nBcc: quelqu-un@example.fr"),
    ("title", "Atelier\r"),
    ("title", "Atelier\tdata"),
    ("title", "Atelier\u2028data"),
    ("online_url", "https://visio.example.fr/\x00atelier"),
    ("summary", "Trois heures\x07 pour tester."),
    ("description", "Texte\x1b[31m rouge"),
])
def test_creating_an_event_with_a_control_character_is_refused_naming_the_field(
        api, token, edition, field, value):
    response = api.post("/organiser/events", new_event(edition, **{field: value}), token=token)

    assert field in fields_of(response)
    assert not Event.objects.exists()


def test_creating_an_event_keeps_the_line_breaks_of_its_description(api, token, edition):
    response = api.post("/organiser/events",
                        new_event(edition, description="Bonjour,\n\n\t- un\r\n- deux"), token=token)

    assert response.status_code == 201, response.json()
    assert Event.objects.get().description == "Bonjour,\n\n\t- un\r\n- deux"


def test_changing_an_event_title_to_two_lines_is_refused_naming_the_field(api, token, edition):
    created = api.post("/organiser/events", new_event(edition), token=token).json()

    response = api.patch(f"/organiser/events/{created['id']}", {"title": "Atelier\nannulé"},
                         token=token)

    assert fields_of(response) == {"title": "Ce champ tient sur une ligne : retirez le retour à la ligne."}
    assert Event.objects.get().title == "Atelier design des politiques publiques"


def test_a_change_comment_with_a_control_character_is_refused(api, token, edition):
    created = api.post("/organiser/events", new_event(edition), token=token).json()

    response = api.patch(f"/organiser/events/{created['id']}",
                         {"title": "Atelier renommé", "comment": "Renommé\x08"}, token=token)

    assert "comment" in fields_of(response)
    assert not EventHistory.objects.filter(action="changed").exists()


def test_a_cancellation_reason_with_a_control_character_is_refused(api, token, edition):
    created = api.post("/organiser/events", new_event(edition), token=token).json()

    response = api.post(f"/organiser/events/{created['id']}/cancel", {"reason": "Intempéries\x00"},
                        token=token)

    assert "reason" in fields_of(response)
    assert Event.objects.get().status != EventStatus.CANCELLED


def test_a_list_item_with_a_line_break_is_refused_naming_the_list(api, token, edition):
    response = api.post("/organiser/events", new_event(edition, formats=["atelier\n"]), token=token)

    assert "formats" in fields_of(response)
