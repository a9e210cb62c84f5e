import json
import re
from datetime import datetime, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from semaine.agenda import services
from semaine.agenda.models import PARIS, EventStatus, Slot, Theme
from semaine.territory.models import Departement
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def calvados(db):
    org = factories.OrganisationFactory(name="Département du Calvados",
                                        departement=Departement.objects.get(code="14"))
    venue = factories.VenueFactory(organisation=org, name="Hôtel du Département", commune="Caen",
                                   postcode="14000", departement=Departement.objects.get(code="14"),
                                   latitude=49.18, longitude=-0.37)
    return org, venue


publish = factories.published_event


def agenda(client, edition, **params):
    return client.get(reverse("agenda:list", kwargs={"edition": edition.slug}), params)


@pytest.fixture
def programme(edition, organisation, venue, calvados):
    org, caen = calvados
    return {
        "blockchain": publish(edition, organisation, title="La blockchain expliquée aux agents",
                              themes=["blockchain"], venue=venue, day=1,
                              description="Une base de données distribuée, des réseaux d'agents."),
        "hackathon": publish(edition, org, title="Hackathon tourisme et données", venue=caen,
                             themes=["tourisme", "data"], formats=["hackathon"], day=4,
                             access_motor=True),
        "online": publish(edition, organisation, title="Webinaire datavisualisation",
                          themes=["data-visualisation"], formats=["webinaire"], day=2,
                          attendance_mode="online", online_url="https://visio.example.org/x"),
    }


def titles(response):
    return [e.title for e in response.context["page_obj"]]


def test_free_text_finds_the_blockchain_event(client, edition, programme):
    assert titles(agenda(client, edition, q="blockchain")) == ["La blockchain expliquée aux agents"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="French stemming needs PostgreSQL")
def test_french_search_ignores_accents_and_case_and_stems(client, edition, programme):
    assert titles(agenda(client, edition, q="RESEAU")) == ["La blockchain expliquée aux agents"]
    assert titles(agenda(client, edition, q="blockchains DONNEES distribuees")) == [
        "La blockchain expliquée aux agents"]
    assert titles(agenda(client, edition, q="hackathon", sort="relevance"))[0].startswith("Hackathon")


def test_departement_and_format_combine(client, edition, programme):
    assert titles(agenda(client, edition, departement="14", format="hackathon")) == [
        "Hackathon tourisme et données"]
    assert titles(agenda(client, edition, departement="44", format="hackathon")) == []


def test_region_theme_audience_and_accessibility_filters(client, edition, programme):
    assert titles(agenda(client, edition, region="normandie")) == ["Hackathon tourisme et données"]
    assert set(titles(agenda(client, edition, theme=["data", "blockchain"]))) == {
        "Hackathon tourisme et données", "La blockchain expliquée aux agents"}
    assert titles(agenda(client, edition, access="motor")) == ["Hackathon tourisme et données"]
    assert len(titles(agenda(client, edition, audience="agents-publics"))) == 3


def test_dates_and_weekday_filters(client, edition, programme):
    day2 = (edition.starts_on + timedelta(days=2)).isoformat()
    assert titles(agenda(client, edition, **{"from": day2, "to": day2})) == ["Webinaire datavisualisation"]
    weekday = (edition.starts_on + timedelta(days=4)).isoweekday()
    assert titles(agenda(client, edition, day=str(weekday))) == ["Hackathon tourisme et données"]


def test_attendance_and_free_places(client, edition, programme):
    assert titles(agenda(client, edition, attendance="online")) == ["Webinaire datavisualisation"]
    assert "Webinaire datavisualisation" not in titles(agenda(client, edition, attendance="in_person"))
    programme["blockchain"].status = EventStatus.FULL
    programme["blockchain"].save()
    assert "La blockchain expliquée aux agents" not in titles(agenda(client, edition, free="1"))


def test_near_a_commune_with_a_radius_sorted_by_distance(client, edition, programme):
    near_caen = titles(agenda(client, edition, near="caen", radius="30"))
    assert near_caen == ["Hackathon tourisme et données"]
    both = titles(agenda(client, edition, lat="47.9", lon="-0.9", radius="300", sort="distance"))
    assert both == ["La blockchain expliquée aux agents", "Hackathon tourisme et données"]


def test_filters_by_organisation_programme_and_track(client, edition, organisation, programme):
    assert len(titles(agenda(client, edition, organisation=organisation.slug))) == 2


def test_unknown_filter_values_are_ignored_with_a_notice(client, edition, programme):
    response = agenda(client, edition, theme="licornes", departement="999", day="9", sort="nope",
                      **{"from": "demain"})
    assert response.status_code == 200
    assert len(titles(response)) == 3
    text = response.text
    for value in ("licornes", "999", "demain"):
        assert f"« {value} »" in text


@pytest.mark.parametrize("q", [
    '"blockchain', "'; DROP TABLE agenda_event; --", "<script>alert(1)</script>", "(a|b)*[",
    "a" * 10_000, "&&& ||| !!!", "blockchain & !data",
])
def test_any_search_text_is_handled_safely(client, edition, programme, q):
    response = agenda(client, edition, q=q)
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.text


def test_no_result_suggests_what_to_relax(client, edition, programme):
    response = agenda(client, edition, q="blockchain", departement="14")
    assert titles(response) == []
    assert response.context["suggestions"][0]["count"] == 1
    assert "Essayez d’élargir votre recherche" in response.text


def test_a_page_past_the_last_is_a_404(client, edition, programme):
    assert agenda(client, edition, page="5").status_code == 404


def test_the_list_uses_a_constant_number_of_queries(client, edition, organisation, venue):
    def queries():
        cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            assert agenda(client, edition, theme="data", departement="44").status_code == 200
        assert ctx.captured_queries
        return len(ctx.captured_queries)

    publish(edition, organisation, title="Un", themes=["data"], venue=venue)
    few = queries()
    for i in range(12):
        publish(edition, organisation, title=f"Atelier {i}", themes=["data"], venue=venue, day=i % 5)
    assert queries() == few


def test_htmx_requests_get_only_the_results(client, edition, programme):
    response = client.get(reverse("agenda:list", kwargs={"edition": edition.slug}), {"q": "hackathon"},
                          headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.text
    assert "Hackathon tourisme et données" in response.text


def test_edition_home_shows_figures_themes_and_programmes(client, edition, programme):
    response = client.get(reverse("agenda:edition", kwargs={"edition": edition.slug}))
    assert response.status_code == 200
    assert response.context["figures"]["events"] == 3
    assert response.context["figures"]["departements"] == 2
    assert "Voir les autres thèmes" in response.text


def test_theme_departement_and_region_pages(client, edition, programme):
    theme = client.get(reverse("agenda:theme", kwargs={"edition": edition.slug, "slug": "tourisme"}))
    assert titles(theme) == ["Hackathon tourisme et données"]
    dep = client.get(reverse("agenda:departement", kwargs={"edition": edition.slug, "code": "44"}))
    assert set(titles(dep)) == {"La blockchain expliquée aux agents"}
    region = client.get(reverse("agenda:region", kwargs={"edition": edition.slug, "slug": "normandie"}))
    assert titles(region) == ["Hackathon tourisme et données"]
    assert client.get(reverse("agenda:departement", kwargs={"edition": edition.slug, "code": "00"})
                      ).status_code == 404


def test_the_calendar_places_slots_by_day_and_long_events_as_spans(client, edition, organisation, programme):
    course = publish(edition, organisation, title="Formation en ligne de quatre semaines",
                     formats=["formation-en-ligne"])
    course.slots.all().delete()
    Slot.objects.create(event=course, starts_at=datetime.combine(
        edition.starts_on - timedelta(days=14), datetime.min.time(), PARIS),
        ends_at=datetime.combine(edition.ends_on + timedelta(days=7), datetime.min.time(), PARIS))
    response = client.get(reverse("agenda:calendar", kwargs={"edition": edition.slug}))
    grid = response.context["grid"]
    assert len(grid.days) == 7
    assert [s.slot.event.title for s in grid.spans] == ["Formation en ligne de quatre semaines"]
    assert grid.spans[0].starts_before and grid.spans[0].ends_after and grid.spans[0].columns == 7
    day4 = grid.days[4]
    assert [p.slot.event.title for p in day4.placed] == ["Hackathon tourisme et données"]
    assert day4.placed[0].row == 3  # 9:00 is the third half-hour row after 8:00
    focus = (edition.starts_on + timedelta(days=1)).isoformat()
    one_day = client.get(reverse("agenda:calendar", kwargs={"edition": edition.slug}), {"jour": focus})
    assert [d.iso for d in one_day.context["grid"].days] == [focus]
    assert "La blockchain expliquée aux agents" in one_day.text


def test_the_event_page_carries_schema_org_json_ld_per_slot(client, edition, programme):
    event = programme["hackathon"]
    response = client.get(event.get_absolute_url())
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', response.text, re.S)
    items = [json.loads(b) for b in blocks]
    assert len(items) == event.slots.count()
    assert items[0]["@type"] == "Event" and items[0]["name"] == event.title
    assert items[0]["startDate"].endswith("+01:00") or items[0]["startDate"].endswith("+02:00")
    assert items[0]["location"]["address"]["addressLocality"] == "Caen"
    assert 'property="og:title"' in response.text


def test_anonymous_pages_are_cached_until_something_visible_changes(
    site, edition, programme, editor, django_capture_on_commit_callbacks
):
    url = reverse("agenda:list", kwargs={"edition": edition.slug})
    assert site.get(url)["X-Cache"] == "miss"
    hit = site.get(url)
    assert hit["X-Cache"] == "hit" and "La blockchain expliquée aux agents" in hit.text
    assert "nonce-" not in hit["Content-Security-Policy"]
    assert site.get(url, {"q": "hackathon"})["X-Cache"] == "miss"  # another URL, another page
    assert site.get(url, headers={"Accept-Language": "en"})["X-Cache"] == "miss"
    with django_capture_on_commit_callbacks(execute=True):
        services.update_event(editor, programme["blockchain"], fields={"title": "Blockchain, saison 2"})
    response = site.get(url)
    assert response["X-Cache"] == "miss"
    assert "Blockchain, saison 2" in response.text


def test_signed_in_people_are_never_served_from_the_cache(client, site, edition, programme, editor):
    client.force_login(editor)
    url = reverse("agenda:list", kwargs={"edition": edition.slug})
    session = {"sessionid": client.session.session_key}
    site.get(url, cookies=session)
    assert "X-Cache" not in site.get(url, cookies=session)


def test_the_language_switch_never_redirects_elsewhere(client):
    response = client.get(reverse("ui:language", kwargs={"code": "en"}), {"next": "https://evil.example/"})
    assert response["Location"] == "/"
    assert response.cookies["django_language"].value == "en"
    assert client.get(reverse("ui:language", kwargs={"code": "xx"})).status_code == 404


def test_control_characters_in_filters_are_dropped(client, edition, programme):
    response = agenda(client, edition, theme="da\x00ta", q="block\x00chain", departement="\x0014")
    assert response.status_code == 200


def test_an_event_with_several_co_organisers_appears_once(client, edition, organisation, programme):
    event = programme["hackathon"]
    event.co_organisers.set([organisation, factories.OrganisationFactory()])
    assert titles(agenda(client, edition, organisation=organisation.slug)).count(event.title) == 1


def test_places_still_free_counts_the_seats_taken(client, edition, organisation, venue):
    from semaine.registrations import services as registrations

    full = publish(edition, organisation, title="Atelier complet", venue=venue,
                   registration_mode="platform", capacity=1)
    open_ = publish(edition, organisation, title="Atelier avec de la place", venue=venue,
                    registration_mode="platform", capacity=2)
    publish(edition, organisation, title="Entrée libre", venue=venue)
    for event in (full, open_):
        registrations.register(slot=event.slots.get(), email="a@example.fr", first_name="A",
                               last_name="B", email_verified=True)
    assert set(titles(agenda(client, edition, free="1"))) == {"Atelier avec de la place",
                                                             "Entrée libre"}
    full.slots.update(cancelled_at=None, capacity=3)  # a slot's own capacity wins
    assert "Atelier complet" in titles(agenda(client, edition, free="1"))


def test_the_page_order_is_the_same_whichever_way_the_rows_are_read(edition, organisation, venue):
    from semaine.agenda import search

    for i in range(9):
        publish(edition, organisation, title=f"Atelier {i}", themes=["data"], venue=venue,
                day=(7 - i) % 5, hour=9 + i % 3)
    filters = search.parse_filters(QueryDict("theme=data"), edition=edition)
    results = search.search_events(edition, filters)
    expected = list(results.values_list("pk", flat=True))
    reordered, browsable = search.order_for_count(results, len(expected))
    assert browsable is None
    assert list(reordered.values_list("pk", flat=True)) == expected
    assert list(reordered.values_list("pk", flat=True)[3:6]) == expected[3:6]
    many, _ = search.order_for_count(results, search.SORT_MATCHES_BELOW)
    assert many.query.order_by == results.query.order_by


def test_a_relevance_sort_counts_every_match_and_ranks_a_pool_of_the_soonest(
    client, monkeypatch, edition, organisation, venue
):
    from semaine.agenda import search

    if connection.vendor != "postgresql":
        pytest.skip("the ranked pool is PostgreSQL's (SQLite ranks every match)")
    monkeypatch.setattr(search, "RELEVANCE_POOL", 3)
    for i in range(5):
        publish(edition, organisation, title=f"Atelier blockchain {i}", venue=venue, day=i)
    publish(edition, organisation, title="Conférence données", venue=venue)
    by_relevance = agenda(client, edition, q="blockchain", sort="relevance")
    by_date = agenda(client, edition, q="blockchain", sort="date")
    for response in (by_relevance, by_date):
        assert "5 événements" in response.text
    assert titles(by_relevance) == [f"Atelier blockchain {i}" for i in range(3)]
    assert len(titles(by_date)) == 5
    assert "Les 3 prochains événements correspondants sont classés" in by_relevance.text
    assert "prochains événements correspondants" not in by_date.text


def test_text_search_within_a_departement_finds_what_the_index_finds(client, edition, organisation,
                                                                    venue, calvados):
    org, caen = calvados
    publish(edition, org, title="Atelier données à Caen", venue=caen, themes=["data"])
    publish(edition, org, title="Rencontre patrimoine à Caen", venue=caen, themes=["data"])
    publish(edition, organisation, title="Atelier données ailleurs", venue=venue, themes=["data"])
    narrowed = titles(agenda(client, edition, q="données", departement="14", sort="date"))
    everywhere = titles(agenda(client, edition, q="données", sort="date"))
    assert narrowed == ["Atelier données à Caen"]
    assert set(narrowed) < set(everywhere)


def test_reference_lists_cost_one_cache_read_and_follow_every_change(django_assert_num_queries):
    from semaine.agenda.queries import reference_lists

    cache.clear()
    reference_lists()
    with django_assert_num_queries(1):  # the version token, from the database cache
        lists = reference_lists()
    assert "Cuisine collective" not in [t.name for t in lists["themes"]]
    Theme.objects.create(name="Cuisine collective", slug="cuisine-collective")
    assert "Cuisine collective" in [t.name for t in reference_lists()["themes"]]
