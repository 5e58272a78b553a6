"""`coachkit report`: one papermill run (shared by the module) and what it wrote."""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

import pytest

from coachkit import open_workbook
from coachkit.cli import main
from coachkit.report import build_report
from tests.unit.test_report_figures import PARTICIPANT, TODAY, WEEK, XSS, build_fixture

pytestmark = pytest.mark.functional


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Run `coachkit report` once on the hand-built workbook; share the result."""
    root = tmp_path_factory.mktemp("report")
    build_fixture(root / "zoe").close()
    out = root / "reports"
    import contextlib
    import io

    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        code = main(
            ["report", str(root / "zoe"), "--week", WEEK, "--today", TODAY.isoformat(),
             "--out", str(out)]
        )  # fmt: skip
    folder = out / "zoe" / WEEK
    return {"code": code, "printed": printed.getvalue(), "root": root, "out": out,
            "folder": folder, "html": (folder / "report.html").read_text("utf-8")}  # fmt: skip


def test_command_prints_where_it_wrote(made: dict) -> None:
    assert made["code"] == 0
    folder = made["folder"]
    assert str(folder / "report.html") in made["printed"]
    assert str(folder / "summary.json") in made["printed"]
    assert sorted(os.listdir(folder)) == ["report.html", "summary.json", "weekly_report.ipynb"]
    assert os.listdir(folder.parent) == [WEEK]  # no temporary folder left behind


def test_summary_json_holds_the_hand_worked_figures(made: dict) -> None:
    summary = json.loads((made["folder"] / "summary.json").read_text("utf-8"))
    rows = {r["metric"]: (r["actual"], r["target"]) for r in summary["scorecard"]}
    assert rows == {"new_contacts": (0, 5), "calls": (1, 2), "meetings": (2, 4)}
    assert summary["funnel"]["month"]["outreach"] == 6
    assert summary["funnel"]["week"]["calls_reached"] == 1
    assert [c["contact"] for c in summary["plan"]["overdue"]] == [XSS]
    assert summary["network"]["referral_yield"] == 0.5
    # The notebook computed exactly what the library computes in-process.
    with open_workbook(made["root"] / "zoe") as wb:
        assert summary == build_report(wb, WEEK, TODAY).summary()


def test_html_has_no_code_and_no_external_resource(made: dict) -> None:
    page = made["html"]
    for code in ("import ", "render_scorecard", "open_workbook", "build_report", "output_dir"):
        assert code not in page
    assert "jp-InputArea" not in page and "input_area" not in page
    assert "<script" not in page.lower()
    assert not re.search(r"<link[^>]*href=", page, re.IGNORECASE)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page, re.IGNORECASE)
    assert "http:" not in page and "https:" not in page  # nothing to fetch: it opens offline
    assert "Content-Security-Policy" in page
    # Every section is there, with its charts embedded.
    for title in ("The scorecard", "The funnel", "Next week", "Your network", "A note for"):
        assert title in page
    assert page.count("data:image/png;base64,") == 2


def test_html_escapes_participant_supplied_text(made: dict) -> None:
    page = made["html"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert XSS not in page
    assert "Zoë &lt;Test&gt; &amp; Co" in page
    assert PARTICIPANT not in page


def test_files_are_private(made: dict) -> None:
    folder = made["folder"]
    for path in folder.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    for path in (folder, folder.parent, made["out"]):
        assert stat.S_IMODE(path.stat().st_mode) == 0o700, path


def test_bad_week_writes_nothing(tmp_path: Path, made: dict, capsys) -> None:
    out = tmp_path / "reports"
    code = main(["report", str(made["root"] / "zoe"), "--week", "2026-W99",
                 "--today", TODAY.isoformat(), "--out", str(out)])  # fmt: skip
    assert code == 2
    assert "week" in capsys.readouterr().err
    assert not out.exists()


def test_damaged_workbook_is_named(tmp_path: Path, capsys) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "workbook.sqlite").write_bytes(b"not a database" * 100)
    code = main(["report", str(broken), "--week", WEEK, "--today", TODAY.isoformat(),
                 "--out", str(tmp_path / "reports")])  # fmt: skip
    assert code == 4
    assert str(broken / "workbook.sqlite") in capsys.readouterr().err
    assert not (tmp_path / "reports").exists()
