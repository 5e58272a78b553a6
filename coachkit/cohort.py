"""Cohorts: every participant's weekly report at once, and the coach's summary of them.

A cohort is a folder of workbook folders. :func:`run_cohort` makes each participant's report
in parallel (each in its own fresh kernel, forked from one warm zygote: see
:mod:`coachkit._warm`), goes on past a participant whose report fails, and writes a cohort
summary. The summary holds **figures only**: targets, counts, streaks, and the participant's
own name; no contact name, email, phone, firm or note leaves a participant's workbook.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import CoachkitError, NotFoundError, ReportError
from .report import ReportPaths, run_report, write_private
from .workbook import WORKBOOK_FILE, parse_date

__all__ = [
    "CohortResult",
    "Failure",
    "cohort_summary",
    "find_workbooks",
    "render_cohort",
    "run_cohort",
    "stuck_reasons",
    "summarise_figures",
]

COHORT_FOLDER = "_cohort"  # participants' folders are slugs, which never start with "_"


@dataclass(frozen=True)
class Failure:
    """A participant whose report could not be made, and why (in words).

    ``reason`` is the whole message, for the coach's terminal; ``summary_reason`` is what
    the cohort summary keeps: an error raised inside the notebook may quote the workbook's
    data, so only its kind is kept there.
    """

    participant: str
    reason: str
    summary_reason: str = ""


@dataclass
class CohortResult:
    """What a cohort run made: reports, failures, and the cohort summary's files."""

    week: str
    reports: list[ReportPaths] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    summary_html: Path | None = None
    summary_json: Path | None = None


def find_workbooks(cohort: str | os.PathLike[str]) -> list[Path]:
    """Return the workbook folders inside ``cohort``, sorted by name.

    A sub-folder counts as a participant when it holds a ``workbook.sqlite`` file (even a
    damaged one: its report will fail and be listed, not skipped silently).

    Raises
    ------
    NotFoundError
        If the folder does not exist or holds no workbook.
    """
    root = Path(cohort).expanduser()
    if not root.is_dir():
        raise NotFoundError(f"{root}: no such cohort folder.", hint="give a folder of workbooks.")
    found = sorted(p for p in root.iterdir() if (p / WORKBOOK_FILE).is_file())
    if not found:
        raise NotFoundError(
            f"{root}: no workbook folder inside.",
            hint="a cohort is a folder holding one workbook folder per participant.",
        )
    return found


# -- the coach's summary (figures only) ----------------------------------------------------
_FUNNEL = ("outreach", "replies", "calls", "calls_reached", "voicemails", "meetings", "referrals")
_NETWORK = ("size", "names_not_contacted", "conversations", "referrals", "referral_yield",
            "target_firms", "firms_with_contact", "firms_with_conversation",
            "projected_size")  # fmt: skip


def stuck_reasons(summary: Mapping[str, Any]) -> list[str]:
    """Say why a participant looks stuck, from their report's summary (figures only).

    Stuck means: weekly targets missed two weeks running (the last two finished weeks), no
    outreach in the last finished week, or follow-up calls overdue.
    """
    reasons = []
    finished = list(summary.get("recent", []))
    if not summary.get("days_left"):  # the report's own week is over: it counts too
        weekly = [
            r
            for r in summary["scorecard"]
            if r["period"] == "week" and r.get("judged", r["counted"])
        ]
        finished.append(
            {
                "weekly_targets_met": all(r["on_target"] for r in weekly),
                "outreach": summary["funnel"]["week"]["outreach"],
            }
        )
    missed = 0
    for week in reversed(finished):
        if week["weekly_targets_met"]:
            break
        missed += 1
    if missed >= 2:
        reasons.append(f"weekly targets missed {missed} weeks running")
    if finished and finished[-1]["outreach"] == 0:
        reasons.append("no outreach last week")
    overdue = len(summary["plan"]["overdue"])
    if overdue:
        reasons.append(f"{overdue} follow-up call{'s' if overdue != 1 else ''} overdue")
    return reasons


def _participant_figures(summary: Mapping[str, Any], link: str) -> dict[str, Any]:
    """Keep only figures from a participant's summary (an allow-list, never a deny-list)."""
    return {
        "participant": str(summary["participant"]),
        "report": link,
        "on_track": summary["verdict"] == "on track",
        # Made from target names and counts only ("two calls short"), never from contacts.
        "verdict": str(summary["verdict"]),
        "days_left": int(summary["days_left"]),
        "targets": [
            {
                "metric": str(r["metric"]),
                "period": str(r["period"]),
                "month": r.get("month") if isinstance(r.get("month"), str) else None,
                "target": int(r["target"]),
                "actual": int(r["actual"]),
                "on_target": bool(r["on_target"]),
                "streak": int(r["streak"]),
            }
            for r in summary["scorecard"]
        ],
        "week": {k: int(summary["funnel"]["week"][k]) for k in _FUNNEL},
        "month": {k: int(summary["funnel"]["month"][k]) for k in _FUNNEL},
        "calls_due": len(summary["plan"]["calls_due"]),
        "overdue": len(summary["plan"]["overdue"]),
        "network": {k: summary["network"].get(k) for k in _NETWORK},
        "stuck": stuck_reasons(summary),
    }


def cohort_summary(
    summaries: Mapping[str, Mapping[str, Any]],
    week: str,
    today: str,
    failures: list[Failure] = (),  # type: ignore[assignment]
    links: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Build the coach's cohort summary from each participant's report summary.

    Parameters
    ----------
    summaries
        Participant folder name -> the dict in that participant's ``summary.json``.
    week, today
        The week reported and the day.
    failures
        Participants whose report failed.
    links
        Participant folder name -> relative link to their ``report.html``.

    Returns
    -------
    dict
        ``participants`` (figures side by side), ``stuck``, ``totals``, ``failures``.
    """
    links = links or {}
    rows = [
        _participant_figures(summary, links.get(key, ""))
        for key, summary in sorted(summaries.items())
    ]
    return summarise_figures(rows, week, today, failures)


def summarise_figures(
    rows: list[dict[str, Any]],
    week: str,
    today: str,
    failures: list[Failure] = (),  # type: ignore[assignment]
) -> dict[str, Any]:
    """The cohort summary of participants' figures (rows as :func:`cohort_summary` makes them).

    The coach's board builds its weekly summary from figures published to it, with this.
    """
    totals = {
        "participants": len(rows) + len(failures),
        "reports": len(rows),
        "failed": len(failures),
        "on_track": sum(r["on_track"] for r in rows),
        "stuck": sum(bool(r["stuck"]) for r in rows),
        "week": {k: sum(r["week"][k] for r in rows) for k in _FUNNEL},
        "month": {k: sum(r["month"][k] for r in rows) for k in _FUNNEL},
        "overdue": sum(r["overdue"] for r in rows),
        "network_size": sum(int(r["network"]["size"] or 0) for r in rows),
    }
    return {
        "week": week,
        "today": today,
        "participants": rows,
        "stuck": [
            {"participant": r["participant"], "reasons": r["stuck"]} for r in rows if r["stuck"]
        ],
        "totals": totals,
        "failures": [
            {"participant": f.participant, "reason": f.summary_reason or f.reason} for f in failures
        ],
    }


def render_cohort(summary: Mapping[str, Any]) -> str:
    """Render the cohort summary as a self-contained HTML page (no script, no URL)."""
    from .report import _PAGE

    e = html.escape
    # A monthly target has one column per calendar month the week touches ("2026-11").
    metrics: list[tuple[str, str, str | None]] = []
    for row in summary["participants"]:
        for t in row["targets"]:
            key = (t["metric"], t["period"], t.get("month"))
            if key not in metrics:
                metrics.append(key)
    head = (
        ["Participant", "Verdict"]
        + [
            f"{m.replace('_', ' ')} ({'week' if p == 'week' else (month or 'month')})"
            for m, p, month in metrics
        ]
        + ["Outreach", "Replies", "Calls", "Meetings", "Referrals", "Overdue calls", "Network"]
    )
    lines = []
    for row in summary["participants"]:
        by = {(t["metric"], t["period"], t.get("month")): t for t in row["targets"]}
        cells = []
        for key in metrics:
            t = by.get(key)
            cells.append(
                ""
                if t is None
                else f"{t['actual']}/{t['target']} {'✔' if t['on_target'] else ''}"
                + (f" ({t['streak']} in a row)" if t["streak"] > 1 else "")
            )
        name = e(row["participant"])
        if row["report"]:
            name = f'<a href="{e(row["report"])}">{name}</a>'
        verdict = ("so far, " if row["days_left"] and not row["on_track"] else "") + row["verdict"]
        figures = [
            row["week"][k] for k in ("outreach", "replies", "calls", "meetings", "referrals")
        ]
        lines.append(
            "<tr>"
            + f"<td>{name}</td><td>{e(verdict)}</td>"
            + "".join(f"<td>{e(str(c))}</td>" for c in cells)
            + "".join(f"<td>{f}</td>" for f in figures)
            + f"<td>{row['overdue']}</td><td>{e(str(row['network']['size']))}</td></tr>"
        )
    table = (
        '<table class="ck cohort"><thead><tr>'
        + "".join(f"<th>{e(h)}</th>" for h in head)
        + "</tr></thead><tbody>"
        + "".join(lines)
        + "</tbody></table>"
    )
    totals = summary["totals"]
    facts = [
        ("Participants", totals["participants"]),
        ("On track", totals["on_track"]),
        ("Looking stuck", totals["stuck"]),
        ("Reports that failed", totals["failed"]),
        ("Outreach this week", totals["week"]["outreach"]),
        ("Calls this week", totals["week"]["calls"]),
        ("Meetings this week", totals["week"]["meetings"]),
        ("Meetings this month", totals["month"]["meetings"]),
        ("Referrals this month", totals["month"]["referrals"]),
        ("Overdue follow-up calls", totals["overdue"]),
        ("Network size (all participants)", totals["network_size"]),
    ]
    total_table = (
        '<table class="ck totals"><tbody>'
        + "".join(f"<tr><th>{e(k)}</th><td>{v}</td></tr>" for k, v in facts)
        + "</tbody></table>"
    )
    stuck = "".join(
        f"<li><strong>{e(s['participant'])}</strong>: {e('; '.join(s['reasons']))}</li>"
        for s in summary["stuck"]
    )
    failed = "".join(
        f"<li><strong>{e(f['participant'])}</strong>: {e(f['reason'])}</li>"
        for f in summary["failures"]
    )
    body = (
        f"<h1>Cohort summary: week {e(summary['week'])}</h1>"
        f"<p>Made on {e(summary['today'])}. Figures only: open a participant's report for "
        "the details.</p>"
        "<h2>Scorecards side by side</h2>"
        + table
        + "<h2>Who looks stuck</h2>"
        + (f"<ul>{stuck}</ul>" if stuck else "<p>Nobody: every participant is moving.</p>")
        + "<h2>Cohort totals</h2>"
        + total_table
        + (f"<h2>Reports that failed</h2><ul>{failed}</ul>" if failed else "")
    )
    return _PAGE.format(title=e(f"Cohort summary: week {summary['week']}"), body=body)


# -- running ---------------------------------------------------------------------------------------
def _failure(participant: str, exc: BaseException) -> Failure:
    """Describe a failed report: in full for the terminal, figures-safe for the summary."""
    if isinstance(exc, ReportError):  # raised in the notebook: its message may quote data
        return Failure(
            participant,
            str(exc),
            "the report notebook failed: run `coachkit report` on this workbook to see why",
        )
    if isinstance(exc, CoachkitError):  # names a file or a field, and what to do
        return Failure(participant, str(exc), str(exc))
    return Failure(
        participant,
        f"{type(exc).__name__}: {exc} (an unexpected error: please report it)",
        f"an unexpected {type(exc).__name__}: run `coachkit report` on this workbook to see it",
    )


def run_cohort(
    cohort: str | os.PathLike[str],
    week: str,
    today: dt.date | str,
    out_dir: str | os.PathLike[str] = "reports",
    *,
    jobs: int | None = None,
    engine: str = "coachkit",
    progress: bool = True,
    on_report: Callable[[ReportPaths | Failure], None] | None = None,
) -> CohortResult:
    """Make every participant's report for ``week``, then the coach's cohort summary.

    Parameters
    ----------
    cohort
        A folder of workbook folders.
    week
        The week, like ``"2026-W48"`` (required: one week for the whole cohort).
    today
        The day the reports are made.
    out_dir
        The reports folder: ``<participant>/<week>/`` for each, ``_cohort/<week>/`` for the
        summary.
    jobs
        Reports made at once (default: twice the number of CPUs, at most 8).
    engine
        ``"coachkit"`` (kernels forked from a warm zygote) or ``"nbclient"`` (papermill's
        own engine, a kernel started from scratch per participant).
    progress
        Show a progress bar (tqdm, on stderr).
    on_report
        Called with each report made or failure, as they happen.

    Returns
    -------
    CohortResult
        The reports, the failures (participant and reason), the summary's paths.
    """
    from tqdm import tqdm

    from .weeks import week_range

    today_iso = parse_date(today, "today").isoformat()
    week_range(week, 0)  # a bad week name fails before any work
    folders = find_workbooks(cohort)
    # A report waits on its kernel part of the time: two per CPU keep the CPUs busy.
    jobs = max(1, jobs or min(8, 2 * (os.cpu_count() or 1)))
    zygote = None
    if engine == "coachkit":
        from . import _warm

        zygote = _warm.Zygote()  # imports while we prepare; forks one kernel per participant
    result = CohortResult(week=week)
    summaries: dict[str, dict[str, Any]] = {}
    links: dict[str, str] = {}
    summary_folder = Path(out_dir) / COHORT_FOLDER / week

    def one(folder: Path) -> ReportPaths:
        from jupyter_core.utils import ensure_event_loop

        try:
            km = None
            if zygote is not None:
                from . import _warm

                km = _warm.start_kernel(zygote=zygote)
            return run_report(folder, week, today_iso, out_dir, engine=engine, kernel_manager=km)
        finally:
            # jupyter's run_sync left an event loop in this worker thread: close it here, as
            # a worker thread's loop is otherwise never closed (the next task makes a new one).
            ensure_event_loop().close()

    try:
        with (
            ThreadPoolExecutor(max_workers=jobs) as pool,
            tqdm(
                total=len(folders), desc=f"reports {week}", unit="report", disable=not progress
            ) as bar,
        ):
            futures = {pool.submit(one, folder): folder for folder in folders}
            for future in as_completed(futures):
                folder = futures[future]
                try:
                    paths = future.result()
                except Exception as exc:  # one participant must not stop the rest
                    item: ReportPaths | Failure = _failure(folder.name, exc)
                    result.failures.append(item)
                else:
                    item = paths
                    result.reports.append(paths)
                    summaries[folder.name] = json.loads(paths.summary.read_text("utf-8"))
                    links[folder.name] = os.path.relpath(paths.html, summary_folder)
                bar.update(1)
                if on_report is not None:
                    on_report(item)
    finally:
        if zygote is not None:
            zygote.close()
    result.reports.sort(key=lambda p: str(p.folder))
    result.failures.sort(key=lambda f: f.participant)
    summary = cohort_summary(summaries, week, today_iso, result.failures, links)
    result.summary_json = write_private(
        summary_folder / "summary.json", json.dumps(summary, indent=2, ensure_ascii=False) + "\n"
    )
    result.summary_html = write_private(summary_folder / "summary.html", render_cohort(summary))
    return result
