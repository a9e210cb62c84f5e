// Reads calendars (RFC 5545) with Mozilla's ical.js, the parser of Thunderbird, independently of
// the Python side: a JSON array of calendar texts on stdin, one JSON description per calendar on
// stdout. Each date-time with a TZID is turned into UTC with the VTIMEZONE of its own file (never
// a time zone database), so a VTIMEZONE that does not describe the dates gives wrong instants.
import ICAL from "ical.js";

function readAll(stream) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    stream.on("data", (chunk) => chunks.push(chunk));
    stream.on("end", () => resolve(Buffer.concat(chunks).toString("utf-8")));
    stream.on("error", reject);
  });
}

function instant(property) {
  const time = property.getFirstValue();
  const tzid = property.getParameter("tzid");
  if (tzid && time.zone.tzid !== tzid) {
    throw new Error(`${property.name} uses TZID ${tzid}, which no VTIMEZONE of the file defines`);
  }
  return time.toJSDate().toISOString();
}

function describe(text) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  if (calendar.name !== "vcalendar") {
    throw new Error(`not a VCALENDAR but ${calendar.name}`);
  }
  const timezones = calendar.getAllSubcomponents("vtimezone").map((zone) => ({
    tzid: zone.getFirstPropertyValue("tzid"),
    standard: zone.getAllSubcomponents("standard").length,
    daylight: zone.getAllSubcomponents("daylight").length,
  }));
  const events = calendar.getAllSubcomponents("vevent").map((vevent) => ({
    uid: vevent.getFirstPropertyValue("uid"),
    status: vevent.getFirstPropertyValue("status"),
    start: instant(vevent.getFirstProperty("dtstart")),
    end: instant(vevent.getFirstProperty("dtend")),
  }));
  return { method: calendar.getFirstPropertyValue("method"), timezones, events };
}

const texts = JSON.parse(await readAll(process.stdin));
process.stdout.write(JSON.stringify(texts.map(describe)));
