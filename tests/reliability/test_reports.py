"""Reports and the cohort summary: hostile names and notes are escaped, files are private,
the coach's summary carries figures only, and no report shows another participant's data."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import stat
from pathlib import Path

import pytest

from coachkit import create_workbook
from coachkit.cohort import run_cohort

pytestmark = pytest.mark.reliability

WEEK = "2026-W48"
TODAY = dt.date(2026, 11, 25)

# Each participant's private text carries a marker naming its owner, so a leak is traceable.
HOSTILE_NAMES = (
    "<script>alert('{p}')</script>",
    "<img src=x onerror=alert('{p}')>",
    "[click {p}](javascript:alert(1))",
    "$\\frac{{{p}}}{{0}}$ \\input{{/etc/passwd}}",
    '=HYPERLINK("http://evil.example/{p}")',
    "**{p}** <b>bold</b> & co",
)


def _participant(folder: Path, who: str) -> list[str]:
    """A workbook whose contacts (due for follow-up calls) have hostile names and notes."""
    private = []
    with create_workbook(folder, name=f"Participant {who}") as wb:
        wb.set_goals(industries=["Fintech"], roles=["Product"], locations=["Paris"])
        for i, pattern in enumerate(HOSTILE_NAMES):
            name = pattern.format(p=f"secret-{who}-{i}")
            notes = f"<script>steal('{who}')</script> private note of {who} #{i}"
            cid = wb.add_contact(name, firm=f"Firm {who} {i}", notes=notes)
            # a recent outreach: its follow-up call is due or overdue, so the name is shown
            wb.log_activity(cid, "outreach", TODAY - dt.timedelta(days=6 + i), channel="email")
            wb.log_activity(cid, "reply", TODAY - dt.timedelta(days=30), notes=notes)
            private += [name, notes, f"secret-{who}-{i}", f"private note of {who}"]
    return private


@pytest.fixture(scope="module")
def cohort_run(tmp_path_factory):
    """Two participants' reports and the coach's summary, made once for this module."""
    old_umask = os.umask(0)  # the code must set private modes itself, not rely on umask
    try:
        root = tmp_path_factory.mktemp("cohort")
        private = {
            "ana": _participant(root / "cohort" / "ana", "ana"),
            "ben": _participant(root / "cohort" / "ben", "ben"),
        }
        result = run_cohort(root / "cohort", WEEK, TODAY, root / "reports", jobs=2, progress=False)
    finally:
        os.umask(old_umask)
    assert not result.failures, result.failures
    return root / "reports", result, private


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def test_reports_escape_hostile_names_and_notes(cohort_run, figures) -> None:
    _, result, _ = cohort_run
    assert len(result.reports) == 2
    for paths in result.reports:
        page = paths.html.read_text(encoding="utf-8")
        figures.add("injection: report pages checked", 1)
        for raw in ("<script>alert(", "<img src=x", "<script>steal(", "<b>bold</b>"):
            assert raw not in page, f"{paths.html}: {raw!r} reached the page unescaped"
        assert not re.search(r"""href\s*=\s*["']?\s*javascript:""", page, re.IGNORECASE)
        # The names are there, escaped: the escaping did not just drop them.
        assert "&lt;script&gt;alert(" in page
        assert "&lt;img src=x onerror=" in page
        # No script runs in the page at all (so LaTeX and Markdown stay inert text), and the
        # page forbids loading anything from outside.
        assert "<script" not in page.lower()
        assert "default-src 'none'" in page


def test_report_and_cohort_files_are_private(cohort_run, figures) -> None:
    reports, _, _ = cohort_run
    for path in [reports, *reports.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        expected = 0o700 if path.is_dir() else 0o600
        assert mode == expected, f"{path} is {oct(mode)}, not {oct(expected)}"
        figures.add("privacy: report files and folders checked", 1)


def test_the_cohort_summary_carries_figures_only(cohort_run) -> None:
    reports, _, private = cohort_run
    texts = [p.read_text(encoding="utf-8") for p in _files(reports / "_cohort")]
    assert texts, "no cohort summary was written"
    for who, secrets in private.items():
        for secret in secrets:
            for text in texts:
                assert secret not in text, f"the coach's summary shows {who}'s {secret!r}"
    summary = json.loads((reports / "_cohort" / WEEK / "summary.json").read_text("utf-8"))
    for row in summary["participants"]:
        for key, value in row.items():
            if key in ("participant", "report"):
                continue
            if key == "stuck":  # reasons in words, written by coachkit, about figures
                assert all(isinstance(reason, str) for reason in value)
                continue
            if key == "verdict":  # "two calls short": coachkit's words about the figures
                assert isinstance(value, str)
                continue
            _assert_figures(value, key)


def _assert_figures(value, where: str) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _assert_figures(inner, f"{where}.{key}")
    elif isinstance(value, list):
        for inner in value:
            _assert_figures(inner, where)
    else:
        assert (
            value is None
            or isinstance(value, bool | int | float)
            or where.endswith(("metric", "period"))
            # the calendar month of a monthly target's row: a date, not a participant's words
            or (where.endswith("month") and re.fullmatch(r"\d{4}-\d{2}", str(value)))
        ), f"{where} = {value!r} is not a figure"


def test_no_report_shows_another_participants_data(cohort_run) -> None:
    _, result, private = cohort_run
    for paths in result.reports:
        owner = "ana" if "ana" in paths.folder.parts[-2] else "ben"
        other = "ben" if owner == "ana" else "ana"
        for file in _files(paths.folder):
            text = file.read_text(encoding="utf-8", errors="replace")
            for secret in private[other]:
                assert secret not in text, f"{file} shows {other}'s {secret!r}"
            assert f"secret-{other}" not in text
