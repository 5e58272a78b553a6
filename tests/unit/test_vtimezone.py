"""The VTIMEZONE block, read back by dateutil (through icalendar, from the block alone) and
held against the IANA data hour by hour: rule changes, abolished summer time, the southern
hemisphere, Ramadan exceptions and dates after 2038."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest

from coachkit._vtimezone import vtimezone

pytestmark = pytest.mark.unit

D = dt.date


def _read_back(block: icalendar.Timezone) -> dt.tzinfo:
    parsed = icalendar.Calendar.from_ical(
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n"
        + block.to_ical()
        + b"END:VCALENDAR\r\n"
    )
    (zone,) = parsed.walk("VTIMEZONE")
    return zone.to_tz(lookup_tzid=False)  # built from the block, not the system's zone


@pytest.mark.parametrize(
    ("tzid", "first", "last"),
    [
        ("Europe/London", D(2026, 1, 1), D(2027, 12, 31)),
        ("Europe/Paris", D(2037, 6, 1), D(2041, 6, 1)),  # across 2038
        ("America/New_York", D(2005, 6, 1), D(2008, 6, 1)),  # the 2007 US rule change
        ("Australia/Sydney", D(2026, 1, 1), D(2027, 12, 31)),  # summer in January
        ("America/Sao_Paulo", D(2018, 1, 1), D(2020, 6, 1)),  # summer time abolished 2019
        ("Europe/Moscow", D(2010, 6, 1), D(2015, 6, 1)),  # 2011 and 2014 changes
        ("Africa/Casablanca", D(2019, 1, 1), D(2021, 1, 1)),  # Ramadan: no weekday rule
        ("Asia/Tokyo", D(2026, 1, 1), D(2026, 12, 31)),  # no summer time at all
    ],
)
def test_every_hour_of_the_range_has_the_iana_offset(tzid, first, last):
    zone, block = ZoneInfo(tzid), vtimezone(tzid, first, last)
    assert "RDATE" not in block.to_ical().decode()
    read = _read_back(block)
    moment = dt.datetime.combine(first, dt.time(0), dt.UTC)
    end = dt.datetime.combine(last, dt.time(0), dt.UTC)
    checked = 0
    while moment <= end:
        wall = moment.astimezone(zone).replace(tzinfo=None)
        # Skip the hour a change repeats or skips: a wall time there names two instants.
        if (
            wall.replace(tzinfo=zone, fold=0).utcoffset()
            == wall.replace(tzinfo=zone, fold=1).utcoffset()
        ):
            assert wall.replace(tzinfo=read).astimezone(dt.UTC) == moment, (tzid, wall)
            checked += 1
        moment += dt.timedelta(hours=1)
    assert checked > 24 * 300


def test_current_rules_are_two_open_ended_yearly_observances():
    """Paris since 1996: last Sunday of March 02:00 CET to CEST, last Sunday of October
    03:00 CEST to CET (RFC 5545 writes the onset in the offset in force before it)."""
    block = vtimezone("Europe/Paris", D(2040, 3, 19), D(2040, 4, 15))
    observances = [
        (c.name, c.decoded("dtstart"), c["rrule"].to_ical().decode()) for c in block.subcomponents
    ]
    assert observances == [
        ("DAYLIGHT", dt.datetime(2039, 3, 27, 2), "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3"),
        ("STANDARD", dt.datetime(2039, 10, 30, 3), "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10"),
    ]


def test_a_rule_that_stopped_ends_with_until_in_utc():
    """New York before 2007: first Sunday of April, last Sunday of October; the April rule
    last applied on 2 April 2006 at 02:00 EST = 07:00 UTC: UNTIL is a day later (a reader
    comparing UNTIL with wall-clock times still keeps that change)."""
    text = vtimezone("America/New_York", D(2006, 1, 1), D(2008, 1, 1)).to_ical().decode()
    assert "RRULE:FREQ=YEARLY;UNTIL=20060403T070000Z;BYDAY=1SU;BYMONTH=4" in text
    assert "RRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3" in text  # the rule since 2007, open
