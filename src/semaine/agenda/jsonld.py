"""schema.org `Event` descriptions (JSON-LD), one per slot, for the event page and the exports."""

from django.utils import timezone

from .models import PARIS, AttendanceMode, Event, EventStatus
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


def event_nodes(event: Event, absolute_url: str, site_root: str) -> list[dict]:
    """One schema.org Event per slot, without ``@context`` (for a page or a ``@graph``).

    The event comes with its venue (and the venue's département), organisation, slots, themes
    and co-organisers loaded (see ``queries.prefetched``); a cancelled slot is
    ``EventCancelled`` whatever the event's status.
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
        items.append(item)
    return items


def event_jsonld(event: Event, absolute_url: str, site_root: str) -> list[dict]:
    """The event page's descriptions: one schema.org Event per slot, each with its context."""
    return [{"@context": CONTEXT, **node} for node in event_nodes(event, absolute_url, site_root)]
