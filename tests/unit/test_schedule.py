"""Follow-ups and the weekly plan, pinned with worked examples from PROCESS.md."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coachkit import NotFoundError, ValidationError
from coachkit.schedule import follow_ups, weekly_plan

pytestmark = pytest.mark.unit

D = dt.date
SUNDAY = D(2026, 11, 22)


@pytest.fixture
def bo(workbook):
    return workbook.add_contact("Bo Chen", firm="Stripe", phone="+33 1 23 45 67 89")


def _row(frame, contact_id):
    rows = frame[frame["contact_id"] == contact_id]
    assert len(rows) == 1
    return rows.iloc[0]


def test_sunday_outreach_gives_a_tuesday_call_nine_days_later(workbook, bo, today):
    workbook.log_activity(bo, "outreach", SUNDAY, channel="email")
    row = _row(follow_ups(workbook, today), bo)
    assert row["due"] == D(2026, 12, 1)
    assert row["due"].weekday() == 1  # Tuesday
    assert (row["status"], row["closed_by"], row["closed_on"]) == ("open", None, None)
    assert row["days_overdue"] == 0
    assert row["phone"] == "+33 1 23 45 67 89"


def test_reply_on_day_four_cancels_the_call(workbook, bo, today):
    workbook.log_activity(bo, "outreach", SUNDAY)
    workbook.log_activity(bo, "reply", SUNDAY + dt.timedelta(days=4))
    # As of day 3 the reply has not come yet; as of day 4 it has.
    assert _row(follow_ups(workbook, SUNDAY + dt.timedelta(days=3)), bo)["status"] == "open"
    row = _row(follow_ups(workbook, D(2026, 11, 26)), bo)
    assert (row["status"], row["closed_by"], row["closed_on"]) == (
        "cancelled",
        "reply",
        D(2026, 11, 26),
    )


def test_meeting_before_due_closes_it(workbook, bo):
    workbook.log_activity(bo, "outreach", SUNDAY)
    workbook.log_activity(bo, "meeting", D(2026, 11, 27), channel="coffee")
    row = _row(follow_ups(workbook, D(2026, 12, 10)), bo)
    assert (row["status"], row["closed_by"], row["days_overdue"]) == ("cancelled", "meeting", 0)


@pytest.mark.parametrize("outcome", ["reached", "voicemail"])
def test_call_made_closes_it_as_done(workbook, bo, outcome):
    workbook.log_activity(bo, "outreach", SUNDAY)
    workbook.log_activity(bo, "call", D(2026, 12, 1), outcome=outcome)
    row = _row(follow_ups(workbook, D(2026, 12, 10)), bo)
    assert (row["status"], row["closed_by"], row["closed_on"]) == ("done", "call", D(2026, 12, 1))


def test_unanswered_call_leaves_it_overdue(workbook, bo):
    workbook.log_activity(bo, "outreach", SUNDAY)
    workbook.log_activity(bo, "call", D(2026, 12, 1), outcome="no_answer")
    row = _row(follow_ups(workbook, D(2026, 12, 4)), bo)
    assert (row["status"], row["days_overdue"]) == ("overdue", 3)


def test_overdue_days_are_counted_from_today(workbook, bo):
    late = workbook.add_contact("Di Eve")
    workbook.log_activity(late, "outreach", D(2026, 11, 10))  # due 19 November
    workbook.log_activity(bo, "outreach", D(2026, 11, 16))  # due 25 November: due today
    frame = follow_ups(workbook, D(2026, 11, 25))
    assert (_row(frame, late)["status"], _row(frame, late)["days_overdue"]) == ("overdue", 6)
    assert (_row(frame, bo)["status"], _row(frame, bo)["days_overdue"]) == ("open", 0)
    assert list(frame["contact_id"]) == [late, bo]  # by due day


def test_only_the_initial_outreach_creates_a_follow_up(workbook, bo):
    workbook.log_activity(bo, "outreach", D(2026, 11, 1))
    workbook.log_activity(bo, "reply", D(2026, 11, 3))
    workbook.log_activity(bo, "outreach", D(2026, 11, 22))  # a second message: no new call
    frame = follow_ups(workbook, D(2026, 12, 5))
    assert len(frame) == 1
    assert _row(frame, bo)["outreach_date"] == D(2026, 11, 1)


def test_activity_before_the_outreach_does_not_close_it(workbook, bo):
    workbook.log_activity(bo, "meeting", D(2026, 10, 1), channel="in_person")
    workbook.log_activity(bo, "outreach", SUNDAY)
    assert _row(follow_ups(workbook, D(2026, 12, 3)), bo)["status"] == "overdue"


def test_follow_up_days_is_a_profile_setting(workbook, bo):
    # Sunday 22 November + 7 days = Sunday 29 November: a weekend, so Monday 30 November,
    # unless the participant turns the weekend rule off.
    workbook.update_profile(follow_up_days=7)
    workbook.log_activity(bo, "outreach", SUNDAY)
    assert _row(follow_ups(workbook, SUNDAY), bo)["due"] == D(2026, 11, 30)
    workbook.update_profile(skip_weekends=False)
    assert _row(follow_ups(workbook, SUNDAY), bo)["due"] == D(2026, 11, 29)


def test_bad_today_is_refused(workbook):
    with pytest.raises(ValidationError, match="today"):
        follow_ups(workbook, "2026-02-30")


def test_empty_workbook_has_no_follow_ups(workbook, today):
    assert follow_ups(workbook, today).empty


def test_weekly_plan_holds_research_outreach_and_due_calls(workbook, bo):
    workbook.set_goals(industries=["Fintech"], locations=["Paris"])
    workbook.log_activity(bo, "outreach", SUNDAY)
    cy = workbook.add_contact("Cy Dee", firm="Doctolib")
    workbook.log_activity(cy, "outreach", SUNDAY)
    workbook.log_activity(cy, "reply", D(2026, 11, 24))  # replied first: no call
    plan = weekly_plan(workbook, "2026-W49")
    assert (plan.week, plan.start, plan.end) == ("2026-W49", D(2026, 11, 30), D(2026, 12, 6))
    kinds = [(s.kind, s.day, s.time) for s in plan.sessions]
    assert kinds == [
        ("call", D(2026, 12, 1), "10:00"),
        ("research", D(2026, 12, 5), "10:00"),  # Saturday
        ("outreach", D(2026, 12, 6), "17:00"),  # Sunday
    ]
    call = plan.sessions[0]
    assert call.contact_id == bo
    assert call.title == "Call Bo Chen (Stripe)"
    assert "+33 1 23 45 67 89" in call.details
    assert "Hello Bo, this is Test Participant" in call.details  # the voicemail script
    assert "Fintech" in plan.sessions[1].details
    frame = plan.to_frame()
    assert list(frame.columns[:5]) == ["day", "time", "kind", "title", "details"]
    assert list(frame["kind"]) == ["call", "research", "outreach"]
    # The calendar export asks for the cancelled call too, to cancel its event.
    closed = weekly_plan(workbook, "2026-W49", include_closed=True)
    assert [s.status for s in closed.sessions if s.kind == "call"] == ["planned", "cancelled"]


def test_weekly_plan_lists_overdue_as_of_the_week_start(workbook, bo):
    workbook.log_activity(bo, "outreach", D(2026, 11, 1))  # due 10 November
    plan = weekly_plan(workbook, "2026-W48")
    assert list(plan.overdue["contact_id"]) == [bo]
    assert plan.overdue.iloc[0]["days_overdue"] == 13  # 10 -> 23 November
    assert [s.kind for s in plan.sessions] == ["research", "outreach"]


def test_weekly_plan_follows_profile_days_and_times(workbook):
    workbook.update_profile(
        week_start=6, research_weekday="Thursday", research_time="08:30", outreach_time="18:00"
    )
    plan = weekly_plan(workbook, "2026-W48")
    assert (plan.start, plan.end) == (D(2026, 11, 22), D(2026, 11, 28))
    assert [(s.kind, s.day, s.time) for s in plan.sessions] == [
        ("outreach", D(2026, 11, 22), "18:00"),
        ("research", D(2026, 11, 26), "08:30"),
    ]


def test_weekly_plan_refuses_a_bad_week(workbook):
    with pytest.raises(ValidationError, match="week"):
        weekly_plan(workbook, "2026-W60")


def test_unknown_contact_activity_is_refused_and_writes_nothing(workbook):
    with pytest.raises(NotFoundError):
        workbook.log_activity(999, "outreach", SUNDAY)
    assert workbook.activities().empty


def test_reads_see_writes_from_another_process(workbook, bo, today):
    from coachkit import open_workbook

    assert follow_ups(workbook, today).empty  # read (and kept) once
    with open_workbook(workbook.folder) as other:  # e.g. the CLI while a notebook is open
        other.log_activity(bo, "outreach", SUNDAY)
    assert list(follow_ups(workbook, today)["contact_id"]) == [bo]
    workbook.log_activity(bo, "reply", D(2026, 11, 23))  # and writes through this connection
    assert follow_ups(workbook, today).iloc[0]["status"] == "cancelled"


def test_outreach_session_size_follows_the_new_contacts_target(workbook):
    from coachkit.schedule import format_plan

    workbook.set_target("new_contacts", 20, period="month")  # 20 * 12 / 52 = 4.6: write to 5
    assert weekly_plan(workbook, "2026-W48").sessions[1].title == "Outreach: write to 5 new people"
    workbook.set_target("new_contacts", 3)
    plan = weekly_plan(workbook, "2026-W48")
    assert plan.sessions[1].title == "Outreach: write to 3 new people"
    assert format_plan(plan).splitlines()[3] == (
        "Sun 29 Nov  17:00  outreach  Outreach: write to 3 new people"
    )


_KINDS = ["outreach", "reply", "call:reached", "call:voicemail", "call:no_answer", "meeting"]


@settings(max_examples=40, deadline=None)
@given(
    log=st.lists(
        st.tuples(st.integers(0, 3), st.sampled_from(_KINDS), st.integers(0, 40)), max_size=25
    ),
    today_offset=st.integers(0, 60),
)
def test_follow_up_rules_hold_for_any_log(log, today_offset):
    """Pure-function property: one row per person written to, due 9 days after the first
    outreach, and a status consistent with what happened by ``today``."""
    import pandas as pd

    from coachkit.schedule import follow_ups_frame

    start = pd.Timestamp(2026, 10, 1)
    rows = []
    for i, (who, kind, offset) in enumerate(log, start=1):
        kind, _, outcome = kind.partition(":")
        rows.append((i, who, kind, start + pd.Timedelta(days=offset), outcome or None))
    acts = pd.DataFrame(rows, columns=["id", "contact_id", "kind", "date", "outcome"])
    acts = acts.astype({"id": "int64", "contact_id": "int64", "date": "datetime64[us]"})
    people = pd.DataFrame({"id": range(4), "name": list("ABCD"), "firm": None, "phone": None})
    today = (start + pd.Timedelta(days=today_offset)).date()
    frame = follow_ups_frame(acts, people, today)
    seen = acts[(acts["kind"] == "outreach") & (acts["date"] <= pd.Timestamp(today))]
    assert sorted(frame["contact_id"]) == sorted(seen["contact_id"].unique())
    for row in frame.itertuples(index=False):
        mine = seen[seen["contact_id"] == row.contact_id]
        first = mine.sort_values(["date", "id"]).iloc[0]
        assert row.outreach_date == first["date"].date()
        nine_days = row.outreach_date + dt.timedelta(days=9)
        # A due day on a weekend moves to the Monday after (Saturday +2, Sunday +1).
        assert row.due == nine_days + dt.timedelta(days={5: 2, 6: 1}.get(nine_days.weekday(), 0))
        assert row.due.weekday() < 5
        assert (row.status == "overdue") == (row.days_overdue > 0)
        if row.status in ("done", "cancelled"):
            assert row.outreach_date <= row.closed_on <= today
            assert (row.status == "done") == (row.closed_by == "call")
        else:
            assert row.closed_on is None
            assert (row.status == "overdue") == (row.due < today)


# -- call slots: one place decides call times, for the plan and the calendar ------------------
def _call(day, time="10:00", status="planned", name="X"):
    from coachkit.schedule import Session

    return Session("call", day, time, f"Call {name}", status=status, minutes=15, key=name)


def test_calls_follow_one_another_and_step_over_the_outreach_session():
    """Sunday: outreach 17:00 to 18:00, call time 16:30, three calls: 16:30, 16:45, then
    17:00 would sit on the outreach session, so 18:00. A closed call goes after open ones."""
    from coachkit.schedule import Session, assign_call_slots

    sunday = D(2026, 11, 29)
    outreach = Session("outreach", sunday, "17:00", "Outreach", minutes=60)
    sessions = [
        _call(sunday, "16:30", "cancelled", "Done"),
        outreach,
        _call(sunday, "16:30", name="A"),
        _call(sunday, "16:30", name="B"),
        _call(D(2026, 11, 30), "16:30", name="Monday"),
    ]
    placed = {s.key or s.kind: s.time for s in assign_call_slots(sessions)}
    assert placed == {
        "A": "16:30", "B": "16:45", "outreach": "17:00", "Done": "18:00", "Monday": "16:30"
    }  # fmt: skip


def test_calls_late_in_the_evening_go_before_the_call_time():
    """Call time 23:30, three calls: 23:30 and 23:45 fit; the third would end after
    midnight, so it takes the last free slot before the block: 23:15."""
    from coachkit.schedule import assign_call_slots

    day = D(2026, 12, 1)
    calls = [_call(day, "23:30", name=n) for n in "ABC"]
    assert [s.time for s in assign_call_slots(calls)] == ["23:30", "23:45", "23:15"]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(0, 95), min_size=1, max_size=12),
    st.integers(0, 23),
    st.integers(0, 23),
)
def test_calls_never_overlap_each_other_or_the_sessions(call_slots, research_hour, outreach_hour):
    from coachkit.schedule import Session, assign_call_slots

    day = D(2026, 12, 5)
    sessions = [
        Session("research", day, f"{research_hour:02d}:00", "R", minutes=60),
        Session("outreach", day, f"{outreach_hour:02d}:00", "O", minutes=60),
    ] + [
        _call(day, f"{q // 4:02d}:{q % 4 * 15:02d}", name=str(i)) for i, q in enumerate(call_slots)
    ]
    placed = assign_call_slots(sessions)
    spans = []
    for session in placed:
        hour, minute = map(int, session.time.split(":"))
        begin = hour * 60 + minute
        spans.append((begin, begin + session.minutes, session.kind))
        assert 0 <= begin and begin + session.minutes <= 24 * 60
    calls = [s for s in spans if s[2] == "call"]
    for i, a in enumerate(spans):
        for b in spans[i + 1 :]:
            if "call" in (a[2], b[2]):
                assert a[1] <= b[0] or b[1] <= a[0], (a, b)
    assert len(calls) == len(call_slots)
