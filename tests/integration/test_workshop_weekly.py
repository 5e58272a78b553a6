"""Weekly reports in the participant's own space: on demand (notebook 08), and by themselves.

Real papermill runs (coachkit's warm engine) on a real workbook; the coach's board is a real
HTTP server on 127.0.0.1 that records what it is sent (:mod:`tests.board_double`).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from pathlib import Path

import nbformat
import papermill
import pytest

from coachkit.workshop import participant
from tests.board_double import board_double

from .conftest import NOTEBOOKS, TODAY

pytestmark = pytest.mark.integration

PAGE = NOTEBOOKS / participant.WEEKLY_PAGE


def _hub_env(url: str, reports: Path) -> dict[str, str]:
    return {
        **os.environ, "JUPYTERHUB_API_TOKEN": "token-of-ana", "COACHKIT_BOARD_URL": url,
        "COACHKIT_REPORTS": str(reports), "JUPYTERHUB_SERVICE_PREFIX": "/user/ana/",
    }  # fmt: skip


def test_the_weekly_page_is_stored_clean_and_runs_unedited(demo_workbook: Path, tmp_path):
    book = nbformat.read(PAGE, as_version=4)
    code = [cell for cell in book.cells if cell.cell_type == "code"]
    assert all(cell.outputs == [] and cell.execution_count is None for cell in code)
    assert [c for c in code if "parameters" in c.metadata.get("tags", [])]
    ran = papermill.execute_notebook(
        str(PAGE), str(tmp_path / "out.ipynb"), kernel_name="python3", execution_timeout=120,
        parameters={"workbook": str(demo_workbook), "today": TODAY.isoformat()},
        progress_bar=False,
    )  # fmt: skip
    shown = json.dumps(ran["metadata"].get("widgets", {}))
    assert "Make my weekly report" in shown


def test_the_button_makes_last_weeks_report_and_sends_its_figures(demo_workbook, tmp_path):
    from coachkit import open_workbook

    reports = tmp_path / "reports"
    with board_double() as (url, board), open_workbook(demo_workbook) as wb:
        env = _hub_env(url, reports)
        page = participant.weekly_report_page(wb, TODAY, env=env)
        button, status = page.children
        button.click()
        # 2026-11-25 is in 2026-W48: the last full week is 2026-W47.
        assert "Your report for 2026-W47 is ready" in status.value
        assert 'href="/user/ana/files/' not in status.value  # reports outside the home
        assert (reports / "2026-W47" / "report.html").is_file()
        button.click()  # twice in a row: made again, still one report folder
        assert sorted(p.name for p in reports.iterdir() if not p.name.startswith(".")) == [
            "2026-W47"
        ]
    (_path, token, body), _second = board.posts
    assert token == "token token-of-ana"
    assert body["kind"] == "weekly" and body["week"] == "2026-W47"
    assert "participant" not in body["figures"]  # the board knows the hub user, no more
    # A second reader: the week's outreach counted straight from the workbook file
    # (2026-W47 is Monday 16 to Sunday 22 November 2026).
    with sqlite3.connect(demo_workbook / "workbook.sqlite") as conn:
        (outreach,) = conn.execute(
            "SELECT COUNT(*) FROM activities WHERE kind = 'outreach' "
            "AND on_date BETWEEN '2026-11-16' AND '2026-11-22'"
        ).fetchone()
    assert outreach > 0
    assert body["figures"]["week"]["outreach"] == outreach


def test_a_new_weeks_first_visit_makes_the_report_once(demo_workbook, tmp_path):
    reports = tmp_path / "reports"
    with board_double() as (url, board):
        env = _hub_env(url, reports)
        # The first visit ever (Wednesday of W48): no report of a week before it.
        assert participant.start_weekly_if_due(demo_workbook, today=TODAY, env=env) is None
        assert (reports / ".first-visit-week").read_text().strip() == "2026-W48"
        # Back the next Monday (W49): W48 is due, and made in a process of its own.
        monday = TODAY + dt.timedelta(days=5)
        process = participant.start_weekly_if_due(demo_workbook, today=monday, env=env)
        assert process is not None
        # A second page opened at the same moment does not start another run.
        assert participant.start_weekly_if_due(demo_workbook, today=monday, env=env) is None
        assert process.wait(timeout=180) == 0, (reports / ".2026-W48.log").read_text()
        assert (reports / "2026-W48" / "report.html").is_file()
        assert not (reports / ".2026-W48.running").exists()
        # Made once: the visits after it start nothing.
        assert participant.start_weekly_if_due(demo_workbook, today=monday, env=env) is None
        assert board.arrived.wait(10)
    assert [(body["kind"], body["week"]) for _, _, body in board.posts] == [("weekly", "2026-W48")]


def test_off_the_hub_no_report_starts_by_itself(demo_workbook, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "JUPYTERHUB_API_TOKEN"}
    env["COACHKIT_REPORTS"] = str(tmp_path / "reports")
    monday = TODAY + dt.timedelta(days=5)
    assert participant.start_weekly_if_due(demo_workbook, today=monday, env=env) is None
    assert not (tmp_path / "reports").exists()
