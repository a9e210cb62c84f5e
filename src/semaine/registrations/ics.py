"""The calendar file attached to the e-mails: the one slot the person registered for.

A cancellation carries the same UID with METHOD:CANCEL and STATUS:CANCELLED, so that calendar
applications take the appointment out (RFC 5546 §3.2.5).
"""

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar

from semaine.agenda.ical import PRODID, add_timezones, slot_component


def slot_calendar(event, slot, *, cancelled: bool = False) -> str:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.method = "CANCEL" if cancelled else "PUBLISH"
    stamp = timezone.now()
    component = slot_component(event, slot, absolute_url=lambda path: settings.SITE_URL + path,
                               stamp=stamp)
    if cancelled:
        component.pop("STATUS", None)
        component.add("status", "CANCELLED")
        component.pop("SEQUENCE", None)
        component.add("sequence", event.revision + 1)
    calendar.add_component(component)
    add_timezones(calendar, [slot], stamp)
    return calendar.to_ical().decode()
