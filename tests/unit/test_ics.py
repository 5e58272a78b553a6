"""Calendar export: events at the time of the work, stable UIDs, parsed back with icalendar."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest

from coachkit import ValidationError, create_workbook
from coachkit.ics import build_calendar, write_calendar

pytestmark = pytest.mark.unit

D = dt.date
STAMP = dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.UTC)


@pytest.fixture
def planned(workbook):
    """Bo (phone known) and Cy were written to on Sunday 22 November; Cy replied."""
    bo = workbook.add_contact("Bo Chen", firm="Stripe", phone="+33 1 23 45 67 89")
    cy = workbook.add_contact("Cy Dee", firm="Doctolib")
    workbook.log_activity(bo, "outreach", D(2026, 11, 22))
    workbook.log_activity(cy, "outreach", D(2026, 11, 22))
    workbook.log_activity(cy, "reply", D(2026, 11, 24))
    return bo, cy


def _events(path):
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    assert not list(calendar.walk("VTODO")) and not list(calendar.walk("VALARM"))
    return list(calendar.walk("VEVENT"))


def _uids(events):
    return [str(e["uid"]) for e in events]


def test_export_parses_back_with_the_expected_events(workbook, planned, tmp_path):
    path = write_calendar(workbook, tmp_path / "plan.ics", D(2026, 11, 23), weeks=2, dtstamp=STAMP)
    events = _events(path)
    summary = [
        (str(e["summary"]), e.decoded("dtstart"), e.decoded("dtend"), str(e["status"]))
        for e in events
    ]
    t = dt.datetime
    assert summary == [
        ("Research: find potential mentors", t(2026, 11, 28, 10), t(2026, 11, 28, 11), "CONFIRMED"),
        ("Outreach: write to 5 new people", t(2026, 11, 29, 17), t(2026, 11, 29, 18), "CONFIRMED"),
        ("Call Bo Chen (Stripe)", t(2026, 12, 1, 10), t(2026, 12, 1, 10, 15), "CONFIRMED"),
        ("Cancelled: Call Cy Dee (Doctolib)", t(2026, 12, 1, 10), t(2026, 12, 1, 10, 15),
         "CANCELLED"),
        ("Research: find potential mentors", t(2026, 12, 5, 10), t(2026, 12, 5, 11), "CONFIRMED"),
        ("Outreach: write to 5 new people", t(2026, 12, 6, 17), t(2026, 12, 6, 18), "CONFIRMED"),
    ]  # fmt: skip
    call = events[2]
    description = str(call["description"])
    assert "Phone: +33 1 23 45 67 89" in description
    assert "Hello Bo, this is Test Participant" in description  # the voicemail script
    assert call.decoded("dtstamp") == STAMP
    assert call.decoded("dtstart").tzinfo is None  # floating local time
    assert all(uid.endswith("@coachkit") for uid in _uids(events))
    assert len(set(_uids(events))) == len(events)


def test_re_export_keeps_uids_and_a_later_export_is_a_newer_revision(workbook, planned, tmp_path):
    bo, _ = planned
    start = D(2026, 11, 23)
    first = _events(write_calendar(workbook, tmp_path / "a.ics", start, 2, dtstamp=STAMP))
    same = write_calendar(workbook, tmp_path / "b.ics", start, 2, dtstamp=STAMP)
    assert same.read_bytes() == (tmp_path / "a.ics").read_bytes()  # reproducible
    # The call is made; a day later the export marks it done under the same UID.
    workbook.log_activity(bo, "call", D(2026, 12, 1), outcome="voicemail")
    later = STAMP + dt.timedelta(days=1)
    second = _events(write_calendar(workbook, tmp_path / "c.ics", start, 2, dtstamp=later))
    assert _uids(second) == _uids(first)
    assert str(second[2]["summary"]) == "Done: Call Bo Chen (Stripe)"
    assert int(second[2]["sequence"]) > int(first[2]["sequence"])
    # A longer export from mid-week holds the same events for the weeks both cover.
    longer = build_calendar(workbook, D(2026, 11, 25), weeks=4, dtstamp=later)
    assert set(_uids(second)) <= set(_uids(longer.walk("VEVENT")))


def test_uids_differ_between_workbooks(workbook, planned, tmp_path):
    with create_workbook(tmp_path / "other") as other:
        b = build_calendar(other, D(2026, 11, 23), 1, dtstamp=STAMP)
    a = build_calendar(workbook, D(2026, 11, 23), 1, dtstamp=STAMP)
    assert not set(_uids(a.walk("VEVENT"))) & set(_uids(b.walk("VEVENT")))


def test_timezone_from_the_profile(workbook, planned):
    workbook.update_profile(timezone="Europe/Paris")
    calendar = icalendar.Calendar.from_ical(
        build_calendar(workbook, D(2026, 11, 23), 1, dtstamp=STAMP).to_ical()
    )
    event = next(iter(calendar.walk("VEVENT")))
    assert event["dtstart"].params["TZID"] == "Europe/Paris"
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]


@pytest.mark.parametrize(("start", "weeks"), [("2026-02-30", 4), ("2026-11-23", 0)])
def test_bad_arguments_are_refused(workbook, start, weeks):
    with pytest.raises(ValidationError):
        build_calendar(workbook, start, weeks)


def test_an_overdue_call_moves_to_the_export_start_with_the_same_uid(workbook, planned, tmp_path):
    bo, _ = planned  # Bo's call was due Tuesday 1 December and is never made
    first = _events(write_calendar(workbook, tmp_path / "a.ics", D(2026, 11, 30), weeks=1))
    (due_call,) = [e for e in first if str(e["summary"]).startswith("Call Bo Chen")]
    assert due_call.decoded("dtstart") == dt.datetime(2026, 12, 1, 10)

    # Exported again from Wednesday 9 December: the call is owed, on the first day, same UID.
    later = _events(write_calendar(workbook, tmp_path / "b.ics", D(2026, 12, 9), weeks=1))
    (owed,) = [e for e in later if str(e["summary"]).startswith("Call Bo Chen")]
    assert str(owed["summary"]) == "Call Bo Chen (Stripe) (overdue)"
    assert owed.decoded("dtstart") == dt.datetime(2026, 12, 9, 10)
    assert "it was due 2026-12-01" in str(owed["description"])
    assert str(owed["uid"]) == str(due_call["uid"])
    assert len(set(_uids(later))) == len(later)  # one event per UID

    # Once the call is made, it is no longer owed.
    workbook.log_activity(bo, "call", D(2026, 12, 8), outcome="voicemail")
    done = _events(write_calendar(workbook, tmp_path / "c.ics", D(2026, 12, 9), weeks=1))
    assert not [e for e in done if str(e["summary"]).startswith("Call Bo Chen")]
