"""A programme exported in OpenAgenda's shape, the public download and the round trip."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from semaine.agenda import services as agenda_services
from semaine.agenda.models import (
    PARIS,
    AttendanceMode,
    Audience,
    Event,
    EventStatus,
    Format,
    RegistrationMode,
    Theme,
)
from semaine.agenda.services import SlotData
from semaine.interop import openagenda
from tests import factories

from .openagenda_data import by_outcome


@pytest.fixture
def source_programme(programme, editor, venue, coordinator_2017):
    """Three events written on the web pages' services, published by the coordination."""
    track = programme.tracks.get(name="Découvrir")
    day = datetime(2017, 11, 21, 9, 0, tzinfo=PARIS)
    common = {"programme": programme, "formats": [Format.objects.get(slug="atelier")],
              "audiences": [Audience.objects.get(slug="grand-public")],
              "languages": ["fr", "en"]}
    specs = [
        {"title": "Atelier de cartographie sensible", "summary": "Dessiner la carte des trajets.",
         "description": "Un atelier **pratique**.", "venue": venue, "track": track,
         "themes": [Theme.objects.get(slug="design")], "access_motor": True,
         "access_sign_language": True, "age_min": 10, "age_max": 99,
         "registration_mode": RegistrationMode.EXTERNAL,
         "registration_url": "https://inscriptions.example.fr/cartographie"},
        {"title": "Webinaire des données ouvertes", "summary": "Une heure en ligne.",
         "attendance_mode": AttendanceMode.ONLINE, "online_url": "https://visio.example.fr/d",
         "access_captioning": True, "access_hearing": True},
        {"title": "Exposition en données", "summary": "Sur place et en ligne.", "venue": venue,
         "attendance_mode": AttendanceMode.MIXED, "online_url": "https://visite.example.fr/",
         "access_visual": True, "access_intellectual": True, "access_psychic": True},
    ]
    for index, spec in enumerate(specs):
        slots = [SlotData(day + timedelta(days=index), day + timedelta(days=index, hours=2)),
                 SlotData(day + timedelta(days=index + 1), day + timedelta(days=index + 1, hours=3))]
        event = agenda_services.create_event(editor, organisation=programme.organisation,
                                             edition=programme.edition, fields={**common, **spec},
                                             slots=slots)
        agenda_services.submit_event(editor, event)
        agenda_services.publish_event(coordinator_2017, event)
    agenda_services.set_event_status(editor, Event.objects.get(title__startswith="Exposition"),
                                     EventStatus.FULL)
    return programme


def comparable(event: Event) -> dict:
    """What the round trip keeps of an event."""
    return {
        "title": event.title, "summary": event.summary, "description": event.description,
        "track": event.track.name if event.track else None,
        "formats": sorted(f.slug for f in event.formats.all()),
        "themes": sorted(t.slug for t in event.themes.all()),
        "audiences": sorted(a.slug for a in event.audiences.all()),
        "slots": [(s.starts_at, s.ends_at) for s in event.slots.order_by("starts_at")],
        "attendance_mode": event.attendance_mode, "online_url": event.online_url,
        "venue": (event.venue.name, event.venue.address, event.venue.postcode,
                  event.venue.commune, event.venue.departement_id, event.venue.latitude,
                  event.venue.longitude) if event.venue else None,
        "access": event.accessibility, "languages": event.languages,
        "age": (event.age_min, event.age_max), "status": event.status,
        "registration": (event.registration_mode, event.registration_url),
    }


@pytest.fixture
def target(edition_2017, other_organisation, other_editor):
    programme = factories.ProgrammeFactory(edition=edition_2017, organisation=other_organisation)
    factories.TrackFactory(programme=programme, name="Découvrir")
    return programme


def test_the_export_has_openagenda_s_shape(source_programme):
    document = openagenda.export_programme(source_programme)

    assert document["total"] == 3 and len(document["events"]) == 3
    event = document["events"][0]
    assert event["title"] == {"fr": "Atelier de cartographie sensible"}
    assert event["timings"][0] == {"begin": "2017-11-21T09:00:00+01:00",
                                   "end": "2017-11-21T11:00:00+01:00"}
    assert event["keywords"] == {"fr": ["Atelier", "Design", "Grand public", "Découvrir"]}
    assert event["accessibility"] == {"hi": False, "ii": False, "mi": True, "pi": False,
                                      "vi": False}
    assert event["attendanceMode"] == 1 and event["status"] == 1 and event["state"] == 2
    assert event["registration"] == [{"type": "link",
                                      "value": "https://inscriptions.example.fr/cartographie"}]
    assert event["location"]["postalCode"] == "44000"
    assert event["location"]["department"] == "Loire-Atlantique"
    assert event["age"] == {"min": 10, "max": 99}


def test_the_export_says_online_mixed_and_full(source_programme):
    events = {e["title"]["fr"]: e for e in openagenda.export_programme(source_programme)["events"]}

    webinar, exhibition = events["Webinaire des données ouvertes"], events["Exposition en données"]
    assert (webinar["attendanceMode"], webinar["onlineAccessLink"], webinar["location"]) == (
        2, "https://visio.example.fr/d", None)
    assert (exhibition["attendanceMode"], exhibition["status"]) == (3, 5)


def test_the_public_export_holds_only_published_events(source_programme, organisation):
    factories.EventFactory(organisation=organisation, edition=source_programme.edition,
                           programme=source_programme, title="Brouillon secret")

    titles = [e["title"]["fr"] for e in openagenda.export_programme(source_programme)["events"]]

    assert "Brouillon secret" not in titles and len(titles) == 3


def test_the_round_trip_gives_the_same_events(source_programme, target, other_editor):
    document = json.loads(json.dumps(openagenda.export_programme(source_programme)))

    lines = openagenda.import_document(other_editor, target, openagenda.check_document(document))

    assert [line.outcome for line in lines] == ["created"] * 3
    originals = [comparable(e) for e in Event.objects.filter(programme=source_programme)
                 .order_by("first_starts_at")]
    copies = [comparable(e) for e in Event.objects.filter(programme=target)
              .order_by("first_starts_at")]
    assert copies == originals


def test_importing_the_export_again_changes_nothing(source_programme, target, other_editor):
    document = openagenda.export_programme(source_programme)
    openagenda.import_document(other_editor, target, document)

    lines = openagenda.import_document(other_editor, target, document)

    assert set(by_outcome(lines)) == {"unchanged"}
    assert Event.objects.filter(programme=target).count() == 3


def test_a_reexport_after_an_edit_updates_only_the_edited_event(source_programme, target,
                                                              other_editor, editor):
    openagenda.import_document(other_editor, target, openagenda.export_programme(source_programme))
    edited = Event.objects.get(programme=source_programme, title__startswith="Webinaire")
    agenda_services.update_event(editor, edited, fields={"summary": "Une heure en ligne, en direct."})

    lines = by_outcome(openagenda.import_document(
        other_editor, target, openagenda.export_programme(source_programme)))

    assert len(lines["updated"]) == 1 and len(lines["unchanged"]) == 2
    assert Event.objects.get(programme=target, title__startswith="Webinaire").summary == (
        "Une heure en ligne, en direct.")


def test_the_programme_download_is_a_json_attachment(client, source_programme):
    response = client.get(f"/editions/2017/programmes/{source_programme.slug}/openagenda.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert response.json()["total"] == 3


def test_the_programme_page_links_to_the_download(client, source_programme):
    response = client.get(source_programme.get_absolute_url())

    assert f"/programmes/{source_programme.slug}/openagenda.json".encode() in response.content


def test_the_download_reads_a_constant_number_of_queries(client, source_programme, editor,
                                                         coordinator_2017, django_assert_num_queries):
    url = f"/editions/2017/programmes/{source_programme.slug}/openagenda.json"
    with django_assert_num_queries(6) as few:
        client.get(url)
    event = Event.objects.filter(programme=source_programme).first()
    copy = agenda_services.duplicate_event(editor, event)
    agenda_services.submit_event(editor, copy)
    agenda_services.publish_event(coordinator_2017, copy)
    from django.core.cache import cache

    cache.clear()
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.json()["total"] == 4


def test_an_unknown_programme_download_is_not_found(client, edition_2017):
    assert client.get("/editions/2017/programmes/inconnu/openagenda.json").status_code == 404


def test_the_export_of_every_state_says_which_are_drafts(source_programme, organisation):
    factories.EventFactory(organisation=organisation, edition=source_programme.edition,
                           programme=source_programme, title="Brouillon")

    document = openagenda.export_programme(source_programme, published_only=False)

    states = {e["title"]["fr"]: e["state"] for e in document["events"]}
    assert states["Brouillon"] == 1 and states["Exposition en données"] == 2


def test_the_downloaded_file_reimported_gives_the_same_events(client, source_programme, target,
                                                              other_editor):
    response = client.get(f"/editions/2017/programmes/{source_programme.slug}/openagenda.json")

    lines = openagenda.import_document(other_editor, target,
                                       openagenda.read_document(response.content))

    assert [line.outcome for line in lines] == ["created"] * 3
    assert ([comparable(e) for e in Event.objects.filter(programme=target)
             .order_by("first_starts_at")]
            == [comparable(e) for e in Event.objects.filter(programme=source_programme)
                .order_by("first_starts_at")])


def test_the_export_names_timings_as_openagenda_s_api_takes_them(source_programme):
    """OpenAgenda's API v2 creates an event from ``timings: [{begin, end}]`` with the offset
    of the event's time zone (dev-doc, « Structure d'un événement », Horaires)."""
    for event in openagenda.export_programme(source_programme)["events"]:
        assert event["timezone"] == "Europe/Paris"
        for timing in event["timings"]:
            assert set(timing) == {"begin", "end"}
            begin = datetime.fromisoformat(timing["begin"])
            assert begin.utcoffset() == begin.astimezone(PARIS).utcoffset()


def test_the_same_export_written_as_the_agenda_json_export_gives_the_same_events(
        source_programme, target, other_editor):
    """The agenda's JSON export names the bounds ``start``/``end``, in UTC: read the same."""
    document = json.loads(json.dumps(openagenda.export_programme(source_programme)))
    for event in document["events"]:
        event["timings"] = [
            {"start": datetime.fromisoformat(t["begin"]).astimezone(UTC).strftime(
                "%Y-%m-%dT%H:%M:%S.000Z"),
             "end": datetime.fromisoformat(t["end"]).astimezone(UTC).strftime(
                 "%Y-%m-%dT%H:%M:%S.000Z")}
            for t in event["timings"]]

    openagenda.import_document(other_editor, target, openagenda.check_document(document))

    assert ([comparable(e)["slots"] for e in Event.objects.filter(programme=target)
             .order_by("first_starts_at")]
            == [comparable(e)["slots"] for e in Event.objects.filter(programme=source_programme)
                .order_by("first_starts_at")])
