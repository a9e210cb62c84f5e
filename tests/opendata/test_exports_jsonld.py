"""The JSON-LD export: one schema.org Event per slot in a @graph, expanded with pyld."""

import json
import re

import pytest
from pyld import jsonld

from semaine.agenda import services
from semaine.agenda.models import AttendanceMode

from .conftest import build_files, export_url

pytestmark = pytest.mark.django_db
SCHEMA = "http://schema.org/"


def offline_loader(url, options=None):
    """schema.org's context, reduced to its vocabulary: nothing is fetched from the network."""
    assert url.rstrip("/") in ("https://schema.org", "http://schema.org"), url
    return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url,
            "document": {"@context": {"@vocab": SCHEMA, "url": {"@type": "@id"}}}}


def expand(document: dict) -> list:
    return jsonld.expand(document, {"documentLoader": offline_loader})


def graph(download, edition, data=None) -> list[dict]:
    document = json.loads(download(edition, "jsonld", data))
    assert document["@context"] == "https://schema.org"
    return document["@graph"]


def test_the_export_expands_to_schema_org_events(download, edition, publish, venue):
    publish(venue=venue, slots=2)
    publish(attendance_mode=AttendanceMode.ONLINE, online_url="https://visio.example.fr/b")
    expanded = expand(json.loads(download(edition, "jsonld")))
    events = expanded[0]["@graph"]
    assert len(events) == 3
    assert all(node["@type"] == [SCHEMA + "Event"] for node in events)
    assert all(SCHEMA + "startDate" in node and SCHEMA + "location" in node for node in events)


def test_the_export_converts_to_rdf(download, edition, publish, venue):
    publish(venue=venue)
    quads = jsonld.to_rdf(json.loads(download(edition, "jsonld")),
                          {"documentLoader": offline_loader, "format": "application/n-quads"})
    assert f"<{SCHEMA}startDate>" in quads and f"<{SCHEMA}Event>" in quads


def test_each_slot_is_one_event_with_its_dates_and_place(download, edition, publish, venue):
    event = publish(venue=venue, slots=2)
    nodes = graph(download, edition)
    slots = list(event.slots.order_by("starts_at"))
    assert [node["@id"].rsplit("#", 1)[1] for node in nodes] == [f"creneau-{s.pk}" for s in slots]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", nodes[0]["startDate"])
    assert nodes[0]["location"]["@type"] == "Place"
    assert nodes[0]["location"]["geo"] == {"@type": "GeoCoordinates", "latitude": 47.2184,
                                           "longitude": -1.5536}
    assert nodes[0]["location"]["address"]["addressLocality"] == "Nantes"


def test_an_online_event_is_at_a_virtual_location(download, edition, publish):
    publish(attendance_mode=AttendanceMode.ONLINE, online_url="https://visio.example.fr/b")
    node = graph(download, edition)[0]
    assert node["location"] == {"@type": "VirtualLocation", "url": "https://visio.example.fr/b"}
    assert node["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"


def test_a_cancelled_slot_is_event_cancelled(download, edition, publish, editor):
    event = publish(slots=2)
    services.cancel_slot(editor, event.slots.order_by("starts_at").last(), "Salle indisponible.")
    assert [node["eventStatus"] for node in graph(download, edition)] == [
        "https://schema.org/EventScheduled", "https://schema.org/EventCancelled"]


def test_the_export_describes_a_slot_as_the_event_page_does(client, download, edition, publish, venue):
    event = publish(venue=venue)
    page = client.get(event.get_absolute_url()).content.decode()
    script = re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', page, re.S)
    on_page = json.loads(script.group(1))
    on_page = on_page[0] if isinstance(on_page, list) else on_page
    on_page.pop("@context")
    assert graph(download, edition)[0] == on_page


def test_the_document_names_the_edition_and_itself(client, edition, publish):
    publish()
    build_files(edition)
    response = client.get(export_url(edition, "jsonld"))
    assert response["Content-Type"] == "application/ld+json"
    document = json.loads(b"".join(response.streaming_content))
    assert document["@id"] == f"http://testserver{export_url(edition, 'jsonld')}"
    assert document["name"] == edition.name


def test_an_empty_edition_is_an_empty_graph(download, edition):
    assert graph(download, edition) == []
