"""The calendar grid: the edition's days as columns, slots placed by time, long events as spans.

Pure layout over a bounded number of slots; the page renders it with CSS grid classes (no inline
styles, so the Content-Security-Policy stays strict).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from semaine.agenda.models import PARIS, Slot

FIRST_HOUR, LAST_HOUR = 8, 21          # rows cover 8:00–21:00, half an hour each
ROWS = (LAST_HOUR - FIRST_HOUR) * 2
MAX_LANES = 2                          # side by side in one day; the rest are listed below
MAX_SLOTS = 1500                       # the calendar of a huge edition is bounded


@dataclass
class Placed:
    slot: Slot
    start: datetime
    end: datetime
    row: int = 1
    span: int = 1
    lane: int = 1


@dataclass
class Day:
    date: date
    placed: list = field(default_factory=list)
    overflow: list = field(default_factory=list)

    @property
    def iso(self) -> str:
        return self.date.isoformat()


@dataclass
class Span:
    slot: Slot
    start: datetime
    end: datetime
    first_column: int
    columns: int
    starts_before: bool
    ends_after: bool


@dataclass
class Grid:
    days: list
    spans: list
    hours: list
    truncated: bool
    focus: date | None
    #: why the day asked for is not shown (not a day of the edition), in French
    notice: str = ""


def _row(moment: datetime) -> int:
    minutes = (moment.hour - FIRST_HOUR) * 60 + moment.minute
    return min(max(minutes // 30 + 1, 1), ROWS)


def build(edition, events, focus_param: str | None = None) -> Grid:
    first, last = edition.starts_on, edition.ends_on
    focus, notice = None, ""
    if focus_param:
        try:
            focus = date.fromisoformat(focus_param)
        except ValueError:
            focus = None
        if focus is None or not first <= focus <= last:
            focus = None
            shown = focus_param if len(focus_param) <= 40 else focus_param[:40] + "…"
            notice = _("« %(value)s » n’est pas un jour de l’édition (du %(start)s au %(end)s) : "
                       "toute l’édition est affichée.") % {
                "value": shown, "start": first.strftime("%d/%m/%Y"), "end": last.strftime("%d/%m/%Y")}
    window_start = datetime.combine(focus or first, time.min, PARIS)
    window_end = datetime.combine(focus or last, time.max, PARIS)
    slots = list(
        Slot.objects.filter(event__in=events.values("pk"), starts_at__lte=window_end,
                            ends_at__gte=window_start)
        .select_related("event__edition", "event__venue")
        .prefetch_related(Prefetch("event__formats"))
        .order_by("starts_at", "pk")[: MAX_SLOTS + 1]
    )
    truncated = len(slots) > MAX_SLOTS
    slots = slots[:MAX_SLOTS]
    dates = [focus] if focus else [first + timedelta(days=i) for i in range((last - first).days + 1)]
    days = {d: Day(d) for d in dates}
    spans = []
    for slot in slots:
        start = timezone.localtime(slot.starts_at, PARIS)
        end = timezone.localtime(slot.ends_at, PARIS)
        if start.date() != (end - timedelta(microseconds=1)).date():
            shown_first = max(start.date(), dates[0])
            shown_last = min(end.date(), dates[-1])
            spans.append(Span(slot, start, end, (shown_first - dates[0]).days + 1,
                              (shown_last - shown_first).days + 1,
                              start.date() < dates[0], end.date() > dates[-1]))
        elif start.date() in days:
            row = _row(start)
            span = max(_row(end - timedelta(minutes=1)) - row + 1, 1)
            days[start.date()].placed.append(Placed(slot, start, end, row, span))
    for day in days.values():
        _assign_lanes(day)
    hours = [(f"{h:02d}:00", (h - FIRST_HOUR) * 2 + 1) for h in range(FIRST_HOUR, LAST_HOUR)]
    return Grid(list(days.values()), spans, hours, truncated, focus, notice)


def _assign_lanes(day: Day) -> None:
    """Interval partitioning: each slot takes the first lane free at its start row."""
    lane_ends: list[int] = []
    kept = []
    for item in day.placed:
        for index, busy_until in enumerate(lane_ends):
            if busy_until < item.row:
                item.lane = index + 1
                lane_ends[index] = item.row + item.span - 1
                kept.append(item)
                break
        else:
            if len(lane_ends) < MAX_LANES:
                lane_ends.append(item.row + item.span - 1)
                item.lane = len(lane_ends)
                kept.append(item)
            else:
                day.overflow.append(item)
    day.placed = kept
