"""Organisers' writes with a token: the organiser space's services, rules and validation."""

from datetime import datetime, timedelta

import pytest
from django.db import connection

from semaine.agenda import services
from semaine.agenda.models import PARIS, Event, EventState, EventStatus, Slot
from tests import factories
from tests.races import race

from .conftest import published_event as publish

pytestmark = pytest.mark.django_db


def slot(edition, day=0, hour=9, hours=2):
    start = datetime.combine(edition.starts_on + timedelta(days=day), datetime.min.time(), PARIS)
    start += timedelta(hours=hour)
    return {"starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=hours)).isoformat()}


def new_event(edition, **extra):
    return {"title": "Atelier design des politiques publiques", "summary": "Trois heures pour tester.",
            "formats": ["atelier"], "audiences": ["agents-publics"], "themes": ["design"],
            "attendance_mode": "online", "online_url": "https://visio.example.fr/atelier",
            "slots": [slot(edition)], **extra}


def test_a_token_names_its_organisation(api, token, organisation):
    response = api.get("/organiser", token=token)
    assert response.status_code == 200
    assert response.json()["organisation"]["slug"] == organisation.slug


def test_creating_an_event_makes_a_draft_of_the_tokens_organisation(api, token, edition, organisation,
                                                                    admin):
    response = api.post("/organiser/events", new_event(edition), token=token)
    assert response.status_code == 201, response.json()
    event = Event.objects.get(public_id=response.json()["id"])
    assert event.state == EventState.DRAFT and event.organisation == organisation
    assert event.created_by == admin
    assert event.history.get().action == "created"
    assert response.json()["state"] == "draft" and len(response.json()["slots"]) == 1


def test_an_event_created_by_api_shows_in_the_organiser_space(api, token, edition, organisation, admin,
                                                             client):
    api.post("/organiser/events", new_event(edition, title="Vu dans l’espace"), token=token)
    client.force_login(admin)
    page = client.get(f"/espace/{organisation.slug}/evenements/")
    assert "Vu dans l’espace" in page.content.decode()


def test_an_event_created_by_api_goes_through_moderation(api, token, edition, coordinator):
    created = api.post("/organiser/events", new_event(edition), token=token).json()
    submitted = api.post(f"/organiser/events/{created['id']}/submit", token=token)
    assert submitted.status_code == 200 and submitted.json()["state"] == "submitted"
    assert api.get(f"/editions/{edition.slug}/events/{created['id']}").status_code == 404
    services.publish_event(coordinator, Event.objects.get(public_id=created["id"]))
    assert api.get(f"/editions/{edition.slug}/events/{created['id']}").status_code == 200


def test_the_organiser_list_holds_the_organisations_drafts(api, token, edition, organisation,
                                                          other_organisation):
    mine = factories.EventFactory(edition=edition, organisation=organisation)
    factories.EventFactory(edition=edition, organisation=other_organisation)
    items = api.get("/organiser/events", {"state": "draft"}, token=token).json()["items"]
    assert [item["id"] for item in items] == [str(mine.public_id)]


def test_updating_changes_only_the_fields_sent_and_records_it(api, token, edition):
    created = api.post("/organiser/events", new_event(edition), token=token).json()
    response = api.patch(f"/organiser/events/{created['id']}",
                         {"title": "Nouveau titre", "comment": "Titre plus clair"}, token=token)
    assert response.status_code == 200, response.json()
    assert response.json()["title"] == "Nouveau titre"
    assert response.json()["summary"] == created["summary"]
    event = Event.objects.get(public_id=created["id"])
    assert event.history.filter(action="changed", comment="Titre plus clair").exists()


def test_the_form_rules_apply_an_online_event_needs_its_link(api, token, edition):
    response = api.post("/organiser/events", new_event(edition, online_url=""), token=token)
    assert response.status_code == 422
    assert "online_url" in [error["field"] for error in response.json()["errors"]]
    assert not Event.objects.exists()


def test_a_venue_of_another_organisation_is_refused(api, token, edition, other_organisation):
    theirs = factories.VenueFactory(organisation=other_organisation)
    body = new_event(edition, attendance_mode="in_person", venue=theirs.pk, online_url="")
    response = api.post("/organiser/events", body, token=token)
    assert response.status_code == 422
    assert "venue" in [error["field"] for error in response.json()["errors"]]


def test_an_unknown_theme_is_refused_naming_the_field(api, token, edition):
    response = api.post("/organiser/events", new_event(edition, themes=["inconnu"]), token=token)
    assert response.status_code == 422
    assert "themes" in [error["field"] for error in response.json()["errors"]]


def test_a_slot_ending_before_it_starts_is_refused(api, token, edition):
    bad = {"starts_at": slot(edition)["ends_at"], "ends_at": slot(edition)["starts_at"]}
    response = api.post("/organiser/events", new_event(edition, slots=[bad]), token=token)
    assert response.status_code == 422
    assert "slots.0.ends_at" in [error["field"] for error in response.json()["errors"]]


def test_adding_and_removing_slots(api, token, edition):
    created = api.post("/organiser/events", new_event(edition), token=token).json()
    added = api.post(f"/organiser/events/{created['id']}/slots", slot(edition, day=2), token=token)
    assert added.status_code == 201, added.json()
    event = Event.objects.get(public_id=created["id"])
    assert event.slots.count() == 2
    removed = api.delete(f"/organiser/events/{created['id']}/slots/{created['slots'][0]['id']}", token=token)
    assert removed.status_code == 204
    assert list(event.slots.values_list("pk", flat=True)) == [added.json()["id"]]


def test_removing_a_slot_of_a_published_event_is_a_recorded_visible_change(api, token, edition,
                                                                          organisation):
    from semaine.ledger.models import Entry

    event = publish(edition, organisation)
    first = event.slots.get()
    added = api.post(f"/organiser/events/{event.public_id}/slots", slot(edition, day=1), token=token).json()
    event.refresh_from_db()
    revision, recorded = event.revision, Entry.objects.filter(kind="event.changed").count()
    response = api.delete(f"/organiser/events/{event.public_id}/slots/{first.pk}", token=token)
    assert response.status_code == 204
    event.refresh_from_db()
    assert list(event.slots.values_list("pk", flat=True)) == [added["id"]]
    assert event.first_starts_at == event.slots.get().starts_at  # the event's span follows
    assert event.revision == revision + 1
    assert event.history.order_by("-pk").first().changes == {
        "slots": {"removed": [first.starts_at.isoformat(), first.ends_at.isoformat()]}}
    assert Entry.objects.filter(kind="event.changed").count() == recorded + 1


def test_a_slot_someone_registered_to_cannot_be_removed(api, token, edition, organisation):
    from semaine.registrations import services as registrations

    event = publish(edition, organisation, registration_mode="platform")
    first = event.slots.get()
    api.post(f"/organiser/events/{event.public_id}/slots", slot(edition, day=1), token=token)
    registrations.register(slot=first, email="a@example.fr", first_name="A", last_name="B",
                           email_verified=True)
    response = api.delete(f"/organiser/events/{event.public_id}/slots/{first.pk}", token=token)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "slots"
    assert event.slots.filter(pk=first.pk).exists()


def test_a_refused_event_takes_no_new_slot_and_no_event_more_than_fifty(api, token, edition,
                                                                        organisation):
    from semaine.agenda.services import MAX_SLOTS

    refused = publish(edition, organisation)
    Event.objects.filter(pk=refused.pk).update(state=EventState.REFUSED)
    response = api.post(f"/organiser/events/{refused.public_id}/slots", slot(edition, day=2), token=token)
    assert response.status_code == 409
    assert refused.slots.count() == 1
    full = publish(edition, organisation, day=1)
    start = full.slots.get().starts_at
    Slot.objects.bulk_create([Slot(event=full, starts_at=start + timedelta(hours=i),
                                   ends_at=start + timedelta(hours=i, minutes=30))
                              for i in range(1, MAX_SLOTS)])
    response = api.post(f"/organiser/events/{full.public_id}/slots", slot(edition, day=3), token=token)
    assert response.status_code == 422
    assert "slots" in [error["field"] for error in response.json()["errors"]]
    assert full.slots.count() == MAX_SLOTS


def test_a_slot_of_another_event_or_organisation_is_not_found(api, token, other_token, edition,
                                                              organisation):
    event = publish(edition, organisation)
    other = publish(edition, organisation, day=1)
    api.post(f"/organiser/events/{event.public_id}/slots", slot(edition, day=2), token=token)
    theirs = event.slots.order_by("starts_at").first()
    for path, secret in [(f"/organiser/events/{event.public_id}/slots/{other.slots.get().pk}", token),
                         (f"/organiser/events/{event.public_id}/slots/{theirs.pk}", other_token),
                         (f"/organiser/events/{event.public_id}/slots/99999999999999999999", token),
                         (f"/organiser/events/{event.public_id}/slots/-1", token)]:
        response = api.delete(path, token=secret)
        assert response.status_code == 404, (path, response.status_code)
    assert event.slots.count() == 2 and other.slots.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_a_slot_added_while_another_is_removed_is_kept(migrated_reference_data, edition, organisation,
                                                      admin):
    from django.test import Client

    from semaine.api.tokens import create_api_token

    secret = create_api_token(admin, organisation, "Site")[1]
    event = publish(edition, organisation)
    first = event.slots.get()
    services.add_slot(admin, event, services.SlotData(first.starts_at + timedelta(days=1),
                                                      first.ends_at + timedelta(days=1)))
    statuses = []
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    def call(day):
        client = Client()
        if day is None:
            response = client.delete(f"/api/organiser/events/{event.public_id}/slots/{first.pk}", **headers)
        else:
            response = client.post(f"/api/organiser/events/{event.public_id}/slots", slot(edition, day=day),
                                   content_type="application/json", **headers)
        statuses.append(response.status_code)

    errors = race(call, [(None,)] + [(2 + n % 4,) for n in range(12)])
    assert not errors
    assert sorted(statuses) == [201] * 12 + [204]
    assert event.slots.count() == 1 + 12  # every slot added, the removed one only gone


def test_the_last_slot_cannot_be_removed(api, token, edition):
    created = api.post("/organiser/events", new_event(edition), token=token).json()
    response = api.delete(f"/organiser/events/{created['id']}/slots/{created['slots'][0]['id']}", token=token)
    assert response.status_code == 422
    assert Event.objects.get(public_id=created["id"]).slots.count() == 1


def test_cancelling_keeps_the_event_marked_cancelled(api, token, edition, organisation):
    event = publish(edition, organisation)
    response = api.post(f"/organiser/events/{event.public_id}/cancel", {"reason": "Intempéries"}, token=token)
    assert response.status_code == 200
    assert response.json()["status"] == EventStatus.CANCELLED
    assert api.get(f"/editions/{edition.slug}/events/{event.public_id}").json()["status"] == "cancelled"


def test_cancelling_without_a_reason_is_refused(api, token, edition, organisation):
    event = publish(edition, organisation)
    response = api.post(f"/organiser/events/{event.public_id}/cancel", {"reason": ""}, token=token)
    assert response.status_code == 422


def test_submitting_twice_is_a_409_conflict(api, token, edition):
    created = api.post("/organiser/events", new_event(edition), token=token).json()
    api.post(f"/organiser/events/{created['id']}/submit", token=token)
    response = api.post(f"/organiser/events/{created['id']}/submit", token=token)
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"


def test_a_pending_organisation_cannot_submit(api, token, edition, organisation):
    created = api.post("/organiser/events", new_event(edition), token=token).json()
    organisation.status = "pending"
    organisation.save()
    response = api.post(f"/organiser/events/{created['id']}/submit", token=token)
    assert response.status_code == 409
