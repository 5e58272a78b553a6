"""`coachkit cohort report`: parallel reports, a broken workbook, figures only, isolation.

Two participants hold the same hand-built history but tell-apart contacts (every name,
email and note carries "Alpha" or "Beta"); a third folder holds a garbage workbook file.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

import pytest

from coachkit.cli import main
from coachkit.report import run_report
from tests.unit.test_report_figures import TODAY, WEEK, build_fixture

pytestmark = pytest.mark.integration

# The first four appear in a participant's own report (calls due, overdue, mentors).
SECRETS = {
    "alpha": ["Carla DiazAlpha", "Eve ParkAlpha", "Dan WuAlpha", "</script>Alpha",
              "Alice MartinAlpha", "alicealpha@qonto.example", "Gus LeeAlpha", "ritualsAlpha",
              "=SUM(1)Alpha"],
    "beta": ["Carla DiazBeta", "Eve ParkBeta", "Dan WuBeta", "</script>Beta",
             "Alice MartinBeta", "alicebeta@qonto.example", "Gus LeeBeta", "ritualsBeta",
             "=SUM(1)Beta"],
}  # fmt: skip


def _files(folder: Path) -> str:
    """Every file a report wrote, as one text (HTML entities undone for the names)."""
    import html

    text = "".join(p.read_text("utf-8") for p in sorted(folder.rglob("*")) if p.is_file())
    return html.unescape(text)


@pytest.fixture(scope="module")
def cohort(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("cohort")
    folder = root / "cohort"
    build_fixture(folder / "alpha", suffix="Alpha", name="Participant Alpha").close()
    build_fixture(folder / "beta", suffix="Beta", name="Participant Beta").close()
    (folder / "broken").mkdir()
    (folder / "broken" / "workbook.sqlite").write_bytes(b"garbage, not SQLite" * 50)
    out = root / "reports"
    printed, errors = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(errors):
        code = main(["cohort", "report", str(folder), "--week", WEEK, "--today",
                     TODAY.isoformat(), "--out", str(out), "--jobs", "2"])  # fmt: skip
    return {"code": code, "out": out, "folder": folder, "root": root,
            "printed": printed.getvalue(), "errors": errors.getvalue()}  # fmt: skip


def test_a_broken_workbook_does_not_stop_the_others(cohort: dict) -> None:
    assert cohort["code"] == 6  # non-zero: one report failed
    assert "1 report(s) failed" in cohort["errors"]
    assert "broken:" in cohort["errors"]
    assert "not a coachkit workbook or is damaged" in cohort["errors"]
    assert "reports 2026-W48" in cohort["errors"]  # the progress bar
    for name in ("alpha", "beta"):
        assert (cohort["out"] / name / WEEK / "report.html").is_file()
    assert not (cohort["out"] / "broken").exists()
    summary = json.loads((cohort["out"] / "_cohort" / WEEK / "summary.json").read_text())
    assert summary["failures"][0]["participant"] == "broken"
    assert summary["totals"]["participants"] == 3
    assert summary["totals"]["reports"] == 2


def test_cohort_summary_shows_figures_side_by_side(cohort: dict) -> None:
    summary = json.loads((cohort["out"] / "_cohort" / WEEK / "summary.json").read_text())
    rows = {r["participant"]: r for r in summary["participants"]}
    assert set(rows) == {"Participant Alpha", "Participant Beta"}
    for row in rows.values():
        actual = {t["metric"]: t["actual"] for t in row["targets"]}
        assert actual == {"new_contacts": 0, "calls": 1, "meetings": 2}
        assert row["stuck"] == ["weekly targets missed 3 weeks running", "1 follow-up call overdue"]
    assert summary["totals"]["month"]["outreach"] == 12
    page = (cohort["out"] / "_cohort" / WEEK / "summary.html").read_text()
    assert 'href="../../alpha/2026-W48/report.html"' in page
    assert "<script" not in page.lower() and "https:" not in page


def test_cohort_summary_holds_no_contact_data(cohort: dict) -> None:
    text = _files(cohort["out"] / "_cohort")
    for secret in SECRETS["alpha"] + SECRETS["beta"] + ["<script>", "+33", "Qonto"]:
        assert secret not in text


def test_one_participant_never_sees_another_s_data(cohort: dict, tmp_path: Path) -> None:
    # Run in parallel in the cohort (kernels forked from one zygote)...
    alpha = _files(cohort["out"] / "alpha")
    beta = _files(cohort["out"] / "beta")
    assert all(secret in alpha for secret in SECRETS["alpha"][:4])  # the check can fail
    assert not any(secret in alpha for secret in SECRETS["beta"])
    assert not any(secret in beta for secret in SECRETS["alpha"])
    # ...and one after the other in this process: both engines, and the command's kernel
    # forked from this very process (which has read both workbooks).
    for way in ("coachkit", "nbclient", "command"):
        out = tmp_path / way
        for name in ("beta", "alpha"):
            if way == "command":
                with contextlib.redirect_stdout(io.StringIO()):
                    assert main(["report", str(cohort["folder"] / name), "--week", WEEK,
                                 "--today", TODAY.isoformat(), "--out", str(out)]) == 0  # fmt: skip
            else:
                run_report(cohort["folder"] / name, WEEK, TODAY, out, engine=way)
        alpha, beta = _files(out / "alpha"), _files(out / "beta")
        assert "Carla DiazAlpha" in alpha and "Carla DiazBeta" in beta
        assert not any(secret in alpha for secret in SECRETS["beta"])
        assert not any(secret in beta for secret in SECRETS["alpha"])


def test_demo_command_makes_reports_and_says_where(tmp_path: Path) -> None:
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(io.StringIO()):
        code = main(["demo", "--out", str(tmp_path / "demo"), "--today", TODAY.isoformat()])
    assert code == 0
    paths = re.findall(r"(/\S+\.html)", printed.getvalue())
    assert len(paths) == 4  # three participants' reports and the cohort summary
    assert all(Path(p).is_file() for p in paths)
    # The demo reports the last full week (2026-W47): the current one is still under way.
    assert all("/2026-W47/" in p for p in paths)
    summary = json.loads((tmp_path / "demo/reports/_cohort/2026-W47/summary.json").read_text())
    stuck = {r["participant"]: r["stuck"] for r in summary["participants"]}
    verdicts = {r["participant"]: r["verdict"] for r in summary["participants"]}
    assert set(stuck) == {"Ana Lima", "Ben Okafor", "Chloé Martin"}
    assert verdicts["Ana Lima"] == "on track"
    assert verdicts["Ben Okafor"] != "on track"
    assert any("weeks running" in reason for reason in stuck["Ben Okafor"])  # behind
    # Run again into the same folder: refused, the demo already there is left alone.
    with contextlib.redirect_stderr(io.StringIO()) as errors:
        assert main(["demo", "--out", str(tmp_path / "demo")]) == 4
    assert "already" in errors.getvalue()
