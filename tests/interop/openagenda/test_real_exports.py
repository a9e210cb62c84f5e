"""Real OpenAgenda files (see data/README.md) go in whole: the agenda's JSON export (timings
as ``start``/``end`` in UTC), its older flat form, and an answer of the API v2 read without
``detailed=1``. Dates land in Europe/Paris as published, venues keep a clean street, texts
come through."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from semaine.agenda.models import Event
from semaine.interop import openagenda
from semaine.interop.models import ImportStatus, OpenAgendaLink
from tests import factories

from .openagenda_data import DATA, by_outcome, paris

ARLES = DATA / "arles-agenda-events.json"
MUSEES = DATA / "nuit-des-musees-2018-event.json"
API_V2 = DATA / "api-v2-events.json"


def programme_for(organisation, starts_on: date, ends_on: date):
    edition = factories.EditionFactory(
        slug=f"edition-{starts_on:%Y%m%d}", starts_on=starts_on, ends_on=ends_on,
        submission_deadline=timezone.now() + timedelta(days=10))
    return factories.ProgrammeFactory(edition=edition, organisation=organisation,
                                      title="Programme importé", slug="programme-importe")


def imported(editor, organisation, path, starts_on, ends_on):
    programme = programme_for(organisation, starts_on, ends_on)
    document = openagenda.read_document(path.read_bytes())
    return openagenda.import_document(editor, programme, document), programme


def event_of(uid: int) -> Event:
    return OpenAgendaLink.objects.select_related("event__venue__departement").get(
        source_uid=str(uid)).event


def slots_of(event: Event) -> list:
    return [(s.starts_at, s.ends_at) for s in event.slots.order_by("starts_at")]


@pytest.fixture
def arles(editor, organisation):
    return imported(editor, organisation, ARLES, date(2023, 3, 1), date(2023, 5, 31))


def test_the_arles_export_is_imported_but_the_event_of_52_timings(arles):
    lines, _programme = arles

    outcomes = by_outcome(lines)

    assert sorted(int(line.uid) for line in outcomes["created"]) == [
        1222841, 30374644, 36777759, 42189644, 86243533, 89756617, 95956981]
    [skipped] = outcomes["skipped"]
    assert (skipped.uid, skipped.title) == ("39925956", "Soleil bleu")
    assert skipped.message == "Plus de 50 horaires : découpez cet événement."


def test_start_and_end_in_utc_become_the_published_paris_times(arles):
    theatre = event_of(86243533)  # « Vendredi 12 mai, 19h00 » in the export's own summary
    savons = event_of(95956981)

    assert slots_of(theatre) == [(paris(2023, 5, 12, 19), paris(2023, 5, 12, 20))]
    assert len(slots_of(savons)) == 14
    assert slots_of(savons)[0] == (paris(2023, 2, 6, 9), paris(2023, 2, 6, 13))
    assert slots_of(savons)[-1] == (paris(2023, 3, 12, 9), paris(2023, 3, 12, 12))
    assert timezone.localtime(slots_of(event_of(42189644))[0][0], paris(2023, 1, 1).tzinfo
                              ).strftime("%d/%m/%Y %H:%M") == "25/05/2023 18:00"


@pytest.mark.parametrize(("uid", "name", "street"), [
    (86243533, "Théâtre d'Arles", "34, boulevard Georges Clemenceau"),
    (42189644, "Musée départemental Arles antique", "Presqu'île du Cirque-Romain"),
    (95956981, "Atelier ARRA", "13 rue Marmandin"),  # « 13 rue Marmandin, 13200 ARLES »
    (89756617, "Cargo de Nuit", "7, avenue Sadi-Carnot"),
])
def test_venues_keep_their_street_without_postcode_and_commune(arles, uid, name, street):
    venue = event_of(uid).venue

    assert (venue.name, venue.address, venue.postcode, venue.commune) == (
        name, street, "13200", "Arles")
    assert venue.departement.code == "13"
    assert venue.latitude is not None and venue.longitude is not None


def test_texts_ages_access_and_contacts_come_through(arles):
    theatre = event_of(86243533)

    assert theatre.title == "Trois hommes vertes"
    assert theatre.summary.startswith("Valérie Mréjen nous projette vers une enfance réinventée")
    assert "Une féerie en langue martienne." in theatre.description
    assert "**Conditions :** De 4€ à 15€" in theatre.description
    assert "**Inscription :** info@theatre-arles.com, 0490525151" in theatre.description
    assert (theatre.age_min, theatre.age_max, theatre.access_motor) == (5, 99, True)


def test_four_evenings_at_one_venue_share_one_venue_of_the_organisation(arles, organisation):
    cargo = {event_of(uid).venue for uid in (1222841, 30374644, 36777759, 89756617)}

    assert len(cargo) == 1 and organisation.venues.count() == 4


def test_an_empty_long_description_leaves_the_summary_and_the_conditions(arles):
    guts = event_of(89756617)  # « longDescription »: {}

    assert guts.summary.startswith("Expérimental et ensoleillé, le DJ set de Guts")
    assert guts.description == "**Conditions :** 15€ hors DL"
    assert guts.registration_url == "https://shotgun.live/fr/events/guts"
    assert slots_of(guts) == [(paris(2023, 5, 6, 20), paris(2023, 5, 6, 23, 30))]


def test_the_export_s_origin_names_the_agenda_and_a_second_import_changes_nothing(
        arles, editor):
    _lines, programme = arles

    again = openagenda.import_document(editor, programme,
                                       openagenda.read_document(ARLES.read_bytes()))

    assert {link.source_agenda for link in OpenAgendaLink.objects.all()} == {"99501607"}
    assert sorted(line.outcome for line in again) == ["skipped"] + ["unchanged"] * 7
    assert Event.objects.count() == 7


def test_the_background_run_reports_the_real_export(editor, organisation):
    programme = programme_for(organisation, date(2023, 3, 1), date(2023, 5, 31))
    run = openagenda.start_import(editor, programme,
                                  openagenda.read_document(ARLES.read_bytes()),
                                  file_name="events.json")

    run = openagenda.execute_import(run.pk)

    assert run.status == ImportStatus.DONE
    assert [line["outcome"] for line in run.report].count("created") == 7


def test_the_older_flat_export_is_imported(editor, organisation):
    lines, _programme = imported(editor, organisation, MUSEES, date(2018, 5, 14),
                                 date(2018, 5, 20))

    [line] = lines
    assert line.outcome == "created", line.message
    event = event_of(65615282)
    assert event.title == "Light-painting autour des collections"
    assert slots_of(event) == [(paris(2018, 5, 19, 15), paris(2018, 5, 19, 23))]
    venue = event.venue
    assert (venue.name, venue.address, venue.postcode, venue.commune, venue.departement.code) == (
        "Musée de Bressuire", "2 place de l'hôtel de ville", "79300", "Bressuire", "79")
    # the export's conditions hold a control character (U+001E): it is dropped
    assert "**Conditions :** 5 € groupe à partir de 10 personnes." in event.description
    assert "0549743224, 0643474812, musees@agglo2b.fr" in event.description


def test_the_older_export_without_location_object_reads_the_flat_venue(editor, organisation):
    document = openagenda.read_document(MUSEES.read_bytes())
    del document["events"][0]["location"]
    programme = programme_for(organisation, date(2018, 5, 14), date(2018, 5, 20))

    [line] = openagenda.import_document(editor, programme, document)

    assert line.outcome == "created", line.message
    venue = event_of(65615282).venue
    assert (venue.name, venue.address, venue.commune) == (
        "Musée de Bressuire", "2 place de l'hôtel de ville", "Bressuire")


def test_an_api_answer_without_detailed_timings_imports_first_and_last_and_says_so(
        editor, organisation):
    lines, _programme = imported(editor, organisation, API_V2, date(2025, 1, 6),
                                 date(2025, 1, 12))

    [line] = lines
    assert line.outcome == "created"
    assert "detailed=1" in line.message
    event = event_of(9906334)
    assert event.title == "Mon évènement" and sorted(event.languages) == ["en", "fr"]
    assert slots_of(event) == [(paris(2025, 1, 6, 11), paris(2025, 1, 6, 15)),
                               (paris(2025, 1, 6, 15), paris(2025, 1, 6, 18))]
    venue = event.venue
    # « 122 rue de Charonne, 75011 Paris, France », without postalCode: read from the address
    assert (venue.address, venue.postcode, venue.commune, venue.departement.code) == (
        "122 rue de Charonne", "75011", "Paris", "75")
    assert OpenAgendaLink.objects.get().source_agenda == "41630080"


def test_the_real_export_uploaded_on_the_import_page_shows_its_report(
        client, editor, organisation, django_capture_on_commit_callbacks):
    programme = programme_for(organisation, date(2023, 3, 1), date(2023, 5, 31))
    client.force_login(editor)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/espace/{organisation.slug}/openagenda/", {
            "file": SimpleUploadedFile("events.json", ARLES.read_bytes(),
                                       content_type="application/json"),
            "programme": programme.pk})

    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Import terminé : 8 événements lus." in page
    assert "Plus de 50 horaires : découpez cet événement." in page
    assert "Trois hommes vertes" in page
