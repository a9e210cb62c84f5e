"""The event page's JSON-LD, read as a search engine does: the page's
``<script type="application/ld+json">`` elements, parsed and expanded with pyld against
schema.org's vocabulary. An event taking registrations offers each open slot (a free Offer,
in stock, on the waiting list once full, sold out when the organiser says so); a rescheduled
event gives each moved slot its previous start."""

import json
import re
from datetime import datetime, timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from pyld import jsonld

from semaine.agenda import services
from semaine.agenda.models import PARIS, EventStatus, RegistrationMode
from semaine.agenda.services import SlotData
from semaine.registrations import services as registrations
from tests import factories

pytestmark = pytest.mark.django_db
SCHEMA = "http://schema.org/"
SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def offline_loader(url, options=None):
    """schema.org's context reduced to its vocabulary (nothing fetched): ``url`` and the
    enumeration values are IRIs, as schema.org's own context declares them."""
    assert url.rstrip("/") in ("https://schema.org", "http://schema.org"), url
    return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url,
            "document": {"@context": {"@vocab": SCHEMA, "url": {"@type": "@id"},
                                      "availability": {"@type": "@id"},
                                      "eventStatus": {"@type": "@id"}}}}


def page_nodes(client, event) -> list[dict]:
    """The page's JSON-LD, each element parsed as JSON and expanded by pyld."""
    cache.clear()
    html = client.get(event.get_absolute_url()).content.decode()
    nodes = []
    for text in SCRIPT.findall(html):
        document = json.loads(text)
        assert document["@context"] == "https://schema.org"
        [expanded] = jsonld.expand(document, {"documentLoader": offline_loader})
        assert expanded["@type"] == [SCHEMA + "Event"]
        nodes.append(expanded)
    return nodes


def value(node: dict, name: str):
    [item] = node[SCHEMA + name]
    return item.get("@id", item.get("@value"))


def offer_of(node: dict) -> dict:
    [offer] = node[SCHEMA + "offers"]
    assert offer["@type"] == [SCHEMA + "Offer"]
    return {name: value(offer, name) for name in
            ("price", "priceCurrency", "availability", "url", "validFrom", "availabilityEnds")}


@pytest.fixture
def edition():
    return factories.EditionFactory(is_current=True)


@pytest.fixture
def event_with(edition, organisation):
    def make(**fields):
        return factories.published_event(edition, organisation, title="Atelier des données",
                                         published_at=datetime(2026, 1, 5, 10, tzinfo=PARIS),
                                         **fields)
    return make


def register(slot, email):
    return registrations.register(slot=slot, email=email, first_name="Camille",
                                  last_name="Martin", email_verified=True)


def test_registration_on_the_platform_is_a_free_offer_in_stock(client, event_with):
    event = event_with(registration_mode=RegistrationMode.PLATFORM, capacity=2)
    slot = event.slots.get()

    [node] = page_nodes(client, event)

    assert offer_of(node) == {
        "price": 0, "priceCurrency": "EUR", "availability": "https://schema.org/InStock",
        "url": f"http://testserver/inscriptions/evenements/{event.public_id}/",
        "validFrom": "2026-01-05T10:00:00+01:00",
        "availabilityEnds": timezone.localtime(slot.starts_at, PARIS).isoformat()}


def test_a_full_slot_offers_its_waiting_list(client, event_with):
    event = event_with(registration_mode=RegistrationMode.PLATFORM, capacity=1)
    slot = event.slots.get()
    register(slot, "premiere@example.fr")
    client.get(event.get_absolute_url())  # a cached page is replaced when the slot fills

    [node] = page_nodes(client, event)

    assert offer_of(node)["availability"] == "https://schema.org/BackOrder"


def test_a_cached_page_follows_the_slot_filling_and_a_seat_freed(
        site, event_with, django_capture_on_commit_callbacks):
    event = event_with(registration_mode=RegistrationMode.PLATFORM, capacity=1)
    slot = event.slots.get()
    url = event.get_absolute_url()
    site.get(url)
    assert site.get(url)["X-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        seated = register(slot, "premiere@example.fr")
    full = site.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        registrations.cancel(seated)
    freed = site.get(url)

    assert full["X-Cache"] == "miss" and "schema.org/BackOrder" in full.text
    assert freed["X-Cache"] == "miss" and "schema.org/InStock" in freed.text


def test_a_registration_that_leaves_seats_keeps_the_cached_page(
        site, event_with, django_capture_on_commit_callbacks):
    event = event_with(registration_mode=RegistrationMode.PLATFORM, capacity=3)
    url = event.get_absolute_url()
    site.get(url)

    with django_capture_on_commit_callbacks(execute=True):
        register(event.slots.get(), "premiere@example.fr")

    assert site.get(url)["X-Cache"] == "hit"


def test_an_event_the_organiser_says_is_full_is_sold_out(client, event_with, editor):
    event = event_with(registration_mode=RegistrationMode.EXTERNAL,
                       registration_url="https://billetterie.example.fr/atelier")
    services.set_event_status(editor, event, EventStatus.FULL)

    [node] = page_nodes(client, event)

    offer = offer_of(node)
    assert offer["availability"] == "https://schema.org/SoldOut"
    assert offer["url"] == "https://billetterie.example.fr/atelier"


def test_an_event_without_registration_or_cancelled_has_no_offer(client, event_with, editor):
    free = event_with()
    cancelled = event_with(registration_mode=RegistrationMode.PLATFORM)
    services.cancel_event(editor, cancelled, "Salle indisponible")

    assert all(SCHEMA + "offers" not in node
               for node in page_nodes(client, free) + page_nodes(client, cancelled))


def test_only_slots_still_open_are_offered(client, event_with, edition):
    event = event_with(registration_mode=RegistrationMode.PLATFORM)
    past = event.slots.create(starts_at=timezone.now() - timedelta(days=2),
                              ends_at=timezone.now() - timedelta(days=2) + timedelta(hours=2))

    nodes = {node["@id"].rsplit("-", 1)[1]: node for node in page_nodes(client, event)}

    assert SCHEMA + "offers" not in nodes[str(past.pk)]
    assert len([node for node in nodes.values() if SCHEMA + "offers" in node]) == 1


def test_a_rescheduled_event_gives_the_previous_start_of_its_slot(client, event_with, editor):
    event = event_with()
    slot = event.slots.get()
    before = slot.starts_at
    later = SlotData(before + timedelta(days=2), slot.ends_at + timedelta(days=2), None, slot.pk)
    services.update_event(editor, event, fields={}, slots=[later])
    services.set_event_status(editor, event, EventStatus.RESCHEDULED)

    [node] = page_nodes(client, event)

    assert value(node, "eventStatus") == "https://schema.org/EventRescheduled"
    assert value(node, "previousStartDate") == timezone.localtime(before, PARIS).isoformat()
    assert value(node, "startDate") == timezone.localtime(later.starts_at, PARIS).isoformat()


def test_a_slot_moved_twice_gives_both_previous_starts_latest_first(client, event_with,
                                                                    editor):
    event = event_with()
    slot = event.slots.get()
    first, end = slot.starts_at, slot.ends_at
    for days in (1, 3):
        services.update_event(editor, event, fields={}, slots=[
            SlotData(first + timedelta(days=days), end + timedelta(days=days), None, slot.pk)])
    services.set_event_status(editor, event, EventStatus.RESCHEDULED)

    [node] = page_nodes(client, event)

    assert [item["@value"] for item in node[SCHEMA + "previousStartDate"]] == [
        timezone.localtime(first + timedelta(days=1), PARIS).isoformat(),
        timezone.localtime(first, PARIS).isoformat()]


def test_an_event_moved_but_not_said_rescheduled_gives_no_previous_start(client, event_with,
                                                                         editor):
    event = event_with()
    slot = event.slots.get()
    services.update_event(editor, event, fields={}, slots=[
        SlotData(slot.starts_at + timedelta(days=1), slot.ends_at + timedelta(days=1), None,
                 slot.pk)])

    [node] = page_nodes(client, event)

    assert SCHEMA + "previousStartDate" not in node
