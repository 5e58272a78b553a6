"""Read a calendar file with two independent readers and insist that they agree.

* icalendar, with each event's wall-clock time put in the zone the file's own VTIMEZONE
  defines (``Timezone.to_tz(lookup_tzid=False)``: dateutil's VTIMEZONE reader, not the
  system's zone of that name);
* ical.js (the reader Thunderbird uses), run through node, which knows no zone but the
  file's VTIMEZONE blocks (tests/js/instants.mjs).

vobject is no third reader: it parses VTIMEZONE with the same dateutil code, and keeps the
first block it saw for a TZID for the rest of the process.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import icalendar

JS = Path(__file__).parent / "js"


@dataclass(frozen=True)
class Read:
    """One event as both readers saw it."""

    uid: str
    summary: str
    status: str
    local: dt.datetime  # the wall-clock start written in the file
    start: dt.datetime | None  # UTC instant (None for a floating time)
    end: dt.datetime | None
    component: icalendar.Event


def ensure_ical_js() -> list[str]:
    """The node command line for tests/js/instants.mjs, installing ical.js first if needed
    (``npm ci`` from tests/js/package-lock.json: CI does it in .ci/run)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        raise RuntimeError(
            "node and npm are needed for the ical.js reader: apt-get install nodejs npm"
        )
    if not (JS / "node_modules" / "ical.js" / "package.json").exists():
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--silent"], cwd=JS, check=True, timeout=300
        )
    return [node, str(JS / "instants.mjs")]


def _utc(moment: dt.datetime, zones: dict[str, dt.tzinfo], tzid: str | None) -> dt.datetime | None:
    if tzid is None:
        return None
    return moment.replace(tzinfo=zones[tzid]).astimezone(dt.UTC)


def read_both(path: Path) -> list[Read]:
    """Parse ``path`` with icalendar and ical.js; fail unless both see the same events at
    the same UTC instants (or the same floating times)."""
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    zones = {
        str(block["tzid"]): block.to_tz(lookup_tzid=False) for block in calendar.walk("VTIMEZONE")
    }
    mine = []
    for event in calendar.walk("VEVENT"):
        tzid = event["dtstart"].params.get("TZID")
        local = event.decoded("dtstart").replace(tzinfo=None)
        end = event.decoded("dtend").replace(tzinfo=None)
        mine.append(
            Read(str(event["uid"]), str(event["summary"]), str(event["status"]), local,
                 _utc(local, zones, tzid), _utc(end, zones, tzid), event)
        )  # fmt: skip
    out = subprocess.run(
        [*ensure_ical_js(), str(path)], capture_output=True, text=True, check=True, timeout=60
    )
    theirs = json.loads(out.stdout)
    assert [e["uid"] for e in theirs] == [e.uid for e in mine]
    for read, js in zip(mine, theirs, strict=True):
        assert (js["status"], js["summary"]) == (read.status, read.summary)
        assert dt.datetime.fromisoformat(js["local"]) == read.local
        if read.start is None:
            assert js["floating"], read
            continue
        seen = (
            dt.datetime.fromtimestamp(js["start"], dt.UTC),
            dt.datetime.fromtimestamp(js["end"], dt.UTC),
        )
        assert seen == (read.start, read.end), (read.summary, read.local, seen)
    return mine
