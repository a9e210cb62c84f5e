"""Each OpenAgenda field becomes the right part of our event (import through the services)."""

from datetime import UTC, datetime

import pytest

from semaine.agenda.models import (
    AttendanceMode,
    Event,
    EventHistory,
    EventState,
    EventStatus,
    HistoryAction,
    RegistrationMode,
    Venue,
)
from semaine.interop import openagenda
from semaine.interop.models import OpenAgendaLink
from semaine.territory.models import Departement
from tests import factories

from .openagenda_data import (
    by_outcome,
    one_event,
    sample,
)

VISIT, WORKSHOP, WEBINAR, ROUND_TABLE, EXHIBITION, ROADS, SPRING, UNTITLED = (
    29471035, 29471102, 29471166, 29471230, 29471297, 29471351, 29471420, 29471488)


def imported(lines, uid) -> Event:
    line = next(line for line in lines if line.uid == str(uid))
    assert line.event_id, line
    return Event.objects.get(pk=line.event_id)


def test_the_sample_agenda_gives_six_events_and_two_skipped(run_import):
    lines = by_outcome(run_import(sample()))

    assert len(lines["created"]) == 6
    assert {line.uid for line in lines["skipped"]} == {str(SPRING), str(UNTITLED)}
    assert Event.objects.count() == 6


def test_title_summary_and_long_description_are_read_in_french(run_import):
    event = imported(run_import(sample()), VISIT)

    assert event.title == "Portes ouvertes du laboratoire Arc'Antique"
    assert event.summary.startswith("Les restaurateurs du laboratoire départemental")
    assert event.description.startswith("Radiographie, microscopie")


def test_the_languages_of_the_multilingual_title_become_the_event_languages(run_import):
    event = imported(run_import(sample()), VISIT)

    assert event.languages == ["fr", "en"]


def test_a_plain_string_title_is_read_as_french(run_import):
    lines = run_import(one_event(title="Visite du laboratoire"))

    event = imported(lines, VISIT)
    assert (event.title, event.languages) == ("Visite du laboratoire", ["fr"])


def test_conditions_are_added_to_the_description(run_import):
    event = imported(run_import(sample()), WORKSHOP)

    assert event.description.endswith(
        "**Conditions :** Réservé aux agents des collectivités de Loire-Atlantique.")


def test_timings_become_slots_stored_in_utc(run_import):
    event = imported(run_import(sample()), WORKSHOP)

    slots = [(s.starts_at, s.ends_at) for s in event.slots.order_by("starts_at")]
    assert slots == [
        (datetime(2017, 11, 22, 8, 30, tzinfo=UTC), datetime(2017, 11, 22, 11, 30, tzinfo=UTC)),
        (datetime(2017, 11, 23, 8, 30, tzinfo=UTC), datetime(2017, 11, 23, 11, 30, tzinfo=UTC)),
    ]


def test_timings_without_offset_are_read_in_the_event_timezone(run_import):
    document = one_event(timezone="America/Cayenne", timings=[
        {"begin": "2017-11-21T14:00:00", "end": "2017-11-21T16:00:00"}])

    event = imported(run_import(document), VISIT)

    assert event.slots.get().starts_at == datetime(2017, 11, 21, 17, 0, tzinfo=UTC)


def test_keywords_become_formats_themes_audiences_and_the_track(run_import):
    event = imported(run_import(sample()), ROUND_TABLE)

    assert [f.slug for f in event.formats.all()] == ["table-ronde"]
    assert sorted(t.slug for t in event.themes.all()) == ["attractivite", "tourisme"]
    assert [a.slug for a in event.audiences.all()] == ["professionnels"]
    assert event.track.name == "Partager"


def test_keywords_matching_nothing_are_left_out(run_import):
    event = imported(run_import(one_event(keywords={"fr": ["Inconnu", "Atelier"]})), VISIT)

    assert [f.slug for f in event.formats.all()] == ["atelier"]
    assert not event.themes.exists() and event.track is None


def test_the_default_track_applies_when_no_keyword_names_a_track(run_import, programme):
    track = programme.tracks.get(name="Comprendre")

    event = imported(run_import(one_event(keywords=["Atelier"]), track=track), VISIT)

    assert event.track == track


def test_a_keyword_can_be_sent_to_a_chosen_track(run_import, programme):
    track = programme.tracks.get(name="Comprendre")

    lines = run_import(one_event(keywords=["Patrimoine"]), track_keywords={"Patrimoine": track})

    assert imported(lines, VISIT).track == track


def test_the_location_becomes_a_venue_of_the_organisation(run_import, organisation):
    event = imported(run_import(sample()), VISIT)

    venue = event.venue
    assert (venue.organisation, venue.name, venue.address, venue.postcode, venue.commune) == (
        organisation, "Laboratoire Arc'Antique", "26 rue de la Haute-Forêt", "44300", "Nantes")
    assert venue.departement.code == "44"
    assert (venue.latitude, venue.longitude) == (47.2482, -1.5197)


def test_a_venue_of_the_same_name_in_the_same_commune_is_reused(run_import, organisation):
    existing = factories.VenueFactory(organisation=organisation, name="Laboratoire Arc'Antique",
                                      commune="Nantes")

    event = imported(run_import(sample()), VISIT)

    assert event.venue == existing


def test_several_events_at_one_place_share_one_venue(run_import):
    run_import(sample())

    assert Venue.objects.filter(name="Hôtel du Département de la Loire-Atlantique").count() == 1


@pytest.mark.parametrize(("location", "code"), [
    ({"insee": "2A004", "postalCode": ""}, "2A"),
    ({"insee": "97411"}, "974"),
    ({"postalCode": "20200"}, "2B"),
    ({"postalCode": "97300"}, "973"),
    ({"postalCode": "14000"}, "14"),
    ({"department": "Finistère"}, "29"),
])
def test_the_departement_comes_from_the_insee_code_the_postal_code_or_the_name(
        programme, location, code):
    references = openagenda.References(programme)

    assert references.departement(location) == Departement.objects.get(code=code)


def test_accessibility_flags_are_mapped(run_import):
    event = imported(run_import(sample()), EXHIBITION)

    assert (event.access_motor, event.access_visual, event.access_intellectual,
            event.access_hearing, event.access_psychic) == (True, True, True, False, False)


def test_an_online_event_has_its_link_and_no_venue(run_import):
    event = imported(run_import(sample()), WEBINAR)

    assert event.attendance_mode == AttendanceMode.ONLINE
    assert event.online_url == "https://webinaire.loire-atlantique.fr/donnees-ouvertes"
    assert event.venue is None


def test_a_mixed_event_has_a_venue_and_a_link(run_import):
    event = imported(run_import(sample()), EXHIBITION)

    assert event.attendance_mode == AttendanceMode.MIXED
    assert event.venue.name == "Archives départementales de la Loire-Atlantique"
    assert event.online_url


def test_a_cancelled_source_event_is_cancelled_through_the_cancellation_service(run_import):
    event = imported(run_import(sample()), ROUND_TABLE)

    assert event.status == EventStatus.CANCELLED
    assert event.history.filter(action=HistoryAction.CANCELLED,
                                comment="Annulé dans OpenAgenda").exists()


def test_a_rescheduled_source_event_is_marked_rescheduled(run_import):
    event = imported(run_import(sample()), EXHIBITION)

    assert event.status == EventStatus.RESCHEDULED


def test_a_registration_link_means_registration_on_another_site(run_import):
    event = imported(run_import(sample()), VISIT)

    assert event.registration_mode == RegistrationMode.EXTERNAL
    assert event.registration_url == "https://www.loire-atlantique.fr/arc-antique-portes-ouvertes"


def test_registration_by_email_or_phone_is_written_in_the_description(run_import):
    event = imported(run_import(sample()), ROADS)

    assert event.registration_mode == RegistrationMode.NONE
    assert event.description.endswith(
        "**Inscription :** routes.chateaubriant@loire-atlantique.fr, 02 40 81 00 00")


def test_the_age_range_is_mapped(run_import):
    event = imported(run_import(sample()), VISIT)

    assert (event.age_min, event.age_max) == (8, None)


def test_the_image_is_not_downloaded_and_the_report_says_so(run_import):
    line = next(line for line in run_import(sample()) if line.uid == str(ROADS))

    assert "image" in line.message
    assert not Event.objects.get(pk=line.event_id).image


def test_imported_events_are_drafts_of_the_programme_with_their_history(run_import, editor,
                                                                         programme):
    event = imported(run_import(sample()), VISIT)

    assert (event.state, event.programme, event.edition) == (
        EventState.DRAFT, programme, programme.edition)
    assert EventHistory.objects.filter(event=event, action=HistoryAction.CREATED,
                                       actor=editor).exists()


def test_each_imported_event_is_linked_to_its_source_ids(run_import):
    event = imported(run_import(sample()), VISIT)

    link = OpenAgendaLink.objects.get(event=event)
    assert (link.source_agenda, link.source_uid) == ("51824379", str(VISIT))


def test_the_submit_option_submits_the_drafts_that_can_be(run_import):
    lines = run_import(sample(), submit=True)

    assert imported(lines, VISIT).state == EventState.SUBMITTED
    # no format nor audience matched the keywords: it stays a draft, the report says why
    document = one_event(uid=1, keywords=[])
    line = run_import(document, submit=True)[0]
    assert Event.objects.get(pk=line.event_id).state == EventState.DRAFT
    assert "format" in line.message


@pytest.mark.parametrize(("changes", "reason"), [
    ({"title": {"fr": " "}}, "Titre manquant."),
    ({"timings": []}, "Aucun horaire"),
    ({"timings": [{"begin": "demain", "end": "après-demain"}]}, "Horaire illisible"),
    ({"timings": [{"begin": "2017-11-21T16:00:00+01:00", "end": "2017-11-21T14:00:00+01:00"}]},
     "la fin précède le début"),
    ({"timings": [{"begin": "2018-03-15T09:00:00+01:00", "end": "2018-03-15T17:00:00+01:00"}]},
     "hors des dates de l’édition"),
    ({"location": None}, "sans lieu"),
    ({"attendanceMode": 2, "onlineAccessLink": "pas un lien"}, "sans lien de participation"),
    ({"attendanceMode": 7}, "Mode de participation inconnu"),
    ({"status": 9}, "Statut inconnu"),
])
def test_an_event_that_cannot_be_imported_is_skipped_with_the_reason(run_import, changes, reason):
    line = run_import(one_event(**changes))[0]

    assert line.outcome == "skipped"
    assert reason in line.message
    assert not Event.objects.exists()


@pytest.mark.parametrize("coordinates", [
    {"latitude": 147.2, "longitude": -1.55},
    {"latitude": "nord", "longitude": -1.55},
    {"latitude": 47.2, "longitude": None},
])
def test_invalid_coordinates_skip_the_event_and_create_no_venue(run_import, coordinates):
    raw = one_event()
    raw["events"][0]["location"].update(coordinates)

    line = run_import(raw)[0]

    assert (line.outcome, line.message) == ("skipped", "Coordonnées du lieu invalides.")
    assert not Venue.objects.exists()


def test_a_place_abroad_is_skipped_because_its_departement_is_unknown(run_import):
    raw = one_event()
    raw["events"][0]["location"] = {"name": "Palais des Nations", "city": "Genève",
                                    "postalCode": "1211", "countryCode": "CH",
                                    "latitude": 46.22, "longitude": 6.14}

    line = run_import(raw)[0]

    assert line.outcome == "skipped" and "département est introuvable" in line.message


def test_an_element_that_is_not_an_object_is_skipped(run_import):
    document = sample()
    document["events"].insert(0, "pas un événement")

    lines = run_import(document)

    assert lines[0].outcome == "skipped" and lines[0].message == "Cet élément n’est pas un événement."
    assert Event.objects.count() == 6
