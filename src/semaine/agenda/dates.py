"""The dates the programme accepts, and the one rule of a slot's dates.

Every date that a person types or a client sends lies between ``EARLIEST_DAY`` and
``LATEST_DAY`` (Paris time): a query parameter outside is refused like a malformed one, and a
slot outside is refused before anything is written. A slot lasts at most ``MAX_SLOT_DAYS`` and
lies within ``SLOT_MARGIN_DAYS`` of its edition's dates (an online course may start a few weeks
before the week and end after it). The database refuses what no rule lets through
(``Slot`` constraints), so the facets of an event (one key per day its slots cover) stay few.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils.formats import date_format
from django.utils.translation import gettext as _

PARIS = ZoneInfo("Europe/Paris")

EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2100, 12, 31)
#: How long one edition may last (its days are listed one by one on its pages).
MAX_EDITION_DAYS = 366
#: How long one slot may last (a longer run is split into several slots).
MAX_SLOT_DAYS = 62
MAX_SLOT_LENGTH = timedelta(days=MAX_SLOT_DAYS)
#: How far before its edition's first day a slot may start, and after its last day it may end.
SLOT_MARGIN_DAYS = 92

#: What the database accepts (the rule above with a day's slack for time zones, so that the
#: constraints only ever stop what escaped the rule).
STORED_EARLIEST = datetime.combine(EARLIEST_DAY - timedelta(days=1), time.min, UTC)
STORED_LATEST = datetime.combine(LATEST_DAY + timedelta(days=2), time.min, UTC)
STORED_MAX_LENGTH = MAX_SLOT_LENGTH + timedelta(days=1)


def day_in_range(day: date) -> bool:
    return EARLIEST_DAY <= day <= LATEST_DAY


def moment_in_range(moment: datetime) -> bool:
    """The moment's own calendar day (no time zone conversion, which could overflow) is in range."""
    return day_in_range(moment.date())


def _day(day: date) -> str:
    return date_format(day, "d/m/Y")


def out_of_range_message() -> str:
    return _("Indiquez une date entre le %(first)s et le %(last)s.") % {
        "first": _day(EARLIEST_DAY), "last": _day(LATEST_DAY)}


def edition_window(edition) -> tuple[datetime, datetime]:
    """The first start and the last end a slot of ``edition`` may have (Paris time)."""
    margin = timedelta(days=SLOT_MARGIN_DAYS)
    return (datetime.combine(edition.starts_on - margin, time.min, PARIS),
            datetime.combine(edition.ends_on + margin + timedelta(days=1), time.min, PARIS))


def slot_errors(starts_at: datetime | None, ends_at: datetime | None, edition=None) -> dict:
    """What is wrong with a slot's dates, by field (``starts_at``, ``ends_at``), in French;
    empty when the slot may be saved. Without ``edition``, the edition's window is not checked."""
    errors = {}
    for name, moment in (("starts_at", starts_at), ("ends_at", ends_at)):
        if moment is not None and not moment_in_range(moment):
            errors[name] = out_of_range_message()
    if errors or starts_at is None or ends_at is None:
        return errors
    if ends_at <= starts_at:
        return {"ends_at": _("La fin doit être postérieure au début.")}
    if ends_at - starts_at > MAX_SLOT_LENGTH:
        return {"ends_at": _("Un créneau dure au plus %(days)s jours : découpez-le en plusieurs "
                             "créneaux.") % {"days": MAX_SLOT_DAYS}}
    if edition is not None and edition.starts_on and edition.ends_on:
        first, last = edition_window(edition)
        bounds = {"start": _day(edition.starts_on), "end": _day(edition.ends_on)}
        if starts_at < first:
            errors["starts_at"] = _(
                "Un créneau commence au plus tôt le %(day)s, trois mois avant l’édition (du "
                "%(start)s au %(end)s).") % {"day": _day(first.date()), **bounds}
        if ends_at > last:
            errors["ends_at"] = _(
                "Un créneau finit au plus tard le %(day)s, trois mois après l’édition (du "
                "%(start)s au %(end)s).") % {"day": _day(last.date() - timedelta(days=1)), **bounds}
    return errors
