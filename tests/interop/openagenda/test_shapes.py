"""Every shape OpenAgenda publishes is read (API v2, the agenda's JSON export, the oldest flat
export), and fields of the wrong type or out of range are reported in French, one event at a
time, never as an error of the whole import."""

import json

import pytest

from semaine.agenda.models import Event
from semaine.interop import openagenda
from semaine.interop.openagenda.mapping import street_of

from .openagenda_data import one_event, paris


def line_of(run_import, **changes):
    [line] = run_import(one_event(**changes))
    return line


def event_of(line) -> Event:
    assert line.event_id, line
    return Event.objects.get(pk=line.event_id)


def test_the_json_export_s_start_and_end_in_utc_are_read(run_import):
    line = line_of(run_import, timings=[{"start": "2017-11-21T13:00:00.000Z",
                                         "end": "2017-11-21T16:00:00.000Z"}])

    assert line.outcome == "created"
    slot = event_of(line).slots.get()
    assert (slot.starts_at, slot.ends_at) == (paris(2017, 11, 21, 14), paris(2017, 11, 21, 17))


def test_an_offset_without_colon_as_in_the_api_documentation_is_read(run_import):
    line = line_of(run_import, timings=[{"begin": "2017-11-21T14:00:00+0100",
                                         "end": "2017-11-21T17:00:00+0100"}])

    assert event_of(line).slots.get().starts_at == paris(2017, 11, 21, 14)


def test_first_and_last_timings_stand_in_for_missing_timings_and_the_report_says_so(
        run_import):
    raw = one_event()["events"][0]
    del raw["timings"]
    raw["firstTiming"] = {"begin": "2017-11-21T09:00:00+01:00", "end": "2017-11-21T12:00:00+01:00"}
    raw["lastTiming"] = {"begin": "2017-11-23T09:00:00+01:00", "end": "2017-11-23T12:00:00+01:00"}

    [line] = run_import({"events": [raw]})

    assert line.outcome == "created" and "detailed=1" in line.message
    assert event_of(line).slots.count() == 2


@pytest.mark.parametrize(("address", "postcode", "commune", "street", "found"), [
    ("12 rue X, 44000 Nantes", "44000", "Nantes", "12 rue X", "44000"),
    ("12 rue X, 44000 Nantes, France", "", "Nantes", "12 rue X", "44000"),
    ("2 place de l'hôtel de ville, 79300, Bressuire", "79300", "Bressuire",
     "2 place de l'hôtel de ville", "79300"),
    ("33, boulevard Victor Hugo, 13200 Arles", "13200", "Pont-de-Crau",
     "33, boulevard Victor Hugo", "13200"),
    ("13 rue Marmandin, 13200 ARLES", "13200", "Arles", "13 rue Marmandin", "13200"),
    ("5 rue de la Gare, Saint-Étienne", "42000", "Saint-Etienne", "5 rue de la Gare", "42000"),
    ("26000 Valence", "26000", "Valence", "", "26000"),
    ("Quai de la Fosse", "44000", "Nantes", "Quai de la Fosse", "44000"),
    # another postal code than the venue's is part of the street: it stays
    ("Centre commercial, 44800 Saint-Herblain", "44000", "Nantes",
     "Centre commercial, 44800 Saint-Herblain", "44000"),
])
def test_the_postcode_commune_and_country_are_taken_off_the_street(address, postcode, commune,
                                                                   street, found):
    assert street_of(address, postcode, commune) == (street, found)


def test_the_venue_s_street_is_stored_without_postcode_and_commune(run_import):
    raw = one_event()["events"][0]
    raw["location"].update(address="12 rue de Strasbourg, 44000 Nantes", postalCode="44000",
                           city="Nantes", name="Hôtel du Département")

    [line] = run_import({"events": [raw]})

    venue = event_of(line).venue
    assert (venue.address, venue.postcode, venue.commune) == ("12 rue de Strasbourg", "44000",
                                                              "Nantes")


@pytest.mark.parametrize(("age", "kept", "message"), [
    ({"min": 150, "max": None}, (None, None),
     "Âge minimal « 150 » hors des bornes (de 0 à 120 ans) : non importé."),
    ({"min": 8, "max": -1}, (8, None),
     "Âge maximal « -1 » hors des bornes (de 0 à 120 ans) : non importé."),
    ({"min": 12, "max": 8}, (None, None),
     "Âge minimal (12 ans) supérieur à l’âge maximal (8 ans) : tranche d’âge non importée."),
    ({"min": "huit"}, (None, None),
     "Âge minimal « huit » hors des bornes (de 0 à 120 ans) : non importé."),
    ("8-12", (None, None), "Âge du public illisible (« age » vaut {min, max}) : non importé."),
])
def test_an_age_out_of_range_is_reported_not_dropped_silently(run_import, age, kept, message):
    line = line_of(run_import, age=age)

    assert line.outcome == "created"
    assert message in line.message
    event = event_of(line)
    assert (event.age_min, event.age_max) == kept


def test_a_valid_age_range_gives_no_note(run_import):
    line = line_of(run_import, age={"min": 0, "max": 120}, image=None)

    assert line.message == ""
    assert (event_of(line).age_min, event_of(line).age_max) == (0, 120)


def test_the_json_export_s_list_of_accessibility_codes_and_registration_text_are_read(
        run_import):
    line = line_of(run_import, accessibility=["mi", "mei"], registration=None,
                   registrationUrl="https://exemple.fr/inscription, 02 40 99 10 00")

    event = event_of(line)
    assert (event.access_motor, event.access_intellectual, event.access_hearing) == (
        True, True, False)
    assert event.registration_url == "https://exemple.fr/inscription"
    assert "02 40 99 10 00" in event.description


def test_tags_of_the_json_export_are_keywords(run_import, programme):
    line = line_of(run_import, keywords=None, tags=[{"label": "Partager", "slug": "partager"}])

    assert event_of(line).track.name == "Partager"


@pytest.mark.parametrize(("changes", "message"), [
    ({"timings": {"begin": "2017-11-21T14:00:00+01:00"}},
     "« timings » doit être une liste d’horaires ({begin, end} ou {start, end})."),
    ({"timings": ["2017-11-21T14:00:00+01:00"]},
     "Horaire illisible : chaque horaire a un début (« begin » ou « start ») et une fin "
     "(« end »), dates ISO 8601."),
    ({"timings": [{"start": 1511269200, "end": 1511280000}]}, "Horaire illisible"),
    ({"timings": [{"begin": "2017-11-21T14:00:00+01:00"}]}, "Horaire illisible"),
    ({"timings": []}, "Aucun horaire (« timings » vide)."),
    ({"title": ["Atelier"]}, "Titre manquant."),
    ({"attendanceMode": [1]}, "Mode de participation inconnu (« attendanceMode » vaut 1, 2 ou 3)."),
    ({"attendanceMode": "sur place"}, "Mode de participation inconnu"),
    ({"status": {"code": 6}}, "Statut inconnu (« status » vaut de 1 à 6)."),
    ({"location": "Nantes"}, "Événement sur place sans lieu (« location »)."),
    ({"location": {"name": "Salle", "city": "Nantes", "postalCode": "44000",
                   "latitude": [47.2], "longitude": -1.5}}, "Coordonnées du lieu invalides."),
])
def test_a_field_of_the_wrong_type_skips_the_event_with_a_french_reason(run_import, changes,
                                                                        message):
    line = line_of(run_import, **changes)

    assert line.outcome == "skipped"
    assert message in line.message
    assert not Event.objects.exists()


def test_an_identifier_beyond_what_json_numbers_hold_exactly_is_imported(run_import):
    line = line_of(run_import, uid=2 ** 60)

    assert line.outcome == "created" and line.uid == str(2 ** 60)


def test_string_status_and_attendance_codes_are_read(run_import):
    line = line_of(run_import, status="1", attendanceMode="1")

    assert line.outcome == "created"


def test_one_event_alone_as_the_api_answers_it_is_read():
    document = openagenda.read_document(json.dumps(
        {"success": True, "event": one_event()["events"][0]}).encode())

    assert [event["uid"] for event in document["events"]] == [29471035]


def test_a_bare_event_object_is_read():
    document = openagenda.read_document(json.dumps(one_event()["events"][0]).encode())

    assert len(document["events"]) == 1


def test_a_malformed_file_is_refused_with_its_line_and_column():
    with pytest.raises(openagenda.FormatError) as error:
        openagenda.read_document(b'{"events": [{"uid": 1,\n "title": }]}')

    assert error.value.messages == [
        "Le fichier n’est pas un JSON valide (ligne 2, colonne 11)."]
