"""schema.org `Event` descriptions (JSON-LD), one per slot, for the event page and the exports.

The event page adds what takes a query more per event: the ``offers`` of an event that takes
registrations (one ``Offer`` per slot still open, free, with the seats left) and, for a
rescheduled event, the ``previousStartDate`` of its slots read in its history.
"""

from datetime import datetime

from django.urls import reverse
from django.utils import timezone

from . import queries
from .models import PARIS, AttendanceMode, Event, EventStatus, RegistrationMode
from .queries import prefetched

STATUS = {
    EventStatus.SCHEDULED: "https://schema.org/EventScheduled",
    EventStatus.RESCHEDULED: "https://schema.org/EventRescheduled",
    EventStatus.MOVED_ONLINE: "https://schema.org/EventMovedOnline",
    EventStatus.POSTPONED: "https://schema.org/EventPostponed",
    EventStatus.FULL: "https://schema.org/EventScheduled",
    EventStatus.CANCELLED: "https://schema.org/EventCancelled",
}
MODE = {
    AttendanceMode.IN_PERSON: "https://schema.org/OfflineEventAttendanceMode",
    AttendanceMode.ONLINE: "https://schema.org/OnlineEventAttendanceMode",
    AttendanceMode.MIXED: "https://schema.org/MixedEventAttendanceMode",
}


def _place(event: Event) -> list[dict]:
    places = []
    venue = event.venue
    if venue and event.attendance_mode != AttendanceMode.ONLINE:
        place = {
            "@type": "Place",
            "name": venue.name,
            "address": {
                "@type": "PostalAddress",
                "streetAddress": venue.address,
                "postalCode": venue.postcode,
                "addressLocality": venue.commune,
                "addressRegion": venue.departement.name,
                "addressCountry": "FR",
            },
        }
        if venue.latitude is not None:
            place["geo"] = {"@type": "GeoCoordinates", "latitude": venue.latitude,
                            "longitude": venue.longitude}
        places.append(place)
    if event.online_url and event.attendance_mode != AttendanceMode.IN_PERSON:
        places.append({"@type": "VirtualLocation", "url": event.online_url})
    return places


CONTEXT = "https://schema.org"

IN_STOCK = "https://schema.org/InStock"
SOLD_OUT = "https://schema.org/SoldOut"
#: Every seat is held but one may still register: the registration goes on the waiting list and
#: becomes a seat when one is freed. schema.org's closest ItemAvailability is BackOrder (« available
#: on back order »: ordered now although out of stock, delivered when stock comes back).
#: LimitedAvailability would say seats remain, PreOrder that the offer is not yet released and
#: the seat certain; neither is true of a waiting list.
WAITING_LIST = "https://schema.org/BackOrder"


def _paris(moment: datetime) -> str:
    return timezone.localtime(moment, PARIS).isoformat()


def offers(event: Event, site_root: str, held: dict | None = None) -> dict[int, dict]:
    """The schema.org ``Offer`` of each slot one may still register to, by slot id: free
    (``price`` 0 in euros), at the registration page (ours or the organiser's), valid from the
    publication until the slot starts (the first slot's start for an event registered as a
    whole), in stock while seats are left, on the waiting list once they are all held, sold
    out when the organiser says the event is full. ``held``: seats held by slot id
    (``queries.seats_held``), for registration on the platform."""
    open_slots = event.registration_slots()
    if not open_slots:
        return {}
    if event.registration_mode == RegistrationMode.PLATFORM:
        url = site_root + reverse("registrations:register", kwargs={"public_id": event.public_id})
    else:
        url = event.registration_url
    held = held or {}
    result = {}
    slots = open_slots if event.registration_per_slot else list(prefetched(event, "slots"))
    for slot in slots:
        if slot.cancelled_at:
            continue
        counted = slot if event.registration_per_slot else open_slots[0]
        capacity = counted.capacity or event.capacity
        if event.status == EventStatus.FULL:
            availability = SOLD_OUT
        elif (event.registration_mode == RegistrationMode.PLATFORM and capacity
              and held.get(counted.pk, 0) >= capacity):
            availability = WAITING_LIST
        else:
            availability = IN_STOCK
        offer = {"@type": "Offer", "price": 0, "priceCurrency": "EUR",
                 "availability": availability, "url": url,
                 "availabilityEnds": _paris(counted.starts_at)}
        if event.published_at:
            offer["validFrom"] = _paris(event.published_at)
        result[slot.pk] = offer
    return result


def previous_starts(event: Event, changes: list[dict]) -> dict[datetime, list[datetime]]:
    """The former starts of each slot of a rescheduled event, latest first, by current start.

    ``changes`` are the slots' recorded edits, oldest first (``queries.slot_changes``): in
    each, the starts that went are paired in order with those that came (a slot moved); when
    they do not pair and the event has one slot left, every start that went was that slot's.
    """
    moved: dict[datetime, list[datetime]] = {}
    for change in changes:
        try:
            before = sorted({datetime.fromisoformat(item[0]) for item in change["before"]})
            after = sorted({datetime.fromisoformat(item[0]) for item in change["after"]})
        except (TypeError, ValueError, IndexError, KeyError):
            continue
        gone = [start for start in before if start not in after]
        came = [start for start in after if start not in before]
        if len(gone) == len(came):
            pairs = zip(came, gone, strict=True)
        elif len(after) == 1 and came:
            pairs = [(came[0], start) for start in reversed(gone)]
        else:
            continue
        for new, old in pairs:
            moved[new] = [*moved.get(new, []), old, *moved.pop(old, [])]
    current = {slot.starts_at for slot in prefetched(event, "slots")}
    return {start: sorted(set(olds), reverse=True) for start, olds in moved.items()
            if start in current}


def event_nodes(event: Event, absolute_url: str, site_root: str, *,
                slot_offers: dict | None = None, previous: dict | None = None) -> list[dict]:
    """One schema.org Event per slot, without ``@context`` (for a page or a ``@graph``).

    The event comes with its venue (and the venue's département), organisation, slots, themes
    and co-organisers loaded (see ``queries.prefetched``); a cancelled slot is
    ``EventCancelled`` whatever the event's status. ``slot_offers`` (``offers``) and
    ``previous`` (``previous_starts``) add each slot's offer and former starts.
    """
    organisers = [event.organisation, *prefetched(event, "co_organisers")]
    base = {
        "@type": "Event",
        "name": event.title,
        "description": event.summary,
        "url": absolute_url,
        "eventStatus": STATUS[event.status],
        "eventAttendanceMode": MODE[event.attendance_mode],
        "organizer": [{"@type": "Organization", "name": o.name, **({"url": o.website} if o.website else {})}
                      for o in organisers],
        "inLanguage": event.languages or ["fr"],
        "keywords": ", ".join(t.name for t in prefetched(event, "themes")),
        "isAccessibleForFree": True,
    }
    location = _place(event)
    if location:
        base["location"] = location if len(location) > 1 else location[0]
    if event.image:
        base["image"] = site_root + event.image.url
    items = []
    for slot in prefetched(event, "slots"):
        item = {"@id": f"{absolute_url}#creneau-{slot.pk}", **base}
        item["startDate"] = timezone.localtime(slot.starts_at, PARIS).isoformat()
        item["endDate"] = timezone.localtime(slot.ends_at, PARIS).isoformat()
        if slot.cancelled_at:
            item["eventStatus"] = STATUS[EventStatus.CANCELLED]
        if slot_offers and slot.pk in slot_offers:
            item["offers"] = slot_offers[slot.pk]
        olds = (previous or {}).get(slot.starts_at)
        if olds:
            dates = [_paris(old) for old in olds]
            item["previousStartDate"] = dates[0] if len(dates) == 1 else dates
        items.append(item)
    return items


def event_jsonld(event: Event, absolute_url: str, site_root: str) -> list[dict]:
    """The event page's descriptions: one schema.org Event per slot, each with its context,
    its offer while one may register and, rescheduled, its former start (two queries at most
    besides the event's)."""
    held = None
    if (event.registration_mode == RegistrationMode.PLATFORM and event.takes_registrations
            and event.status != EventStatus.FULL):
        held = queries.seats_held(event)
    previous = None
    if event.status == EventStatus.RESCHEDULED:
        previous = previous_starts(event, queries.slot_changes(event))
    nodes = event_nodes(event, absolute_url, site_root,
                        slot_offers=offers(event, site_root, held), previous=previous)
    return [{"@context": CONTEXT, **node} for node in nodes]
