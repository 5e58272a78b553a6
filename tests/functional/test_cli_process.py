"""The process commands end to end: coachkit log, plan, calendar, progress."""

from __future__ import annotations

import icalendar
import pytest

from coachkit import open_workbook
from coachkit.cli import main

pytestmark = pytest.mark.functional


@pytest.fixture
def folder(workbook):
    workbook.add_contact("Bo Chen", firm="Stripe", phone="+33 6 12 34 56 78")
    workbook.add_contact("Cy Dee", firm="Doctolib")
    folder = workbook.folder
    workbook.close()
    return folder


def _counts(folder):
    with open_workbook(folder) as wb:
        return len(wb.contacts()), len(wb.activities())


def test_log_outreach_by_name_plans_the_tuesday_call(folder, capsys):
    argv = ["log", str(folder), "--contact", "bo chen", "--kind", "outreach",
            "--date", "2026-11-22", "--channel", "email"]  # fmt: skip
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "Logged outreach with Bo Chen on Sun 22 Nov 2026" in out
    assert "Follow-up call planned for Tue 1 Dec 2026." in out
    assert main(["plan", str(folder), "--week", "2026-W49", "--today", "2026-11-25"]) == 0
    plan = capsys.readouterr().out
    assert "Plan for 2026-W49 (Mon 30 Nov to Sun 6 Dec 2026)" in plan
    assert "Tue 1 Dec   10:00  call      Call Bo Chen (Stripe)" in plan
    assert "Phone: +33 6 12 34 56 78" in plan
    assert "Hello Bo," in plan


def test_log_meeting_with_referrals(folder, capsys):
    argv = ["log", str(folder), "--contact", "1", "--kind", "meeting", "--date", "2026-11-24",
            "--channel", "coffee", "--referral", "Ed Fox|Qonto|CTO",
            "--referral", "Fay Gu"]  # fmt: skip
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "Added referral Ed Fox (contact 3), referred by Bo Chen." in out
    with open_workbook(folder) as wb:
        ed = wb.get_contact(3)
        assert (ed["name"], ed["firm"], ed["position"], ed["referred_by"]) == (
            "Ed Fox", "Qonto", "CTO", 1
        )  # fmt: skip
        assert list(wb.activities()["kind"]) == ["meeting", "referral", "referral"]


@pytest.mark.parametrize(
    ("names", "note"),
    [(0, "Note: no names from this conversation"), (2, None), (6, "Note: 6 names: more than 5")],
)
def test_log_flags_a_conversation_with_no_names_or_more_than_five(folder, capsys, names, note):
    people = [arg for n in range(names) for arg in ("--referral", f"Person {n}")]
    # A reached call on which the conversation was held (--conversation): a call and a meeting.
    argv = ["log", str(folder), "--contact", "1", "--kind", "call", "--outcome", "reached",
            "--conversation", "--date", "2026-11-24", *people]  # fmt: skip
    assert main(argv) == 0
    out = capsys.readouterr().out
    if note:
        assert note in out
    else:
        assert "Note:" not in out


@pytest.mark.parametrize(
    ("extra", "code", "message"),
    [
        (["--contact", "Bo", "--kind", "outreach", "--date", "2026-02-30"], 2, "not a real date"),
        (["--contact", "Zed", "--kind", "outreach", "--date", "2026-11-22"], 3, "nobody called"),
        (["--contact", "99", "--kind", "outreach", "--date", "2026-11-22"], 3, "no contact"),
        (["--contact", "Bo", "--kind", "call", "--outcome", "voicemail", "--date", "2026-11-22",
          "--referral", "Ed"], 2, "only a conversation"),
        (["--contact", "Bo", "--kind", "meeting", "--date", "2026-11-22",
          "--referral", "Ed", "--referral", "Bo Chen"], 2, "cannot refer themselves"),
        (["--contact", "Bo", "--kind", "meeting", "--date", "2026-11-22",
          "--referral", "a|b|c|d"], 2, "Name|Firm|Position"),
        (["--contact", "Bo", "--kind", "call", "--date", "2026-11-22"], 2, "outcome"),
    ],
)  # fmt: skip
def test_bad_log_input_is_refused_and_writes_nothing(folder, capsys, extra, code, message):
    before = _counts(folder)
    assert main(["log", str(folder), *extra]) == code
    assert message in capsys.readouterr().err
    assert _counts(folder) == before


def test_progress_command_prints_a_table_and_verdict(folder, capsys):
    for day in ("2026-11-23", "2026-11-24"):
        main(["log", str(folder), "--contact", "Cy", "--kind", "call", "--outcome", "voicemail",
              "--date", day])  # fmt: skip
    capsys.readouterr()
    assert main(["progress", str(folder), "--today", "2026-11-25"]) == 0
    out = capsys.readouterr().out
    assert "Progress for 2026-W48" in out
    lines = {line.split()[0]: line.split() for line in out.splitlines() if line.strip()}
    assert lines["calls"][1:8] == ["this", "week", "2", "2", "0", "-", "yes"]
    assert "Verdict: five new contacts short this week; meetings: four more in November" in out
    # No outreach yet: no follow-up can be due, which the text says.
    assert out.rstrip().endswith("calls fall due after your first outreach.")


def test_bad_week_is_refused(folder, capsys):
    assert main(["progress", str(folder), "--week", "2026-W60"]) == 2
    assert "week: '2026-W60' does not exist" in capsys.readouterr().err
    assert main(["plan", str(folder), "--week", "W48"]) == 2


def test_calendar_command_writes_events(folder, tmp_path, capsys):
    main(["log", str(folder), "--contact", "Bo", "--kind", "outreach", "--date", "2026-11-22"])
    out = tmp_path / "plan.ics"
    argv = ["calendar", str(folder), "--out", str(out), "--start", "2026-11-23", "--today",
            "2026-11-25", "--weeks", "2"]  # fmt: skip
    assert main(argv) == 0
    assert "2026-W48 to 2026-W49" in capsys.readouterr().out
    first = icalendar.Calendar.from_ical(out.read_bytes())
    events = list(first.walk("VEVENT"))
    assert [str(e["summary"]).split(":")[0] for e in events] == [
        "Research", "Outreach", "Call Bo Chen (Stripe)", "Research", "Outreach"
    ]  # fmt: skip
    assert main(argv) == 0  # re-export: same UIDs
    again = icalendar.Calendar.from_ical(out.read_bytes())
    assert [str(e["uid"]) for e in again.walk("VEVENT")] == [str(e["uid"]) for e in events]
    assert main([*argv[:-2], "--weeks", "0"]) == 2


def test_target_command_refuses_minus_one_and_notes_uncounted_metrics(folder, capsys):
    with open_workbook(folder) as wb:
        before = wb.targets
    assert main(["target", str(folder), "calls", "-1"]) == 2
    assert "target calls: -1 is not a whole number" in capsys.readouterr().err
    assert main(["target", str(folder), "research", "3", "--label", "research hours"]) == 0
    assert "cannot count 'research'" in capsys.readouterr().out
    assert main(["target", str(folder), "meetings", "6", "--period", "month"]) == 0
    with open_workbook(folder) as wb:
        after = {t.metric: (t.amount, t.period) for t in wb.targets}
    assert after["calls"] == (before[1].amount, "week")
    assert (after["meetings"], after["research"]) == ((6, "month"), (3, "week"))
