"""Files that are not OpenAgenda exports are refused in French, and nothing is written."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from semaine.agenda.models import Event, Venue
from semaine.interop import openagenda
from semaine.interop.models import OpenAgendaImport

from .openagenda_data import SAMPLE, sample

GOOD = SAMPLE.read_bytes()


def refusal(data: bytes) -> str:
    with pytest.raises(openagenda.FormatError) as error:
        openagenda.read_document(data)
    return error.value.messages[0]


def test_a_file_that_is_not_json_is_refused():
    assert refusal(b"uid;title\n1;Atelier\n").startswith("Le fichier n’est pas un JSON valide")


def test_a_truncated_file_is_refused():
    assert "tronqué" in refusal(GOOD[: len(GOOD) // 2])


def test_a_file_that_is_not_utf8_is_refused():
    assert "UTF-8" in refusal('{"events": ["é"]}'.encode("latin-1"))


def test_an_empty_file_is_refused():
    assert refusal(b"  \n") == "Le fichier est vide."


@pytest.mark.parametrize("document", [
    {"data": []},
    {"events": {"uid": 1}},
    "events",
    {"events": [{"name": "Atelier", "date": "2017-11-21"}]},
])
def test_json_of_another_shape_is_refused(document):
    assert "n’est pas un export OpenAgenda" in refusal(json.dumps(document).encode())


def test_an_oversized_file_is_refused(settings):
    settings.SEMAINE_OPENAGENDA_MAX_BYTES = 1024 * 1024

    assert "dépasse 1 Mo" in refusal(GOOD + b" " * (1024 * 1024))


def test_too_many_events_are_refused():
    document = {"events": [{"uid": n, "title": "x"} for n in range(openagenda.MAX_EVENTS + 1)]}

    assert "plus de 5000 événements" in refusal(json.dumps(document).encode())


def test_a_bare_list_of_events_is_read():
    document = openagenda.read_document(json.dumps(sample()["events"]).encode())

    assert len(document["events"]) == 8


def test_a_byte_order_mark_is_accepted():
    assert openagenda.read_document(b"\xef\xbb\xbf" + GOOD)["events"]


def test_one_bad_event_among_good_ones_is_reported_and_leaves_nothing(run_import):
    document = sample()
    bad = document["events"][1]
    bad["location"]["name"] = "Salle sans coordonnées valides"
    bad["location"]["latitude"] = 123.4

    lines = run_import(document)

    line = next(line for line in lines if line.uid == str(bad["uid"]))
    assert (line.outcome, line.message) == ("skipped", "Coordonnées du lieu invalides.")
    assert Event.objects.count() == 5
    assert not Venue.objects.filter(name="Salle sans coordonnées valides").exists()


def upload(client, programme, data: bytes, name="export.json"):
    return client.post(
        f"/espace/{programme.organisation.slug}/openagenda/",
        {"file": SimpleUploadedFile(name, data, content_type="application/json"),
         "programme": programme.pk},
    )


@pytest.mark.parametrize(("data", "message"), [
    (b"not json", "n’est pas un JSON valide"),
    (GOOD[:-40], "tronqué"),
    (b'{"items": []}', "n’est pas un export OpenAgenda"),
])
def test_the_upload_page_shows_the_error_and_writes_nothing(client, editor, programme, data,
                                                            message):
    client.force_login(editor)

    response = upload(client, programme, data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not OpenAgendaImport.objects.exists() and not Event.objects.exists()


def test_an_oversized_upload_is_refused_before_reading(client, editor, programme, settings):
    settings.SEMAINE_OPENAGENDA_MAX_BYTES = 1024 * 1024
    client.force_login(editor)

    response = upload(client, programme, GOOD + b" " * (1024 * 1024))

    assert "dépasse 1 Mo" in response.content.decode()
    assert not OpenAgendaImport.objects.exists()


def test_deeply_nested_json_is_refused():
    data = b'{"events": [' + b"[" * 100_000 + b"]" * 100_000 + b"]}"

    assert "imbrique trop" in refusal(data)


def test_json_nested_deeper_than_any_export_but_within_python_limits_is_refused():
    data = b'{"events": [{"uid": 1, "title": "x", "a": ' + b"[" * 200 + b"]" * 200 + b"}]}"

    assert "imbrique trop" in refusal(data)


def test_an_integer_with_thousands_of_digits_is_refused():
    data = b'{"events": [{"uid": ' + b"9" * 5000 + b', "title": "x"}]}'

    assert "nombre entier trop grand" in refusal(data)


def test_an_integer_beyond_64_bits_is_refused():
    data = b'{"events": [{"uid": 123456789012345678901234, "title": "x"}]}'

    assert "nombre entier trop grand" in refusal(data)


@pytest.mark.parametrize("number", [b"1e999999", b"-1e400"])
def test_a_number_too_large_for_a_float_is_refused(number):
    data = b'{"events": [{"uid": 1, "title": "x", "age": {"min": ' + number + b'}}]}'

    assert "nombre trop grand pour être lu" in refusal(data)


@pytest.mark.parametrize("literal", [b"NaN", b"Infinity", b"-Infinity"])
def test_non_standard_number_literals_are_refused(literal):
    data = b'{"events": [{"uid": 1, "title": "x", "age": {"min": ' + literal + b'}}]}'

    assert "n’est pas un nombre JSON" in refusal(data)


def test_invalid_utf8_in_the_middle_of_a_valid_file_is_refused():
    assert "UTF-8" in refusal(b'{"events": [{"uid": 1, "title": "Atelier \xff\xfe"}]}')


@pytest.mark.parametrize(("data", "message"), [
    (b'{"events": [' + b"[" * 100_000 + b"]" * 100_000 + b"]}", "imbrique trop"),
    (b'{"events": [{"uid": ' + b"9" * 5000 + b', "title": "x"}]}', "nombre entier trop grand"),
    (b'{"events": [{"uid": 1, "title": "x", "age": {"min": 1e999999}}]}', "trop grand pour"),
    (b'{"events": [{"uid": 1, "title": "x", "age": {"min": NaN}}]}', "pas un nombre JSON"),
])
def test_the_upload_page_refuses_unreadable_numbers_and_nesting_in_french(
        client, editor, programme, data, message):
    client.force_login(editor)

    response = upload(client, programme, data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not OpenAgendaImport.objects.exists()


def test_the_command_line_refuses_unreadable_numbers_in_french(tmp_path, editor, programme, capsys):
    from semaine import cli

    path = tmp_path / "export.json"
    path.write_bytes(b'{"events": [{"uid": 1, "title": "x", "age": {"min": 1e999999}}]}')

    code = cli.main(["openagenda", "import", str(path), "--organisation",
                     programme.organisation.slug, "--programme", programme.slug,
                     "--user", editor.email])

    assert code == 1
    assert "ÉCHEC : Le fichier contient un nombre trop grand" in capsys.readouterr().err
    assert not Event.objects.exists()


def test_control_characters_of_an_imported_event_become_spaces_on_one_line_fields(run_import):
    document = sample()
    raw = document["events"][0]
    raw["title"] = {"fr": "Atelier\r\ndata\x07 ouverte"}
    raw["location"]["name"] = "Salle\u2028B"
    raw["longDescription"] = {"fr": "Premier paragraphe.\n\nSecond\x1b paragraphe."}

    run_import(document)

    event = Event.objects.get(title="Atelier data ouverte")
    assert event.venue.name == "Salle B"
    assert event.description.startswith("Premier paragraphe.\n\nSecond paragraphe.")
