"""The map of the agenda: its GeoJSON (RFC 7946), the page and its text alternative."""

import json
import numbers
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from semaine.agenda.models import AttendanceMode, EventState, EventStatus, Format
from semaine.agenda.search import refresh_search_vector
from semaine.web.public import map as map_views
from tests import factories

pytestmark = pytest.mark.django_db

NANTES = (47.2184, -1.5536)
CAEN = (49.1829, -0.3707)
NOUMEA = (-22.2758, 166.4580)


@pytest.fixture(autouse=True)
def _no_shared_cache(settings):
    """Every request reaches the view (the cache is tested on its own, below)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


def assert_rfc7946(document: dict) -> None:
    """The structure RFC 7946 requires of a FeatureCollection of Points (§3.1.2, 3.2, 3.3, 4)."""
    assert document["type"] == "FeatureCollection"
    assert isinstance(document["features"], list)
    assert "crs" not in document  # removed by RFC 7946 (§4)
    for feature in document["features"]:
        assert feature["type"] == "Feature"
        assert set(feature) >= {"type", "geometry", "properties"}
        assert feature["properties"] is None or isinstance(feature["properties"], dict)
        if "id" in feature:
            assert isinstance(feature["id"], str | numbers.Number)
        geometry = feature["geometry"]
        assert geometry["type"] == "Point"
        position = geometry["coordinates"]
        assert isinstance(position, list) and 2 <= len(position) <= 3
        assert all(isinstance(n, numbers.Real) and not isinstance(n, bool) for n in position)
        longitude, latitude = position[:2]
        assert -180 <= longitude <= 180 and -90 <= latitude <= 90


def geojson_url(edition, **params):
    url = reverse("agenda:geojson", kwargs={"edition": edition.slug})
    return url, params


def get_geojson(client, edition, **params):
    url, params = geojson_url(edition, **params)
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/geo+json"
    document = json.loads(response.content)
    assert_rfc7946(document)
    return document


def titles(document) -> set[str]:
    return {feature["properties"]["title"] for feature in document["features"]}


def place(organisation, latitude, longitude, commune="Nantes"):
    return factories.VenueFactory(organisation=organisation, latitude=latitude,
                                  longitude=longitude, commune=commune)


def published(edition, organisation, venue=None, **kwargs):
    return factories.EventFactory(edition=edition, organisation=organisation, venue=venue,
                                  state=EventState.PUBLISHED, **kwargs)


def test_the_geojson_is_a_feature_collection_with_longitude_first(
    client, edition, organisation, venue
):
    event = published(edition, organisation, venue, title="Atelier de cartographie")
    document = get_geojson(client, edition)
    [feature] = document["features"]
    assert feature["geometry"]["coordinates"] == [venue.longitude, venue.latitude]
    assert feature["id"] == str(event.public_id)
    assert "truncated" not in document


def test_each_feature_tells_what_when_where_and_who(client, edition, organisation, venue):
    event = published(edition, organisation, venue, title="Atelier de cartographie")
    [feature] = get_geojson(client, edition)["features"]
    properties = feature["properties"]
    assert properties["title"] == "Atelier de cartographie"
    assert properties["url"] == f"http://testserver{event.get_absolute_url()}"
    # The factory's first slot starts at 9:00, Paris time, on the edition's first day.
    day = edition.starts_on
    number = "1er" if day.day == 1 else day.day  # « vendredi 1er janvier »
    assert re.fullmatch(rf"\w+ {number} \w+ {day.year}, 09:00", properties["date"])
    assert properties["commune"] == "Nantes"
    assert properties["organisation"] == organisation.name
    assert properties["formats"] == ["Atelier"]
    assert properties["status"] == EventStatus.SCHEDULED


def test_drafts_and_events_without_coordinates_are_left_out(client, edition, organisation, venue):
    published(edition, organisation, venue, title="Publié")
    factories.EventFactory(edition=edition, organisation=organisation, venue=venue,
                           title="Brouillon")
    factories.EventFactory(edition=edition, organisation=organisation, venue=venue,
                           title="Soumis", state=EventState.SUBMITTED)
    published(edition, organisation, place(organisation, None, None), title="Lieu sans coordonnées")
    published(edition, organisation, None, title="En ligne", attendance_mode=AttendanceMode.ONLINE)
    published(factories.EditionFactory(), organisation, venue, title="Autre édition")
    assert titles(get_geojson(client, edition)) == {"Publié"}


def test_the_bbox_keeps_the_events_of_the_viewport(client, edition, organisation):
    published(edition, organisation, place(organisation, *NANTES), title="À Nantes")
    published(edition, organisation, place(organisation, *CAEN, "Caen"), title="À Caen")
    around_nantes = "-2,47,-1,47.5"
    assert titles(get_geojson(client, edition, bbox=around_nantes)) == {"À Nantes"}
    assert titles(get_geojson(client, edition, bbox="-1,49,0,49.5")) == {"À Caen"}
    assert titles(get_geojson(client, edition, bbox="10,40,11,41")) == set()


def test_a_bbox_across_the_antimeridian_wraps_around(client, edition, organisation):
    published(edition, organisation, place(organisation, *NOUMEA, "Nouméa"), title="À Nouméa")
    published(edition, organisation, place(organisation, -13.28, -176.17, "Mata-Utu"),
              title="À Mata-Utu")
    published(edition, organisation, place(organisation, *NANTES), title="À Nantes")
    assert titles(get_geojson(client, edition, bbox="160,-30,-170,0")) == {"À Nouméa", "À Mata-Utu"}


def test_a_bbox_out_of_range_is_clamped(client, edition, organisation):
    published(edition, organisation, place(organisation, *NANTES), title="À Nantes")
    published(edition, organisation, place(organisation, *NOUMEA, "Nouméa"), title="À Nouméa")
    everything = {"À Nantes", "À Nouméa"}
    assert titles(get_geojson(client, edition, bbox="-500,-100,500,100")) == everything
    assert titles(get_geojson(client, edition, bbox="-2,47,999,48")) == {"À Nantes"}
    assert map_views.parse_bbox("-500,-100,500,100") == (-180, -90, 180, 90)
    assert map_views.parse_bbox("-inf,-1e9,1e9,inf") == (-180, -90, 180, 90)


@pytest.mark.parametrize(
    "bbox",
    ["abc", "1,2,3", "1,2,3,4,5", "1,2,3,x", "nan,0,1,1", "0,10,1,5", ",,,", "1;2;3;4",
     "1," * 500 + "1"],
)
def test_a_garbled_bbox_is_a_400_problem(client, edition, bbox):
    url, _ = geojson_url(edition)
    response = client.get(url, {"bbox": bbox})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = json.loads(response.content)
    assert problem["type"] == "about:blank"
    assert problem["status"] == 400
    assert problem["title"]
    assert "bbox" in problem["detail"]


def test_an_unknown_edition_is_a_404_problem(client, db):
    response = client.get(reverse("agenda:geojson", kwargs={"edition": "inconnue"}))
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert json.loads(response.content)["status"] == 404


def test_the_agenda_filters_apply_to_the_geojson(client, edition, organisation, venue):
    published(edition, organisation, venue, title="Un atelier")
    published(edition, organisation, venue, title="Un hackathon",
              formats=[Format.objects.get(slug="hackathon")])
    assert titles(get_geojson(client, edition, format="atelier")) == {"Un atelier"}
    assert titles(get_geojson(client, edition, format="hackathon")) == {"Un hackathon"}
    refresh_search_vector(edition_id=edition.pk)  # the full-text index (PostgreSQL)
    assert titles(get_geojson(client, edition, q="hackathon", bbox="-2,47,-1,48")) == {"Un hackathon"}


def test_an_event_co_organised_is_one_feature(
    client, edition, organisation, other_organisation, venue
):
    """An organisation filter matches through co-organisers: each event still comes once."""
    event = published(edition, organisation, venue, title="Organisé à plusieurs")
    event.co_organisers.set([other_organisation, factories.OrganisationFactory()])
    document = get_geojson(client, edition, organisation=organisation.slug)
    assert [f["properties"]["title"] for f in document["features"]] == ["Organisé à plusieurs"]


def test_the_features_are_bounded_and_the_cut_is_said(client, edition, organisation, venue,
                                                      monkeypatch):
    monkeypatch.setattr(map_views, "MAX_FEATURES", 2)
    for n in range(3):
        published(edition, organisation, venue, title=f"Événement {n}")
    document = get_geojson(client, edition)
    assert len(document["features"]) == 2
    assert document["truncated"] is True


def count_queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url, params or {}).status_code == 200
    return len(context.captured_queries)


def test_the_geojson_takes_the_same_number_of_queries_whatever_the_number_of_events(
    client, edition, organisation, venue
):
    url, _ = geojson_url(edition)
    params = {"format": "atelier", "bbox": "-5,41,10,52"}
    published(edition, organisation, venue)
    one = count_queries(client, url, params)
    for _ in range(19):
        published(edition, organisation, place(organisation, 47 + _ / 100, -1.5))
    assert len(get_geojson(client, edition, **params)["features"]) == 20
    assert count_queries(client, url, params) == one


def test_the_geojson_is_cached_for_visitors(site, edition, organisation, venue, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                                   "LOCATION": "semaine_cache"}}
    published(edition, organisation, venue)
    url, _ = geojson_url(edition)
    assert site.get(url, {"bbox": "-2,47,-1,48"})["X-Cache"] == "miss"
    again = site.get(url, {"bbox": "-2,47,-1,48"})
    assert again["X-Cache"] == "hit"
    assert again["Content-Type"] == "application/geo+json"


def map_url(edition):
    return reverse("agenda:map", kwargs={"edition": edition.slug})


def test_the_map_page_has_the_map_and_its_text_alternative(client, edition, organisation, venue):
    event = published(edition, organisation, venue, title="Atelier de cartographie")
    response = client.get(map_url(edition))
    assert response.status_code == 200
    html = response.text
    assert "Carte des événements" in html
    assert 'data-semaine-map="events"' in html
    assert f'href="{event.get_absolute_url()}">Atelier de cartographie</a>' in html
    assert "1 événement correspond, dont 1 situé sur la carte" in html
    assert re.search(r'<script src="[^"]*ui/map\.js" nonce="[^"]+">', html)
    assert re.search(r'<link rel="stylesheet" href="[^"]*ui/map\.css">', html)
    assert ' style="' not in html.split('<main', 1)[1]  # the CSP refuses inline styles


def test_the_map_page_keeps_the_filters_for_the_geojson_and_the_list(
    client, edition, organisation, venue
):
    published(edition, organisation, venue, title="Un atelier")
    published(edition, organisation, venue, title="Un hackathon",
              formats=[Format.objects.get(slug="hackathon")])
    response = client.get(map_url(edition), {"format": "atelier", "bbox": "1,2,3,4", "page": "2"})
    html = response.text
    geojson = reverse("agenda:geojson", kwargs={"edition": edition.slug})
    listing = reverse("agenda:list", kwargs={"edition": edition.slug})
    assert f'data-geojson="{geojson}?format=atelier"' in html
    assert f'href="{listing}?format=atelier"' in html
    assert "Un atelier</a>" in html
    assert "Un hackathon" not in html


def test_the_initial_view_is_metropolitan_france_or_the_filtered_results(
    client, edition, organisation
):
    published(edition, organisation, place(organisation, *NANTES), title="À Nantes")
    published(edition, organisation, place(organisation, *CAEN, "Caen"), title="À Caen",
              formats=[Format.objects.get(slug="hackathon")])
    html = client.get(map_url(edition)).text
    assert 'data-bounds="-5.200000,41.300000,9.600000,51.100000"' in html
    html = client.get(map_url(edition), {"format": "hackathon"}).text
    assert 'data-bounds="-0.370700,49.182900,-0.370700,49.182900"' in html


def test_the_text_alternative_lists_the_first_events_and_links_to_the_rest(
    client, edition, organisation, venue, monkeypatch
):
    monkeypatch.setattr(map_views, "TEXT_LIST_SIZE", 2)
    for n in range(3):
        published(edition, organisation, venue, title=f"Événement {n}")
    html = client.get(map_url(edition)).text
    assert "3 événements correspondent, dont 3 situés sur la carte" in html
    assert html.count('<li><a href="/editions/') == 2
    assert "Voir les 3 événements dans la liste" in html


def test_the_map_page_takes_the_same_number_of_queries_whatever_the_number_of_events(
    client, edition, organisation, venue
):
    url = map_url(edition)
    published(edition, organisation, venue)
    one = count_queries(client, url)
    for _ in range(19):
        published(edition, organisation, venue)
    assert count_queries(client, url) == one


def test_an_unknown_edition_has_no_map(client, db):
    assert client.get(reverse("agenda:map", kwargs={"edition": "inconnue"})).status_code == 404


def test_the_event_page_shows_a_small_map_of_a_located_venue_with_a_tile_server(
        client, settings, edition, organisation, venue):
    settings.MAP_TILES_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    event = published(edition, organisation, venue)
    html = client.get(event.get_absolute_url()).text
    assert 'data-semaine-map="point"' in html
    assert 'data-lat="47.218400" data-lon="-1.553600"' in html
    assert "3 quai Ceineray" in html  # the address stays in text
    assert "ui/map.js" in html


def test_without_a_tile_server_the_event_page_gives_the_address_and_coordinates_in_text(
        client, edition, organisation, venue):
    event = published(edition, organisation, venue)
    html = client.get(event.get_absolute_url()).text
    assert 'data-semaine-map' not in html
    assert "ui/map.js" not in html and "leaflet" not in html
    assert "3 quai Ceineray" in html
    # The position in text, marked for the ledger's check, and a geo: link for the visitor's app.
    assert 'data-shown="venue.position" data-lat="47.218400" data-lon="-1.553600"' in html
    assert 'href="geo:47.21840,-1.55360"' in html
    assert "Position approximative" not in html


def test_an_approximate_position_is_flagged_on_the_event_page_the_map_and_the_geojson(
        client, edition, organisation):
    venue = factories.VenueFactory(organisation=organisation, latitude=47.2172, longitude=-1.5534,
                                   location_precision="commune")
    exact = place(organisation, *CAEN, commune="Caen")
    approximate = published(edition, organisation, venue, title="Au centre de Nantes")
    published(edition, organisation, exact, title="À Caen")
    html = client.get(approximate.get_absolute_url()).text
    assert "Position approximative" in html
    assert "placé au centre de sa commune" in html
    properties = {feature["properties"]["title"]: feature["properties"]
                  for feature in get_geojson(client, edition)["features"]}
    assert properties["Au centre de Nantes"]["approximate"] is True
    assert properties["À Caen"]["approximate"] is False
    page = client.get(map_url(edition)).text
    assert "Nantes (position approximative)" in page
    assert "Caen (position approximative)" not in page
    assert 'data-label-approximate="Position approximative"' in page


def test_the_map_asks_no_other_host_without_a_tile_server(client, edition, organisation, venue):
    published(edition, organisation, venue)
    page = client.get(map_url(edition))
    html = page.text
    assert 'data-tiles=""' in html
    assert f'data-outlines="{reverse("agenda:departements_geojson")}"' in html
    # No resource of another origin: scripts, styles, images, fonts are this site's.
    assert not re.search(r'(src|href)="(https?:)?//', html.replace(
        'href="https://www.etalab.gouv.fr/licence-ouverte-open-licence/"', ""))
    policy = page["Content-Security-Policy"]
    img = next(part for part in policy.split(";") if part.strip().startswith("img-src"))
    assert img.split() == ["img-src", "'self'", "data:"]


def test_the_departements_outlines_are_geojson_on_the_globe(client, db):
    response = client.get(reverse("agenda:departements_geojson"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert "max-age" in response["Cache-Control"]
    document = json.loads(response.content)
    assert document["type"] == "FeatureCollection"
    assert len(document["features"]) == 96  # metropolitan France and Corsica
    finistere = next(f for f in document["features"] if f["id"] == "29")
    assert finistere["geometry"]["type"] == "MultiPolygon"
    points = [p for polygon in finistere["geometry"]["coordinates"] for ring in polygon for p in ring]
    # Finistère lies between 5.2° and 3.3° west, 47.6° and 48.8° north.
    assert all(-5.3 < lon < -3.3 and 47.6 < lat < 48.8 for lon, lat in points)
    assert all(ring[0] == ring[-1] for polygon in finistere["geometry"]["coordinates"] for ring in polygon)


def test_the_event_page_has_no_map_without_coordinates(client, edition, organisation):
    event = published(edition, organisation, place(organisation, None, None))
    html = client.get(event.get_absolute_url()).text
    assert 'data-semaine-map' not in html
    assert "ui/map.js" not in html
