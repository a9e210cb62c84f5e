"""Browser journey: an organiser imports their OpenAgenda export and finds the events.

The task is queued (not run) while the browser waits on the progress page: the test runs it as
the worker would, and the page, polling with htmx, shows the bar reach its end and the report.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from semaine.agenda.models import Event
from semaine.interop.models import OpenAgendaImport
from semaine.interop.openagenda import execute_import

from .test_publishing_journey import EDITOR, expect_message, sign_in

pytestmark = pytest.mark.e2e

SAMPLE_TITLE = "Portes ouvertes du laboratoire Arc'Antique"


def test_an_organiser_imports_an_openagenda_export(page: Page, assert_accessible, demo, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    check = assert_accessible
    sign_in(page, check, EDITOR)

    page.get_by_role("link", name="Importer depuis OpenAgenda").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Importer depuis OpenAgenda")
    check()
    with page.expect_download() as download:
        page.get_by_role("link", name="téléchargez un fichier d’exemple").click()
    sample = download.value.path()
    page.get_by_label("Fichier d’export OpenAgenda (JSON)").set_input_files(sample)
    page.get_by_label("Programme", exact=True).select_option(
        label="Semaine de l'innovation publique en Loire-Atlantique "
              "(Semaine de l'innovation publique 2017)")
    page.get_by_role("button", name="Lancer l’import").click()

    expect_message(page, "Le fichier est reçu : l’import est lancé.")
    expect(page).to_have_url(re.compile(r"/espace/[-\w]+/openagenda/\d+/$"))
    expect(page.get_by_text("0 événement traité sur 8…")).to_be_visible()
    check()

    execute_import(OpenAgendaImport.objects.get().pk)  # the worker's turn

    expect(page.get_by_text("Import terminé : 8 événements lus.")).to_be_visible()
    bar = page.get_by_role("progressbar", name="Progression de l’import")
    expect(bar).to_have_attribute("value", "8")
    expect(bar).to_have_attribute("max", "8")
    report = page.get_by_role("table", name="Rapport d’import, événement par événement")
    expect(report.get_by_role("row")).to_have_count(9)
    expect(report).to_contain_text("Horaires hors des dates de l’édition")
    check()

    page.get_by_role("link", name="Voir mes événements").click()
    expect(page.get_by_role("link", name=SAMPLE_TITLE)).to_be_visible()
    check()
    page.get_by_role("link", name=SAMPLE_TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(SAMPLE_TITLE)
    check()
    assert Event.objects.filter(openagenda_links__isnull=False).count() == 6
