"""A calendar file's VTIMEZONE, built from the IANA data for the dates it covers.

Each daylight-saving rule becomes one STANDARD or DAYLIGHT observance with a yearly RRULE
("last Sunday of March at 02:00"), the form every calendar reads alike (Outlook maps it to a
Windows time zone; ical.js, vobject and libical expand it). A long list of RDATEs, which some
of them read wrongly, is never written.

How: the offsets of the zone are sampled (Python's :mod:`zoneinfo`, which applies the IANA
rules beyond the last listed transition, so there is no 2038 cut-off) over the export's
range and the year before it; each change is found to the second, described as "the n-th
(or last) weekday of the month at this local time", and changes that repeat every year with
the same description become one observance. A rule still in force at the end of the range
stays open-ended; one that stopped ends with an UNTIL.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple
from zoneinfo import ZoneInfo

import icalendar

__all__ = ["vtimezone"]

_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_STEP = dt.timedelta(hours=6)  # no zone changes its offset twice within six hours
# Python's datetime cannot go below year 1 or above 9999: stay a little inside.
_EARLIEST = dt.datetime(1, 1, 3, tzinfo=dt.UTC)
_LATEST = dt.datetime(9999, 12, 29, tzinfo=dt.UTC)


@dataclass(frozen=True)
class _State:
    offset: dt.timedelta
    daylight: bool
    name: str


class _Rule(NamedTuple):
    before: _State
    after: _State
    month: int
    weekday: int  # 0 = Monday
    nth: int  # 1..4, or -1 for the last one of the month
    time: dt.time


@dataclass(frozen=True)
class _Change:
    at: dt.datetime  # UTC instant of the change
    before: _State
    after: _State

    @property
    def onset(self) -> dt.datetime:
        """Local wall-clock time of the change, in the offset in force before it (RFC 5545)."""
        return (self.at + self.before.offset).replace(tzinfo=None)

    @property
    def rule(self) -> _Rule:
        """What makes two changes in different years the same yearly rule."""
        onset = self.onset
        days = _calendar.monthrange(onset.year, onset.month)[1]
        nth = -1 if onset.day + 7 > days else (onset.day - 1) // 7 + 1
        return _Rule(self.before, self.after, onset.month, onset.weekday(), nth, onset.time())


def _state(zone: ZoneInfo, instant: dt.datetime) -> _State:
    local = instant.astimezone(zone)
    return _State(
        offset=local.utcoffset() or dt.timedelta(0),
        daylight=bool(local.dst()),
        name=local.tzname() or "",
    )


def _changes(zone: ZoneInfo, first: dt.datetime, last: dt.datetime) -> list[_Change]:
    """Every change of offset, daylight flag or name between ``first`` and ``last`` (UTC)."""
    found = []
    before_at, before = first, _state(zone, first)
    while before_at < last:
        after_at = min(before_at + _STEP, last)
        after = _state(zone, after_at)
        if after != before:
            low, high = before_at, after_at  # state(low) == before, state(high) != before
            while high - low > dt.timedelta(seconds=1):
                middle = low + (high - low) / 2
                if _state(zone, middle) == before:
                    low = middle
                else:
                    high = middle
            at = high.replace(microsecond=0)
            if _state(zone, at) == before:
                at += dt.timedelta(seconds=1)
            found.append(_Change(at, before, _state(zone, at)))
            before = found[-1].after
        before_at = after_at
    return found


def _next_year(change: _Change) -> dt.datetime | None:
    """The UTC instant the same rule gives a year later (None past year 9998)."""
    rule = change.rule
    year = change.onset.year + 1
    if year > 9998:
        return None
    days = _calendar.monthrange(year, rule.month)[1]
    matching = [
        d for d in range(1, days + 1) if dt.date(year, rule.month, d).weekday() == rule.weekday
    ]
    day = matching[-1] if rule.nth == -1 else matching[rule.nth - 1]
    local = dt.datetime.combine(dt.date(year, rule.month, day), rule.time)
    return (local - change.before.offset).replace(tzinfo=dt.UTC)


def _observance(run: list[_Change], open_ended: bool) -> icalendar.Component:
    first = run[0]
    component = (
        icalendar.TimezoneDaylight() if first.after.daylight else icalendar.TimezoneStandard()
    )
    component.add("dtstart", first.onset)
    component.add("tzoffsetfrom", first.before.offset)
    component.add("tzoffsetto", first.after.offset)
    if first.after.name:
        component.add("tzname", first.after.name)
    if len(run) > 1 or open_ended:
        yearly = first.rule
        rule: dict[str, object] = {
            "freq": "yearly",
            "bymonth": yearly.month,
            "byday": f"{yearly.nth}{_WEEKDAYS[yearly.weekday]}",
        }
        if not open_ended:
            # UTC, as RFC 5545 requires in a VTIMEZONE, a day after the last change: a reader
            # that compares it with wall-clock times (dateutil does) still keeps that change
            # (east of Greenwich the UTC instant is earlier than the wall-clock one), and
            # the next one is a year away.
            rule["until"] = run[-1].at + dt.timedelta(days=1)
        component.add("rrule", rule)
    return component


def vtimezone(tzid: str, first: dt.date, last: dt.date) -> icalendar.Timezone:
    """Return the VTIMEZONE of IANA zone ``tzid`` for events from ``first`` to ``last``.

    The observances cover the year before ``first`` too, so that the one in force on
    ``first`` has its onset in the block.
    """
    zone = ZoneInfo(tzid)
    scan_from = max(
        _EARLIEST, dt.datetime.combine(first, dt.time(0), dt.UTC) - dt.timedelta(days=400)
    )
    scan_to = min(_LATEST, dt.datetime.combine(last, dt.time(0), dt.UTC) + dt.timedelta(days=2))
    changes = _changes(zone, scan_from, scan_to)

    block = icalendar.Timezone()
    block.add("tzid", tzid)
    if not changes or changes[0].at > dt.datetime.combine(first, dt.time(0), dt.UTC) - _STEP:
        # No change in the year before the range: one observance in force since then.
        state = _state(zone, scan_from)
        steady = icalendar.TimezoneDaylight() if state.daylight else icalendar.TimezoneStandard()
        steady.add("dtstart", (scan_from + state.offset).replace(tzinfo=None))
        steady.add("tzoffsetfrom", state.offset)
        steady.add("tzoffsetto", state.offset)
        if state.name:
            steady.add("tzname", state.name)
        block.add_component(steady)

    # Group the changes into runs: the same rule in consecutive years.
    runs: list[list[_Change]] = []
    open_run: dict[_Rule, list[_Change]] = {}
    for change in changes:
        run = open_run.get(change.rule)
        if run is not None and change.onset.year == run[-1].onset.year + 1:
            run.append(change)
        else:
            run = [change]
            runs.append(run)
            open_run[change.rule] = run
    for run in runs:
        following = _next_year(run[-1])
        # Still in force if its next change lies beyond the sampled range (had it fallen
        # within, and the rule still applied, the sampling would have found it).
        block.add_component(_observance(run, following is None or following > scan_to))
    return block
