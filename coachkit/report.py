"""The weekly report: its figures (pure), its HTML pieces, and running it with papermill.

Three layers, so that the notebook stays thin and the figures are testable without Jupyter:

* :func:`build_report` reads a workbook and returns a :class:`Report` of plain values
  (the scorecard, the funnel, next week's plan, the network and a coaching note);
  :meth:`Report.summary` is the JSON that every figure of the report comes from.
* ``render_*`` functions turn a report into HTML fragments. Every participant-supplied
  string goes through :func:`html.escape`; charts are PNG images embedded as ``data:`` URIs,
  so a report opens offline.
* :func:`run_report` executes ``weekly_report.ipynb`` with papermill (in a fresh kernel),
  exports HTML without code, and writes the executed notebook, ``report.html`` and
  ``summary.json`` under ``reports/<participant>/<week>/`` (files 0600, folders 0700,
  each written atomically).
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import json
import os
import queue
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .errors import ReportError, ValidationError
from .workbook import Workbook, open_workbook, parse_date

__all__ = [
    "NOTEBOOK_NAME",
    "Report",
    "ReportPaths",
    "build_report",
    "coaching_note",
    "export_html",
    "notebook_path",
    "participant_slug",
    "render_coaching",
    "render_funnel",
    "render_header",
    "render_network",
    "render_plan",
    "render_scorecard",
    "report_folder",
    "run_report",
    "write_private",
    "write_summary",
]

NOTEBOOK_NAME = "weekly_report.ipynb"
EXECUTION_TIMEOUT = 120  # seconds per cell: a report cell takes well under one
MENTORS_SHOWN = 5
FIRMS_SHOWN = 12


# -- figures -------------------------------------------------------------------------------------
@dataclass
class Report:
    """Every figure and line of one participant's weekly report, as plain values.

    Dates are ISO strings and numbers are Python ints/floats, so that :meth:`summary` is JSON.
    """

    participant: str
    week: str
    week_start: str
    week_end: str
    today: str
    days_left: int  # days of the week after today (0 once the week is over)
    verdict: str
    scorecard: list[dict[str, Any]]
    funnel: dict[str, dict[str, int]]
    plan: dict[str, Any]
    network: dict[str, Any]
    mosaic: list[dict[str, Any]]
    recent: list[dict[str, Any]] = field(default_factory=list)  # weeks before, oldest first
    coaching: list[str] = field(default_factory=list)
    # The calendar months the week touches ("2026-11"), oldest first; the funnel's
    # "closing_month" holds the first one's final figure when there are two.
    months: list[str] = field(default_factory=list)
    calls_note: str = ""  # when the first follow-up calls fall due, in a week before any can
    outreach_day: str = "Sunday"  # the participant's outreach weekday, for the coaching note

    def summary(self) -> dict[str, Any]:
        """Return the report as a JSON-serialisable dict (what ``summary.json`` holds)."""
        return _jsonable(asdict(self))


def _jsonable(value: Any) -> Any:
    """Turn numpy/pandas scalars, dates and tuples into JSON values, recursively."""
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None or isinstance(value, bool | str):
        return value
    if hasattr(value, "item"):  # numpy scalar
        return _jsonable(value.item())
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value != value:  # NaN
            return None
        return round(value, 4)
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return None
        if isinstance(value, pd.Timestamp):
            return value.date().isoformat()
    except ImportError:  # pragma: no cover - pandas is a dependency
        pass
    return str(value)


def _date_str(value: Any) -> str | None:
    if value is None:
        return None
    try:
        import pandas as pd

        if pd.isna(value):
            return None
        return pd.Timestamp(value).date().isoformat()
    except (TypeError, ValueError):
        return str(value)


def _text(value: Any) -> str:
    """A participant-supplied value as text ('' for missing)."""
    if value is None:
        return ""
    try:
        import pandas as pd

        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value)


def build_report(wb: Workbook, week: str, today: dt.date | str) -> Report:
    """Compute every figure of the weekly report of ``week`` as of ``today``.

    Parameters
    ----------
    wb
        The participant's workbook.
    week
        The week, named like ``"2026-W48"``; ``""`` means the week that holds ``today``.
    today
        The day the report is made (no hidden clock: callers pass it).

    Returns
    -------
    Report
        The figures, the plan and the coaching note.

    Raises
    ------
    ValidationError
        On field ``"week"`` or ``"today"`` for a bad value.
    """
    from . import mentors, network, progress, schedule, weeks
    from .workbook import WEEKDAYS

    today = parse_date(today, "today")
    profile = wb.profile
    week = (week or "").strip() or weeks.week_label(today, profile.week_start)
    start, end = weeks.week_range(week, profile.week_start)
    week = weeks.week_label(start, profile.week_start)  # normalise "2026w48" to "2026-W48"
    months = progress.months_of_week(start, end)

    # Read the activities once; every count below is a pure function of these events.
    with wb.snapshot():
        activities, targets = wb.activities(), wb.target_history()
    events = progress.metric_events(activities)
    first_due = schedule.first_call_due(
        activities[activities["date"] <= dt.datetime.combine(end, dt.time())],
        profile.follow_up_days,
        profile.skip_weekends,
    )
    frame = progress.progress_frame(
        events, targets, week, profile.week_start, today=today, first_call_due=first_due
    )
    scorecard = [_scorecard_row(row) for row in frame.to_dict("records")]
    funnel_keys = ("outreach", "replies", "calls", "calls_reached", "voicemails",
                   "assistant_messages", "meetings", "referrals", "new_contacts")  # fmt: skip
    first_day = activities["date"].min().date() if len(activities) else start
    spans = {
        "week": (start, end),
        "month": (months[-1][0], end),
        "total": (min(first_day, start), end),
    }
    if len(months) == 2:  # the closing month, whole: every event counts in its own month
        spans["closing_month"] = months[0]
    funnel = {
        name: {
            k: int(v) for k, v in progress.count_events(events, a, b).items() if k in funnel_keys
        }
        for name, (a, b) in spans.items()
    }

    next_label = weeks.week_label(end + dt.timedelta(days=1), profile.week_start)
    plan = _plan(wb, today, end, next_label)
    net = network.network_figures(wb, today)
    mosaic = [
        {
            "firm": _text(r["firm"]),
            "industry": _text(r["industry"]),
            "location": _text(r["location"]),
            "contacts": int(r["contacts"]),
            "conversations": int(r["conversations"]),
            "status": r["status"],
        }
        for r in mentors.target_firms(wb).to_dict("records")
    ]
    report = Report(
        participant=profile.name or wb.folder.name,
        week=week,
        week_start=start.isoformat(),
        week_end=end.isoformat(),
        today=today.isoformat(),
        days_left=max(0, (end - today).days),
        verdict=progress.verdict(frame),
        scorecard=scorecard,
        funnel=funnel,
        plan=plan,
        network=_jsonable(net),
        mosaic=mosaic,
        recent=_recent_weeks(events, targets, start, profile.week_start, first_day, first_due),
        months=[f"{first.year:04d}-{first.month:02d}" for first, _ in months],
        calls_note=progress.calls_not_due_note(frame),
        outreach_day=WEEKDAYS[profile.outreach_weekday],
    )
    report.coaching = coaching_note(report, has_goals=not profile.goals.is_empty())
    return report


def _scorecard_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """One scorecard row as JSON values: a monthly target has one row per calendar month
    the week touches, each naming its ``month`` ("2026-11")."""
    month = row.get("month")
    due = row.get("due_from")
    return {
        "metric": row["metric"],
        "label": row["label"] or row["metric"].replace("_", " "),
        "period": row["period"],
        "month": month if isinstance(month, str) else None,
        "complete": bool(row["complete"]),
        "target": int(row["target"]),
        "actual": int(row["actual"]),
        "remaining": int(row["remaining"]),
        "pace_needed": float(row["pace_needed"]),
        "weeks_left": int(row["weeks_left"]),
        "on_target": bool(row["on_target"]),
        "streak": int(row["streak"]),
        "counted": bool(row.get("counted", True)),
        "judged": bool(row.get("judged", True)),
        "due_from": due.isoformat() if isinstance(due, dt.date) else None,
        "period_start": _date_str(row["period_start"]),
        "period_end": _date_str(row["period_end"]),
    }


RECENT_WEEKS = 4


def _recent_weeks(
    events: Any,
    targets: list[Any],
    start: dt.date,
    week_start: int,
    first_day: dt.date,
    first_due: dt.date | None = None,
) -> list[dict[str, Any]]:
    """The weeks before the report's (since the first activity): targets met? outreach sent?"""
    from . import progress, weeks

    rows = []
    for back in range(RECENT_WEEKS, 0, -1):
        label = weeks.week_label(start - dt.timedelta(weeks=back), week_start)
        first, last = weeks.week_range(label, week_start)
        if last < first_day:  # before the participant started: not a missed week
            continue
        # Each past week against the targets in force then (a change made today does not
        # rewrite it), and a calls target only once a follow-up could be due.
        frame = progress.progress_frame(
            events, targets, label, week_start, first_call_due=first_due
        )
        weekly = frame[(frame["period"] == "week") & frame["judged"]]
        counts = progress.count_events(events, first, last)
        rows.append(
            {
                "week": label,
                "weekly_targets_met": bool(weekly["on_target"].all()),
                "outreach": counts["outreach"],
                "new_contacts": counts["new_contacts"],
            }
        )
    return rows


def _plan(wb: Workbook, today: dt.date, end: dt.date, next_week: str) -> dict[str, Any]:
    """Next week's plan: calls due (from today to next week's end), overdue, sessions, mentors."""
    from . import mentors, schedule

    upcoming = schedule.weekly_plan(wb, next_week, today=today)
    follow = schedule.follow_ups(wb, today)
    horizon = upcoming.end
    due = follow[(follow["status"] == "open") & (follow["due"] <= horizon)].sort_values(
        ["due", "contact"]
    )
    overdue = follow[follow["status"] == "overdue"].sort_values(["due", "contact"])

    def call_row(r: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "contact": _text(r["contact"]),
            "firm": _text(r["firm"]),
            "phone": _text(r["phone"]),
            "outreach_date": _date_str(r["outreach_date"]),
            "due": _date_str(r["due"]),
            "days_overdue": int(r["days_overdue"]),
        }

    sessions = [
        {
            "kind": s.kind,
            "day": s.day.isoformat(),
            "time": s.time,
            "title": s.title,
            "details": s.details,
        }
        for s in upcoming.sessions
        if s.kind in ("research", "outreach")
    ]
    ranked = mentors.rank_mentors(wb)
    fresh = ranked[~ranked["approached"].astype(bool)].head(MENTORS_SHOWN)
    return {
        "week": upcoming.week,
        "week_start": upcoming.start.isoformat(),
        "week_end": upcoming.end.isoformat(),
        "calls_due": [call_row(r) for r in due.to_dict("records")],
        "overdue": [call_row(r) for r in overdue.to_dict("records")],
        "sessions": sessions,
        "mentors": [
            {
                "name": _text(r["name"]),
                "firm": _text(r["firm"]),
                "position": _text(r["position"]),
                "score": float(r["score"]),
                "reason": _text(r["reason"]),
            }
            for r in fresh.to_dict("records")
        ],
        "mentors_left": int((~ranked["approached"].astype(bool)).sum()),
    }


_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def _n(count: int, noun: str) -> str:
    word = _WORDS[count] if 0 <= count < len(_WORDS) else str(count)
    return f"{word} {noun}{'' if count == 1 else 's'}"


def coaching_note(report: Report, *, has_goals: bool = True) -> list[str]:
    """Write a short coaching note (a few sentences) from the report's gaps, in the method's spirit.

    Pure: reads only ``report``. The sentences are plain text (escaped when rendered).
    """
    notes: list[str] = []
    if not has_goals:
        notes.append(
            "Start with step 1: name your target industry, role and location. They pick the "
            'people worth asking "How did you get where you are?".'
        )
    rows = {r["metric"]: r for r in report.scorecard}
    plan = report.plan
    overdue = len(plan["overdue"])
    if overdue:
        notes.append(
            f"You have {_n(overdue, 'follow-up call')} overdue: make "
            f"{'it' if overdue == 1 else 'them'} first, and always "
            "leave the three-part message (why you call, what you admire in their work, a "
            "request for a short conversation)."
        )
    new = rows.get("new_contacts")
    day = report.outreach_day
    if new and new["period"] == "week" and not new["on_target"]:
        first = dt.date.fromisoformat(report.week_start)
        today = dt.date.fromisoformat(report.today)
        ahead = any(
            (first + dt.timedelta(days=n)).strftime("%A") == day
            and first + dt.timedelta(days=n) >= today
            for n in range(7)
        )
        short = _n(new["remaining"], "new contact")
        if ahead:
            notes.append(
                f"Outreach is {short} short so far this week. Keep this {day}'s session: a "
                "quiet hour, a few sincere messages asking for information, not a job."
            )
        else:
            notes.append(
                f"Outreach fell {short} short this week. Keep next {day}'s session: a quiet "
                "hour, a few sincere messages asking for information, not a job."
            )
    calls = rows.get("calls")
    if calls and calls["period"] == "week" and not calls.get("judged", True):
        if report.calls_note:  # when the first calls fall due, not a shortfall
            notes.append(report.calls_note)
    elif calls and not calls["on_target"] and not overdue:
        if report.days_left:
            lead = f"{_n(calls['remaining'], 'call').capitalize()} to go this week."
        else:
            lead = f"The week ended {_n(calls['remaining'], 'call')} short."
        notes.append(
            f"{lead} Calls feel hardest; script the voicemail beforehand and they get easier."
        )
    for row in report.scorecard:
        if row["metric"] != "meetings" or row["period"] != "month" or row["on_target"]:
            continue
        month = dt.date.fromisoformat(row["period_start"]).strftime("%B")
        if row["complete"]:
            lead = f"Meetings: {row['actual']} of {row['target']} in {month}, now closed."
        else:
            lead = f"Meetings: {row['actual']} of {row['target']} so far in {month}."
        notes.append(
            f"{lead} Every reply and every call that reaches someone is a chance to ask for "
            "a short conversation."
        )
    net = report.network
    conversations = int(net.get("conversations") or 0)
    if conversations and float(net.get("referral_yield") or 0) < 1:
        notes.append(
            "Ask every person you talk to for one to five names of people worth meeting: that "
            "is what turns networking from linear into exponential."
        )
    waiting = int(net.get("names_not_contacted") or 0)
    if waiting:
        notes.append(
            f"{_n(waiting, 'name').capitalize()} you were given "
            f"{'is' if waiting == 1 else 'are'} not contacted yet: write to them on Sunday, "
            "saying who suggested them. A name someone gave you is the warmest contact there is."
        )
    open_firms = [f for f in report.mosaic if f["status"] == "no contact yet"]
    if open_firms:
        notes.append(
            f"{_n(len(open_firms), 'target firm').capitalize()} in your mosaic "
            f"{'has' if len(open_firms) == 1 else 'have'} no contact yet: look for someone "
            f"there when you research for {day}'s outreach."
        )
    if not notes or report.verdict == "on track":
        notes.insert(
            0,
            "You are on track: keep the schedule exactly as it is. It is the discipline, not "
            "the mood of the day, that does the work.",
        )
    notes.append("Breathe: one sincere conversation at a time is the whole method.")
    return notes


# -- HTML pieces ---------------------------------------------------------------------------
def _e(value: Any) -> str:
    """Escape a value for HTML text or a quoted attribute."""
    return html.escape(_text(value), quote=True)


def _table(headers: Iterable[str], rows: Iterable[Iterable[Any]], css: str = "") -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f'<table class="ck {css}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _png(fig: Any, alt: str) -> str:
    """Render a matplotlib figure as an embedded ``<img>`` (no file, no URL)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=80)  # a fixed layout: one draw, not two
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img class="ck-chart" alt="{_e(alt)}" src="data:image/png;base64,{data}"/>'


def _figure(width: float, height: float) -> tuple[Any, Any]:
    # The object API with the Agg canvas: no pyplot state, nothing shared between reports.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot()


def render_scorecard(report: Report) -> str:
    """The scorecard: each target, this week or each month the week touches, streak, pace."""
    from .progress import period_name

    rows = []
    for r in report.scorecard:
        period, pace = period_name(r), ""
        if r["on_target"]:
            mark = "✔"
        elif r.get("counted", True) and not r.get("judged", True):
            mark = "not due yet"
        elif r.get("complete", not report.days_left):
            mark = "✘"  # the period is over: nothing left to pace
        else:
            mark, pace = "…", f"{r['pace_needed']:g} a week"
        rows.append([r["label"], period, r["actual"], r["target"], mark, r["streak"], pace])
    status = "so far, " if report.days_left and report.verdict != "on track" else ""
    left = f" ({_n(report.days_left, 'day')} of the week left)" if report.days_left else ""
    verdict_css = "ok" if report.verdict == "on track" else "short"
    return (
        f'<p class="ck-verdict {verdict_css}">Week {_e(report.week)}{_e(left)}: '
        f"<strong>{_e(status + report.verdict)}</strong></p>"
        + _table(
            ["Measure", "Period", "Done", "Target", "Met", "Streak", "Pace needed"],
            rows,
            "scorecard",
        )
        + (f"<p>{_e(report.calls_note)}</p>" if report.calls_note else "")
    )


_FUNNEL_STEPS = (
    ("outreach", "Outreach sent"),
    ("replies", "Replies"),
    ("calls", "Calls made"),
    ("calls_reached", "…reached the person"),
    ("voicemails", "…left a voicemail"),
    ("assistant_messages", "…left a message with an assistant"),
    ("meetings", "Meetings held"),
    ("referrals", "Referrals gained"),
)


def render_funnel(report: Report) -> str:
    """The funnel table (week, month to date, since the start) and its chart."""
    f = report.funnel
    # A week spanning two months shows both: the closing month whole, the new one to date.
    month_names = [dt.date.fromisoformat(m + "-01").strftime("%B") for m in report.months]
    columns = ["week"] + (["closing_month"] if "closing_month" in f else []) + ["month", "total"]
    headers = ["Step", "This week"]
    if "closing_month" in f and len(month_names) == 2:
        headers += [f"{month_names[0]} (final)", f"{month_names[1]} to date"]
    else:
        headers += ["Month to date"]
    headers += ["Since the start"]
    rows = [[label] + [f[c].get(k, 0) for c in columns] for k, label in _FUNNEL_STEPS]
    fig, ax = _figure(6.5, 2.6)
    labels = [label for _, label in _FUNNEL_STEPS][::-1]
    ax.barh(
        labels,
        [f["total"].get(k, 0) for k, _ in _FUNNEL_STEPS][::-1],
        color="#7aa6c2",
        label="since the start",
    )
    ax.barh(
        labels,
        [f["month"].get(k, 0) for k, _ in _FUNNEL_STEPS][::-1],
        color="#2f6690",
        label="month to date",
    )
    ax.legend(loc="lower right", frameon=False, fontsize=8)
    ax.tick_params(labelsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    return _table(headers, rows, "funnel") + _png(
        fig, "The funnel: outreach, replies, calls, meetings and referrals"
    )


def render_plan(report: Report) -> str:
    """Next week's plan: calls due, overdue ones, the sessions, the next mentors to approach."""
    plan = report.plan
    parts = [
        f"<h4>Week {_e(plan['week'])} ({_e(plan['week_start'])} to {_e(plan['week_end'])})</h4>"
    ]
    if plan["overdue"]:
        parts.append("<p><strong>Overdue follow-up calls (make these first):</strong></p>")
        parts.append(
            _table(
                ["Contact", "Firm", "Phone", "Was due", "Days overdue"],
                [
                    [c["contact"], c["firm"], c["phone"], c["due"], c["days_overdue"]]
                    for c in plan["overdue"]
                ],
                "overdue",
            )
        )
    if plan["calls_due"]:
        parts.append("<p><strong>Follow-up calls due:</strong></p>")
        parts.append(
            _table(
                ["Day", "Contact", "Firm", "Phone", "Outreach sent"],
                [
                    [c["due"], c["contact"], c["firm"], c["phone"], c["outreach_date"]]
                    for c in plan["calls_due"]
                ],
                "calls",
            )
        )
    else:
        parts.append("<p>No follow-up call is left to make this week.</p>")
    if plan["sessions"]:
        parts.append(
            _table(
                ["Day", "Time", "Session", "What to do"],
                [[s["day"], s["time"], s["title"], s["details"]] for s in plan["sessions"]],
                "sessions",
            )
        )
    if plan["mentors"]:
        parts.append(
            f"<p><strong>Next people to approach</strong> ({plan['mentors_left']} matching "
            "contacts not yet written to):</p>"
        )
        parts.append(
            _table(
                ["Name", "Firm", "Position", "Why"],
                [[m["name"], m["firm"], m["position"], m["reason"]] for m in plan["mentors"]],
                "mentors",
            )
        )
    else:
        parts.append(
            "<p>No contact left who matches your goals: import more contacts, or tag firms "
            "with their industry and location.</p>"
        )
    return "".join(parts)


def _share(value: Any) -> str:
    return "not yet measured" if value is None else f"{round(float(value) * 100)}%"


def render_network(report: Report) -> str:
    """The network: people in it and names waiting over the weeks lived, the projection from
    the participant's own rates with the method's band (1 to 5 names per conversation), the
    conversations to look at, and the firm mosaic."""
    net = report.network
    rates = net.get("rates") or {}
    projection = net.get("projection") or []
    facts = [
        ["People in the network (written to or talked with)", net.get("size")],
        ["Names not yet contacted", net.get("names_not_contacted")],
        ["Conversations held", net.get("conversations")],
        ["Names gained from them", net.get("referrals")],
        [
            "Names per conversation (the method: 1 to 5)",
            net.get("referral_yield") if net.get("conversations") else "no conversation yet",
        ],
        ["Names you have contacted", _share(rates.get("share_contacted"))],
        ["Conversations a week (your pace so far)", rates.get("conversations_per_week")],
        ["Generations of referrals", net.get("generations")],
        ["Target firms", net.get("target_firms")],
        ["...with a contact", net.get("firms_with_contact")],
        ["...with a conversation", net.get("firms_with_conversation")],
    ]
    if projection:
        last = projection[-1]
        facts.append(
            [
                f"People in the network by {last['week']}, at your pace",
                f"{net.get('projected_size')} (at 1 to 5 names a conversation: "
                f"{round(last['low'])} to {round(last['high'])})",
            ]
        )
    parts = [_table(["Network", "Figure"], facts, "network")]
    history = net.get("history") or []
    if history:
        fig, ax = _figure(6.5, 2.6)
        lived = [h["week"][-3:] for h in history]
        ahead = [p["week"][-3:] for p in projection]
        ax.plot(lived, [h["size"] for h in history], marker="o", color="#2f6690",
                label="people in the network")  # fmt: skip
        ax.plot(lived, [h.get("names_not_contacted", 0) for h in history], marker=".",
                color="#9aa5b1", label="names not yet contacted")  # fmt: skip
        if projection:
            # The projection starts from today's figure: no week still to come is drawn as
            # lived, and the lived weeks carry no projected figure.
            xs = [lived[-1], *ahead]
            start = history[-1]["size"]
            ax.fill_between(
                xs,
                [start] + [p["low"] for p in projection],
                [start] + [p["high"] for p in projection],
                color="#d9822b",
                alpha=0.15,
                linewidth=0,
                label="at 1 to 5 names a conversation",
            )
            ax.plot(
                xs,
                [start] + [p["people"] for p in projection],
                linestyle="--",
                color="#d9822b",
                label="projection at your pace",
            )
            # 5 names a conversation compounds fast: keep the lived weeks readable and say
            # where the band ends instead of drawing it off the scale.
            top = 2.5 * max([h["size"] for h in history] + [p["people"] for p in projection])
            if projection[-1]["high"] > top:
                ax.set_ylim(0, top)
                ax.annotate(f"5 names: {round(projection[-1]['high'])} ↑", (xs[-1], top),
                            ha="right", va="top", fontsize=7, color="#d9822b")  # fmt: skip
        ax.legend(frameon=False, fontsize=7, loc="upper left")
        ax.tick_params(labelsize=7)
        ax.spines[["top", "right"]].set_visible(False)
        parts.append(
            _png(fig, "People in the network over the weeks lived, and projected from your pace")
        )
    if projection:
        growth = float(rates.get("growth_factor") or 0)
        shape = (
            "above 1, so each week adds more than the last: the network grows exponentially"
            if growth > 1
            else "below 1, so the network grows by about the same amount each week; more "
            "names per conversation, and contacting the names you get, push it above 1"
        )
        parts.append(
            f"<p>The projection carries your own rates forward from today: each conversation "
            f"now leads to {_e(growth)} more (names per conversation × share of names you "
            f"contact × share of people who talk with you), {shape}. The band shows the "
            "method's range, 1 to 5 names a conversation.</p>"
        )
    flagged = net.get("flagged_conversations") or []
    if flagged:
        total = int(net.get("conversations_flagged") or len(flagged))
        more = f" (the {len(flagged)} most recent of {total})" if total > len(flagged) else ""
        parts.append(
            f"<p><strong>Conversations to look at</strong>: no names, or more than 5{_e(more)}</p>"
        )
        parts.append(
            _table(
                ["Date", "With", "Names", "Why"],
                [[f["date"], f["contact"], f["names"], f["note"]] for f in flagged],
                "flagged",
            )
        )
    if report.mosaic:
        shown = report.mosaic[:FIRMS_SHOWN]
        cells = "".join(
            f'<span class="ck-firm {_e(f["status"].replace(" ", "-"))}" '
            f'title="{_e(f["status"])}">{_e(f["firm"])} '
            f"<small>{f['contacts']}·{f['conversations']}</small></span>"
            for f in shown
        )
        more = len(report.mosaic) - len(shown)
        parts.append(
            "<p><strong>The mosaic of target firms</strong> (contacts·conversations; "
            "green = a conversation held, amber = a contact but no conversation yet, "
            "grey = no contact yet)</p>"
            f'<div class="ck-mosaic">{cells}</div>'
            + (f"<p>…and {more} more.</p>" if more > 0 else "")
        )
    else:
        parts.append(
            "<p>No target firm yet: tag firms with their industry and location "
            "(<code>coachkit tag-firm</code>) to see the mosaic.</p>"
        )
    return "".join(parts)


def render_coaching(report: Report) -> str:
    """The coaching note as a list."""
    return (
        '<ul class="ck-coaching">' + "".join(f"<li>{_e(n)}</li>" for n in report.coaching) + "</ul>"
    )


def render_header(report: Report) -> str:
    """The report's title block: who, which week, as of when."""
    return (
        f'<div class="ck-header"><h2>{_e(report.participant)}: week {_e(report.week)}</h2>'
        f"<p>{_e(report.week_start)} to {_e(report.week_end)} · "
        f"made on {_e(report.today)}</p></div>"
    )


# -- files -----------------------------------------------------------------------------------------
def write_private(path: str | os.PathLike[str], data: bytes | str) -> Path:
    """Write ``data`` to ``path`` atomically (a temporary file, then ``os.replace``), mode 0600.

    The parent folder is created 0700 if missing. A crash leaves either the old file or the
    new one, never half of one.
    """
    path = Path(path)
    _private_dir(path.parent)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    try:
        with os.fdopen(fd, "wb") as handle:  # mkstemp creates the file 0600
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _private_dir(folder: Path) -> Path:
    """Create ``folder`` and any missing parent, each 0700; leave existing folders alone."""
    missing = []
    current = folder
    while not current.exists():
        missing.append(current)
        current = current.parent
    for path in reversed(missing):
        path.mkdir(mode=0o700, exist_ok=True)
        os.chmod(path, 0o700)  # mkdir's mode is masked by the umask
    return folder


def write_summary(report: Report, output_dir: str | os.PathLike[str]) -> Path:
    """Write ``summary.json`` (every figure of the report) into ``output_dir``."""
    text = json.dumps(report.summary(), indent=2, ensure_ascii=False, sort_keys=False)
    return write_private(Path(output_dir) / "summary.json", text + "\n")


# -- running the notebook ----------------------------------------------------------------------
def notebook_path() -> Path:
    """Return the path of the report notebook shipped inside the package."""
    return Path(__file__).resolve().parent / "notebooks" / NOTEBOOK_NAME


def participant_slug(text: str) -> str:
    """Return a folder name for a participant ("Chloé Martin" -> "chloe-martin")."""
    import unicodedata

    folded = unicodedata.normalize("NFKD", str(text))
    ascii_only = "".join(ch for ch in folded if not unicodedata.combining(ch)).lower()
    slug = "-".join(
        "".join(ch if ch.isascii() and ch.isalnum() else " " for ch in ascii_only).split()
    )
    return slug[:80] or "participant"


def report_folder(out_dir: str | os.PathLike[str], participant: str, week: str) -> Path:
    """Return ``out_dir/<participant slug>/<week>``, where one report's files go."""
    return Path(out_dir) / participant_slug(participant) / week


@dataclass(frozen=True)
class ReportPaths:
    """Where one report was written."""

    participant: str
    week: str
    folder: Path
    notebook: Path
    html: Path
    summary: Path
    seconds: float = 0.0


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy"
 content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 56rem;
  margin: 2rem auto; padding: 0 1rem; color: #1d2a33; line-height: 1.45; }}
h1, h2, h3, h4 {{ color: #14394f; }}
table.ck {{ border-collapse: collapse; margin: .6rem 0 1rem; font-size: .92rem; }}
table.ck th, table.ck td {{ border-bottom: 1px solid #d8e0e6; padding: .3rem .6rem;
  text-align: left; vertical-align: top; }}
table.ck th {{ background: #eef3f6; }}
.ck-verdict {{ font-size: 1.15rem; padding: .5rem .8rem; border-radius: .4rem; }}
.ck-verdict.ok {{ background: #e3f4e8; }}
.ck-verdict.short {{ background: #fdf0dc; }}
.ck-chart {{ max-width: 100%; display: block; margin: .5rem 0 1rem; }}
.ck-mosaic {{ display: flex; flex-wrap: wrap; gap: .35rem; }}
.ck-firm {{ padding: .25rem .5rem; border-radius: .3rem; font-size: .88rem; background: #e6e9ec; }}
.ck-firm.covered {{ background: #cdebd6; }}
.ck-firm.no-conversation-yet {{ background: #fbe3bd; }}
.ck-coaching li {{ margin-bottom: .35rem; }}
.jp-OutputPrompt, .jp-InputPrompt {{ display: none; }}
</style>
</head>
<body>
{body}
</body>
</html>
"""


# Exporters ready for use, one per concurrent export: building one compiles its templates
# (a few tenths of a second), so each is reused, but never by two threads at once.
_EXPORTERS: queue.SimpleQueue[Any] = queue.SimpleQueue()


def _new_exporter() -> Any:
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name="basic",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_anchor_links=True,
    )


def _prewarm_export() -> None:
    """Import nbconvert and compile its templates while the kernel runs (a side thread)."""
    import nbformat

    exporter = _new_exporter()
    exporter.from_notebook_node(nbformat.v4.new_notebook())
    _EXPORTERS.put(exporter)


def export_html(nb: Any, title: str) -> str:
    """Export an executed notebook to a self-contained HTML page without code.

    nbconvert's ``basic`` template gives the cells' output only; the page around it is
    coachkit's own, with inline CSS and no script or stylesheet URL at all, and a Content
    Security Policy that forbids scripts, so that it opens offline and runs nothing.
    """
    try:
        exporter = _EXPORTERS.get_nowait()
    except queue.Empty:
        exporter = _new_exporter()
    try:
        body, _resources = exporter.from_notebook_node(nb)
    finally:
        _EXPORTERS.put(exporter)
    return _PAGE.format(title=html.escape(title), body=body)


def _fast_imports() -> None:
    """Skip importing ``rfc3987_syntax`` (about 1 s) when jsonschema is imported here.

    jsonschema imports it only to offer IRI format checks, which notebook validation never
    uses (python-jsonschema/jsonschema#1428). Only this process is affected, and only if
    jsonschema was not imported yet.
    """
    if "jsonschema" not in sys.modules and "rfc3987_syntax" not in sys.modules:
        sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]  # import -> ImportError


def _prepare(
    workbook: str | os.PathLike[str], week: str, today: dt.date | str
) -> tuple[Path, str, str, str]:
    """Open the workbook once to check it and name the participant and the week."""
    from .weeks import week_label, week_range

    today = parse_date(today, "today")
    folder = Path(workbook).expanduser().resolve()
    if folder.name == "workbook.sqlite":
        folder = folder.parent
    with open_workbook(folder) as wb:
        profile = wb.profile
        label = (week or "").strip() or week_label(today, profile.week_start)
        start, _end = week_range(label, profile.week_start)
        label = week_label(start, profile.week_start)
    return folder, label, today.isoformat(), profile.name or folder.name


def run_report(
    workbook: str | os.PathLike[str],
    week: str = "",
    today: dt.date | str | None = None,
    out_dir: str | os.PathLike[str] = "reports",
    *,
    engine: str = "coachkit",
    kernel_manager: Any = None,
    execution_timeout: int = EXECUTION_TIMEOUT,
    folder_name: str | None = None,
    fork_kernel: bool = False,
) -> ReportPaths:
    """Run the report notebook for one workbook and write the notebook, HTML and summary.

    Parameters
    ----------
    workbook
        The participant's workbook folder.
    week
        The week, like ``"2026-W48"``; ``""`` = the week holding ``today``.
    today
        The day the report is made (required: no hidden clock).
    out_dir
        The reports folder; files go to ``out_dir/<participant>/<week>/``.
    engine
        The papermill engine: ``"coachkit"`` (a fresh kernel per report, started ahead,
        shut down at once; see :mod:`coachkit._warm`) or ``"nbclient"`` (papermill's own).
    kernel_manager
        A fresh, started kernel manager for the ``"coachkit"`` engine (used once, then shut
        down). Default: one is started here.
    execution_timeout
        Seconds a cell may take.
    folder_name
        The participant's folder name under ``out_dir`` (default: from the workbook's folder
        name, unique within a cohort).
    fork_kernel
        Fork the kernel from this process rather than start a new Python (about half a
        second faster). Only for a fresh, single-threaded process that has read no other
        participant's data, like the ``coachkit report`` command's; otherwise a kernel is
        started from scratch.

    Returns
    -------
    ReportPaths
        Where the report went.

    Raises
    ------
    WorkbookError
        If the workbook cannot be opened.
    ValidationError
        For a bad week or date.
    ReportError
        If the notebook fails; nothing is written then.
    """
    started = time.perf_counter()
    if today is None:
        raise ValidationError("today", "is required", hint="pass the day the report is made.")
    _fast_imports()
    if engine == "coachkit" and kernel_manager is None:
        from . import _warm

        # Start the kernel first: it boots (and imports pandas, matplotlib, coachkit) while
        # this process imports papermill and nbconvert.
        # Forked from this process, the kernel starts from the modules already imported
        # here; the caller vouches that this process holds no one else's data.
        prefork = _warm.Prefork() if fork_kernel and _warm.can_prefork() else None
        kernel_manager = _warm.start_kernel(zygote=prefork)
    try:  # anything refused before the notebook runs must not leave the kernel running
        folder, label, today_iso, participant = _prepare(workbook, week, today)
        final = report_folder(out_dir, folder_name or folder.name, label)
        parent = _private_dir(final.parent)
        work = Path(tempfile.mkdtemp(dir=parent, prefix=f".{label}.", suffix=".partial"))
    except BaseException:
        if kernel_manager is not None:
            _shutdown(kernel_manager)
        raise
    try:
        nb = _execute(
            folder, label, today_iso, work, engine, kernel_manager, execution_timeout, participant
        )
        page = export_html(nb, f"{participant}: week {label}")
        write_private(work / "report.html", page)
        if not (work / "summary.json").is_file():
            raise ReportError(f"{participant}: the notebook did not write summary.json.")
        _private_dir(final)
        for name in (NOTEBOOK_NAME, "report.html", "summary.json"):
            os.chmod(work / name, 0o600)
            os.replace(work / name, final / name)
    finally:
        for leftover in work.glob("*"):
            leftover.unlink()
        work.rmdir()
    return ReportPaths(
        participant=participant,
        week=label,
        folder=final,
        notebook=final / NOTEBOOK_NAME,
        html=final / "report.html",
        summary=final / "summary.json",
        seconds=time.perf_counter() - started,
    )


def _shutdown(km: Any) -> None:
    from . import _warm

    _warm.shutdown(km)


def _literal_path(path: Path) -> str:
    """``path`` as a papermill path that ``str.format`` leaves as it is."""
    return str(path).replace("{", "{{").replace("}", "}}")


def _execute(
    folder: Path,
    week: str,
    today: str,
    work: Path,
    engine: str,
    km: Any,
    timeout: int,
    participant: str,
) -> Any:
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    from . import _warm

    _warm.register()
    if _EXPORTERS.empty() and threading.active_count() == 1:
        # Compile the HTML templates while the kernel runs the notebook (this process only
        # waits then), rather than before, when the kernel's own start-up needs the CPU.
        threading.Thread(target=_prewarm_export, daemon=True).start()
    extra = {"km": km} if engine == "coachkit" else {"shutdown_kernel": "immediate"}
    try:
        return pm.execute_notebook(
            # papermill formats both paths with the parameters: braces in a folder name
            # ("reports/{x}") would raise or be replaced, so they are escaped.
            _literal_path(notebook_path()),
            _literal_path(work / NOTEBOOK_NAME),  # papermill writes the executed notebook here
            parameters={
                "workbook": str(folder),
                "week": week,
                "today": today,
                "output_dir": str(work),
            },
            engine_name=engine,
            kernel_name="python3",
            execution_timeout=timeout,
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=False,
            **extra,
        )
    except PapermillExecutionError as exc:
        raise ReportError(
            f"{participant}: the report failed ({exc.ename}: {exc.evalue})",
            hint="fix the workbook as the message says, then run the report again.",
        ) from None
    finally:
        if km is not None:
            _shutdown(km)
