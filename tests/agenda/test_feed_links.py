"""An organiser's public page and a programme's page link their calendar feed (the .ics file,
its ``webcal:`` twin to subscribe, and ``<link rel="alternate" type="text/calendar">`` in the
head); the feed behind each link is read back by icalendar and Mozilla's ical.js."""

import re
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from icalendar import Calendar

from tests import calendars, factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition():
    return factories.EditionFactory(is_current=True)


@pytest.fixture
def programme(edition, organisation):
    programme = factories.ProgrammeFactory(edition=edition, organisation=organisation,
                                           title="Programme des données ouvertes")
    for day, title in enumerate(("Atelier des données", "Visite du laboratoire")):
        factories.published_event(edition, organisation, title=title, day=day,
                                   programme=programme)
    factories.published_event(edition, factories.OrganisationFactory(), title="Ailleurs")
    return programme


def links(html: str) -> dict:
    """The feed links of a page: the head's alternate, the file and the subscription."""
    [alternate] = re.findall(r'<link rel="alternate" type="text/calendar" title="[^"]+" '
                             r'href="([^"]+)">', html)
    [file] = re.findall(r'href="([^"]+)" data-feed-file', html)
    [subscribe] = re.findall(r'href="([^"]+)" data-feed-subscribe', html)
    return {"alternate": alternate, "file": file, "subscribe": subscribe}


def followed(client, page_url: str) -> tuple[dict, bytes]:
    cache.clear()
    found = links(client.get(page_url).content.decode())
    response = client.get(urlsplit(found["file"]).path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    content = (b"".join(response.streaming_content) if response.streaming
               else response.content)
    return found, content


def summaries(calendar: bytes) -> list[str]:
    return [str(vevent["SUMMARY"]) for vevent in Calendar.from_ical(calendar).walk("VEVENT")]


def test_an_organiser_page_links_its_feed_with_its_webcal_twin(client, organisation, programme):
    found, _content = followed(client, f"/organisateurs/{organisation.slug}/")

    assert found["file"] == f"http://testserver/organisateurs/{organisation.slug}/agenda.ics"
    assert found["alternate"] == found["file"]
    assert found["subscribe"] == f"webcal://testserver/organisateurs/{organisation.slug}/agenda.ics"


def test_a_programme_page_links_its_feed_with_its_webcal_twin(client, programme):
    found, _content = followed(client, programme.get_absolute_url())

    path = f"/editions/{programme.edition.slug}/programmes/{programme.slug}/agenda.ics"
    assert found == {"alternate": "http://testserver" + path, "file": "http://testserver" + path,
                     "subscribe": "webcal://testserver" + path}


@pytest.mark.parametrize("page", ["organisation", "programme"])
def test_the_linked_feed_is_read_alike_by_icalendar_and_ical_js(client, organisation, programme,
                                                                page):
    url = (f"/organisateurs/{organisation.slug}/" if page == "organisation"
           else programme.get_absolute_url())

    _found, content = followed(client, url)

    [reading] = calendars.read_twice(content)
    slots = [slot for event in programme.events.order_by("first_starts_at")
             for slot in event.slots.all()]
    assert sorted((start, end) for _uid, start, end in reading.events) == sorted(
        calendars.slot_instants(slots))
    assert sorted(summaries(content)) == ["Atelier des données", "Visite du laboratoire"]


def test_a_large_linked_feed_is_the_worker_s_file_read_alike(client, organisation, programme,
                                                             settings):
    settings.SEMAINE_FEED_INLINE_MAX_EVENTS = 1
    settings.SITE_URL = "http://testserver"
    found = links(client.get(programme.get_absolute_url()).content.decode())
    path = urlsplit(found["file"]).path
    assert client.get(path).status_code == 503  # being built by the (immediate) worker

    response = client.get(path)

    assert response["X-Semaine-Built-At"]
    content = b"".join(response.streaming_content) if response.streaming else response.content
    [reading] = calendars.read_twice(content)
    assert len(reading.events) == 2
