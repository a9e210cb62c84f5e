"""Public reads: editions, events with the agenda's filters, one event, slots, organisations,
programmes, reference lists and territories. Published data only."""

import pytest

from semaine.agenda.models import EventState, EventStatus
from semaine.territory.models import Departement
from tests import factories

from .conftest import published_event as publish

pytestmark = pytest.mark.django_db


def ids(response):
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


def test_the_editions_are_listed_with_their_dates(api, edition):
    response = api.get("/editions")
    assert response.status_code == 200
    assert response.json()[0]["slug"] == edition.slug
    assert response.json()[0]["starts_on"] == edition.starts_on.isoformat()


def test_one_edition_by_its_slug(api, edition):
    assert api.get(f"/editions/{edition.slug}").json()["name"] == edition.name


def test_an_unknown_edition_is_a_404_problem(api, edition):
    response = api.get("/editions/nope/events")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 404


@pytest.mark.parametrize("slug", ["nope", "x" * 101, "%C3%A9dition", "a%00b", "..%2F2017"])
def test_an_edition_that_cannot_exist_is_a_404_in_the_api_the_downloads_and_the_statistics(
    api, client, edition, slug
):
    for path in (f"/editions/{slug}", f"/editions/{slug}/events"):
        response = api.get(path)
        assert response.status_code == 404, path
        assert response.json()["status"] == 404
    for path in (f"/editions/{slug}/donnees-ouvertes/evenements.csv", f"/editions/{slug}/statistiques/",
                 f"/editions/{slug}/statistiques/formats.csv"):
        assert client.get(path).status_code == 404, path
    # the same lookup finds the edition everywhere
    assert api.get(f"/editions/{edition.slug}").status_code == 200
    assert client.get(f"/editions/{edition.slug}/statistiques/").status_code == 200


def test_the_events_list_holds_published_events_only(api, edition, organisation):
    shown = publish(edition, organisation, title="Publié")
    for state in (EventState.DRAFT, EventState.SUBMITTED, EventState.REFUSED):
        factories.EventFactory(edition=edition, organisation=organisation, state=state)
    assert ids(api.get(f"/editions/{edition.slug}/events")) == [str(shown.public_id)]


def test_an_event_shows_its_slots_venue_and_reference_slugs(api, edition, organisation, venue):
    event = publish(edition, organisation, title="Atelier données", themes=["data"], venue=venue,
                    access_motor=True)
    item = api.get(f"/editions/{edition.slug}/events").json()["items"][0]
    assert item["title"] == "Atelier données"
    assert item["themes"] == ["data"] and item["formats"] == ["atelier"]
    assert item["venue"]["departement"] == "44" and item["venue"]["region"] == "52"
    assert item["accessibility"] == ["motor"]
    assert item["slots"][0]["id"] == event.slots.get().pk
    assert item["url"].endswith(event.get_absolute_url())


def test_a_venue_placed_at_its_commune_centre_says_so(api, edition, organisation, venue):
    centre = factories.VenueFactory(organisation=organisation, latitude=47.2172, longitude=-1.5534,
                                    location_precision="commune")
    publish(edition, organisation, title="Au centre", venue=centre)
    publish(edition, organisation, title="À l’adresse", venue=venue)
    items = {item["title"]: item for item in api.get(f"/editions/{edition.slug}/events").json()["items"]}
    assert items["Au centre"]["venue"]["approximate_position"] is True
    assert items["À l’adresse"]["venue"]["approximate_position"] is False


def test_an_event_shows_no_personal_data(api, edition, organisation, editor):
    publish(edition, organisation, created_by=editor)
    body = api.get(f"/editions/{edition.slug}/events").content.decode()
    assert editor.email not in body and "created_by" not in body and "state" not in body


def test_one_published_event_with_its_slots(api, edition, organisation):
    event = publish(edition, organisation, title="Un seul")
    response = api.get(f"/editions/{edition.slug}/events/{event.public_id}")
    assert response.json()["title"] == "Un seul" and len(response.json()["slots"]) == 1


def test_a_draft_is_not_found_by_its_id(api, edition, organisation):
    draft = factories.EventFactory(edition=edition, organisation=organisation)
    response = api.get(f"/editions/{edition.slug}/events/{draft.public_id}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_a_malformed_event_id_is_a_problem(api, edition):
    response = api.get(f"/editions/{edition.slug}/events/not-a-uuid")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


def test_an_unknown_address_under_the_api_is_a_404_problem(api):
    response = api.get("/nothing/here")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_a_cancelled_event_stays_listed_with_its_status(api, edition, organisation):
    publish(edition, organisation, status=EventStatus.CANCELLED)
    assert api.get(f"/editions/{edition.slug}/events").json()["items"][0]["status"] == "cancelled"


def test_slots_of_published_events_are_listed_with_their_event(api, edition, organisation):
    event = publish(edition, organisation)
    factories.EventFactory(edition=edition, organisation=organisation)  # a draft's slot
    items = api.get(f"/editions/{edition.slug}/slots").json()["items"]
    assert [item["event"] for item in items] == [str(event.public_id)]


def test_slots_filtered_by_dates(api, edition, organisation):
    publish(edition, organisation, day=0)
    late = publish(edition, organisation, day=3)
    day = (edition.starts_on.toordinal() + 2)
    from datetime import date

    response = api.get(f"/editions/{edition.slug}/slots", {"from": date.fromordinal(day).isoformat()})
    items = response.json()["items"]
    assert [item["event"] for item in items] == [str(late.public_id)]


def test_approved_organisations_are_listed(api, organisation):
    factories.OrganisationFactory(name="En attente", status="pending")
    items = api.get("/organisations").json()["items"]
    assert [item["slug"] for item in items] == [organisation.slug]
    assert items[0]["departement"] == "44"


def test_programmes_are_listed_with_their_tracks(api, edition, organisation):
    programme = factories.ProgrammeFactory(edition=edition, organisation=organisation, title="Parcours data")
    factories.TrackFactory(programme=programme, name="Découvrir")
    item = api.get(f"/editions/{edition.slug}/programmes").json()["items"][0]
    assert item["slug"] == programme.slug
    assert item["organisation"]["slug"] == organisation.slug
    assert [t["name"] for t in item["tracks"]] == ["Découvrir"]


@pytest.mark.parametrize("path,slug", [("/themes", "data"), ("/formats", "atelier"),
                                       ("/audiences", "agents-publics")])
def test_reference_lists(api, path, slug):
    assert slug in [item["slug"] for item in api.get(path).json()]


def test_regions_and_departements(api):
    regions = api.get("/regions").json()
    departements = api.get("/departements").json()
    assert len(departements) == Departement.objects.count()
    loire = next(d for d in departements if d["code"] == "44")
    assert loire["region"] == "52" and "52" in [r["code"] for r in regions]


def test_the_api_is_read_only_for_anonymous_visitors(api, edition):
    response = api.post(f"/editions/{edition.slug}/events", {})
    assert response.status_code == 405


def test_the_openapi_document_is_version_3_1(client):
    document = client.get("/api/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    assert "/api/editions/{edition}/events" in document["paths"]


def test_the_operation_ids_stay_those_clients_were_generated_with(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert paths["/api/editions/{edition}/events"]["get"]["operationId"] == (
        "semaine_opendata_api_public_events")
    assert paths["/api/organiser/events"]["post"]["operationId"] == (
        "semaine_opendata_api_organiser_create_event")


def test_the_docs_page_is_served_with_local_assets(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert b"swagger-ui-bundle.js" in response.content and b"cdn." not in response.content
