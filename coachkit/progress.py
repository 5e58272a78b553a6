"""Step 3 of the method: targets, and progress against them for a week and its month.

What is counted (PROCESS.md definitions):

* ``new_contacts``: people whose **first-ever** outreach falls in the period (an imported
  connection is not a new contact until written to; a second outreach does not count again).
* ``calls``: calls made, outcome ``reached``, ``voicemail`` or ``assistant`` (a message left
  with an assistant). A ``no_answer`` call does not count (the method says always leave a
  message). ``calls_reached``, ``voicemails``, ``assistant_messages`` and
  ``calls_no_answer`` split them.
* ``meetings``: conversations the participant logged as meetings (coffee, video, or a phone
  conversation, including one held on the follow-up call itself), at most one per person
  per day. A call that reached the person is a call, not a meeting: reaching someone to
  set a time is not the conversation (:func:`coachkit.workbook.is_conversation`).
* ``outreach``, ``replies``, ``referrals``: activities of those kinds (every outreach, not
  only initial ones).

A target on any other metric name (a participant may add their own, e.g. ``research``) has
no activity to count: its ``actual`` is 0 and its row says ``counted = False``, and
:func:`verdict` leaves it out rather than report a shortfall coachkit cannot see.

Periods: a week target counts the week (see :mod:`coachkit.weeks`). A month target counts
each **calendar month** the week touches: a week from Monday 30 November to Sunday 6
December shows November (its final figure, the whole month) and December (to date, through
the 6th). Every event belongs to the month of its date, so no day is lost between months.
``pace_needed`` spreads what remains over the weeks left in the month after this one
(partial weeks count as one).

Targets have a history (:meth:`Workbook.target_history`): each period is judged against the
target in force in it, so changing a target today does not rewrite past weeks or streaks.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from .schedule import read_activities
from .weeks import month_range, week_label, week_range
from .workbook import CALLS_MADE, CONVERSATION_KINDS, Target, Workbook, parse_date

__all__ = [
    "CALL_METRICS",
    "METRICS",
    "PROGRESS_COLUMNS",
    "calls_not_due_note",
    "count_activities",
    "count_events",
    "format_progress",
    "metric_events",
    "months_of_week",
    "period_name",
    "progress",
    "progress_frame",
    "target_in_force",
    "verdict",
]

METRICS = (
    "new_contacts", "calls", "calls_reached", "voicemails", "assistant_messages",
    "calls_no_answer", "meetings", "outreach", "replies", "referrals",
)  # fmt: skip
PROGRESS_COLUMNS = [
    "metric", "label", "period", "target", "actual", "remaining", "pace_needed", "on_target",
    "streak", "counted", "period_start", "period_end", "weeks_left", "month", "complete",
    "judged", "due_from",
]  # fmt: skip


def metric_events(activities: pd.DataFrame) -> pd.DataFrame:
    """Return one row per countable event: ``metric`` and ``date`` (datetime64).

    Parameters
    ----------
    activities
        Activities as :meth:`Workbook.activities` returns them.
    """
    acts = activities[["id", "contact_id", "kind", "date", "outcome"]]
    kind, outcome = acts["kind"], acts["outcome"]
    parts: list[pd.DataFrame] = []

    def add(metric: str, mask: pd.Series | None = None, frame: pd.DataFrame | None = None):
        chosen = frame if frame is not None else acts[mask]
        parts.append(pd.DataFrame({"metric": metric, "date": chosen["date"].to_numpy()}))

    outreach = acts[kind == "outreach"]
    first = outreach.sort_values(["contact_id", "date", "id"], kind="stable").drop_duplicates(
        "contact_id"
    )
    add("new_contacts", frame=first)
    is_call = kind == "call"
    add("calls", is_call & outcome.isin(CALLS_MADE))
    add("calls_reached", is_call & (outcome == "reached"))
    add("voicemails", is_call & (outcome == "voicemail"))
    add("assistant_messages", is_call & (outcome == "assistant"))
    add("calls_no_answer", is_call & (outcome == "no_answer"))
    talks = acts[kind.isin(CONVERSATION_KINDS)]  # is_conversation, for a whole column
    add("meetings", frame=talks.drop_duplicates(["contact_id", "date"]))
    add("outreach", frame=outreach)
    add("replies", kind == "reply")
    add("referrals", kind == "referral")
    events = pd.concat(parts, ignore_index=True)
    events["date"] = pd.to_datetime(events["date"])
    return events


def count_events(events: pd.DataFrame, start: dt.date, end: dt.date) -> dict[str, int]:
    """Count :func:`metric_events` from ``start`` to ``end`` (both included), every metric."""
    inside = events[(events["date"] >= pd.Timestamp(start)) & (events["date"] <= pd.Timestamp(end))]
    counts = inside["metric"].value_counts()
    return {metric: int(counts.get(metric, 0)) for metric in METRICS}


def count_activities(wb: Workbook, start: dt.date | str, end: dt.date | str) -> dict[str, int]:
    """Count every metric of :data:`METRICS` from ``start`` to ``end`` (both included).

    Returns
    -------
    dict
        ``new_contacts``, ``calls``, ``calls_reached``, ``voicemails``,
        ``assistant_messages``, ``calls_no_answer``, ``meetings``, ``outreach``,
        ``replies``, ``referrals`` (definitions in the module docstring).
    """
    first, last = parse_date(start, "start"), parse_date(end, "end")
    return count_events(metric_events(read_activities(wb, last)), first, last)


CALL_METRICS = ("calls", "calls_reached", "voicemails", "assistant_messages")


def target_in_force(history: Sequence[Target], metric: str, day: dt.date) -> Target | None:
    """The target on ``metric`` in force on ``day``: the latest change since on or before it.

    ``history`` is :meth:`Workbook.target_history` (or plain current targets, which are in
    force since always). None when there was no target then, or it had been removed.
    """
    found = None
    for target in history:
        if target.metric == metric and (target.since or dt.date.min) <= day:
            if found is None or (target.since or dt.date.min) >= (found.since or dt.date.min):
                found = target
    return None if found is None or found.removed else found


def _amount_in_force(history: Sequence[Target], metric: str, period: str, first: dt.date):
    target = target_in_force(history, metric, first)
    return None if target is None or target.period != period else target.amount


def _week_streak(
    counts: pd.Series, history: Sequence[Target], metric: str, start: dt.date, first: dt.date
) -> int:
    """Consecutive weeks on target ending with the week starting ``start`` (0 if it is not).

    Each week is judged against the weekly target in force then; weeks before the first
    activity (``first``) end the run.
    """
    streak, week = 0, start
    while week + dt.timedelta(days=6) >= first:
        amount = _amount_in_force(history, metric, "week", week)
        if amount is None or int(counts.get(pd.Timestamp(week), 0)) < amount:
            break
        streak += 1
        if week - dt.date.min < dt.timedelta(days=7):
            break  # the first week Python can hold
        week -= dt.timedelta(days=7)
    return streak


def _month_streak(
    counts: pd.Series, history: Sequence[Target], metric: str, last: dt.date, first: dt.date
) -> int:
    """Consecutive calendar months that **closed** on target, ending with the month that
    holds ``last`` (each judged on the whole month, against the target in force then)."""
    streak, month = 0, month_range(last)[0]
    while month_range(month)[1] >= first:
        amount = _amount_in_force(history, metric, "month", month)
        if amount is None or int(counts.get(pd.Timestamp(month), 0)) < amount:
            break
        streak += 1
        if month == dt.date.min:
            break  # January of year 1: no month before it
        month = month_range(month - dt.timedelta(days=1))[0]
    return streak


def _period_counts(events: pd.DataFrame, metric: str, start: dt.date, cutoff: dt.date, freq: str):
    """Counts of ``metric`` per week (starting on ``start``'s weekday) or per calendar month,
    keyed by the period's first day; events after ``cutoff`` are ignored."""
    dates = events.loc[events["metric"] == metric, "date"]
    dates = dates[dates <= pd.Timestamp(cutoff)]
    if freq == "W":
        keys = dates - pd.to_timedelta((dates.dt.day_of_week - start.weekday()) % 7, unit="D")
    else:
        keys = dates.dt.to_period("M").dt.to_timestamp()
    return keys.value_counts()


def months_of_week(start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The calendar months a week touches, each as (first, last day): one or two.

    Examples
    --------
    >>> [first.isoformat() for first, _ in months_of_week(dt.date(2026, 11, 30),
    ...                                                  dt.date(2026, 12, 6))]
    ['2026-11-01', '2026-12-01']
    """
    months = [month_range(start)]
    if months[0][1] < end:
        months.append(month_range(end))
    return months


def progress_frame(
    events: pd.DataFrame,
    targets: Sequence[Target],
    week: str,
    week_start: int = 0,
    *,
    today: dt.date | None = None,
    first_call_due: dt.date | str | None = "unknown",
) -> pd.DataFrame:
    """Progress of ``week`` against ``targets`` from :func:`metric_events` (the pure core).

    Parameters
    ----------
    events
        :func:`metric_events` of the log.
    targets
        The target history (:meth:`Workbook.target_history`); plain targets are taken as in
        force since always.
    week, week_start
        The week's name and the workbook's first day of the week.
    today
        The day the figures are read: a month whose last day is not before it is still
        running. None: the whole week has passed.
    first_call_due
        When the participant's first follow-up call falls due
        (:func:`coachkit.schedule.first_call_due`; None before any outreach). A calls
        target is not judged in a week that ends before it. ``"unknown"`` judges it always.

    See :func:`progress` for the columns.
    """
    start, end = week_range(week, week_start)
    week_counts = count_events(events, start, end)
    months = months_of_week(start, end)
    month_counts = [count_events(events, first, min(last, end)) for first, last in months]
    first_day = events["date"].min().date() if len(events) else start
    metrics = list(dict.fromkeys(t.metric for t in targets))
    week_over = today is None or end < today
    rows = []
    for metric in metrics:
        counted = metric in METRICS
        weekly = target_in_force(targets, metric, start)
        if weekly is not None and weekly.period == "week":
            actual = week_counts.get(metric, 0)
            not_due = (
                metric in CALL_METRICS
                and first_call_due != "unknown"
                and (first_call_due is None or first_call_due > end)
            )
            streak = 0
            if counted and not not_due:
                counts = _period_counts(events, metric, start, end, "W")
                streak = _week_streak(counts, targets, metric, start, first_day)
            rows.append(
                _row(
                    weekly,
                    "week",
                    actual,
                    start,
                    end,
                    0,
                    None,
                    week_over,
                    counted,
                    streak,
                    not_due=not_due,
                    due_from=first_call_due if not_due else None,
                )
            )
        for (first, last), counts_of_month in zip(months, month_counts, strict=True):
            monthly = target_in_force(targets, metric, first)
            if monthly is None or monthly.period != "month":
                continue
            closed = last <= end and (today is None or last < today)
            actual = counts_of_month.get(metric, 0)
            left = 0 if closed else math.ceil((last - min(last, end)).days / 7)
            streak = 0
            if counted:
                counts = _period_counts(events, metric, start, min(last, end), "M")
                latest_closed = last if closed else first - dt.timedelta(days=1)
                streak = _month_streak(counts, targets, metric, latest_closed, first_day)
            rows.append(
                _row(
                    monthly,
                    "month",
                    actual,
                    first,
                    min(last, end),
                    left,
                    f"{first.year:04d}-{first.month:02d}",
                    closed,
                    counted,
                    streak,
                )
            )
    frame = pd.DataFrame(rows, columns=PROGRESS_COLUMNS)
    frame.attrs["week"] = week_label(start, week_start)
    return frame.astype(
        {
            "target": "int64",
            "actual": "int64",
            "remaining": "int64",
            "pace_needed": "float64",
            "on_target": "bool",
            "streak": "int64",
            "counted": "bool",
            "weeks_left": "int64",
            "complete": "bool",
            "judged": "bool",
        }
    )


def _row(
    target: Target,
    period: str,
    actual: int,
    period_start: dt.date,
    period_end: dt.date,
    weeks_left: int,
    month: str | None,
    complete: bool,
    counted: bool,
    streak: int,
    not_due: bool = False,
    due_from: dt.date | str | None = None,
) -> dict[str, object]:
    remaining = max(target.amount - actual, 0)
    if complete and period == "month":
        pace = 0.0  # the month is over: nothing left to pace
    elif weeks_left:
        pace = round(remaining / weeks_left, 1)
    else:
        pace = float(remaining)
    return {
        "metric": target.metric,
        "label": target.label or target.metric.replace("_", " "),
        "period": period,
        "target": target.amount,
        "actual": actual,
        "remaining": remaining,
        "pace_needed": pace,
        "on_target": bool(actual >= target.amount),
        "streak": streak,
        "counted": counted,
        "period_start": period_start,
        "period_end": period_end,
        "weeks_left": weeks_left,
        "month": month,
        "complete": complete,
        "judged": counted and not not_due,
        "due_from": due_from if isinstance(due_from, dt.date) else None,
    }


def progress(wb: Workbook, week: str, today: dt.date | str | None = None) -> pd.DataFrame:
    """Return progress against every target for ``week`` (named like ``"2026-W48"``).

    Parameters
    ----------
    wb
        The workbook.
    week
        The week's name.
    today
        The day the figures are read (a month not over by then is "to date"); None: the
        week is over.

    Returns
    -------
    pandas.DataFrame
        One row per weekly target, and one row per calendar month the week touches for a
        monthly target (a week from Monday 30 November to Sunday 6 December gives a
        November row, its final figure, and a December row, to date). Columns: ``metric``,
        ``label``, ``period`` ("week" or "month"), ``target`` (the target in force in that
        period: a change applies from the period that holds the day it was made),
        ``actual``, ``remaining``, ``pace_needed`` (for a running month: what remains per
        week left in the month after this week; for a week target: what remains; 0 for a
        month that is over), ``on_target``, ``streak`` (weeks on target in a row ending
        with this week, 0 if this week is not; for a month target, months that **closed**
        on target in a row, judged on the whole month), ``counted`` (False for a metric
        coachkit cannot count), ``period_start``, ``period_end`` (the last day counted),
        ``weeks_left``, ``month`` ("2026-11", None for a week row), ``complete`` (the
        period is over), ``judged`` (False when not counted, or for a calls target in a week
        that ends before the first follow-up call falls due), ``due_from`` (that first due
        day, for such a row). ``frame.attrs["week"]`` holds the week's name.

    Raises
    ------
    ValidationError
        On field ``"week"`` for a bad week name.
    """
    from .schedule import first_call_due

    profile = wb.profile
    week_start = profile.week_start
    _, end = week_range(week, week_start)  # a bad name fails before any reading
    day = None if today is None else parse_date(today, "today")
    with wb.snapshot():
        activities, history = read_activities(wb, end), wb.target_history()
    due = first_call_due(activities, profile.follow_up_days, profile.skip_weekends)
    return progress_frame(
        metric_events(activities), history, week, week_start, today=day, first_call_due=due
    )


_NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def _word(n: int) -> str:
    return _NUMBER_WORDS[n] if 0 <= n < len(_NUMBER_WORDS) else str(n)


def _amount(n: int, label: str) -> str:
    words = _word(n)
    if n == 1 and label.endswith("s") and not label.endswith("ss"):
        label = label[:-1]  # "one call", not "one calls"
    return f"{words} {label}"


def _month_name(row: object) -> str:
    first = getattr(row, "period_start", None)
    return f"{first:%B}" if isinstance(first, dt.date) else "this month"


def _long_day(day: dt.date) -> str:
    return f"{day:%A} {day.day} {day:%B}"


def verdict(progress: pd.DataFrame) -> str:
    """Say in plain words where the participant stands against their targets.

    Examples: ``"on track"``; ``"two calls short this week; meetings: two more in December
    (0.5 a week)"``; ``"meetings: November closed one short (3 of 4)"``. Targets coachkit
    cannot count, and a calls target in a week before any follow-up can fall due
    (``judged`` False), are left out: :func:`calls_not_due_note` says when calls start.
    """
    if "judged" in progress:
        rows = progress[progress["judged"]]
    else:
        rows = progress[progress["counted"]] if "counted" in progress else progress
    short = []
    for row in rows.itertuples(index=False):
        if row.on_target:
            continue
        remaining = int(row.remaining)
        if row.period == "week":
            short.append(f"{_amount(remaining, row.label)} short this week")
        elif getattr(row, "complete", False):
            short.append(
                f"{row.label}: {_month_name(row)} closed {_word(remaining)} "
                f"short ({int(row.actual)} of {int(row.target)})"
            )
        else:
            text = f"{row.label}: {_amount(remaining, 'more')} in {_month_name(row)}"
            if getattr(row, "weeks_left", 0):
                text += f" ({row.pace_needed:g} a week)"
            short.append(text)
    return "on track" if not short else "; ".join(short)


def calls_not_due_note(progress: pd.DataFrame) -> str:
    """The sentence that says when calls start, for a week before any can be due ('' if
    every calls target of the frame is judged)."""
    if "judged" not in progress:
        return ""
    waiting = progress[progress["counted"] & ~progress["judged"]]
    if waiting.empty:
        return ""
    due = waiting.iloc[0]["due_from"]
    if isinstance(due, dt.date):
        return (
            f"No follow-up call can be due yet this week: the first falls due on {_long_day(due)}."
        )
    return "No follow-up call can be due yet: calls fall due after your first outreach."


def period_name(row: Mapping[str, Any]) -> str:
    """How a progress row's period reads: ``"this week"``, or its calendar month:
    ``"November (final)"`` once over, ``"December to date"`` while it runs."""
    if row["period"] == "week":
        return "this week"
    first = row["period_start"]
    if isinstance(first, str):
        first = dt.date.fromisoformat(first)
    return f"{first:%B} (final)" if row.get("complete") else f"{first:%B} to date"


def format_progress(frame: pd.DataFrame) -> str:
    """Return a progress frame as a plain-text table with the verdict underneath."""
    week = frame.attrs.get("week", "")
    on_target = [
        "yes" if hit else ("not due yet" if counted and not judged else "no")
        for hit, counted, judged in zip(
            frame["on_target"], frame["counted"], frame["judged"], strict=True
        )
    ]
    table = pd.DataFrame(
        {
            "target": frame["label"].astype("object").str.ljust(frame["label"].str.len().max()),
            "per": [period_name(row) for row in frame.to_dict("records")],
            "goal": frame["target"],
            "done": frame["actual"],
            "to go": frame["remaining"],
            "pace needed": [
                "-" if not r or done else (f"{p:g}/week" if per == "month" else f"{p:g}")
                for p, r, per, done in zip(
                    frame["pace_needed"],
                    frame["remaining"],
                    frame["period"],
                    frame["complete"] & (frame["period"] == "month"),
                    strict=True,
                )
            ],
            "on target": on_target,
            "streak": [
                f"{s} {per}{'s' if s != 1 else ''}"
                for s, per in zip(frame["streak"], frame["period"], strict=True)
            ],
        }
    )
    not_counted = frame.loc[~frame["counted"], "label"].tolist()
    lines = [f"Progress for {week}" if week else "Progress", ""]
    lines.append(table.to_string(index=False) if len(table) else "(no targets set)")
    if not_counted:
        lines.append(f"(not counted from the log: {', '.join(not_counted)}; keep score yourself)")
    lines += ["", f"Verdict: {verdict(frame)}"]
    note = calls_not_due_note(frame)
    if note:
        lines.append(note)
    return "\n".join(lines)
