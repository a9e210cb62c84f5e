"""Every filter family of the public agenda, through the API; bad values are 400 problems."""

import pytest

from semaine.agenda.models import AttendanceMode, Audience
from semaine.territory.models import Departement
from tests import factories

from .conftest import published_event as publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(edition, organisation, venue):
    calvados = factories.OrganisationFactory(name="Département du Calvados",
                                             departement=Departement.objects.get(code="14"))
    caen = factories.VenueFactory(organisation=calvados, commune="Caen", postcode="14000",
                                  departement=Departement.objects.get(code="14"),
                                  latitude=49.18, longitude=-0.37)
    programme = factories.ProgrammeFactory(edition=edition, organisation=organisation)
    track = factories.TrackFactory(programme=programme, name="Découvrir")
    return {
        "nantes": publish(edition, organisation, title="La blockchain expliquée", venue=venue,
                          themes=["blockchain"], day=1, programme=programme, track=track),
        "caen": publish(edition, calvados, title="Hackathon tourisme", venue=caen,
                        themes=["tourisme"], formats=["hackathon"], day=4, access_motor=True),
        "online": publish(edition, organisation, title="Webinaire datavisualisation",
                          formats=["webinaire"], day=2, attendance_mode=AttendanceMode.ONLINE),
    }


def titles(api, edition, **params):
    response = api.get(f"/editions/{edition.slug}/events", params)
    assert response.status_code == 200, response.json()
    return sorted(item["title"] for item in response.json()["items"])


def test_territory_filters(api, edition, events):
    assert titles(api, edition, departement="14") == ["Hackathon tourisme"]
    assert titles(api, edition, region="pays-de-la-loire") == ["La blockchain expliquée"]


def test_near_a_place_or_coordinates(api, edition, events):
    assert titles(api, edition, near="Caen", radius=30) == ["Hackathon tourisme"]
    assert titles(api, edition, lat=47.2, lon=-1.55, radius=10) == ["La blockchain expliquée"]


def test_reference_list_filters(api, edition, events):
    assert titles(api, edition, theme="tourisme") == ["Hackathon tourisme"]
    assert titles(api, edition, format=["webinaire", "hackathon"]) == [
        "Hackathon tourisme", "Webinaire datavisualisation"]
    events["online"].audiences.set(Audience.objects.filter(slug="grand-public"))
    assert titles(api, edition, audience="agents-publics") == ["Hackathon tourisme",
                                                               "La blockchain expliquée"]
    assert titles(api, edition, audience="grand-public") == ["Webinaire datavisualisation"]


def test_date_and_weekday_filters(api, edition, events):
    day = edition.starts_on.toordinal()
    from datetime import date

    second = date.fromordinal(day + 1).isoformat()
    assert titles(api, edition, **{"from": second, "to": second}) == ["La blockchain expliquée"]
    weekday = date.fromordinal(day + 4).isoweekday()
    assert titles(api, edition, day=weekday) == ["Hackathon tourisme"]


def test_attendance_accessibility_and_free_places(api, edition, events):
    assert titles(api, edition, attendance="online") == ["Webinaire datavisualisation"]
    assert titles(api, edition, access="motor") == ["Hackathon tourisme"]
    from semaine.registrations.services import register

    full = events["caen"]
    full.__class__.objects.filter(pk=full.pk).update(registration_mode="platform", capacity=1)
    register(slot=full.slots.get(), email="a@example.fr", first_name="A", last_name="B",
             email_verified=True)
    assert titles(api, edition, free="true") == ["La blockchain expliquée", "Webinaire datavisualisation"]


def test_organiser_programme_and_track_filters(api, edition, events):
    programme = events["nantes"].programme
    assert titles(api, edition, organisation="departement-du-calvados") == ["Hackathon tourisme"]
    assert titles(api, edition, programme=programme.slug) == ["La blockchain expliquée"]
    assert titles(api, edition, programme=programme.slug, track="decouvrir") == ["La blockchain expliquée"]


def test_text_search(api, edition, events):
    assert titles(api, edition, q="blockchain") == ["La blockchain expliquée"]


@pytest.mark.parametrize("params,field", [
    ({"theme": "pas-un-theme"}, "theme"),
    ({"departement": "ZZ"}, "departement"),
    ({"region": "atlantide"}, "region"),
    ({"organisation": "personne"}, "organisation"),
    ({"programme": "aucun"}, "programme"),
    ({"near": "Nulle-Part"}, "near"),
    ({"from": "2017-13-45"}, "from"),
    ({"day": "8"}, "day.0"),
    ({"attendance": "partout"}, "attendance"),
    ({"access": "tout"}, "access.0"),
    ({"lat": "47.2"}, "lon"),
    ({"lat": "100", "lon": "0"}, "lat"),
    ({"radius": "5000", "near": "Nantes"}, "radius"),
    ({"limit": "0"}, "limit"),
    ({"limit": "201"}, "limit"),
    ({"free": "peut-etre"}, "free"),
    ({"sort": "date"}, "sort"),
    ({"thme": "data"}, "thme"),
])
def test_an_unknown_or_malformed_filter_is_a_400_problem_naming_it(api, edition, events, params, field):
    response = api.get(f"/editions/{edition.slug}/events", params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert field in [error["field"] for error in response.json()["errors"]]


def test_dates_in_the_wrong_order_are_refused_rather_than_swapped(api, edition, events):
    response = api.get(f"/editions/{edition.slug}/events", {"from": "2030-01-02", "to": "2030-01-01"})
    assert response.status_code == 400


def test_a_nul_character_is_a_problem_not_a_crash(api, edition, events):
    response = api.get(f"/editions/{edition.slug}/events", {"q": "bloc\x00kchain"})
    assert response.status_code == 200  # the NUL is dropped, as on the agenda page
    assert [e["title"] for e in response.json()["items"]] == ["La blockchain expliquée"]
