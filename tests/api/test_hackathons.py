"""The API's hackathon projects: those of hackathons with published results, no person named."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from semaine.hackathons import services
from tests import factories

pytestmark = pytest.mark.django_db


def _published(edition, organisation, title, leads=2):
    membership = factories.MembershipFactory(organisation=organisation)
    event = factories.published_event(edition, organisation, title=title, formats=("hackathon",))
    people = [factories.UserFactory(last_name=f"Personne{title}{i}") for i in range(leads)]
    return factories.hackathon_scenario(event, membership.user, leads=people,
                                        jurors=[factories.UserFactory()], publish=True), people


def test_projects_of_published_hackathons_are_listed_without_people(api, edition, organisation):
    hack, people = _published(edition, organisation, "A")
    still_open = factories.hackathon(edition, organisation, title="Ouvert")
    lead = factories.participant(still_open)
    services.save_submission(lead, services.create_team(lead, still_open.challenges.get(),
                                                        name="Secrets"),
                             title="Projet en cours", summary="…", licence="MIT")
    response = api.get(f"/editions/{edition.slug}/projects")
    assert response.status_code == 200
    items = response.json()["items"]
    assert {item["title"] for item in items} == {"Projet 1", "Projet 2"}
    first = next(item for item in items if item["title"] == "Projet 1")
    assert first["prize"] == "Prix du jury" and first["licence"] == "MIT"
    assert first["hackathon"] == str(hack.public_id)
    assert first["datasets"][0]["licence"] == "etalab-2.0"
    assert first["results_url"].endswith(f"/hackathons/{hack.public_id}/resultats/")
    for person in people:
        assert person.email not in response.text and person.last_name not in response.text


def test_the_projects_are_paged_in_a_constant_number_of_queries(api, edition, organisation):
    _published(edition, organisation, "A", leads=2)

    def count(limit):
        with CaptureQueriesContext(connection) as ctx:
            response = api.get(f"/editions/{edition.slug}/projects", {"limit": limit})
        assert response.status_code == 200
        return len(ctx.captured_queries), response.json()

    few, _page = count(50)
    _published(edition, organisation, "B", leads=4)
    many, page = count(50)
    assert many == few and len(page["items"]) == 6
    first = api.get(f"/editions/{edition.slug}/projects", {"limit": 4}).json()
    rest = api.get(f"/editions/{edition.slug}/projects",
                   {"limit": 4, "cursor": first["next_cursor"]}).json()
    assert len(first["items"]) + len(rest["items"]) == 6 and rest["next_cursor"] is None


def test_an_unknown_edition_or_parameter_is_a_problem(api, edition):
    assert api.get("/editions/nulle-part/projects").status_code == 404
    response = api.get(f"/editions/{edition.slug}/projects", {"prix": "1"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
