"""The figures a participant's server publishes to the coach's board: counts, never names."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from coachkit import forms as f
from coachkit.cohort import cohort_summary
from coachkit.errors import ValidationError
from coachkit.report import build_report
from coachkit.workshop import check_live, check_weekly, participant_figures, weekly_figures
from coachkit.workshop.figures import LIVE_FIELDS, mark_saved

pytestmark = pytest.mark.unit

# Wednesday 25 November 2026: ISO week 2026-W48 runs Monday 23 to Sunday 29 November.
TODAY = dt.date(2026, 11, 25)
PRIVATE = ("Ana Ortiz", "Bo Berg", "Cy Chef", "Di Diaz", "Qonto", "Monzo", "Nowhere",
           "ana@example.org", "met at the meetup", "Hello Ana")  # fmt: skip


@pytest.fixture
def busy(workbook):
    """A participant halfway through the method (every figure worked out by hand below).

    * contacts: Ana, Bo, Cy, Di = 4.
    * goals: industry Fintech, role Product, location Paris: set.
    * firms tagged: Qonto (Fintech, Paris) and Monzo (Fintech); Nowhere is untagged = 2.
    * shortlist: Ana (Fintech + Product + Paris), Bo (Fintech, at Monzo), Di ("Product
      Lead", no firm); Cy (a chef in Lyon) matches nothing = 3.
    * drafts: Ana's e-mail; Bo's draft is empty (nothing written) = 1.
    * outreach: Ana Sun 22 Nov (week 47), Bo Mon 23 Nov and Di Sat 28 Nov (week 48),
      Cy Mon 30 Nov (week 49); a call to Ana on Tue 24 Nov is not outreach. This week = 2.
    """
    wb = workbook
    wb.set_goals(industries=["Fintech"], roles=["Product"], locations=["Paris"])
    wb.tag_firm("Qonto", industry="Fintech", location="Paris")
    wb.tag_firm("Monzo", industry="Fintech")
    ana = wb.add_contact("Ana Ortiz", firm="Qonto", position="Product Manager",
                         email="ana@example.org", notes="met at the meetup")  # fmt: skip
    bo = wb.add_contact("Bo Berg", firm="Monzo", position="Engineer", location="London")
    cy = wb.add_contact("Cy Chef", firm="Nowhere", position="Chef", location="Lyon")
    di = wb.add_contact("Di Diaz", position="Product Lead")
    wb.save_draft(ana, subject="Hello Ana", body="How did you get where you are?")
    wb.save_draft(bo, subject="", body="")
    wb.log_activity(ana, "outreach", "2026-11-22", channel="email")
    wb.log_activity(bo, "outreach", "2026-11-23", channel="linkedin")
    wb.log_activity(di, "outreach", "2026-11-28", channel="email")
    wb.log_activity(cy, "outreach", "2026-11-30", channel="email")
    wb.log_activity(ana, "call", "2026-11-24", outcome="voicemail")
    return wb


def test_a_new_workbook_has_done_nothing_yet(workbook):
    assert participant_figures(workbook, today=TODAY) == {
        "contacts": 0,
        "goals_set": False,
        "firms_tagged": 0,
        "shortlist": 0,
        "schedule_saved": False,  # the method's defaults are there, but were never saved
        "targets_set": False,
        "drafts": 0,
        "outreach_this_week": 0,
        "week": "2026-W48",
    }


def test_hand_worked_figures(busy):
    figures = participant_figures(busy, today=TODAY)
    assert figures == {
        "contacts": 4,
        "goals_set": True,
        "firms_tagged": 2,
        "shortlist": 3,
        "schedule_saved": False,
        "targets_set": False,
        "drafts": 1,
        "outreach_this_week": 2,
        "week": "2026-W48",
    }
    assert list(figures) == list(LIVE_FIELDS)
    assert check_live(figures) == figures


def test_no_name_email_firm_or_note_leaves_the_workbook(busy):
    busy.update_profile(name="Pat Participant")
    text = json.dumps(participant_figures(busy, today=TODAY))
    for private in (*PRIVATE, "Pat Participant"):
        assert private not in text


def test_the_week_is_the_participants_own(busy):
    # A week starting on Sunday 22 November holds Ana's, Bo's and Di's outreach (22 to 28).
    busy.update_profile(week_start=6)
    figures = participant_figures(busy, today=TODAY)
    assert (figures["outreach_this_week"], figures["week"]) == (3, "2026-W48")
    assert figures["schedule_saved"]  # the week's first day is part of the schedule
    # The next Monday is in week 49 for a Monday week: only Cy's outreach.
    busy.update_profile(week_start=0)
    figures = participant_figures(busy, today=dt.date(2026, 11, 30))
    assert (figures["outreach_this_week"], figures["week"]) == (1, "2026-W49")


def test_schedule_and_targets_count_once_saved_even_unchanged(workbook):
    mark_saved(workbook, "schedule")
    figures = participant_figures(workbook, today=TODAY)
    assert (figures["schedule_saved"], figures["targets_set"]) == (True, False)
    mark_saved(workbook, "targets")
    mark_saved(workbook, "targets")  # twice in a row: still one mark
    assert participant_figures(workbook, today=TODAY)["targets_set"]
    with pytest.raises(ValueError, match="step 'goals'"):
        mark_saved(workbook, "goals")


def test_a_changed_schedule_or_target_counts_without_a_mark(workbook):
    """Workbooks saved before the marks existed: a value off the defaults was saved."""
    workbook.set_target("calls", 3)
    workbook.update_profile(outreach_time="18:00")
    figures = participant_figures(workbook, today=TODAY)
    assert (figures["schedule_saved"], figures["targets_set"]) == (True, True)


def test_the_forms_mark_their_step_only_when_saved(workbook):
    schedule = f.ScheduleForm(workbook)
    schedule.outreach_time.value = "5pm"  # refused: nothing is written, not even the mark
    schedule.save_button.click()
    assert schedule.errors
    assert not participant_figures(workbook, today=TODAY)["schedule_saved"]
    schedule.outreach_time.value = "17:00"  # the default, saved as it is
    schedule.save_button.click()
    assert schedule.errors == {}
    assert participant_figures(workbook, today=TODAY)["schedule_saved"]

    targets = f.TargetsForm(workbook)
    targets.amounts["calls"].value = -1
    targets.save_button.click()
    assert not participant_figures(workbook, today=TODAY)["targets_set"]
    targets.amounts["calls"].value = 2
    targets.save_button.click()
    assert participant_figures(workbook, today=TODAY)["targets_set"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": "Ana Ortiz"}, "name"),  # an extra field: refused, whatever it holds
        ({"contacts": -1}, "contacts"),
        ({"contacts": True}, "contacts"),
        ({"drafts": "3"}, "drafts"),
        ({"goals_set": 1}, "goals_set"),
        ({"week": "2026-W54"}, "week"),
        ({"week": "<script>"}, "week"),
    ],
)
def test_the_board_refuses_anything_but_the_figures(busy, change, field):
    figures = participant_figures(busy, today=TODAY) | change
    with pytest.raises(ValidationError) as caught:
        check_live(figures)
    assert caught.value.field == field
    missing = participant_figures(busy, today=TODAY)
    del missing["drafts"]
    with pytest.raises(ValidationError, match="drafts: is missing"):
        check_live(missing)


def test_weekly_figures_are_the_cohort_summarys_row_without_name_or_link(busy):
    summary = build_report(busy, "2026-W48", TODAY).summary()
    figures = weekly_figures(summary)
    row = cohort_summary({"p": summary}, "2026-W48", TODAY.isoformat())["participants"][0]
    assert figures == {k: v for k, v in row.items() if k not in ("participant", "report")}
    # By hand: Bo and Di were written to this week; Ana's call left a voicemail.
    assert (figures["week"]["outreach"], figures["week"]["calls"]) == (2, 1)
    assert figures["network"]["size"] == summary["network"]["size"]
    text = json.dumps(figures)
    for private in (*PRIVATE, "Test Participant"):
        assert private not in text
    assert check_weekly(json.loads(text)) == figures  # survives the trip as JSON


def test_weekly_figures_refuse_text_where_figures_belong(busy):
    figures = weekly_figures(build_report(busy, "2026-W48", TODAY).summary())
    with pytest.raises(ValidationError, match="figures: must hold exactly"):
        check_weekly(figures | {"contacts": ["Ana Ortiz"]})
    with pytest.raises(ValidationError, match="verdict: must be text"):
        check_weekly(figures | {"verdict": "x" * 301})
    with pytest.raises(ValidationError, match=r"week\.outreach"):
        check_weekly(figures | {"week": figures["week"] | {"outreach": "Ana"}})
    with pytest.raises(ValidationError, match=r"network\.size"):
        check_weekly(figures | {"network": figures["network"] | {"size": "Ana"}})
    named = [figures["targets"][0] | {"month": "Ana Ortiz"}]
    with pytest.raises(ValidationError, match=r"targets\[0\]\.month"):
        check_weekly(figures | {"targets": named})
