"""Step 3 of the method: targets, and progress against them for a week and its month.

What is counted (PROCESS.md definitions):

* ``new_contacts``: people whose **first-ever** outreach falls in the period (an imported
  connection is not a new contact until written to; a second outreach does not count again).
* ``calls``: calls made, outcome ``reached`` or ``voicemail``. A ``no_answer`` call does
  not count (the method says always leave a message). ``calls_reached``, ``voicemails`` and
  ``calls_no_answer`` split them.
* ``meetings``: conversations held, a ``meeting`` activity or a call that ``reached`` the
  person. A reached call and a meeting with the same person on the same day are **one**
  conversation (at most one per person per day), so logging both is not double-counted.
* ``outreach``, ``replies``, ``referrals``: activities of those kinds (every outreach, not
  only initial ones).

A target on any other metric name (a participant may add their own, e.g. ``research``) has
no activity to count: its ``actual`` is 0 and its row says ``counted = False``, and
:func:`verdict` leaves it out rather than report a shortfall coachkit cannot see.

Periods: a week target counts the week (see :mod:`coachkit.weeks`). A month target counts
the calendar month that holds the week's **last day**, from the first of that month through
the end of the week: a week spanning two months gives each month only its own days (the
days before the 1st count for the previous month). ``pace_needed`` spreads what remains
over the weeks left in the month after this one (partial weeks count as one).
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

from .schedule import read_activities
from .weeks import month_range, week_label, week_range
from .workbook import Target, Workbook, parse_date

__all__ = [
    "METRICS",
    "PROGRESS_COLUMNS",
    "count_activities",
    "count_events",
    "format_progress",
    "metric_events",
    "progress",
    "progress_frame",
    "verdict",
]

METRICS = (
    "new_contacts", "calls", "calls_reached", "voicemails", "calls_no_answer", "meetings",
    "outreach", "replies", "referrals",
)  # fmt: skip
PROGRESS_COLUMNS = [
    "metric", "label", "period", "target", "actual", "remaining", "pace_needed", "on_target",
    "streak", "counted", "period_start", "period_end", "weeks_left",
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
    add("calls", is_call & outcome.isin(["reached", "voicemail"]))
    add("calls_reached", is_call & (outcome == "reached"))
    add("voicemails", is_call & (outcome == "voicemail"))
    add("calls_no_answer", is_call & (outcome == "no_answer"))
    talks = acts[(kind == "meeting") | (is_call & (outcome == "reached"))]
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
        ``new_contacts``, ``calls``, ``calls_reached``, ``voicemails``, ``calls_no_answer``,
        ``meetings``, ``outreach``, ``replies``, ``referrals`` (definitions in the module
        docstring).
    """
    first, last = parse_date(start, "start"), parse_date(end, "end")
    return count_events(metric_events(read_activities(wb, last)), first, last)


def _streak(
    events: pd.DataFrame,
    metric: str,
    amount: int,
    current: pd.Timestamp,
    freq: str,
    cutoff: pd.Timestamp,
) -> int:
    """Consecutive periods on target, ending with the current one (0 if it is not).

    ``current`` is the first day of the current period; events after ``cutoff`` are ignored.
    """
    dates = events.loc[events["metric"] == metric, "date"]
    dates = dates[dates <= cutoff]
    if freq == "W":
        keys = dates - pd.to_timedelta((dates.dt.day_of_week - current.weekday()) % 7, unit="D")
        first = keys.min() if len(keys) else current
        periods = pd.date_range(min(first, current), current, freq="7D")
    else:
        keys = dates.dt.to_period("M").dt.to_timestamp()
        first = keys.min() if len(keys) else current
        periods = pd.date_range(min(first, current), current, freq="MS")
    counts = keys.value_counts().reindex(periods, fill_value=0)
    hits = (counts >= amount).to_numpy()[::-1]
    if amount == 0:
        return len(hits)
    # Length of the run of hits at the end: the first miss, counted from the current period.
    misses = (~hits).nonzero()[0]
    return int(misses[0]) if len(misses) else len(hits)


def progress_frame(
    events: pd.DataFrame, targets: list[Target], week: str, week_start: int = 0
) -> pd.DataFrame:
    """Progress of ``week`` against ``targets`` from :func:`metric_events` (the pure core).

    See :func:`progress` for the columns.
    """
    start, end = week_range(week, week_start)
    month_first, month_last = month_range(end)
    week_counts = count_events(events, start, end)
    month_counts = count_events(events, month_first, end)
    weeks_left = math.ceil((month_last - end).days / 7)
    cutoff = pd.Timestamp(end)
    rows = []
    for target in targets:
        counted = target.metric in METRICS
        if target.period == "month":
            actual = month_counts.get(target.metric, 0)
            period_start, left = month_first, weeks_left
        else:
            actual = week_counts.get(target.metric, 0)
            period_start, left = start, 0
        remaining = max(target.amount - actual, 0)
        if target.period == "month" and left:
            pace = round(remaining / left, 1)
        else:
            pace = float(remaining)
        if counted:
            if target.period == "month":
                current = pd.Timestamp(month_first)
                streak = _streak(events, target.metric, target.amount, current, "M", cutoff)
            else:
                current = pd.Timestamp(start)
                streak = _streak(events, target.metric, target.amount, current, "W", cutoff)
        else:
            streak = 0
        rows.append(
            {
                "metric": target.metric,
                "label": target.label or target.metric.replace("_", " "),
                "period": target.period,
                "target": target.amount,
                "actual": actual,
                "remaining": remaining,
                "pace_needed": pace,
                "on_target": bool(actual >= target.amount),
                "streak": streak,
                "counted": counted,
                "period_start": period_start,
                "period_end": end,
                "weeks_left": left,
            }
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
        }
    )


def progress(wb: Workbook, week: str) -> pd.DataFrame:
    """Return progress against every target for ``week`` (named like ``"2026-W48"``).

    Returns
    -------
    pandas.DataFrame
        One row per target: ``metric``, ``label``, ``period`` ("week" or "month"),
        ``target``, ``actual``, ``remaining``, ``pace_needed`` (for a month target: what
        remains per week left in the month after this week; for a week target: what
        remains), ``on_target``, ``streak`` (consecutive weeks on target ending with this
        week, 0 if this week is not; for a month target, consecutive months, the current one
        counted through the end of the week), ``counted`` (False for a metric coachkit
        cannot count), ``period_start``, ``period_end``, ``weeks_left``.
        ``frame.attrs["week"]`` holds the week's name.

    Raises
    ------
    ValidationError
        On field ``"week"`` for a bad week name.
    """
    week_start = wb.profile.week_start
    _, end = week_range(week, week_start)  # a bad name fails before any reading
    with wb.snapshot():
        activities, targets = read_activities(wb, end), wb.targets
    return progress_frame(metric_events(activities), targets, week, week_start)


_NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def _amount(n: int, label: str) -> str:
    words = _NUMBER_WORDS[n] if 0 <= n < len(_NUMBER_WORDS) else str(n)
    if n == 1 and label.endswith("s") and not label.endswith("ss"):
        label = label[:-1]  # "one call", not "one calls"
    return f"{words} {label}"


def verdict(progress: pd.DataFrame) -> str:
    """Say in plain words where the participant stands against their targets.

    Examples: ``"on track"``; ``"two calls short this week; meetings: two more this month
    (2 a week)"``. Targets coachkit cannot count (``counted`` False) are left out.
    """
    rows = progress[progress["counted"]] if "counted" in progress else progress
    short = []
    for row in rows.itertuples(index=False):
        if row.on_target:
            continue
        if row.period == "week":
            short.append(f"{_amount(int(row.remaining), row.label)} short this week")
        else:
            text = f"{row.label}: {_amount(int(row.remaining), 'more')} this month"
            if getattr(row, "weeks_left", 0):
                text += f" ({row.pace_needed:g} a week)"
            short.append(text)
    return "on track" if not short else "; ".join(short)


def format_progress(frame: pd.DataFrame) -> str:
    """Return a progress frame as a plain-text table with the verdict underneath."""
    week = frame.attrs.get("week", "")
    table = pd.DataFrame(
        {
            "target": frame["label"].astype("object").str.ljust(frame["label"].str.len().max()),
            "per": frame["period"],
            "goal": frame["target"],
            "done": frame["actual"],
            "to go": frame["remaining"],
            "pace needed": [
                f"{p:g}/week" if r and per == "month" else ("-" if not r else f"{p:g}")
                for p, r, per in zip(
                    frame["pace_needed"], frame["remaining"], frame["period"], strict=True
                )
            ],
            "on target": frame["on_target"].map({True: "yes", False: "no"}),
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
    return "\n".join(lines)
