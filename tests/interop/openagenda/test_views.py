"""The import page of the organiser space, the background run, its progress and report; the CLI."""

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape

from semaine import cli
from semaine.agenda.models import Event
from semaine.interop import openagenda
from semaine.interop.models import ImportStatus, OpenAgendaImport
from tests import factories

from .openagenda_data import SAMPLE, sample

GOOD = SAMPLE.read_bytes()


def page_url(organisation) -> str:
    return f"/espace/{organisation.slug}/openagenda/"


def upload(client, programme, data=GOOD, **extra):
    return client.post(page_url(programme.organisation), {
        "file": SimpleUploadedFile("agenda.json", data, content_type="application/json"),
        "programme": programme.pk, **extra,
    })


def test_the_organiser_space_links_to_the_import_page(client, editor, organisation):
    client.force_login(editor)

    response = client.get(f"/espace/{organisation.slug}/lieux/")

    assert page_url(organisation).encode() in response.content


def test_the_import_page_offers_the_organisation_s_programmes_and_the_sample(
        client, editor, programme, other_organisation, edition_2017):
    factories.ProgrammeFactory(edition=edition_2017, organisation=other_organisation,
                               title="Programme du Calvados")
    client.force_login(editor)

    page = client.get(page_url(programme.organisation)).content.decode()

    assert escape(programme.title) in page and "Programme du Calvados" not in page
    assert "/openagenda/exemple.json" in page


def test_a_visitor_is_sent_to_sign_in(client, programme):
    response = client.get(page_url(programme.organisation))

    assert response.status_code == 302 and "/compte/connexion/" in response["Location"]


def test_another_organisation_s_member_cannot_open_the_import_page(client, other_editor,
                                                                  organisation):
    client.force_login(other_editor)

    assert client.get(page_url(organisation)).status_code == 403


def test_another_organisation_s_programme_is_refused(client, other_editor, other_organisation,
                                                    programme):
    client.force_login(other_editor)

    response = client.post(page_url(other_organisation), {
        "file": SimpleUploadedFile("agenda.json", GOOD), "programme": programme.pk})

    assert response.status_code == 200
    assert not OpenAgendaImport.objects.exists() and not Event.objects.exists()


def test_the_service_refuses_a_programme_of_another_organisation(other_editor, programme):
    with pytest.raises(PermissionDenied):
        openagenda.import_document(other_editor, programme, sample())
    assert not Event.objects.exists()


def test_a_track_of_another_programme_is_refused(client, editor, programme, edition_2017,
                                                 organisation):
    other = factories.TrackFactory(programme=factories.ProgrammeFactory(
        edition=edition_2017, organisation=organisation))
    client.force_login(editor)

    response = upload(client, programme, track=other.pk)

    assert "Ce parcours n’appartient pas au programme choisi." in response.content.decode()
    assert not OpenAgendaImport.objects.exists()


def test_an_upload_runs_in_the_background_and_shows_its_report(
        client, editor, programme, django_capture_on_commit_callbacks):
    client.force_login(editor)

    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, programme)

    run = OpenAgendaImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{page_url(programme.organisation)}{run.pk}/"
    assert (run.status, run.processed, run.total, run.document) == (ImportStatus.DONE, 8, 8, None)
    assert run.counts() == {"created": 6, "skipped": 2}
    page = client.get(response["Location"]).content.decode()
    assert "Import terminé : 8 événements lus." in page
    assert "Titre manquant." in page and "Portes ouvertes du laboratoire" in page
    assert 'value="8"' in page


def test_keywords_can_be_sent_to_tracks_from_the_page(client, editor, programme,
                                                      django_capture_on_commit_callbacks):
    client.force_login(editor)

    with django_capture_on_commit_callbacks(execute=True):
        upload(client, programme, track_keywords="Patrimoine = comprendre\nData = Découvrir")

    run = OpenAgendaImport.objects.get()
    assert run.track_keywords == {"Patrimoine": programme.tracks.get(slug="comprendre").pk,
                                  "Data": programme.tracks.get(slug="decouvrir").pk}
    visit = Event.objects.get(title__startswith="Portes ouvertes")
    assert visit.track.name == "Comprendre"


def test_a_keyword_line_without_a_track_of_the_programme_is_refused(client, editor, programme):
    client.force_login(editor)

    response = upload(client, programme, track_keywords="Patrimoine = Inconnu")

    assert "écrivez « mot-clé = parcours »" in response.content.decode()
    assert not OpenAgendaImport.objects.exists()


def test_a_queued_import_shows_its_progress_and_refreshes_itself(client, editor, programme):
    client.force_login(editor)

    response = upload(client, programme)  # the task waits for the commit, which never comes
    page = client.get(response["Location"]).content.decode()

    assert "0 événement traité sur 8" in page
    assert 'hx-trigger="every 1s"' in page
    assert '<meta http-equiv="refresh" content="3">' in page
    assert "Actualiser la progression" in page


def test_htmx_polling_gets_the_progress_alone(client, editor, programme):
    client.force_login(editor)
    run = openagenda.start_import(editor, programme, sample())
    OpenAgendaImport.objects.filter(pk=run.pk).update(processed=3)

    response = client.get(f"{page_url(programme.organisation)}{run.pk}/", headers={"HX-Request": "true"})

    page = response.content.decode()
    assert page.lstrip().startswith('<div id="import-progress"')
    assert 'value="3"' in page and "<html" not in page


def test_the_run_executes_and_saves_progress_and_report(editor, programme):
    run = openagenda.start_import(editor, programme, sample())

    run = openagenda.execute_import(run.pk)

    assert run.status == ImportStatus.DONE and run.percent == 100
    assert [row["outcome"] for row in run.report].count("created") == 6
    assert run.started_at <= run.finished_at


def test_a_run_executes_once(editor, programme):
    run = openagenda.start_import(editor, programme, sample())
    openagenda.execute_import(run.pk)

    assert openagenda.execute_import(run.pk) is None
    assert Event.objects.count() == 6


def test_a_run_whose_author_left_the_organisation_fails_without_writing(editor, programme):
    run = openagenda.start_import(editor, programme, sample())
    editor.memberships.all().delete()

    run = openagenda.execute_import(run.pk)

    assert run.status == ImportStatus.FAILED and "organisation" in run.error
    assert not Event.objects.exists()


def test_another_organisation_cannot_see_a_run(client, editor, other_editor, programme):
    run = openagenda.start_import(editor, programme, sample())
    client.force_login(other_editor)

    assert client.get(f"{page_url(programme.organisation)}{run.pk}/").status_code == 403
    other = other_editor.memberships.get().organisation
    assert client.get(f"{page_url(other)}{run.pk}/").status_code == 404


def test_the_report_page_reads_a_constant_number_of_queries(client, editor, programme,
                                                            django_assert_num_queries):
    small = openagenda.execute_import(openagenda.start_import(
        editor, programme, {"events": sample()["events"][:2]}).pk)
    large = openagenda.execute_import(openagenda.start_import(editor, programme, sample()).pk)
    client.force_login(editor)
    base = page_url(programme.organisation)

    with django_assert_num_queries(6) as few:
        client.get(f"{base}{small.pk}/")
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(f"{base}{large.pk}/")


def test_the_sample_file_is_the_test_agenda_and_downloads(client):
    response = client.get("/openagenda/exemple.json")

    assert response.status_code == 200
    assert json.loads(b"".join(response.streaming_content)) == sample()


def test_the_cli_imports_with_a_progress_bar(editor, programme, capsys):
    code = cli.main(["openagenda", "import", str(SAMPLE), "--organisation",
                     programme.organisation.slug, "--programme", programme.slug])

    output = capsys.readouterr()
    assert code == 0
    assert "Créé : 6, Ignoré : 2" in output.out
    assert "Titre manquant." in output.out
    assert "8/8" in output.err
    assert Event.objects.count() == 6


def test_the_cli_refuses_a_bad_file(editor, programme, tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")

    code = cli.main(["openagenda", "import", str(bad), "--organisation",
                     programme.organisation.slug, "--programme", programme.slug])

    assert code == 1 and "ÉCHEC" in capsys.readouterr().err
    assert not Event.objects.exists()


def test_the_cli_exports_a_programme_to_a_file(editor, programme, tmp_path):
    openagenda.import_document(editor, programme, sample())
    out = tmp_path / "export.json"

    code = cli.main(["openagenda", "export", "--programme", programme.slug, "--all-states",
                     "-o", str(out)])

    assert code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["total"] == 6
