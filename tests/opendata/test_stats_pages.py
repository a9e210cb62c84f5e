"""The statistics page, its charts (SVG), their tables and their CSV downloads."""

import csv
import io
import json
import re
from html.parser import HTMLParser

import pytest
from defusedxml import ElementTree
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from semaine.agenda import services
from semaine.agenda.models import EventState, RegistrationMode
from semaine.opendata.charts import class_of, map_classes
from semaine.opendata.stats import CHARTS, PUBLIC_CHARTS
from semaine.registrations import services as registrations
from semaine.territory.models import Departement
from tests import factories

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


def page_url(edition):
    return reverse("opendata:statistics", kwargs={"edition": edition.slug})


def csv_url(edition, chart):
    return reverse("opendata:statistics_csv", kwargs={"edition": edition.slug, "chart": chart})


@pytest.fixture
def programme(edition, organisation, venue):
    """Three events in Loire-Atlantique, one in Calvados, one online; a draft in Paris."""
    calvados = factories.VenueFactory(organisation=organisation, commune="Caen",
                                      departement=Departement.objects.get(code="14"))
    paris = factories.VenueFactory(organisation=organisation, commune="Paris",
                                   departement=Departement.objects.get(code="75"))
    events = [factories.EventFactory(edition=edition, organisation=organisation, venue=venue,
                                     state=EventState.PUBLISHED, capacity=4,
                                     registration_mode=RegistrationMode.PLATFORM)
              for _ in range(3)]
    factories.EventFactory(edition=edition, organisation=organisation, venue=calvados,
                           state=EventState.PUBLISHED)
    factories.EventFactory(edition=edition, organisation=organisation, venue=None,
                           state=EventState.PUBLISHED)
    factories.EventFactory(edition=edition, organisation=organisation, venue=paris)  # draft
    for i in range(5):
        registrations.register(slot=events[0].slots.get(), email=f"p{i}@example.fr",
                               first_name="A", last_name="B", email_verified=True)
    return events


def svg_of(html: str, chart: str):
    section = re.search(rf'<section[^>]*id="{chart}".*?</section>', html, re.S).group(0)
    return ElementTree.fromstring(re.search(r"<svg.*?</svg>", section, re.S).group(0))


class TableReader(HTMLParser):
    """The cells of the table of one chart's section."""

    def __init__(self, section_id):
        super().__init__()
        self.section_id, self.inside, self.rows, self.cell = section_id, False, [], None

    def handle_starttag(self, tag, attrs):
        if tag == "section" and dict(attrs).get("id") == self.section_id:
            self.inside = True
        elif self.inside and tag == "tr":
            self.rows.append([])
        elif self.inside and tag in ("td", "th"):
            self.cell = ""

    def handle_endtag(self, tag):
        if tag == "section":
            self.inside = False
        elif self.inside and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(self.cell.strip())
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def table_of(html: str, chart: str) -> list[list[str]]:
    reader = TableReader(chart)
    reader.feed(html)
    return reader.rows


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def test_the_page_shows_every_public_chart_with_its_table_and_csv_link(client, edition, programme):
    response = client.get(page_url(edition))
    assert response.status_code == 200
    for chart in PUBLIC_CHARTS:
        assert f'id="{chart}"' in response.text
        assert csv_url(edition, chart) in response.text
        assert table_of(response.text, chart), chart
    assert response.text.count('role="img"') == len(PUBLIC_CHARTS)


def test_the_edition_home_and_the_footer_link_to_the_statistics(client, edition):
    home = client.get(edition.get_absolute_url())
    assert page_url(edition) in home.text
    footer = reverse("opendata:current_statistics")
    assert footer in home.text
    assert client.get(footer).url == page_url(edition)


def test_the_map_is_valid_svg_with_every_departement_coloured_by_its_class(
    client, edition, programme
):
    svg = svg_of(client.get(page_url(edition)).text, "departements")
    assert svg.get("role") == "img"
    assert svg.find(f"{SVG}title").text == "Événements par département"
    paths = {}
    for path in svg.iter(f"{SVG}path"):
        if path.get("data-code"):
            paths.setdefault(path.get("data-code"), []).append(path)
    assert set(paths) == set(Departement.objects.values_list("code", flat=True))
    assert len(paths["75"]) == 2  # on the map and in the Paris inset
    classes = map_classes(3)
    for code, expected in (("44", 3), ("14", 1), ("75", 0), ("974", 0)):
        map_class = class_of(expected, classes)
        for path in paths[code]:
            assert path.get("data-count") == str(expected)
            assert path.get("class") == f"departement c{map_class.index}"
            assert path.get("fill") == f"url(#graphique-departements-c{map_class.index})"
    assert class_of(3, classes).index != class_of(1, classes).index
    patterns = {p.get("id") for p in svg.iter(f"{SVG}pattern")}
    assert f"graphique-departements-c{class_of(3, classes).index}" in patterns


def test_map_classes_cover_every_count_without_overlap():
    classes = map_classes(37)
    assert classes[0].low == classes[0].high == 0
    covered = [n for c in classes[1:] for n in range(c.low, c.high + 1)]
    assert covered == list(range(1, 38))
    assert len({c.index for c in classes}) == len(classes)


def test_bar_charts_are_valid_svg_with_their_values_written(client, edition, programme):
    svg = svg_of(client.get(page_url(edition)).text, "formats")
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert "Atelier" in texts and "5" in texts  # five published events, all workshops
    assert svg.find(f"{SVG}desc").text


@pytest.mark.parametrize("chart", PUBLIC_CHARTS)
def test_each_csv_parses_and_matches_the_table_of_the_page(client, edition, programme, chart):
    page = client.get(page_url(edition)).text
    response = client.get(csv_url(edition, chart))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'{edition.slug}-{chart}.csv' in response["Content-Disposition"]
    from_csv = csv_rows(response)
    from_table = table_of(page, chart)
    assert from_csv[0] == from_table[0]  # the same headers
    assert len(from_csv) == len(from_table)
    for csv_row, table_row in zip(from_csv[1:], from_table[1:], strict=True):
        shown = [re.sub(r"^(\d+),(\d)$", r"\1.\2", cell).replace("—", "") for cell in table_row]
        assert csv_row == shown


def test_the_fill_rate_csv_holds_the_registration_figures(client, edition, programme):
    rows = csv_rows(client.get(csv_url(edition, "remplissage-departements")))
    header, loire = rows[0], next(row for row in rows if row[0] == "44")
    values = dict(zip(header, loire, strict=True))
    assert values["Places"] == "12" and values["Inscrits"] == "4"
    assert values["Liste d’attente"] == "1" and values["Taux de remplissage (%)"] == "33.3"


def test_an_unknown_chart_is_a_404_problem(client, edition):
    response = client.get(csv_url(edition, "inconnu"))
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert json.loads(response.content)["status"] == 404


def test_an_unknown_edition_is_a_404(client):
    assert client.get("/editions/nulle-part/statistiques/").status_code == 404
    response = client.get("/editions/nulle-part/statistiques/departements.csv")
    assert response.status_code == 404 and response["Content-Type"] == "application/problem+json"


def test_odd_chart_names_never_cause_a_500(client, edition):
    for name in ("..%2F..%2Fetc", "departements%00", "x" * 300, "%C3%A9t%C3%A9"):
        assert client.get(f"/editions/{edition.slug}/statistiques/{name}.csv").status_code == 404


def test_visitors_get_no_coordinator_figures(client, edition, programme, editor):
    response = client.get(page_url(edition))
    assert 'id="coordination"' not in response.text
    assert client.get(csv_url(edition, "inscriptions")).status_code == 403
    client.force_login(editor)
    assert 'id="coordination"' not in client.get(page_url(edition)).text
    assert client.get(csv_url(edition, "etats")).status_code == 403


def test_coordinators_see_events_by_state_and_registrations_by_status(
    client, edition, programme, coordinator
):
    client.force_login(coordinator)
    response = client.get(page_url(edition))
    assert 'id="coordination"' in response.text
    states = csv_rows(client.get(csv_url(edition, "etats")))
    assert ["Brouillon", "1"] in states and ["Publié", "5"] in states
    statuses = csv_rows(client.get(csv_url(edition, "inscriptions")))
    assert ["Inscrit", "4", "0"] in statuses and ["Sur liste d’attente", "1", "0"] in statuses


def test_no_name_of_a_registered_person_appears(client, edition, programme, coordinator):
    client.force_login(coordinator)
    text = client.get(page_url(edition)).text
    text += "".join(client.get(csv_url(edition, chart)).content.decode() for chart in CHARTS)
    assert "p0@example.fr" not in text and "p1@example.fr" not in text


def test_the_page_takes_the_same_number_of_queries_whatever_the_programme(
    client, edition, organisation, venue
):
    def count_queries():
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(page_url(edition)).status_code == 200
        return len(queries)

    factories.EventFactory(edition=edition, organisation=organisation, venue=venue,
                           state=EventState.PUBLISHED)
    few = count_queries()
    for i in range(12):
        event = factories.EventFactory(edition=edition, organisation=organisation, venue=venue,
                                       state=EventState.PUBLISHED, slots=2, capacity=3,
                                       registration_mode=RegistrationMode.PLATFORM)
        registrations.register(slot=event.slots.first(), email=f"q{i}@example.fr",
                               first_name="A", last_name="B", email_verified=True)
    assert count_queries() == few


def test_the_page_is_cached_for_visitors_until_the_programme_changes(
    site, edition, programme, coordinator, django_capture_on_commit_callbacks
):
    url = page_url(edition)
    assert site.get(url)["X-Cache"] == "miss"
    assert site.get(url)["X-Cache"] == "hit"
    assert site.get(csv_url(edition, "departements"))["X-Cache"] == "miss"
    assert site.get(csv_url(edition, "departements"))["X-Cache"] == "hit"
    draft = factories.EventFactory(edition=edition, organisation=programme[0].organisation,
                                   state=EventState.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_event(coordinator, draft)
    response = site.get(url)
    assert response["X-Cache"] == "miss"
    assert '<p class="fr-h2 fr-mb-0">6</p>' in response.text


def test_the_page_speaks_english_when_asked(client, edition, programme):
    response = client.get(page_url(edition), headers={"Accept-Language": "en"})
    assert "Events by department" in response.text
    rows = csv_rows(client.get(csv_url(edition, "formats"), headers={"Accept-Language": "en"}))
    assert rows[0] == ["Format", "Events"]


def test_the_csv_files_reuse_the_figures_computed_for_the_page(
    client, edition, programme, django_assert_num_queries
):
    cache.clear()
    assert client.get(page_url(edition)).status_code == 200
    with django_assert_num_queries(3):  # the edition, the content generation, the figures
        assert client.get(csv_url(edition, "themes")).status_code == 200


def test_new_registrations_show_once_the_figures_expire(client, edition, programme):
    cache.clear()
    assert ["44", "Loire-Atlantique", "12", "4", "1", "33.3"] in csv_rows(
        client.get(csv_url(edition, "remplissage-departements")))
    registrations.register(slot=programme[1].slots.get(), email="late@example.fr",
                           first_name="A", last_name="B", email_verified=True)
    cache.clear()  # what five minutes do
    assert ["44", "Loire-Atlantique", "12", "5", "1", "41.7"] in csv_rows(
        client.get(csv_url(edition, "remplissage-departements")))


def test_csv_cells_that_look_like_formulas_stay_text(client, edition, programme):
    from semaine.agenda.models import Theme

    theme = Theme.objects.create(name="=HYPERLINK(\"x\")", slug="formule")
    programme[0].themes.add(theme)
    rows = csv_rows(client.get(csv_url(edition, "themes")))
    assert ["'=HYPERLINK(\"x\")", "1"] in [row[:2] for row in rows]
    assert not any(row[0].startswith("=") for row in rows)


FRENCH_DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
ENGLISH_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@pytest.mark.parametrize("chart", ["jours", "remplissage-jours"])
def test_day_labels_follow_the_language_of_each_request(client, edition, programme, chart):
    cache.clear()
    french = csv_rows(client.get(csv_url(edition, chart), headers={"Accept-Language": "fr"}))
    english = csv_rows(client.get(csv_url(edition, chart), headers={"Accept-Language": "en"}))
    again = csv_rows(client.get(csv_url(edition, chart), headers={"Accept-Language": "fr"}))
    assert french == again
    assert all(row[1].split()[0] in FRENCH_DAYS for row in french[1:])
    assert all(row[1].split(",")[0].split()[0] in ENGLISH_DAYS for row in english[1:]), english[1:3]
    page = client.get(page_url(edition), headers={"Accept-Language": "en"}).text
    assert not any(f">{day} " in page for day in FRENCH_DAYS)


def test_the_page_cache_keeps_one_copy_per_language(site, edition, programme):
    url = page_url(edition)
    assert "Events by day" not in site.get(url, headers={"Accept-Language": "fr"}).text
    english = site.get(url, headers={"Accept-Language": "en"})
    assert english["X-Cache"] == "miss"
    assert "Events by day" in english.text
    assert not any(f">{day} " in english.text for day in FRENCH_DAYS)
    french = site.get(url, headers={"Accept-Language": "fr"})
    assert french["X-Cache"] == "hit" and "Événements par jour" in french.text
