"""The method's rules at their edges, each worked out by hand (in the comments) before running.

Calendar used throughout (2026): Sunday 22 November, Monday 23 ... Sunday 29 November is
ISO week 48; Monday 30 November to Sunday 6 December is week 49 (it spans two months);
Monday 7 to Sunday 13 December is week 50. Default targets: 5 new contacts and 2 calls a
week, 4 meetings a month. A follow-up call falls due 9 days after the first outreach, moved
to the Monday after when that is a Saturday or Sunday.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import sqlite3
from pathlib import Path

import pytest

from coachkit import _schema, create_workbook, open_workbook
from coachkit.cli import main
from coachkit.progress import format_progress, progress
from coachkit.report import build_report, coaching_note
from coachkit.schedule import follow_ups, format_plan, weekly_plan

pytestmark = pytest.mark.functional

D = dt.date


def _meetings(frame):
    return frame[frame["metric"] == "meetings"].to_dict("records")


# -- a week spanning two months --
@pytest.fixture
def two_months(tmp_path: Path):
    """Four November meetings, the last on Monday 30 November, and one on Wednesday 2
    December; nothing else (no outreach, so no follow-up call can be due)."""
    wb = create_workbook(tmp_path / "wb", name="Mia Month")
    people = [wb.add_contact(f"Person {i}") for i in range(5)]
    days = [D(2026, 11, 3), D(2026, 11, 10), D(2026, 11, 17), D(2026, 11, 30), D(2026, 12, 2)]
    for person, day in zip(people, days, strict=True):
        wb.log_activity(person, "meeting", day, channel="coffee")
    yield wb
    wb.close()


def test_a_week_spanning_two_months_shows_both_months(two_months, tmp_path: Path, capsys):
    # Hand-worked, week 49 read on Monday 7 December (the week is over):
    #   November (final): the meetings of 3, 10, 17 and 30 November = 4 of 4, on target,
    #     the month closed; streak 1 (October had none).
    #   December to date (1 to 6 December): the meeting of the 2nd = 1 of 4, 3 to go;
    #     25 days of December are left after the 6th -> ceil(25 / 7) = 4 weeks -> 0.75 a week,
    #     shown rounded to 0.8; streak 1 (the run of closed months: November).
    #   The week itself holds 2 meetings (30 Nov, 2 Dec): "month to date" (1) is smaller than
    #   the week, and November's 4 appear in full: no day is lost between months.
    #   Verdict: no outreach -> five new contacts short; calls not judged (none can be due);
    #   "meetings: three more in December (0.8 a week)".
    frame = progress(two_months, "2026-W49", today=D(2026, 12, 7))
    november, december = _meetings(frame)
    assert (november["month"], november["actual"], november["target"]) == ("2026-11", 4, 4)
    assert november["on_target"] and november["complete"] and november["streak"] == 1
    assert (december["month"], december["actual"], december["remaining"]) == ("2026-12", 1, 3)
    assert (december["weeks_left"], december["pace_needed"], december["streak"]) == (4, 0.8, 1)
    assert not december["complete"]
    text = format_progress(frame)
    assert "November (final)" in text and "December to date" in text
    assert "Verdict: five new contacts short this week; meetings: three more in December " in text

    report = build_report(two_months, "2026-W49", D(2026, 12, 7))
    summary = report.summary()
    rows = [r for r in summary["scorecard"] if r["metric"] == "meetings"]
    assert [(r["month"], r["actual"], r["target"], r["on_target"]) for r in rows] == [
        ("2026-11", 4, 4, True),
        ("2026-12", 1, 4, False),
    ]
    assert summary["months"] == ["2026-11", "2026-12"]
    funnel = summary["funnel"]
    assert (funnel["week"]["meetings"], funnel["closing_month"]["meetings"]) == (2, 4)
    assert funnel["month"]["meetings"] == 1
    json.dumps(summary)  # every value is JSON


def test_a_week_inside_one_month_has_one_month_row(two_months):
    # Week 48 (23 to 29 November), read on Monday 30 November: only November, to date
    # (3, 10, 17 November = 3 of 4), still running (the 30th is today): 1 week left, pace 1.
    (november,) = _meetings(progress(two_months, "2026-W48", today=D(2026, 11, 30)))
    assert (november["actual"], november["weeks_left"], november["pace_needed"]) == (3, 1, 1.0)
    assert not november["complete"]


def test_a_month_streak_judges_whole_months(two_months):
    # Add 4 October meetings. Through week 48 November is still running: the streak counts
    # the months that closed on target, October only = 1. Week 49 closes November (4 of 4):
    # 2. Had November closed with 3 (drop the 30th), week 49's November row would be 0.
    october = [two_months.add_contact(f"October {i}") for i in range(4)]
    for person, day in zip(october, (1, 8, 15, 22), strict=True):
        two_months.log_activity(person, "meeting", D(2026, 10, day), channel="video")
    (november,) = _meetings(progress(two_months, "2026-W48"))
    assert november["streak"] == 1
    november, december = _meetings(progress(two_months, "2026-W49"))
    assert (november["streak"], december["streak"]) == (2, 2)
    acts = two_months.activities()
    last = acts.loc[acts["date"] == "2026-11-30", "id"].iloc[0]
    two_months.delete_activity(int(last))
    november, december = _meetings(progress(two_months, "2026-W49"))
    assert (november["actual"], november["on_target"], november["streak"]) == (3, False, 0)


# -- a target changed mid-month --
@pytest.fixture
def history(tmp_path: Path):
    """Calls and meetings over October and November, with the first outreach on 1 October
    so that calls are due (and judged) in every week below."""
    wb = create_workbook(tmp_path / "wb", name="Tom Target")
    wb.remove_target("new_contacts")  # only calls and meetings matter here
    start = wb.add_contact("First Person")
    wb.log_activity(start, "outreach", D(2026, 10, 1))
    callee = wb.add_contact("Callee")
    calls = {  # two calls in weeks 45 and 46, three in week 47
        45: [D(2026, 11, 2), D(2026, 11, 4)],
        46: [D(2026, 11, 10), D(2026, 11, 12)],
        47: [D(2026, 11, 16), D(2026, 11, 17), D(2026, 11, 18)],
    }
    for days in calls.values():
        for day in days:
            wb.log_activity(callee, "call", day, outcome="voicemail")
    for i, day in enumerate((5, 12, 19, 26)):  # four October meetings
        wb.log_activity(wb.add_contact(f"Met {i}"), "meeting", D(2026, 10, day), channel="coffee")
    for i, day in enumerate((4, 11, 18, 25)):  # four November meetings
        wb.log_activity(wb.add_contact(f"Nov {i}"), "meeting", D(2026, 11, day), channel="video")
    yield wb
    wb.close()


def test_a_target_changed_mid_month_keeps_past_periods(history, capsys):
    # Wednesday 18 November (week 47) the participant raises calls to 3 a week and meetings
    # to 6 a month. Hand-worked:
    #   calls: the change applies from Monday 16 November (the week that holds the 18th).
    #     Week 46 keeps 2: 2 of 2, streak 2 (weeks 45 and 46; week 44 had none).
    #     Week 47 against 3: 3 of 3, streak 3 (47 vs 3, 46 vs 2, 45 vs 2).
    #   meetings: from 1 November (the month that holds the 18th). October keeps 4: in week
    #     44 (26 October to 1 November) October closed 4 of 4, on target; November to date
    #     (the 1st) is judged against 6. Week 48: November 4 of 6, two short.
    #   Rewriting history instead (the old rule) would judge week 46 against 3: streak 0.
    folder = str(history.folder)
    assert main(["target", folder, "calls", "3", "--today", "2026-11-18"]) == 0
    out = capsys.readouterr().out
    assert "from the week starting Mon 16 Nov 2026" in out
    argv = ["target", folder, "meetings", "6", "--period", "month", "--today", "2026-11-18"]
    assert main(argv) == 0
    assert capsys.readouterr().out.count("from the month starting Sun 1 Nov 2026") == 1

    def row(week, metric, month=None):
        frame = progress(history, week)
        rows = frame[frame["metric"] == metric].to_dict("records")
        return next(r for r in rows if month is None or r["month"] == month)

    assert [row("2026-W46", "calls")[k] for k in ("target", "actual", "streak")] == [2, 2, 2]
    assert [row("2026-W47", "calls")[k] for k in ("target", "actual", "streak")] == [3, 3, 3]
    october = row("2026-W44", "meetings", "2026-10")
    assert (october["target"], october["actual"], october["on_target"]) == (4, 4, True)
    assert row("2026-W44", "meetings", "2026-11")["target"] == 6
    november = row("2026-W48", "meetings")
    assert (november["target"], november["actual"], november["remaining"]) == (6, 4, 2)
    # The report's recent weeks judge each past week against its own target.
    report = build_report(history, "2026-W48", D(2026, 11, 30))
    met = {r["week"]: r["weekly_targets_met"] for r in report.recent}
    assert met == {"2026-W44": False, "2026-W45": True, "2026-W46": True, "2026-W47": True}


def test_changing_a_target_twice_in_a_period_keeps_the_last_word(history):
    # Two changes in week 47: the second replaces the first from Monday 16 November on; a
    # change without a day ("since always", as for a new workbook) rewrites every week.
    history.set_target("calls", 3, today=D(2026, 11, 18))
    history.set_target("calls", 4, today=D(2026, 11, 19))
    assert progress(history, "2026-W47").set_index("metric").loc["calls", "target"] == 4
    assert progress(history, "2026-W46").set_index("metric").loc["calls", "target"] == 2
    history.set_target("calls", 5)
    assert progress(history, "2026-W46").set_index("metric").loc["calls", "target"] == 5


def test_a_removed_target_stays_in_the_weeks_it_was_in_force(history):
    # Removed on Wednesday 18 November: week 46 still shows calls (2 of 2), week 47 does not.
    history.remove_target("calls", today=D(2026, 11, 18))
    assert "calls" in set(progress(history, "2026-W46")["metric"])
    assert "calls" not in set(progress(history, "2026-W47")["metric"])
    assert "calls" not in {t.metric for t in history.targets}


def test_a_version_3_workbook_keeps_its_targets_as_their_history(tmp_path: Path):
    # A workbook made before targets had a history: its targets become "in force since
    # always", the file is backed up first, and weekend moving is on.
    folder = tmp_path / "old"
    folder.mkdir()
    conn = sqlite3.connect(folder / "workbook.sqlite")
    _schema.create(conn, 3)
    conn.execute("UPDATE targets SET amount = 3 WHERE metric = 'calls'")
    conn.commit()
    conn.close()
    with open_workbook(folder) as wb:
        history = {(t.metric, t.amount, t.since) for t in wb.target_history()}
        assert history == {("new_contacts", 5, None), ("calls", 3, None), ("meetings", 4, None)}
        assert wb.profile.skip_weekends is True
    assert len(list((folder / "backups").glob("workbook-v3-*.sqlite"))) == 1


# -- a call missed on Tuesday, seen on Thursday --
@pytest.fixture
def missed(tmp_path: Path):
    """Outreach to Bo on Sunday 22 November: the call falls due Tuesday 1 December."""
    wb = create_workbook(tmp_path / "wb", name="Olga Overdue")
    bo = wb.add_contact("Bo Chen", firm="Stripe", phone="+33 6 12 34 56 78")
    wb.log_activity(bo, "outreach", D(2026, 11, 22))
    yield wb
    wb.close()


def test_a_call_missed_on_tuesday_is_overdue_on_thursday(missed, capsys):
    # Hand-worked: due Tuesday 1 December. On Tuesday it is open (due today). Not made, it
    # is overdue from Wednesday (1 day) and on Thursday 3 December by 2 days. A plan of
    # week 49 made on Thursday lists it as overdue as of Thursday and puts the call on
    # Thursday (not on the past Tuesday); the old rule looked at Monday 30 November only and
    # saw nothing overdue.
    def state(day):
        row = follow_ups(missed, day).iloc[0]
        return row["status"], row["days_overdue"]

    assert state(D(2026, 12, 1)) == ("open", 0)
    assert state(D(2026, 12, 2)) == ("overdue", 1)
    assert state(D(2026, 12, 3)) == ("overdue", 2)
    plan = weekly_plan(missed, "2026-W49", today=D(2026, 12, 3))
    assert plan.overdue["contact"].tolist() == ["Bo Chen"]
    (call,) = [s for s in plan.sessions if s.kind == "call"]
    assert (call.day, call.title) == (D(2026, 12, 3), "Call Bo Chen (Stripe) (overdue)")
    assert "it was due 2026-12-01" in call.details
    assert "Overdue follow-up calls (as of Thu 3 Dec): make them first" in format_plan(plan)
    on_tuesday = weekly_plan(missed, "2026-W49", today=D(2026, 12, 1))
    assert on_tuesday.overdue.empty
    assert [s.day for s in on_tuesday.sessions if s.kind == "call"] == [D(2026, 12, 1)]
    # The CLI and the report say the same.
    assert main(["plan", str(missed.folder), "--today", "2026-12-03"]) == 0
    out = capsys.readouterr().out
    assert "Thu 3 Dec   10:00  call      Call Bo Chen (Stripe) (overdue)" in out
    assert "  - Bo Chen: due Tue 1 Dec, 2 days late; phone: +33 6 12 34 56 78" in out
    report = build_report(missed, "2026-W48", D(2026, 12, 3))
    assert [(c["contact"], c["days_overdue"]) for c in report.plan["overdue"]] == [("Bo Chen", 2)]


# -- a Thursday and a Friday outreach --
@pytest.mark.parametrize("skip_weekends", [True, False])
def test_thursday_and_friday_outreach_calls_move_off_the_weekend(tmp_path, capsys, skip_weekends):
    # Hand-worked: Thursday 26 November + 9 = Saturday 5 December; Friday 27 November + 9 =
    # Sunday 6 December. Moved off the weekend (the default), both fall due Monday 7
    # December (week 50): in week 49 no call can be due, so the calls target is not judged
    # and the text says when calls start. With the setting off they stay on the weekend
    # (week 49), and week 49 is judged: two calls short.
    wb = create_workbook(tmp_path / "wb", name="Tess Thursday")
    wb.update_profile(skip_weekends=skip_weekends)
    ann, ben = wb.add_contact("Ann Lee"), wb.add_contact("Ben Roy")
    folder = str(wb.folder)
    wb.close()
    log = ["log", folder, "--kind", "outreach", "--today", "2026-11-27"]
    assert main([*log, "--contact", "Ann Lee", "--date", "2026-11-26"]) == 0
    assert main([*log, "--contact", "Ben Roy", "--date", "2026-11-27"]) == 0
    out = capsys.readouterr().out
    with open_workbook(folder) as wb:
        due = follow_ups(wb, D(2026, 11, 27)).set_index("contact_id")["due"]
        frame = progress(wb, "2026-W49", today=D(2026, 12, 7))
    calls = frame.set_index("metric").loc["calls"]
    if skip_weekends:
        assert (due[ann], due[ben]) == (D(2026, 12, 7), D(2026, 12, 7))
        assert out.count("Follow-up call planned for Mon 7 Dec 2026.") == 2
        assert not calls["judged"] and calls["due_from"] == D(2026, 12, 7)
        text = format_progress(frame)
        assert "call" not in text.split("Verdict:")[1].splitlines()[0]
        assert text.endswith("the first falls due on Monday 7 December.")
    else:
        assert (due[ann], due[ben]) == (D(2026, 12, 5), D(2026, 12, 6))
        assert calls["judged"] and "two calls short this week" in format_progress(frame)


# -- a participant who starts mid-week --
def test_a_participant_who_starts_mid_week(tmp_path: Path):
    # Hand-worked: Pia starts on Wednesday 25 November (week 48) and writes to five people
    # on Sunday 29 November. Read on Monday 30 November: week 48 has 5 new contacts of 5;
    # her first calls fall due Tuesday 8 December, so calls are not judged (not "two calls
    # short"), and no earlier week counts as missed (recent weeks: none, nothing "stuck").
    # November: no meeting yet, 4 to go with the 30th left (1 week): "four more in November
    # (4 a week)".
    from coachkit.cohort import stuck_reasons

    wb = create_workbook(tmp_path / "wb", name="Pia Start")
    people = [wb.add_contact(f"Mentor {i}") for i in range(5)]
    for person in people:
        wb.log_activity(person, "outreach", D(2026, 11, 29), today=D(2026, 11, 30))
    report = build_report(wb, "2026-W48", D(2026, 11, 30))
    rows = {r["metric"]: r for r in report.scorecard}
    assert (rows["new_contacts"]["actual"], rows["new_contacts"]["on_target"]) == (5, True)
    assert (rows["calls"]["judged"], rows["calls"]["due_from"]) == (False, "2026-12-08")
    assert report.verdict == "meetings: four more in November (4 a week)"
    assert report.recent == []
    assert stuck_reasons(report.summary()) == []
    assert "the first falls due on Tuesday 8 December." in " ".join(report.coaching)
    assert not any("calls to go" in line or "calls short" in line for line in report.coaching)
    wb.close()


# -- a reached call with and without a conversation --
@pytest.fixture
def caller(tmp_path: Path):
    wb = create_workbook(tmp_path / "wb", name="Cal Caller")
    for name in ("Ann Lee", "Ben Roy", "Cy Dee"):
        wb.add_contact(name)
    wb.log_activity(1, "outreach", D(2026, 11, 15))
    wb.log_activity(2, "outreach", D(2026, 11, 15))
    wb.log_activity(3, "outreach", D(2026, 11, 15))
    folder = wb.folder
    wb.close()
    return str(folder)


def test_a_reached_call_with_and_without_a_conversation(caller, capsys):
    # Hand-worked, week 48 (the follow-ups fall due Tuesday 24 November):
    #   Ann: reached, only to set a time -> 1 call, 0 meetings; she cannot refer anyone yet.
    #   Ben: reached, and the conversation held there and then, naming Sam Lee -> 1 call and
    #     1 meeting (channel "call"), the referral hanging off the meeting.
    #   Cy: a message left with his assistant -> 1 call (the follow-up is done), no meeting.
    #   Totals: calls 3 (reached 2, assistant 1), meetings 1, referrals 1.
    base = ["log", caller, "--kind", "call", "--date", "2026-11-24", "--today", "2026-11-25"]
    assert main([*base, "--contact", "Ann Lee", "--outcome", "reached"]) == 0
    refused = [*base, "--contact", "Ann Lee", "--outcome", "reached", "--referral", "Zed|X|Y"]
    assert main(refused) == 2
    assert "only a conversation" in capsys.readouterr().err
    assert main([*base, "--contact", "Ben Roy", "--outcome", "reached", "--conversation",
                 "--referral", "Sam Lee|Qonto|CTO"]) == 0  # fmt: skip
    assert "Logged the conversation you had on that call as a meeting." in capsys.readouterr().out
    assert main([*base, "--contact", "Cy Dee", "--outcome", "assistant"]) == 0
    # A conversation needs a call that reached the person: refused, nothing written.
    with open_workbook(caller) as wb:
        before = len(wb.activities())
    assert main([*base, "--contact", "Cy Dee", "--outcome", "voicemail", "--conversation"]) == 2
    with open_workbook(caller) as wb:
        acts = wb.activities()
        assert len(acts) == before
        counts = progress(wb, "2026-W48").set_index("metric")["actual"]
        status = follow_ups(wb, D(2026, 11, 25)).set_index("contact")["status"]
        from coachkit.progress import count_activities

        week = count_activities(wb, D(2026, 11, 23), D(2026, 11, 29))
    assert (counts["calls"], counts["meetings"]) == (3, 1)
    assert (week["calls_reached"], week["assistant_messages"], week["referrals"]) == (2, 1, 1)
    meeting = acts[acts["kind"] == "meeting"].iloc[0]
    assert (meeting["contact"], meeting["channel"]) == ("Ben Roy", "call")
    assert acts[acts["kind"] == "referral"]["parent_id"].tolist() == [meeting["id"]]
    assert status.to_dict() == {"Ann Lee": "done", "Ben Roy": "done", "Cy Dee": "done"}


# -- the CLI refuses what the forms refuse --
def test_the_cli_refuses_an_activity_dated_after_today(caller, capsys):
    argv = ["log", caller, "--contact", "Ann Lee", "--kind", "call", "--outcome", "voicemail",
            "--date", "2026-11-26", "--today", "2026-11-25"]  # fmt: skip
    with open_workbook(caller) as wb:
        before = len(wb.activities())
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "2026-11-26 is still to come (today is 2026-11-25)" in err
    with open_workbook(caller) as wb:
        assert len(wb.activities()) == before
    assert main([*argv[:-4], "--date", "2026-11-25", "--today", "2026-11-25"]) == 0


# -- the coaching text reads as English --
def _sentences(lines):
    for line in lines:
        for sentence in line.replace("?", ".").split(". "):
            yield sentence.strip()


@pytest.mark.parametrize("today", [D(2026, 11, 25), D(2026, 11, 29), D(2026, 11, 30)])
@pytest.mark.parametrize("shortfall", [0, 1, 2])
def test_every_coaching_sentence_is_grammatical(missed, today, shortfall):
    # The note for week 48, read mid-week (outreach still ahead), on its Sunday and after
    # it, with 0, 1 or 2 of each shortfall: each sentence starts with a capital, ends with
    # a full stop, agrees in number, and never says "Keep on Sunday's session".
    report = build_report(missed, "2026-W48", today)
    for row in report.scorecard:
        row["remaining"], row["on_target"] = shortfall, shortfall == 0
        row["actual"] = row["target"] - shortfall
    report.mosaic = [{"status": "no contact yet"}] * shortfall
    for goals, overdue, judged in itertools.product((True, False), (0, 1, 2), (True, False)):
        report.plan["overdue"] = [{}] * overdue
        report.scorecard[1]["judged"] = judged  # calls: due yet, or not
        note = coaching_note(report, has_goals=goals)
        text = " ".join(note)
        for bad in ("Keep on", " one calls", " one follow-up calls", " one new contacts",
                    "1 calls", "  ", "no calls to go", "zero"):  # fmt: skip
            assert bad not in text, (bad, text)
        for line in note:
            assert line[0].isupper() and line.endswith("."), line
        assert all(s and (s[0].isupper() or s[0] == '"') for s in _sentences(note)), note
        if today == D(2026, 11, 25) and shortfall:
            assert "Keep this Sunday's session" in text
        if today == D(2026, 11, 30) and shortfall:
            assert "Keep next Sunday's session" in text


@pytest.mark.parametrize("period", ["week", "month"])
@pytest.mark.parametrize("today", ["9999-12-31", "0001-01-01"])
def test_a_target_set_on_the_first_or_last_day_python_holds(tmp_path, capsys, period, today):
    # Found by the random CLI test: the month of 31 December 9999 has no next month to step
    # back from. Either end of the calendar is a day like any other.
    folder = tmp_path / "wb"
    create_workbook(folder).close()
    assert main(["target", str(folder), "calls", "2", "--period", period, "--today", today]) == 0
    with open_workbook(folder) as wb:
        changes = [t for t in wb.target_history() if t.metric == "calls"]
    if today == "9999-12-31":  # the default in force since always, then the change
        first = D(9999, 12, 27) if period == "week" else D(9999, 12, 1)
        assert [(t.since, t.amount, t.period) for t in changes] == [
            (None, 2, "week"),
            (first, 2, period),
        ]
    else:  # nothing comes before 1 January of year 1: the change holds since always
        assert [(t.since, t.amount, t.period) for t in changes] == [(None, 2, period)]
