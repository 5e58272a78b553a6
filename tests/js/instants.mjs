// Read an .ics file with ical.js and print, per VEVENT, the UTC instants its start and end
// land at, using only the VTIMEZONE blocks of the file (ical.js knows no zone of its own).
// Usage: node instants.mjs FILE.ics  ->  JSON list of {uid, start, end, status, summary}
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const root = new ICAL.Component(ICAL.parse(readFileSync(process.argv[2], "utf8")));
for (const block of root.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(new ICAL.Timezone(block));
}
const seconds = (time) => (time.zone === ICAL.Timezone.localTimezone ? null : time.toUnixTime());
const events = root.getAllSubcomponents("vevent").map((vevent) => {
  const event = new ICAL.Event(vevent);
  return {
    uid: event.uid,
    start: seconds(event.startDate),
    end: seconds(event.endDate),
    floating: event.startDate.zone === ICAL.Timezone.localTimezone,
    local: event.startDate.toString(),
    status: vevent.getFirstPropertyValue("status"),
    summary: event.summary,
  };
});
process.stdout.write(JSON.stringify(events));
