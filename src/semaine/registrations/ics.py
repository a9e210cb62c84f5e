"""The calendar file attached to a confirmation: the one slot the person registered for."""

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Timezone

from semaine.opendata.ical import PRODID, slot_component


def slot_calendar(event, slot) -> str:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.method = "PUBLISH"
    stamp = timezone.now()
    calendar.add_component(
        slot_component(event, slot, absolute_url=lambda path: settings.SITE_URL + path, stamp=stamp)
    )
    first, last = slot.starts_at.date(), slot.ends_at.date()
    calendar.subcomponents.insert(0, Timezone.from_tzid("Europe/Paris", first_date=first,
                                                         last_date=last))
    return calendar.to_ical().decode()
