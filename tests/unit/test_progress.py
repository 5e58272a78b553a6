"""Targets and progress: definitions, week and month boundaries, pace, streaks."""

from __future__ import annotations

import datetime as dt

import pytest

from coachkit import ValidationError
from coachkit.progress import count_activities, progress, verdict

pytestmark = pytest.mark.unit

D = dt.date


def _rows(frame):
    return frame.set_index("metric")


@pytest.fixture
def people(workbook):
    return [workbook.add_contact(f"Person {i}") for i in range(8)]


@pytest.fixture
def started(workbook):
    """A participant who started long ago (first outreach Tuesday 1 September 2026, first
    call due Thursday 10 September): a calls target is judged in every week below."""
    early = workbook.add_contact("Early Bird")
    workbook.log_activity(early, "outreach", D(2026, 9, 1))
    return early


def test_new_contact_is_a_first_outreach_in_the_week(workbook, people):
    a, b, c = people[:3]
    workbook.log_activity(a, "outreach", D(2026, 11, 22))  # Sunday: week 47
    workbook.log_activity(b, "outreach", D(2026, 11, 23))  # Monday: week 48
    workbook.log_activity(c, "outreach", D(2026, 11, 29))  # Sunday: week 48
    workbook.log_activity(a, "outreach", D(2026, 11, 24))  # second message: not new
    counts = count_activities(workbook, D(2026, 11, 23), D(2026, 11, 29))
    assert (counts["new_contacts"], counts["outreach"]) == (2, 3)
    assert count_activities(workbook, "2026-11-16", "2026-11-22")["new_contacts"] == 1


def test_calls_and_meetings_follow_the_definitions(workbook, people):
    # Hand-worked: calls made = reached (a), voicemail (b), assistant (e) = 3; the no-answer
    # call (c) is not made. Meetings = a's conversation on the call (logged as a meeting)
    # and d's coffee = 2. f's reached call only set a time: a call, not a meeting.
    a, b, c, d, e, f = people[:6]
    workbook.log_call(a, D(2026, 11, 24), "reached", conversation=True)
    workbook.log_activity(a, "meeting", D(2026, 11, 24), channel="call")  # logged twice: once
    workbook.log_activity(b, "call", D(2026, 11, 24), outcome="voicemail")
    workbook.log_activity(c, "call", D(2026, 11, 25), outcome="no_answer")
    workbook.log_activity(d, "meeting", D(2026, 11, 26), channel="coffee")
    workbook.log_activity(d, "reply", D(2026, 11, 23))
    workbook.log_activity(e, "call", D(2026, 11, 25), outcome="assistant")
    workbook.log_call(f, D(2026, 11, 25), "reached")
    counts = count_activities(workbook, D(2026, 11, 23), D(2026, 11, 29))
    assert counts == {
        "new_contacts": 0,
        "calls": 4,
        "calls_reached": 2,
        "voicemails": 1,
        "assistant_messages": 1,
        "calls_no_answer": 1,
        "meetings": 2,
        "outreach": 0,
        "replies": 1,
        "referrals": 0,
    }


def test_week_progress_with_remaining_and_verdict(workbook, people):
    for person in people[:3]:
        workbook.log_activity(person, "outreach", D(2026, 11, 24))
    workbook.log_activity(people[0], "call", D(2026, 11, 25), outcome="voicemail")
    frame = _rows(progress(workbook, "2026-W48"))
    assert frame.loc["new_contacts", ["target", "actual", "remaining"]].tolist() == [5, 3, 2]
    assert frame.loc["new_contacts", "pace_needed"] == 2.0
    assert not frame.loc["new_contacts", "on_target"]
    assert frame.loc["calls", ["actual", "remaining"]].tolist() == [1, 1]
    # The first follow-up call falls due Thursday 3 December (24 Nov + 9): in week 48 no
    # call can be due yet, so the calls target is not judged and not called short.
    text = verdict(progress(workbook, "2026-W48"))
    assert text == "two new contacts short this week; meetings: four more in November (4 a week)"
    assert frame.loc["calls", "judged"] == False  # noqa: E712 - a numpy bool
    assert frame.loc["calls", "due_from"] == D(2026, 12, 3)


def test_month_target_pace_over_the_weeks_left(workbook, people):
    # Week 48 ends Sunday 29 November: one day (one partial week) of November is left.
    workbook.log_activity(people[0], "meeting", D(2026, 11, 5), channel="coffee")
    workbook.log_activity(people[1], "meeting", D(2026, 11, 24), channel="video")
    row = _rows(progress(workbook, "2026-W48")).loc["meetings"]
    assert (row["period"], row["actual"], row["remaining"], row["weeks_left"]) == ("month", 2, 2, 1)
    assert row["pace_needed"] == 2.0
    assert row["period_start"] == D(2026, 11, 1)


def test_a_week_spanning_two_months_splits_month_counts(workbook, people):
    # Week 49 runs Monday 30 November to Sunday 6 December: it shows November (final: the
    # 30th is its only meeting) and December to date (the 2nd and the 6th).
    workbook.log_activity(people[0], "meeting", D(2026, 11, 30), channel="coffee")
    workbook.log_activity(people[1], "meeting", D(2026, 12, 2), channel="coffee")
    workbook.log_activity(people[2], "meeting", D(2026, 12, 6), channel="coffee")
    frame = progress(workbook, "2026-W49")
    november, december = frame[frame["metric"] == "meetings"].to_dict("records")
    assert (november["month"], november["actual"], november["complete"]) == ("2026-11", 1, True)
    assert (november["remaining"], november["pace_needed"]) == (3, 0.0)
    row = december
    assert (row["actual"], row["remaining"], row["period_start"]) == (2, 2, D(2026, 12, 1))
    # 25 days of December are left after 6 December: 4 weeks, so half a meeting a week.
    assert (row["weeks_left"], row["pace_needed"]) == (4, 0.5)
    assert count_activities(workbook, D(2026, 11, 1), D(2026, 11, 30))["meetings"] == 1


def _calls(workbook, person, days):
    for day in days:
        workbook.log_activity(person, "call", day, outcome="voicemail")


def test_streak_counts_consecutive_weeks_and_resets_after_a_missed_week(workbook, people, started):
    p = people[0]
    # Two calls in weeks 44, 45, 46 and 48; none in week 47.
    _calls(workbook, p, [D(2026, 10, 27), D(2026, 10, 28)])  # W44
    _calls(workbook, p, [D(2026, 11, 2), D(2026, 11, 8)])  # W45 (Monday and Sunday)
    _calls(workbook, p, [D(2026, 11, 10), D(2026, 11, 11)])  # W46
    _calls(workbook, p, [D(2026, 11, 23), D(2026, 11, 27)])  # W48
    streak = {w: _rows(progress(workbook, w)).loc["calls", "streak"] for w in
              ["2026-W44", "2026-W46", "2026-W47", "2026-W48"]}  # fmt: skip
    assert streak == {"2026-W44": 1, "2026-W46": 3, "2026-W47": 0, "2026-W48": 1}


def test_streak_with_a_custom_week_start(workbook, people, started):
    workbook.update_profile(week_start=6)  # weeks run Sunday to Saturday
    p = people[0]
    _calls(workbook, p, [D(2026, 11, 15), D(2026, 11, 21)])  # Sun..Sat: W47 (Sunday weeks)
    _calls(workbook, p, [D(2026, 11, 22), D(2026, 11, 28)])  # W48 (Sunday weeks)
    frame = _rows(progress(workbook, "2026-W48"))
    assert (frame.loc["calls", "actual"], frame.loc["calls", "streak"]) == (2, 2)
    assert frame.loc["calls", "period_start"] == D(2026, 11, 22)
    # With ISO weeks the same calls split 1/2/1 and week 48 holds only 28 November.
    workbook.update_profile(week_start=0)
    frame = _rows(progress(workbook, "2026-W48"))
    assert (frame.loc["calls", "actual"], frame.loc["calls", "streak"]) == (1, 0)


def test_other_targets_count_activity_kinds_and_unknown_ones_count_zero(workbook, people):
    workbook.set_target("replies", 1, label="replies")
    workbook.set_target("research", 3, label="research hours")
    workbook.log_activity(people[0], "reply", D(2026, 11, 24))
    frame = _rows(progress(workbook, "2026-W48"))
    assert frame.loc["replies", ["actual", "on_target", "counted"]].tolist() == [1, True, True]
    assert frame.loc["research", ["actual", "counted"]].tolist() == [0, False]
    assert "research" not in verdict(progress(workbook, "2026-W48"))


def test_all_on_target_says_on_track(workbook, people):
    workbook.set_target("meetings", 1, period="month")
    for person in people[:5]:
        workbook.log_activity(person, "outreach", D(2026, 11, 23))
    _calls(workbook, people[0], [D(2026, 11, 24), D(2026, 11, 25)])
    workbook.log_activity(people[1], "meeting", D(2026, 11, 3), channel="coffee")
    assert verdict(progress(workbook, "2026-W48")) == "on track"


def test_a_negative_target_is_refused_and_nothing_changes(workbook):
    before = workbook.targets
    with pytest.raises(ValidationError, match="target calls"):
        workbook.set_target("calls", -1)
    assert workbook.targets == before


def test_a_bad_week_is_refused(workbook):
    with pytest.raises(ValidationError, match="week"):
        progress(workbook, "2026-W99")


def test_month_streak_counts_calendar_months(workbook, people):
    def meetings(days):
        return [
            workbook.log_activity(people[i], "meeting", day, channel="coffee")
            for i, day in enumerate(days)
        ]

    meetings([D(2026, 9, d) for d in (1, 8, 15, 22)])  # September: 4
    october = meetings([D(2026, 10, d) for d in (6, 13, 20, 27)])  # October: 4
    meetings([D(2026, 11, d) for d in (3, 10, 17, 24)])  # November through week 48: 4
    # A month counts once it has closed on target, judged on the whole month: through week
    # 48 (ending Sunday 29 November) November is still running, so September and October.
    assert _rows(progress(workbook, "2026-W48")).loc["meetings", "streak"] == 2
    # Week 49 (30 Nov to 6 Dec) closes November on target: 3, shown on the November row;
    # the December row (to date, 0 of 4) carries the same run of closed months.
    streaks = progress(workbook, "2026-W49").query("metric == 'meetings'")["streak"].tolist()
    assert streaks == [3, 3]
    # Through week 46 November has only 2, but it is not over: the run of closed months holds.
    assert _rows(progress(workbook, "2026-W46")).loc["meetings", "streak"] == 2
    workbook.delete_activity(october[-1])  # October now misses: nothing closed on target since
    assert _rows(progress(workbook, "2026-W48")).loc["meetings", "streak"] == 0
    assert progress(workbook, "2026-W49").query("metric == 'meetings'")["streak"].tolist() == [
        1,
        1,
    ]


def test_format_progress_is_a_readable_table(workbook, people):
    from coachkit.progress import format_progress

    workbook.log_call(people[0], D(2026, 11, 24), "reached", conversation=True)
    text = format_progress(progress(workbook, "2026-W48"))
    lines = text.splitlines()
    assert lines[0] == "Progress for 2026-W48"
    assert lines[2].split() == ["target", "per", "goal", "done", "to", "go", "pace", "needed",
                                "on", "target", "streak"]  # fmt: skip
    assert lines[5].split() == ["meetings", "November", "to", "date", "4", "1", "3", "3/week",
                                "no", "0", "months"]  # fmt: skip
    # No outreach at all: no follow-up can be due, so calls are not judged, and the text
    # says when they start.
    assert lines[4].split()[:6] == ["calls", "this", "week", "2", "1", "1"]
    assert "not due yet" in lines[4]
    assert (
        lines[-2] == "Verdict: five new contacts short this week; meetings: three more in "
        "November (3 a week)"
    )
    assert lines[-1] == (
        "No follow-up call can be due yet: calls fall due after your first outreach."
    )
