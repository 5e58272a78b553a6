"""Calendar exports as a participant uses them: export, change the workbook, export again.

Every file is read by two independent readers (tests/ics_readers.py: icalendar with the
file's own VTIMEZONE, and ical.js through node) that must agree on every event's instant.
The suite's today is Wednesday 25 November 2026 (week 2026-W48, Monday 23 to Sunday 29).
"""

from __future__ import annotations

import datetime as dt

import pytest

from coachkit import ValidationError, create_workbook
from coachkit.ics import build_calendar, write_calendar
from coachkit.schedule import weekly_plan
from tests.ics_readers import read_both

pytestmark = pytest.mark.functional

D, T = dt.date, dt.datetime
STAMP = T(2026, 11, 25, 9, 30, tzinfo=dt.UTC)
TODAY = D(2026, 11, 25)


@pytest.fixture
def planned(workbook):
    """Bo (phone known) and Cy were written to on Sunday 22 November; Cy replied."""
    bo = workbook.add_contact("Bo Chen", firm="Stripe", phone="+33 1 23 45 67 89")
    cy = workbook.add_contact("Cy Dee", firm="Doctolib")
    workbook.log_activity(bo, "outreach", D(2026, 11, 22))
    workbook.log_activity(cy, "outreach", D(2026, 11, 22))
    workbook.log_activity(cy, "reply", D(2026, 11, 24))
    return bo, cy


W48 = D(2026, 11, 23)


def _export(wb, path, start=W48, weeks=2, **kwargs):
    kwargs.setdefault("today", TODAY)
    kwargs.setdefault("dtstamp", STAMP)
    return read_both(write_calendar(wb, path, start, weeks, **kwargs))


def _by_uid(events):
    return {e.uid: e for e in events}


def _named(events, text):
    (found,) = [e for e in events if text in e.summary]
    return found


def test_export_holds_the_plan_private_and_conformant(workbook, planned, tmp_path):
    events = _export(workbook, tmp_path / "plan.ics")
    assert [(e.summary, e.local, e.status) for e in events] == [
        ("Research: find potential mentors", T(2026, 11, 28, 10), "CONFIRMED"),
        ("Outreach: write to 5 new people", T(2026, 11, 29, 17), "CONFIRMED"),
        ("Call Bo Chen (Stripe)", T(2026, 12, 1, 10), "CONFIRMED"),
        # Cy replied before the call: cancelled, and after Bo's call in the block.
        ("Cancelled: Call Cy Dee (Doctolib)", T(2026, 12, 1, 10, 15), "CANCELLED"),
        ("Research: find potential mentors", T(2026, 12, 5, 10), "CONFIRMED"),
        ("Outreach: write to 5 new people", T(2026, 12, 6, 17), "CONFIRMED"),
    ]
    assert all(e.start is None for e in events)  # no time zone set: floating local times
    assert {str(e.component["class"]) for e in events} == {"PRIVATE"}
    assert [str(e.component["transp"]) for e in events] == ["OPAQUE"] * 3 + ["TRANSPARENT"] + [
        "OPAQUE"
    ] * 2
    call = _named(events, "Bo Chen").component
    assert call.decoded("dtend") == T(2026, 12, 1, 10, 15)
    assert str(call["description"]).splitlines() == [
        "Phone: +33 1 23 45 67 89",
        "If you reach voicemail, leave this message:",
        # The participant's own sentence and number are gaps to fill, never invented words.
        "Hello Bo, this is Test Participant. I am calling because I would like to learn how you "
        "got where you are. [Say in one sentence what you admire in their work.] Would you have "
        "20 minutes for a short conversation? You can reach me on [your phone number]; that is "
        "[your phone number]. Thank you.",
    ]
    text = (tmp_path / "plan.ics").read_text()
    # RFC 5546: METHOD:PUBLISH needs an ORGANIZER; coachkit writes neither (libical's check).
    assert "METHOD" not in text and "ORGANIZER" not in text
    assert len({e.uid for e in events}) == len(events)


def test_a_call_carries_the_voicemail_the_participant_saved(workbook, planned, tmp_path):
    bo, _ = planned
    script = (
        "Hello Bo, this is Ana. I am calling because I would like to learn how you got where "
        "you are. I loved your post on payment retries. Would you have 20 minutes for a short "
        "conversation? You can reach me on 06 12 34 56 78. Thank you."
    )
    workbook.save_draft(bo, subject="s", body="b", voicemail=script, admiration="x")
    call = _named(_export(workbook, tmp_path / "plan.ics"), "Bo Chen").component
    assert str(call["description"]).splitlines()[-1] == script  # read back by both parsers
    (plan_call,) = [s for s in weekly_plan(workbook, "2026-W49").sessions if s.kind == "call"]
    assert plan_call.details.endswith(script)


def test_descriptions_hold_nothing_from_notes_or_replies(workbook, tmp_path):
    bo = workbook.add_contact(
        "Bo Chen", firm="Stripe", phone="+33 1 23 45 67 89", notes="salary band 95k, divorcing"
    )
    workbook.log_activity(bo, "outreach", D(2026, 11, 22), notes="asked about the CTO job")
    workbook.log_activity(bo, "call", D(2026, 11, 30), outcome="no_answer", notes="rang twice")
    text = tmp_path / "plan.ics"
    _export(workbook, text)
    written = text.read_bytes().decode().replace("\r\n ", "")  # unfold
    for secret in ("salary band", "divorcing", "CTO job", "rang twice"):
        assert secret not in written
    assert "+33 1 23 45 67 89" in written and "Hello Bo" in written

    # The voicemail the participant wrote and practised replaces coachkit's draft.
    mine = "Hi Bo, Test here. Loved your talk on payments. Could we talk for 20 minutes?"
    workbook.save_draft(bo, subject="Hello", body="Private body text", voicemail=mine)
    call = _named(_export(workbook, tmp_path / "again.ics"), "Bo Chen")
    assert str(call.component["description"]).endswith("leave this message:\n" + mine)
    assert "Private body text" not in (tmp_path / "again.ics").read_bytes().decode()

    # A shared calendar: the name stays in the title, phone and script stay out.
    shared = _export(workbook, tmp_path / "shared.ics", shared=True)
    call = _named(shared, "Bo Chen")
    assert call.summary == "Call Bo Chen (Stripe)"
    assert "+33" not in str(call.component["description"])
    shared_text = (tmp_path / "shared.ics").read_bytes().decode().replace("\r\n ", "")
    assert mine not in shared_text and "leave this message" not in shared_text


def test_re_import_after_changes_keeps_every_uid_live_or_cancelled(workbook, tmp_path):
    """The acceptance scenario, worked by hand.

    As of Wednesday 25 November (export of weeks 48 and 49, Mon 23 Nov to Sun 6 Dec):
    Di (written to 10 Nov, due 19 Nov) is overdue: her call sits on today, 10:00; Fay (16 Nov,
    due 25 Nov) is due today: 10:15, after Di's; Bo (22 Nov) is due Tue 1 Dec, Ed (23 Nov)
    Wed 2 Dec, both 10:00; research on Saturdays 10:00, outreach on Sundays 17:00.

    Then, on Thursday 26 November: Di replies; Fay's call was made (voicemail, on the 25th);
    the research day moves to Friday; Ed's outreach was logged by mistake and is deleted.
    The second export must still hold all eight first-export UIDs: Di's and Fay's calls
    cancelled where they were (25 Nov, 10:00 and 10:15), Ed's call cancelled on 2 Dec, both
    Saturday research sessions cancelled; Bo's call and both outreach sessions unchanged
    (same SEQUENCE and DTSTAMP); the Friday research sessions new.
    """
    ids = {}
    for name, sent in [("Di Eve", 10), ("Fay Gu", 16), ("Bo Chen", 22), ("Ed Fox", 23)]:
        ids[name] = workbook.add_contact(name, phone="+44 20 7946 0000")
        ids[name, "outreach"] = workbook.log_activity(ids[name], "outreach", D(2026, 11, sent))
    first = _export(workbook, tmp_path / "a.ics")
    assert [(e.summary, e.local) for e in first] == [
        ("Call Di Eve (overdue)", T(2026, 11, 25, 10)),
        ("Call Fay Gu", T(2026, 11, 25, 10, 15)),
        ("Research: find potential mentors", T(2026, 11, 28, 10)),
        ("Outreach: write to 5 new people", T(2026, 11, 29, 17)),
        ("Call Bo Chen", T(2026, 12, 1, 10)),
        ("Call Ed Fox", T(2026, 12, 2, 10)),
        ("Research: find potential mentors", T(2026, 12, 5, 10)),
        ("Outreach: write to 5 new people", T(2026, 12, 6, 17)),
    ]

    workbook.log_activity(ids["Di Eve"], "reply", D(2026, 11, 26))
    workbook.log_activity(ids["Fay Gu"], "call", D(2026, 11, 25), outcome="voicemail")
    workbook.update_profile(research_weekday="Friday")
    workbook.delete_activity(ids["Ed Fox", "outreach"])
    later = STAMP + dt.timedelta(days=1)
    second = _export(workbook, tmp_path / "b.ics", today=D(2026, 11, 26), dtstamp=later)

    old, new = _by_uid(first), _by_uid(second)
    assert set(old) <= set(new)  # nothing vanished
    seen = sorted((new[uid].local, new[uid].status, new[uid].summary) for uid in old)
    assert seen == [
        (T(2026, 11, 25, 10), "CANCELLED", "Cancelled: Call Di Eve"),
        (T(2026, 11, 25, 10, 15), "CANCELLED", "Done: Call Fay Gu"),
        (T(2026, 11, 28, 10), "CANCELLED", "Cancelled: Research: find potential mentors"),
        (T(2026, 11, 29, 17), "CONFIRMED", "Outreach: write to 5 new people"),
        (T(2026, 12, 1, 10), "CONFIRMED", "Call Bo Chen"),
        (T(2026, 12, 2, 10), "CANCELLED", "Cancelled: follow-up call (no longer planned)"),
        (T(2026, 12, 5, 10), "CANCELLED", "Cancelled: Research: find potential mentors"),
        (T(2026, 12, 6, 17), "CONFIRMED", "Outreach: write to 5 new people"),
    ]
    added = [(new[uid].local, new[uid].summary) for uid in set(new) - set(old)]
    assert sorted(added) == [
        (T(2026, 11, 27, 10), "Research: find potential mentors"),
        (T(2026, 12, 4, 10), "Research: find potential mentors"),
    ]
    for uid, before in old.items():
        after = new[uid]
        revision = ("sequence", "dtstamp")
        if after.status == "CANCELLED":  # changed: a higher SEQUENCE, the new DTSTAMP
            assert int(after.component["sequence"]) > int(before.component["sequence"])
            assert after.component.decoded("dtstamp") == later
            assert str(after.component["transp"]) == "TRANSPARENT"  # free time
        else:  # unchanged: what the participant edited there is not overwritten
            assert [after.component[k].to_ical() for k in revision] == [
                before.component[k].to_ical() for k in revision
            ]

    # Nothing changed since: a later export is the same file, byte for byte.
    again = tmp_path / "c.ics"
    hours_later = later + dt.timedelta(hours=3)
    write_calendar(workbook, again, D(2026, 11, 23), 2, today=D(2026, 11, 26), dtstamp=hours_later)
    assert again.read_bytes() == (tmp_path / "b.ics").read_bytes()


def test_sequence_rises_within_the_same_minute(workbook, planned, tmp_path):
    bo, _ = planned
    first = _named(_export(workbook, tmp_path / "a.ics"), "Bo Chen").component
    workbook.update_contact(bo, phone="+33 6 00 00 00 00")  # the event's description changes
    second = _named(_export(workbook, tmp_path / "b.ics"), "Bo Chen").component  # same STAMP
    workbook.update_contact(bo, phone="+33 7 00 00 00 00")
    third = _named(_export(workbook, tmp_path / "c.ics"), "Bo Chen").component
    sequences = [int(e["sequence"]) for e in (first, second, third)]
    assert sequences[0] < sequences[1] < sequences[2]
    assert str(first["uid"]) == str(second["uid"]) == str(third["uid"])


def test_building_records_nothing_writing_does(workbook, planned, tmp_path):
    before = build_calendar(workbook, D(2026, 11, 23), 2, today=TODAY, dtstamp=STAMP).to_ical()
    assert workbook.calendar_events() == {}
    write_calendar(workbook, tmp_path / "a.ics", D(2026, 11, 23), 2, today=TODAY, dtstamp=STAMP)
    assert len(workbook.calendar_events()) == 6
    assert (tmp_path / "a.ics").read_bytes() == before


def test_a_failed_write_records_nothing(workbook, planned, tmp_path, monkeypatch):
    import coachkit.ics

    def refuse(*args):
        raise OSError("disk full")

    monkeypatch.setattr(coachkit.ics.os, "replace", refuse)
    with pytest.raises(OSError, match="disk full"):
        write_calendar(workbook, tmp_path / "a.ics", D(2026, 11, 23), today=TODAY)
    assert workbook.calendar_events() == {}
    assert list(tmp_path.glob("a.ics*")) == []


def test_an_overdue_call_moves_to_today_with_the_same_uid(workbook, planned, tmp_path):
    bo, _ = planned  # Bo's call is due Tuesday 1 December
    first = _export(workbook, tmp_path / "a.ics", D(2026, 11, 30), 1, today=D(2026, 11, 30))
    due_call = _named(first, "Bo Chen")
    assert due_call.local == T(2026, 12, 1, 10)

    # Not made; exported again on Wednesday 9 December: the call sits on today, same UID.
    later = _export(workbook, tmp_path / "b.ics", D(2026, 12, 7), 1, today=D(2026, 12, 9))
    owed = _named(later, "Bo Chen")
    assert (owed.summary, owed.local) == ("Call Bo Chen (Stripe) (overdue)", T(2026, 12, 9, 10))
    assert "it was due on 2026-12-01" in str(owed.component["description"])
    assert owed.uid == due_call.uid
    # A later export on Thursday the 10th moves it again: still one event, same UID.
    moved = _export(workbook, tmp_path / "c.ics", D(2026, 12, 7), 1, today=D(2026, 12, 10))
    assert _named(moved, "Bo Chen").local == T(2026, 12, 10, 10)
    assert _named(moved, "Bo Chen").uid == due_call.uid

    # Made on the 10th: the event is cancelled (done) where it was last put.
    workbook.log_activity(bo, "call", D(2026, 12, 10), outcome="voicemail")
    done = _named(_export(workbook, tmp_path / "d.ics", D(2026, 12, 7), 1, today=D(2026, 12, 10)),
                  "Bo Chen")  # fmt: skip
    assert (done.summary, done.local, done.status) == (
        "Done: Call Bo Chen (Stripe)",
        T(2026, 12, 10, 10),
        "CANCELLED",
    )


def test_overdue_calls_before_the_exported_weeks_wait_on_their_first_day(workbook, planned):
    # Exporting next week on Wednesday 2 December: Bo's call (due 1 December) is owed; it
    # goes on Monday 7 December, the first day exported. Today after the weeks: not in it.
    ahead = build_calendar(workbook, D(2026, 12, 7), 1, today=D(2026, 12, 2))
    calls = [e for e in ahead.walk("VEVENT") if "Bo Chen" in str(e["summary"])]
    assert [e.decoded("dtstart") for e in calls] == [T(2026, 12, 7, 10)]
    past = build_calendar(workbook, D(2026, 11, 30), 1, today=D(2026, 12, 20))
    assert not [e for e in past.walk("VEVENT") if "Bo Chen" in str(e["summary"])]


def test_calls_of_a_day_follow_one_another_in_plan_and_calendar(workbook, tmp_path):
    """Three people written to on Wednesday 26 November: all due Saturday 5 December, the
    research day (10:00 to 11:00). Calls at 10:00 would sit on it: 11:00, 11:15, 11:30.
    (Weekend calls kept where they fall: by default they would move to Monday.)"""
    workbook.update_profile(skip_weekends=False)
    for name in ("Ann Ash", "Ben Birch", "Cat Cedar"):
        workbook.log_activity(workbook.add_contact(name), "outreach", D(2026, 11, 26))
    plan = weekly_plan(workbook, "2026-W49")
    assert [(s.kind, s.day, s.time) for s in plan.sessions if s.day == D(2026, 12, 5)] == [
        ("research", D(2026, 12, 5), "10:00"),
        ("call", D(2026, 12, 5), "11:00"),
        ("call", D(2026, 12, 5), "11:15"),
        ("call", D(2026, 12, 5), "11:30"),
    ]
    events = _export(workbook, tmp_path / "plan.ics", D(2026, 11, 30), 1)
    on_saturday = [(e.summary, e.local) for e in events if e.local.date() == D(2026, 12, 5)]
    assert on_saturday == [
        ("Research: find potential mentors", T(2026, 12, 5, 10)),
        ("Call Ann Ash", T(2026, 12, 5, 11)),
        ("Call Ben Birch", T(2026, 12, 5, 11, 15)),
        ("Call Cat Cedar", T(2026, 12, 5, 11, 30)),
    ]


def test_uids_differ_between_workbooks(workbook, planned, tmp_path):
    with create_workbook(tmp_path / "other") as other:
        b = build_calendar(other, D(2026, 11, 23), 1, today=TODAY, dtstamp=STAMP)
    a = build_calendar(workbook, D(2026, 11, 23), 1, today=TODAY, dtstamp=STAMP)
    uids = [{str(e["uid"]) for e in c.walk("VEVENT")} for c in (a, b)]
    assert not uids[0] & uids[1]


@pytest.mark.parametrize(
    ("start", "weeks", "today"), [("2026-02-30", 4, TODAY), ("2026-11-23", 0, TODAY),
                                  ("2026-11-23", 1, "someday")]
)  # fmt: skip
def test_bad_arguments_are_refused(workbook, start, weeks, today):
    with pytest.raises(ValidationError):
        build_calendar(workbook, start, weeks, today=today)


# -- time zones: every event at the same UTC instant for both readers and for the IANA data ---
# Worked by hand. 2026: Europe switches on Sunday 29 March (last Sunday) and back on 25
# October; New York on Sunday 8 March (second Sunday) and back on 1 November (first Sunday).
# 2040 (after the 32-bit 2038 limit): 1 March 2040 is a Thursday, so Europe switches on
# Sunday 25 March and New York on Sunday 11 March. Research is Saturday 10:00 (before the
# switch), outreach Sunday 17:00 (after it).
DST_CASES = [
    ("Europe/London", D(2026, 3, 23), T(2026, 3, 28, 10), T(2026, 3, 29, 16)),
    ("Europe/Paris", D(2026, 3, 23), T(2026, 3, 28, 9), T(2026, 3, 29, 15)),
    ("America/New_York", D(2026, 3, 2), T(2026, 3, 7, 15), T(2026, 3, 8, 21)),
    ("Europe/Paris", D(2026, 10, 19), T(2026, 10, 24, 8), T(2026, 10, 25, 16)),
    ("America/New_York", D(2026, 10, 26), T(2026, 10, 31, 14), T(2026, 11, 1, 22)),
    ("Europe/London", D(2040, 3, 19), T(2040, 3, 24, 10), T(2040, 3, 25, 16)),
    ("Europe/Paris", D(2040, 3, 19), T(2040, 3, 24, 9), T(2040, 3, 25, 15)),
    ("America/New_York", D(2040, 3, 5), T(2040, 3, 10, 15), T(2040, 3, 11, 21)),
]


@pytest.mark.parametrize(("zone", "monday", "research_utc", "outreach_utc"), DST_CASES)
def test_events_land_at_the_same_instant_across_daylight_saving(
    workbook, tmp_path, zone, monday, research_utc, outreach_utc
):
    from zoneinfo import ZoneInfo

    workbook.update_profile(timezone=zone)
    bo = workbook.add_contact("Bo Chen", phone="+1 212 555 0100")
    # Written to the Wednesday before: a call on Friday, and in other weeks' DST changes.
    workbook.log_activity(bo, "outreach", monday - dt.timedelta(days=5))
    events = read_both(
        write_calendar(workbook, tmp_path / "plan.ics", monday, 3, today=monday, dtstamp=STAMP)
    )
    research = next(e for e in events if e.summary.startswith("Research"))
    outreach = next(e for e in events if e.summary.startswith("Outreach"))
    assert (research.start, outreach.start) == (
        research_utc.replace(tzinfo=dt.UTC),
        outreach_utc.replace(tzinfo=dt.UTC),
    )
    for event in events:  # and every event agrees with the IANA data
        assert event.start == event.local.replace(tzinfo=ZoneInfo(zone)).astimezone(dt.UTC)
    text = (tmp_path / "plan.ics").read_text()
    assert "RDATE" not in text
    assert "BEGIN:STANDARD" in text and "BEGIN:DAYLIGHT" in text and "RRULE:FREQ=YEARLY" in text


def test_the_readers_really_read_the_files_time_zone_block(workbook, tmp_path):
    """If a reader used its own Europe/Paris instead of the file's block, a wrong block
    would go unnoticed: a block with summer time at +03:00 must move summer events."""
    workbook.update_profile(timezone="Europe/Paris")
    path = write_calendar(workbook, tmp_path / "plan.ics", D(2026, 3, 23), 1, today=TODAY)
    right = read_both(path)
    path.write_text(path.read_text().replace("TZOFFSETTO:+0200", "TZOFFSETTO:+0300"))
    wrong = read_both(path)
    assert wrong[0].start == right[0].start  # Saturday 28 March: winter time
    assert wrong[1].start == right[1].start - dt.timedelta(hours=1)  # Sunday: summer time


@pytest.mark.parametrize(
    ("zone", "monday"),
    [
        ("Australia/Sydney", D(2026, 1, 5)),  # summer time from October to April
        ("America/Sao_Paulo", D(2018, 1, 1)),  # summer time ended for good in February 2019
        ("Africa/Casablanca", D(2018, 1, 1)),  # Ramadan exceptions, no weekday rule
        ("Europe/Moscow", D(2010, 1, 4)),  # summer time kept all year from March 2011
        ("Asia/Tokyo", D(2026, 1, 5)),  # no summer time
    ],
)
def test_two_years_of_events_agree_with_the_iana_data_in_other_zones(
    workbook, tmp_path, zone, monday
):
    from zoneinfo import ZoneInfo

    workbook.update_profile(timezone=zone)
    path = write_calendar(workbook, tmp_path / "plan.ics", monday, 104, today=monday)
    events = read_both(path)  # both readers agree on every instant...
    assert len(events) == 2 * 104
    for event in events:  # ...and so does the IANA data
        assert event.start == event.local.replace(tzinfo=ZoneInfo(zone)).astimezone(dt.UTC)
    assert "RDATE" not in path.read_text()
