"""Calendars (RFC 5545, with the RFC 7986 extensions) built from published events.

Pure: no database access and no request. The events must come with their edition,
organisation and venue selected and their slots, formats and themes prefetched; the caller says
how to turn a path into an absolute URL. Every slot of an event is one VEVENT, whose UID never
changes (``<public id>-<slot id>@semaine``) and whose SEQUENCE is the event's revision, so that
calendar clients update the entries they already show instead of duplicating them.
"""

import hashlib
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar, Conference, Timezone, vCalAddress, vDatetime, vDuration
from icalendar import Event as VEvent

from semaine.agenda.models import PARIS, AttendanceMode, Event, EventStatus, Slot

PRODID = "-//Semaine de l'innovation publique//semaine//FR"
#: How often subscribed clients should fetch the feed again.
REFRESH_INTERVAL = timedelta(hours=1)
STATUSES = {EventStatus.CANCELLED: "CANCELLED", EventStatus.POSTPONED: "TENTATIVE"}


def slot_uid(event: Event, slot: Slot) -> str:
    """The UID of one slot's VEVENT: stable whatever is edited in the event."""
    return f"{event.public_id}-{slot.pk}@semaine"


def location(event: Event) -> str:
    """The venue (name, address, postcode and commune), or the link of an online event."""
    if event.shows_venue:
        venue = event.venue
        town = f"{venue.postcode} {venue.commune}".strip()
        return ", ".join(part for part in (venue.name, venue.address, town) if part)
    if event.attendance_mode != AttendanceMode.IN_PERSON:
        return event.online_url
    return ""


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def slot_component(event: Event, slot: Slot, *, absolute_url: Callable[[str], str],
                   stamp: datetime) -> VEvent:
    """The VEVENT of one slot of an event."""
    page = absolute_url(event.get_absolute_url())
    component = VEvent()
    component.uid = slot_uid(event, slot)
    component.stamp = _utc(stamp)
    component.start = slot.starts_at.astimezone(PARIS)
    component.end = slot.ends_at.astimezone(PARIS)
    component.created = _utc(event.created_at)
    component.last_modified = _utc(event.updated_at)
    component.sequence = event.revision
    component.summary = event.title
    component.description = f"{event.summary}\n\n{page}"
    component.url = page
    component.status = "CANCELLED" if slot.cancelled_at else STATUSES.get(event.status, "CONFIRMED")
    where = location(event)
    if where:
        component.location = where
    venue = event.venue
    if event.shows_venue and venue.latitude is not None and venue.longitude is not None:
        component.add("geo", (venue.latitude, venue.longitude))
    if event.online_url and event.attendance_mode != AttendanceMode.IN_PERSON:
        component.conferences = [Conference(event.online_url, feature="VIDEO")]
    # RFC 5545 §3.3.3: a calendar user address is any URI; the organisation's public page is
    # one (its members' e-mail addresses are not published).
    organizer = vCalAddress(absolute_url(event.organisation.get_absolute_url()))
    organizer.name = event.organisation.name
    component.organizer = organizer
    categories = [item.name for item in event.formats.all()]
    categories += [item.name for item in event.themes.all()]
    if categories:
        component.categories = categories
    return component


def add_timezones(calendar: Calendar, slots: list[Slot], stamp: datetime,
                  span: tuple[date, date] | None = None) -> None:
    """Put the Europe/Paris VTIMEZONE first in the calendar: every calendar the platform
    produces takes it from here.

    It is drawn from the time zone database and covers whole Paris years (``span``, else those of
    the slots, else the year of ``stamp``: even an empty feed has a component, RFC 5545 §3.6), so
    that it always describes both observances (STANDARD for CET, DAYLIGHT for CEST) and starts
    before the earliest time: a client converts each DTSTART with it, not with a database of its
    own.
    """
    first, last = span or years_span(min((slot.starts_at for slot in slots), default=None),
                                     max((slot.ends_at for slot in slots), default=None), stamp)
    calendar.subcomponents.insert(0, Timezone.from_tzid("Europe/Paris", first_date=first,
                                                        last_date=last))


def build_calendar(events: Iterable[Event], *, name: str, absolute_url: Callable[[str], str],
                   stamp: datetime, span: tuple[date, date] | None = None) -> Calendar:
    """A calendar with one VEVENT per slot of each event, and the Europe/Paris VTIMEZONE
    (covering ``span``, when given, instead of the years of the slots)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.calscale = "GREGORIAN"
    calendar.method = "PUBLISH"
    calendar.calendar_name = name  # NAME (RFC 7986) and X-WR-CALNAME
    calendar.add("x-wr-timezone", "Europe/Paris")
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH_INTERVAL))
    slots = []
    for event in events:
        for slot in event.slots.all():
            calendar.add_component(
                slot_component(event, slot, absolute_url=absolute_url, stamp=stamp)
            )
            slots.append(slot)
    add_timezones(calendar, slots, stamp, span)
    return calendar


def years_span(first: datetime | None, last: datetime | None, stamp: datetime) -> tuple[date, date]:
    """The whole years from ``first`` to ``last`` (the current one when there are none): the
    span of every VTIMEZONE the platform writes."""
    if first is None or last is None:
        return date(stamp.year, 1, 1), date(stamp.year + 1, 1, 1)
    return date(first.astimezone(PARIS).year, 1, 1), date(last.astimezone(PARIS).year + 1, 1, 1)


def calendar_parts(events: Iterable[Event], *, name: str, absolute_url: Callable[[str], str],
                   stamp: datetime, span: tuple[date, date]) -> Iterator[bytes]:
    """The same calendar as ``build_calendar``, serialised one VEVENT at a time: memory stays
    the same whatever the number of events (``span``: the years of their slots)."""
    head = build_calendar([], name=name, absolute_url=absolute_url, stamp=stamp, span=span).to_ical()
    end = b"END:VCALENDAR\r\n"
    yield head[: -len(end)]
    for event in events:
        for slot in event.slots.all():
            yield slot_component(event, slot, absolute_url=absolute_url, stamp=stamp).to_ical()
    yield end


def fingerprint(content: bytes, stamp: datetime) -> str:
    """A hash of a serialised calendar that ignores its DTSTAMPs (the time it was built).

    Two builds of the same events give the same fingerprint, so it serves as an ETag.
    """
    stamped = b"DTSTAMP:" + vDatetime(_utc(stamp)).to_ical() + b"\r\n"
    return hashlib.sha256(content.replace(stamped, b"")).hexdigest()
