"""Calendars read back by two independent parsers: ``icalendar`` and Mozilla's ``ical.js``.

Each turns every DTSTART and DTEND into UTC with the VTIMEZONE of the calendar itself (never
with a time zone database), so a VTIMEZONE that does not describe the dates it is used for gives
instants that differ from the database. ``ical.js`` runs in Node (``npm ci`` installs it).
"""

import json
import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from icalendar import Calendar

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "tests" / "read_calendars.mjs"
ICAL_JS = ROOT / "node_modules" / "ical.js"


@dataclass(frozen=True)
class Reading:
    """What one parser read in one calendar."""

    method: str | None
    #: (TZID, number of STANDARD, number of DAYLIGHT) of each VTIMEZONE.
    timezones: list[tuple[str, int, int]]
    #: (UID, start, end) of each VEVENT, in UTC.
    events: list[tuple[str, datetime, datetime]]


def _as_text(calendar: str | bytes) -> str:
    return calendar.decode() if isinstance(calendar, bytes) else calendar


def read_with_icalendar(calendar: str | bytes) -> Reading:
    parsed = Calendar.from_ical(_as_text(calendar))
    zones = {str(zone["TZID"]): zone for zone in parsed.walk("VTIMEZONE")}
    tzinfos = {tzid: zone.to_tz(lookup_tzid=False) for tzid, zone in zones.items()}

    def instant(vevent, name: str) -> datetime:
        prop = vevent[name]
        tzid = prop.params.get("TZID")
        moment = prop.dt
        if tzid is None:
            return moment.astimezone(UTC)
        assert tzid in zones, f"{name} uses TZID {tzid}, which no VTIMEZONE of the file defines"
        first = min(observance.decoded("DTSTART") for observance in zones[tzid].subcomponents)
        local = moment.replace(tzinfo=None)
        assert first <= local, f"the VTIMEZONE {tzid} starts at {first}, after {name} {local}"
        return local.replace(tzinfo=tzinfos[tzid]).astimezone(UTC)

    return Reading(
        method=str(parsed["METHOD"]) if "METHOD" in parsed else None,
        timezones=[(tzid, len(zone.walk("STANDARD")), len(zone.walk("DAYLIGHT")))
                   for tzid, zone in zones.items()],
        events=[(str(vevent["UID"]), instant(vevent, "DTSTART"), instant(vevent, "DTEND"))
                for vevent in parsed.walk("VEVENT")],
    )


def read_with_icaljs(*calendars: str | bytes) -> list[Reading]:
    node = shutil.which("node")
    if node is None or not ICAL_JS.exists():
        pytest.fail("Node and ical.js are needed: install Node, then run `npm ci` at the root "
                    "of the repository.", pytrace=False)
    result = subprocess.run(  # noqa: S603 - our own script, fed our own calendars
        [node, str(SCRIPT)], input=json.dumps([_as_text(text) for text in calendars]),
        capture_output=True, text=True, cwd=ROOT, check=False, timeout=60,
    )
    assert result.returncode == 0, f"ical.js could not read the calendar:\n{result.stderr}"

    def moment(text: str) -> datetime:
        return datetime.fromisoformat(text).astimezone(UTC)

    return [
        Reading(
            method=reading["method"],
            timezones=[(zone["tzid"], zone["standard"], zone["daylight"])
                       for zone in reading["timezones"]],
            events=[(event["uid"], moment(event["start"]), moment(event["end"]))
                    for event in reading["events"]],
        )
        for reading in json.loads(result.stdout)
    ]


def read_twice(*calendars: str | bytes) -> list[Reading]:
    """Each calendar read by both parsers, which must agree; its VTIMEZONEs must be complete.

    Returns one reading per calendar (both parsers gave the same).
    """
    readings = []
    for calendar, by_icaljs in zip(calendars, read_with_icaljs(*calendars), strict=True):
        by_icalendar = read_with_icalendar(calendar)
        assert by_icalendar == by_icaljs, (by_icalendar, by_icaljs)
        for tzid, standard, daylight in by_icalendar.timezones:
            assert standard and daylight, f"the VTIMEZONE {tzid} lacks STANDARD or DAYLIGHT"
        readings.append(by_icalendar)
    return readings


def slot_instants(slots) -> list[tuple[datetime, datetime]]:
    return [(slot.starts_at.astimezone(UTC), slot.ends_at.astimezone(UTC)) for slot in slots]
