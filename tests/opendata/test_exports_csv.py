"""The CSV export: validated against its Table Schema with frictionless, and read back with csv."""

import json

import pytest
from frictionless import Resource, Schema, validate

from semaine.agenda import services
from semaine.agenda.models import (
    ACCESSIBILITY_FIELDS,
    PARIS,
    AttendanceMode,
    EventState,
    RegistrationMode,
    Theme,
)
from semaine.opendata import exports
from tests import factories

from .conftest import build_files, export_url

pytestmark = pytest.mark.django_db


def _frictionless_files(tmp_path, download, edition) -> None:
    """Every file of the data package, saved under the names its descriptor gives."""
    for name in ("datapackage", "schema", "csv", "geojson", "jsonld"):
        path = export_url(edition, name).rsplit("/", 1)[1]
        (tmp_path / path).write_bytes(download(edition, name))


@pytest.fixture
def varied(publish, venue, editor):
    """Events that use every kind of column: venue, online, registration, lists, ages."""
    themes = list(Theme.objects.all()[:2])
    located = publish(venue=venue, slots=2, age_min=12, age_max=99, capacity=30,
                      registration_mode=RegistrationMode.PLATFORM, access_motor=True,
                      languages=["fr", "lsf"])
    located.themes.set(themes)
    located.co_organisers.set([factories.OrganisationFactory(name="Ville de Nantes")])
    publish(attendance_mode=AttendanceMode.ONLINE, online_url="https://visio.example.fr/salle",
            registration_mode=RegistrationMode.EXTERNAL,
            registration_url="https://inscription.example.fr/atelier")
    programme = factories.ProgrammeFactory(edition=located.edition, organisation=located.organisation)
    track = factories.TrackFactory(programme=programme, name="Découvrir")
    publish(venue=venue, programme=programme, track=track,
            attendance_mode=AttendanceMode.MIXED, online_url="https://visio.example.fr/mixte")
    return located


def test_the_csv_validates_against_its_table_schema(download, edition, varied):
    schema = Schema.from_descriptor(json.loads(download(edition, "schema")))
    resource = Resource(data=download(edition, "csv"), format="csv", schema=schema)
    report = resource.validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert report.tasks[0].stats["rows"] == 4


def test_the_csv_validates_through_its_data_package(tmp_path, download, edition, varied):
    _frictionless_files(tmp_path, download, edition)
    report = validate(tmp_path / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_a_value_that_breaks_the_schema_is_caught_by_the_validation(tmp_path, download, edition, varied):
    _frictionless_files(tmp_path, download, edition)
    data = (tmp_path / "evenements.csv").read_text(encoding="utf-8")
    (tmp_path / "evenements.csv").write_text(data.replace(",programme,", ",ouvert,", 1), encoding="utf-8")
    assert not validate(tmp_path / "datapackage.json").valid


def test_the_schema_names_every_column_in_order_with_a_french_description(download, edition, publish):
    publish()
    schema = json.loads(download(edition, "schema"))
    header = download(edition, "csv").decode().split("\r\n", 1)[0].split(",")
    assert [field["name"] for field in schema["fields"]] == header
    assert all(field["description"] for field in schema["fields"])
    assert schema["primaryKey"] == ["identifiant"]


def test_every_accessibility_flag_has_a_column(edition):
    assert [field for field, _label in ACCESSIBILITY_FIELDS] == list(exports.ACCESSIBILITY_COLUMNS)
    assert set(exports.ACCESSIBILITY_COLUMNS.values()) <= set(exports.COLUMNS)


def test_each_slot_is_one_row(csv_rows, edition, publish):
    first, second = publish(slots=3), publish(slots=1)
    rows = csv_rows(edition)
    assert [row["identifiant_evenement"] for row in rows] == [str(first.public_id)] * 3 + [
        str(second.public_id)]
    assert [row["identifiant"] for row in rows[:3]] == [
        f"{first.public_id}-{slot.pk}" for slot in first.slots.order_by("starts_at")]


def test_drafts_submitted_and_refused_events_are_not_exported(csv_rows, edition, organisation, publish):
    for state in (EventState.DRAFT, EventState.SUBMITTED, EventState.REFUSED):
        factories.EventFactory(edition=edition, organisation=organisation, state=state)
    published = publish()
    assert {row["identifiant_evenement"] for row in csv_rows(edition)} == {str(published.public_id)}


def test_events_of_another_edition_are_not_exported(csv_rows, edition, organisation, publish):
    other = factories.EditionFactory()
    factories.EventFactory(edition=other, organisation=organisation, state=EventState.PUBLISHED)
    published = publish()
    assert {row["identifiant_evenement"] for row in csv_rows(edition)} == {str(published.public_id)}


def test_a_cancelled_event_stays_with_the_cancelled_status(csv_rows, edition, publish, editor, on_commit):
    event = publish(slots=2)
    on_commit(services.cancel_event, editor, event, "Intempéries.")
    assert [row["statut"] for row in csv_rows(edition)] == ["annule", "annule"]


def test_a_cancelled_slot_is_cancelled_while_the_event_goes_on(csv_rows, edition, publish, editor):
    event = publish(slots=2)
    services.cancel_slot(editor, event.slots.order_by("starts_at").last(), "Salle indisponible.")
    assert [row["statut"] for row in csv_rows(edition)] == ["programme", "annule"]


def test_dates_are_iso_8601_in_paris_time_with_their_offset(csv_rows, edition, publish):
    event = publish()
    slot = event.slots.get()
    row = csv_rows(edition)[0]
    assert row["date_debut"] == slot.starts_at.astimezone(PARIS).isoformat()
    assert row["date_debut"][-6:] in ("+01:00", "+02:00")


def test_the_venue_comes_with_its_coordinates_and_insee_codes(csv_rows, edition, publish, venue):
    publish(venue=venue)
    row = csv_rows(edition)[0]
    assert (row["lieu"], row["commune"], row["code_postal"]) == ("Hôtel du Département", "Nantes", "44000")
    assert (row["code_departement"], row["departement"]) == ("44", "Loire-Atlantique")
    assert (row["code_region"], row["region"]) == ("52", "Pays de la Loire")
    assert (float(row["latitude"]), float(row["longitude"])) == (47.2184, -1.5536)


def test_an_online_event_has_its_link_and_no_venue(csv_rows, edition, publish, venue):
    publish(venue=venue, attendance_mode=AttendanceMode.ONLINE, online_url="https://visio.example.fr/a")
    row = csv_rows(edition)[0]
    assert (row["mode_participation"], row["lien_en_ligne"]) == ("en_ligne", "https://visio.example.fr/a")
    assert row["lieu"] == row["latitude"] == row["code_departement"] == ""


def test_lists_are_separated_by_semicolons(csv_rows, edition, publish):
    event = publish()
    event.themes.set([Theme.objects.create(name="Données; ouvertes", slug="donnees-ouvertes-test"),
                      Theme.objects.create(name="Tourisme d’affaires", slug="tourisme-affaires-test",
                                           position=99)])
    row = csv_rows(edition)[0]
    assert row["themes"].split(";") == ["Données, ouvertes", "Tourisme d’affaires"]
    assert row["formats"] == "Atelier" and row["publics"] == "Agents publics"


def test_registration_programme_track_and_accessibility_are_exported(csv_rows, edition, varied):
    rows = {row["identifiant_evenement"]: row for row in csv_rows(edition)}
    row = rows[str(varied.public_id)]
    assert (row["inscription"], row["lien_inscription"]) == ("sur_la_plateforme", row["url"])
    assert (row["places"], row["age_minimum"], row["age_maximum"]) == ("30", "12", "99")
    assert (row["accessibilite_handicap_moteur"], row["accessibilite_handicap_visuel"]) == ("true", "false")
    assert row["langues"] == "fr;lsf"
    assert row["co_organisateurs"] == "Ville de Nantes"
    external = next(r for r in rows.values() if r["inscription"] == "sur_un_autre_site")
    assert external["lien_inscription"] == "https://inscription.example.fr/atelier"
    tracked = next(r for r in rows.values() if r["parcours"])
    assert tracked["parcours"] == "Découvrir" and tracked["programme"].startswith("Programme")


def test_quotes_newlines_semicolons_and_accents_round_trip(csv_rows, edition, publish):
    title = 'Atelier « l’État » ; "citoyen", Œuvre'
    summary = "Première ligne,\nseconde ligne ; avec des \"guillemets\"\r\net un retour chariot"
    publish(title=title, summary=summary)
    row = csv_rows(edition)[0]
    assert (row["titre"], row["resume"]) == (title, summary)


@pytest.mark.parametrize("value", ["=HYPERLINK(\"http://x\")", "+33 1 02", "-2+3", "@SUM(A1)",
                                   "\tcaché"])
def test_values_a_spreadsheet_would_run_as_formulas_are_neutralised(csv_rows, edition, publish, value):
    publish(title=value)
    assert csv_rows(edition)[0]["titre"] == "'" + value


def test_nothing_personal_is_exported(download, edition, publish, editor):
    event = publish()
    event.created_by = editor
    event.save()
    text = download(edition, "csv").decode()
    assert editor.email not in text and editor.last_name not in text


def test_the_csv_is_a_utf8_attachment(client, edition, publish):
    publish()
    build_files(edition)
    response = client.get(export_url(edition, "csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{edition.slug}-evenements.csv"'


def test_each_slot_exports_the_seats_registration_counts_on(csv_rows, edition, publish):
    from semaine.agenda.models import Slot
    from semaine.registrations.services import capacity_of

    event = publish(capacity=20, registration_mode="platform", slots=2)
    own, inherited = event.slots.order_by("starts_at")
    Slot.objects.filter(pk=own.pk).update(capacity=5)
    unlimited = publish(capacity=None, slots=1)
    places = {row["identifiant_creneau"]: row["places"] for row in csv_rows(edition)}
    assert places[str(own.pk)] == "5" == str(capacity_of(Slot.objects.get(pk=own.pk)))
    assert places[str(inherited.pk)] == "20" == str(capacity_of(inherited))
    assert places[str(unlimited.slots.get().pk)] == ""
