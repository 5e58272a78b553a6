"""The weekly report's figures, plan, coaching note and HTML pieces, on a hand-built workbook.

The fixture's history, with 'today' = Wednesday 2026-11-25 and the report week 2026-W48
(Monday 23 to Sunday 29 November); default targets 5 new contacts and 2 calls a week,
4 meetings a month:

* Sun 8 Nov (W45): outreach to Alice and Bob.  Tue 10: Alice replies (her follow-up is
  cancelled).  Thu 12: coffee with Alice, who refers Eve.
* Sun 15 Nov (W46): outreach to ``<script>`` (never called: overdue since Tue 24) and Gus.
* Tue 17 Nov: follow-up call to Bob, voicemail.
* Sun 22 Nov (W47): outreach to Carla and Eve (their calls fall due Tue 1 December).
* Tue 24 Nov (W48): follow-up call to Gus reaches him, and they have the conversation there
  and then (logged in one step: a call and a meeting).
* Dan (Qonto, Product Designer, Paris) matches every goal and was never written to.

Hand-worked: W48 has 0 new contacts, 1 call (reached), 1 meeting (the conversation on that
call). November to date: 6 new contacts / outreach, 2 calls (1 reached, 1 voicemail), 2
meetings (the coffee and the conversation on Gus's call), 1 reply, 1 referral. 2 meetings
of 4 with one week left after W48 gives a pace of 2 a week.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
from pathlib import Path

import pytest

from coachkit import ReportError, Workbook, WorkbookError, create_workbook
from coachkit.cohort import Failure, _failure, cohort_summary, stuck_reasons
from coachkit.report import (
    build_report,
    coaching_note,
    participant_slug,
    render_coaching,
    render_funnel,
    render_header,
    render_network,
    render_plan,
    render_scorecard,
    write_private,
)

pytestmark = pytest.mark.unit

TODAY = dt.date(2026, 11, 25)
WEEK = "2026-W48"
XSS = "<script>alert(1)</script>"
PARTICIPANT = "Zoë <Test> & Co"


def build_fixture(folder: Path, suffix: str = "", name: str = PARTICIPANT) -> Workbook:
    """Create the hand-built workbook described in this module's docstring.

    ``suffix`` is appended to every contact's name, email and notes, so that two copies
    hold tell-apart data (used by the isolation tests).
    """
    wb = create_workbook(folder, name=name)
    wb.set_goals(industries=["Fintech"], roles=["Product"], locations=["Paris"])
    wb.tag_firm("Qonto", industry="Fintech", location="Paris")
    wb.tag_firm("Alan", industry="HealthTech", location="Paris")
    s = suffix
    alice = wb.add_contact(
        f"Alice Martin{s}",
        firm="Qonto",
        position="Product Manager",
        location="Paris",
        email=f"alice{s.lower()}@qonto.example",
        phone="+33 1 99 00 11 11",
        notes=f"Loved her talk on rituals{s}",
    )
    bob = wb.add_contact(
        f"Bob Stone{s}", firm="Qonto", position="Engineer", email=f"bob{s.lower()}@qonto.example"
    )
    xss = wb.add_contact(
        f"{XSS}{s}", firm="Qonto", position="Head of Product", notes=f"<b>x</b> =SUM(1){s}"
    )
    carla = wb.add_contact(f"Carla Diaz{s}", firm="Alan", position="Product Lead", location="Paris")
    wb.add_contact(f"Dan Wu{s}", firm="Qonto", position="Product Designer", location="Paris")
    gus = wb.add_contact(f"Gus Lee{s}", firm="Smith & Sons", position="Analyst")
    wb.log_activity(alice, "outreach", "2026-11-08", channel="email")
    wb.log_activity(bob, "outreach", "2026-11-08", channel="email")
    wb.log_activity(alice, "reply", "2026-11-10")
    coffee = wb.log_activity(alice, "meeting", "2026-11-12", channel="coffee")
    eve = wb.add_contact(f"Eve Park{s}", firm="Qonto", position="Product Owner", referred_by=alice)
    wb.log_activity(alice, "referral", "2026-11-12", parent_id=coffee, related_contact_id=eve)
    wb.log_activity(xss, "outreach", "2026-11-15", channel="linkedin")
    wb.log_activity(gus, "outreach", "2026-11-15", channel="linkedin")
    wb.log_activity(bob, "call", "2026-11-17", outcome="voicemail")
    wb.log_activity(carla, "outreach", "2026-11-22", channel="email")
    wb.log_activity(eve, "outreach", "2026-11-22", channel="email")
    wb.log_call(gus, "2026-11-24", "reached", conversation=True)
    return wb


@pytest.fixture
def report(tmp_path: Path):
    with build_fixture(tmp_path / "wb") as wb:
        return build_report(wb, WEEK, TODAY)


def test_scorecard_matches_the_hand_worked_figures(report) -> None:
    rows = {r["metric"]: r for r in report.scorecard}
    assert {
        k: (r["period"], r["target"], r["actual"], r["remaining"]) for k, r in rows.items()
    } == {
        "new_contacts": ("week", 5, 0, 5),
        "calls": ("week", 2, 1, 1),
        "meetings": ("month", 4, 2, 2),
    }
    assert rows["meetings"]["pace_needed"] == 2.0
    assert not any(r["on_target"] for r in rows.values())
    assert all(r["streak"] == 0 for r in rows.values())
    assert "five new contacts short" in report.verdict
    assert "one call short" in report.verdict
    assert report.days_left == 4


def test_funnel_counts_the_week_the_month_and_since_the_start(report) -> None:
    week = {"outreach": 0, "replies": 0, "calls": 1, "calls_reached": 1, "voicemails": 0,
            "assistant_messages": 0, "meetings": 1, "referrals": 0, "new_contacts": 0}  # fmt: skip
    month = {"outreach": 6, "replies": 1, "calls": 2, "calls_reached": 1, "voicemails": 1,
             "assistant_messages": 0, "meetings": 2, "referrals": 1,
             "new_contacts": 6}  # fmt: skip
    assert report.funnel["week"] == week
    assert report.funnel["month"] == month
    assert report.funnel["total"] == month  # every activity is in November


def test_plan_lists_calls_due_next_week_overdue_calls_and_fresh_mentors(report) -> None:
    plan = report.plan
    assert plan["week"] == "2026-W49"
    assert [(c["contact"], c["due"]) for c in plan["calls_due"]] == [
        ("Carla Diaz", "2026-12-01"),
        ("Eve Park", "2026-12-01"),
    ]
    assert [(c["contact"], c["due"], c["days_overdue"]) for c in plan["overdue"]] == [
        (XSS, "2026-11-24", 1)
    ]
    assert [(s["kind"], s["day"]) for s in plan["sessions"]] == [
        ("research", "2026-12-05"),
        ("outreach", "2026-12-06"),
    ]
    assert [m["name"] for m in plan["mentors"]] == ["Dan Wu"]
    assert plan["mentors_left"] == 1


def test_network_and_mosaic(report) -> None:
    net = report.network
    assert (net["referrals"], net["conversations"], net["referral_yield"]) == (1, 2, 0.5)
    assert [h["week"] for h in net["history"]][-1] == WEEK
    assert report.mosaic == [
        {"firm": "Qonto", "industry": "Fintech", "location": "Paris", "contacts": 5,
         "conversations": 1, "status": "covered"}
    ]  # fmt: skip


def test_recent_weeks_and_why_the_participant_looks_stuck(report) -> None:
    # W44 is before the first activity (8 November): not counted as a missed week.
    assert [(w["week"], w["weekly_targets_met"], w["outreach"]) for w in report.recent] == [
        ("2026-W45", False, 2),
        ("2026-W46", False, 2),
        ("2026-W47", False, 2),
    ]
    assert stuck_reasons(report.summary()) == [
        "weekly targets missed 3 weeks running",
        "1 follow-up call overdue",
    ]


def test_stuck_counts_the_report_week_once_it_is_over(tmp_path: Path) -> None:
    with build_fixture(tmp_path / "wb") as wb:
        # Reported on the Monday after: W48 is over, with no outreach in it.
        summary = build_report(wb, WEEK, "2026-11-30").summary()
    assert summary["days_left"] == 0
    reasons = stuck_reasons(summary)
    assert reasons[0] == "weekly targets missed 4 weeks running"
    assert "no outreach last week" in reasons


def test_coaching_note_follows_the_gaps(report) -> None:
    note = " ".join(report.coaching)
    assert "one follow-up call overdue: make it first" in note
    # Wednesday 25 November: Sunday's outreach session is still ahead this week.
    assert "Outreach is five new contacts short so far this week. Keep this Sunday's" in note
    assert "Meetings: 2 of 4 so far in November." in note
    assert "one to five names" in note  # yield 0.5 < 1
    assert "on track" not in note


def test_coaching_note_when_on_track_and_without_goals(report) -> None:
    report.verdict = "on track"
    report.plan["overdue"] = []
    for row in report.scorecard:
        row["on_target"] = True
    report.network["referral_yield"] = 2.0
    note = coaching_note(report, has_goals=False)
    assert note[0].startswith("You are on track")
    assert note[1].startswith("Start with step 1")
    assert not any("overdue" in line or "short" in line for line in note)


def test_every_participant_string_is_escaped_in_the_html_pieces(report) -> None:
    pieces = "".join(
        render(report)
        for render in (
            render_header,
            render_scorecard,
            render_funnel,
            render_plan,
            render_network,
            render_coaching,
        )
    )
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pieces  # the overdue contact
    assert "<script" not in pieces
    assert "Zoë &lt;Test&gt; &amp; Co" in pieces
    assert "<Test>" not in pieces
    assert pieces.count('src="data:image/png;base64,') == 2  # funnel and network charts
    assert "http:" not in pieces and "https:" not in pieces


def test_summary_is_json_with_every_section(report) -> None:
    summary = json.loads(json.dumps(report.summary()))
    assert set(summary) >= {"participant", "week", "today", "verdict", "scorecard", "funnel",
                            "plan", "network", "mosaic", "recent", "coaching"}  # fmt: skip
    assert summary["participant"] == PARTICIPANT
    assert summary["week_start"] == "2026-11-23"


def test_cohort_summary_keeps_figures_only(report) -> None:
    summary = cohort_summary({"zoe": report.summary()}, WEEK, TODAY.isoformat())
    text = json.dumps(summary, ensure_ascii=False)
    for secret in ("Alice", "alice@qonto.example", "Carla", "Eve Park", "Gus", "Dan Wu",
                   "script", "SUM", "rituals", "+33", "Qonto", "Smith"):  # fmt: skip
        assert secret not in text
    row = summary["participants"][0]
    assert row["participant"] == PARTICIPANT
    assert (row["overdue"], row["calls_due"], row["week"]["calls"]) == (1, 2, 1)
    assert summary["totals"]["month"]["outreach"] == 6


def test_a_blank_week_means_the_week_of_today(tmp_path: Path) -> None:
    with build_fixture(tmp_path / "wb") as wb:
        assert build_report(wb, "", TODAY).week == WEEK
        assert build_report(wb, "2026w47", TODAY).week == "2026-W47"


def test_participant_slug() -> None:
    assert participant_slug("Chloé Martin") == "chloe-martin"
    assert participant_slug("../../etc <x>") == "etc-x"
    assert participant_slug("***") == "participant"


def test_write_private_is_atomic_and_owner_only(tmp_path: Path) -> None:
    target = tmp_path / "new" / "summary.json"
    write_private(target, "one")
    write_private(target, "two")
    assert target.read_text() == "two"
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(target.parent).st_mode) == 0o700
    assert os.listdir(target.parent) == ["summary.json"]  # no temporary file left


def test_cohort_summary_keeps_no_text_from_a_failed_notebook(report) -> None:
    inside = _failure("zoe", ReportError("zoe: the report failed (KeyError: 'Alice Martin')"))
    before = _failure("max", WorkbookError("/c/max/workbook.sqlite: no workbook here."))
    assert "Alice Martin" in inside.reason  # the coach's terminal gets the whole message
    summary = cohort_summary({}, WEEK, TODAY.isoformat(), [inside, before])
    text = json.dumps(summary)
    assert "Alice" not in text
    assert summary["failures"][1] == {
        "participant": "max",
        "reason": "/c/max/workbook.sqlite: no workbook here.",
    }
    assert isinstance(inside, Failure)


def test_network_section_separates_names_waiting_and_flags_a_talk_without_names(report) -> None:
    net = report.network
    # People engaged: Alice, Bob, <script>, Gus, Carla, Eve = 6; Eve, the one name, was
    # written to on 22 November, so no name is waiting.
    assert (net["size"], net["names_not_contacted"]) == (6, 0)
    # The reached call to Gus on 24 November gave no names: flagged.
    assert [(f["date"], f["names"]) for f in net["flagged_conversations"]] == [("2026-11-24", 0)]
    assert net["projection"][0]["week"] == "2026-W49"  # a week from Wednesday 25 November
    net["flagged_conversations"][0]["contact"] = XSS
    html = render_network(report)
    assert "Names not yet contacted" in html and "Conversations to look at" in html
    assert XSS not in html and "&lt;script&gt;" in html
    assert "1 to 5 names a conversation" in html
