"""A participant's own server on the hub: figures to the board, and their weekly report.

Everything here runs in the participant's own server, as their own system user, on their own
workbook: nothing from one participant enters another's process. Off the hub (no
``JUPYTERHUB_API_TOKEN``) every function here does nothing visible, so the same notebooks work
on a laptop.

- :func:`publish_after_save`: the forms call it after each successful save; the figures are
  read at once and sent from a background thread, so a slow or absent board never delays or
  fails a save.
- :func:`make_weekly_report`: the participant's weekly report (papermill, coachkit's warm
  engine) in ``~/coachkit-reports/<week>/``, then its figures to the board.
- :func:`on_arrival`: notebook 01 calls it: on the first visit of a new week it starts last
  week's report in a separate process; on the hub it shows links to JupyterLab and to the
  weekly report page.
- :func:`weekly_report_page`: the button that makes the report on demand.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..workbook import Workbook

__all__ = [
    "WEEKLY_PAGE",
    "WeeklyResult",
    "make_weekly_report",
    "on_arrival",
    "on_hub",
    "publish_after_save",
    "reports_folder",
    "start_weekly_if_due",
    "the_day",
    "weekly_due",
    "weekly_report_page",
]

log = logging.getLogger(__name__)

WEEKLY_PAGE = "08_my_weekly_report.ipynb"
_LOCK_SECONDS = 15 * 60  # a weekly run older than this is taken to have died


def on_hub(env: Mapping[str, str] = os.environ) -> bool:
    """True in a single-user server started by JupyterHub (it holds the server's API token)."""
    return bool(env.get("JUPYTERHUB_API_TOKEN"))


def the_day(today: dt.date | str | None = None, env: Mapping[str, str] = os.environ) -> dt.date:
    """``today`` if given, else ``COACHKIT_TODAY``, else the real date (the one clock read)."""
    if isinstance(today, dt.date):
        return today
    text = (today or env.get("COACHKIT_TODAY", "")).strip()
    return dt.date.fromisoformat(text) if text else dt.date.today()


def reports_folder(env: Mapping[str, str] = os.environ) -> Path:
    """Where the participant's weekly reports go: ``~/coachkit-reports``."""
    from .roster import REPORTS_FOLDER

    return Path(env.get("COACHKIT_REPORTS") or Path.home() / REPORTS_FOLDER).expanduser()


# -- live figures after each save -----------------------------------------------------------------
def publish_after_save(
    wb: Workbook, today: dt.date | None = None, env: Mapping[str, str] = os.environ
) -> threading.Thread | None:
    """Send the workbook's live figures to the board, without waiting; never raises.

    The figures are read here (the workbook's connection stays in this thread); the POST
    runs in a daemon thread, which is returned (None off the hub or when nothing is sent).
    """
    if not on_hub(env):
        return None
    try:
        from .figures import participant_figures
        from .publish import publish

        figures = participant_figures(wb, today=the_day(today, env))
        sender = threading.Thread(
            target=publish, args=(figures,), kwargs={"kind": "live", "env": dict(env)},
            name="coachkit-publish", daemon=True,
        )  # fmt: skip
        sender.start()
        return sender
    except Exception:  # the save already happened: a board problem must never undo or fail it
        log.warning("coachkit board: figures not published", exc_info=True)
        return None


# -- the weekly report ----------------------------------------------------------------------------
@dataclass(frozen=True)
class WeeklyResult:
    """A weekly report made in the participant's space, and whether the board got it."""

    week: str
    html: Path
    summary: Path
    published: bool


def _last_full_week(workbook: str | os.PathLike[str], today: dt.date) -> str:
    from ..weeks import last_full_week
    from ..workbook import open_workbook

    with open_workbook(workbook) as wb:
        return last_full_week(today, wb.profile.week_start)


def make_weekly_report(
    workbook: str | os.PathLike[str],
    *,
    today: dt.date,
    week: str | None = None,
    reports: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] = os.environ,
) -> WeeklyResult:
    """Make the participant's weekly report, then send its figures to the board (on a hub).

    Parameters
    ----------
    workbook
        The participant's workbook folder.
    today
        The day the report is made.
    week
        The week, like ``"2026-W47"``; default: the last full week.
    reports
        The reports folder (default ``~/coachkit-reports``); the report goes to
        ``reports/<week>/`` (``report.html``, ``summary.json``, the executed notebook).

    Raises
    ------
    ReportError
        If the report could not be made (nothing is published then).
    """
    from ..report import run_report
    from .figures import weekly_figures
    from .publish import publish

    week = week or _last_full_week(workbook, today)
    out = Path(reports).expanduser() if reports else reports_folder(env)
    out.parent.mkdir(parents=True, exist_ok=True)
    paths = run_report(workbook, week, today, out.parent, folder_name=out.name)
    published = False
    if on_hub(env):
        try:
            summary = json.loads(paths.summary.read_text(encoding="utf-8"))
            published = publish(weekly_figures(summary), kind="weekly", week=week, env=env)
        except Exception:  # the report is made and kept: only the board missed it
            log.warning("coachkit board: weekly figures not published", exc_info=True)
    return WeeklyResult(week, paths.html, paths.summary, published)


_SINCE_FILE = ".first-visit-week"


def weekly_due(
    workbook: str | os.PathLike[str], today: dt.date, reports: str | os.PathLike[str]
) -> str | None:
    """The last full week, if its report is due and not made yet; else None.

    A report is due for the weeks from the participant's first visit on (kept in
    ``reports/.first-visit-week``): somebody who joins on a Wednesday gets no report of an
    empty week before they started.
    """
    from ..weeks import week_label
    from ..workbook import open_workbook

    with open_workbook(workbook) as wb:
        week_start = wb.profile.week_start
    week = _last_full_week(workbook, today)
    since_file = Path(reports) / _SINCE_FILE
    if not since_file.is_file():
        since_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        since_file.write_text(week_label(today, week_start) + "\n", encoding="utf-8")
    since = since_file.read_text(encoding="utf-8").strip()
    if week < since:  # week names sort like the weeks ("2026-W09" < "2026-W10")
        return None
    return None if (Path(reports) / week / "summary.json").is_file() else week


def start_weekly_if_due(
    workbook: str | os.PathLike[str],
    *,
    today: dt.date,
    reports: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] = os.environ,
) -> subprocess.Popen[bytes] | None:
    """On the first visit of a new week, make last week's report in a separate process.

    Returns the process (not waited for: the page shows at once), or None when the report
    is already there, another visit already started it, or this is not a hub.
    """
    if not on_hub(env):
        return None
    out = Path(reports).expanduser() if reports else reports_folder(env)
    try:
        week = weekly_due(workbook, today, out)
        if week is None:
            return None
        out.mkdir(parents=True, exist_ok=True, mode=0o700)
        lock = out / f".{week}.running"
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:
            if time.time() - lock.stat().st_mtime < _LOCK_SECONDS:
                return None  # another page of this participant started it a moment ago
            lock.unlink(missing_ok=True)
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
        command = [
            sys.executable, "-m", "coachkit.workshop.participant", str(workbook),
            "--today", today.isoformat(), "--week", week, "--reports", str(out),
            "--lock", str(lock),
        ]  # fmt: skip
        with (out / f".{week}.log").open("ab") as log_file:
            os.chmod(log_file.name, 0o600)
            return subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=log_file, stderr=subprocess.STDOUT,
                env=dict(env), start_new_session=True,
            )  # fmt: skip
    except Exception:  # never keep a participant from their page
        log.warning("coachkit: the weekly report could not be started", exc_info=True)
        return None


# -- what the participant sees --------------------------------------------------------------------
def _server_url(path: str, env: Mapping[str, str]) -> str:
    prefix = env.get("JUPYTERHUB_SERVICE_PREFIX", "/")
    return prefix.rstrip("/") + "/" + path.lstrip("/")


def _hub_links(notebook: str, env: Mapping[str, str]) -> str:
    from .roster import NOTEBOOKS_FOLDER

    lab = _server_url(f"lab/tree/{NOTEBOOKS_FOLDER}/{notebook}", env)
    weekly = _server_url(f"voila/render/{NOTEBOOKS_FOLDER}/{WEEKLY_PAGE}", env)
    return (
        '<div class="coachkit-hub-links" style="margin:4px 0 8px">'
        f'<a href="{html.escape(lab)}" target="_blank">Open this page in JupyterLab</a>'
        f' &middot; <a href="{html.escape(weekly)}">My weekly report</a></div>'
    )


def on_arrival(
    wb: Workbook | None = None,
    today: dt.date | None = None,
    notebook: str = "01_start_here.ipynb",
    env: Mapping[str, str] = os.environ,
) -> Any:
    """Notebook 01's greeting on the hub: links, and last week's report if it is due.

    ``wb`` and ``today`` default to the notebook page's (:func:`coachkit.forms.open_page`).
    Returns a widget (empty off the hub).
    """
    import ipywidgets as widgets

    if not on_hub(env):
        return widgets.HTML("")
    wb, today = _page(wb, today)
    started = start_weekly_if_due(wb.folder, today=today, env=env)
    note = (
        "<div>A new week: your report for last week is being made "
        "(<i>My weekly report</i> shows it in a minute).</div>"
        if started is not None
        else ""
    )
    return widgets.HTML(_hub_links(notebook, env) + note)


def _page(wb: Workbook | None, today: dt.date | None) -> tuple[Workbook, dt.date]:
    """The workbook and day given, else those of the notebook's page."""
    if wb is not None and today is not None:
        return wb, today
    from ..forms import current_page

    page = current_page()
    return (wb or page.wb), (today or page.today)


def weekly_report_page(
    wb: Workbook | None = None,
    today: dt.date | None = None,
    env: Mapping[str, str] = os.environ,
) -> Any:
    """The weekly report page: a button that makes last week's report now, and its link.

    ``wb`` and ``today`` default to the notebook page's (:func:`coachkit.forms.open_page`).
    """
    import ipywidgets as widgets

    from .. import _widgets as ui
    from ..errors import CoachkitError

    wb, today = _page(wb, today)
    button = widgets.Button(
        description="Make my weekly report", button_style="primary", icon="file",
        layout=widgets.Layout(width="auto"),
    )  # fmt: skip
    status = widgets.HTML()
    status.add_class("coachkit-status")
    out = reports_folder(env)

    def show(week: str, report: Path) -> None:
        home = Path.home()
        where = (
            f'<a href="{html.escape(_server_url("files/" + str(report.relative_to(home)), env))}"'
            f' target="_blank">open it</a>'
            if on_hub(env) and report.is_relative_to(home)
            else f"<code>{html.escape(str(report))}</code>"
        )
        status.value = ui.ok_html(f"Your report for {week} is ready.") + f" {where}"

    def make(_button: Any) -> None:
        button.disabled = True
        status.value = "Making your report (about half a minute)..."
        try:
            result = make_weekly_report(wb.folder, today=today, reports=out, env=env)
        except CoachkitError as exc:
            status.value = ui.error_html(f"The report could not be made: {exc.message}")
        else:
            show(result.week, result.html)
        finally:
            button.disabled = False

    button.on_click(make)
    week = _last_full_week(wb.folder, today)
    if (out / week / "report.html").is_file():
        show(week, out / week / "report.html")
    return widgets.VBox([button, status])


# -- the separate process that makes the report on a new week's first visit ----------------------
def main(argv: Sequence[str] | None = None) -> int:
    """``python -m coachkit.workshop.participant WB --today D --week W --reports DIR``."""
    parser = argparse.ArgumentParser(prog="python -m coachkit.workshop.participant")
    parser.add_argument("workbook")
    parser.add_argument("--today", required=True)
    parser.add_argument("--week", required=True)
    parser.add_argument("--reports", required=True)
    parser.add_argument("--lock", default="")
    args = parser.parse_args(argv)
    try:
        result = make_weekly_report(
            args.workbook, today=dt.date.fromisoformat(args.today), week=args.week,
            reports=args.reports,
        )  # fmt: skip
        print(f"{result.week}: {result.html} (board: {'sent' if result.published else 'no'})")
        return 0
    finally:
        if args.lock:
            Path(args.lock).unlink(missing_ok=True)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
