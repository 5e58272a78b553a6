"""Replay every bad-input case kept under tests/regressions/.

* ``cli/*.json``: a command line (``{wb}`` = a workbook with data, ``{tmp}`` = a scratch
  folder, ``files`` made first), the exit code and a piece of the message expected; a
  failed command must leave the workbook unchanged, and never print a traceback (cases
  marked ``"process"`` are also run as a real ``coachkit`` process, their arguments passed
  as the raw bytes a terminal would send).
* ``forms/*.json``: a form, the values typed, and the field the error must show under.
* ``export/*.json``: a contact whose text once broke the CSV export; it must round-trip.
* ``api/*.json``: a workbook method called with values that once raised a bare exception.
* ``imports/<format>/*``: contact files that must end in a result or an ImportFormatError
  with the workbook unchanged (``COACHKIT_SAVE_REGRESSIONS=1`` makes the reliability suite
  save any new failing input here).

Each case records in ``found`` what went wrong before it was fixed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from coachkit import CoachkitError, create_workbook, forms, open_workbook
from coachkit.cli import main
from coachkit.export import export_csv
from coachkit.importers import import_contacts
from tests.reliability._support import integrity, state_of

pytestmark = pytest.mark.reliability

HERE = Path(__file__).parent
CLI_CASES = sorted((HERE / "cli").glob("*.json"))
FORM_CASES = sorted((HERE / "forms").glob("*.json"))
EXPORT_CASES = sorted((HERE / "export").glob("*.json"))
API_CASES = sorted((HERE / "api").glob("*.json"))
IMPORT_CASES = sorted(p for p in (HERE / "imports").rglob("*") if p.is_file())


def _load(path: Path) -> dict:
    case = json.loads(path.read_text(encoding="utf-8"))
    assert case.get("found"), f"{path.name}: say what this case found"
    return case


@pytest.fixture
def wb_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "wb"
    with create_workbook(folder, name="Ana Lima") as wb:
        cid = wb.add_contact("Léa Martin", firm="Stripe")
        wb.log_activity(cid, "outreach", "2026-11-22", channel="email")
    return folder


def _argv(case: dict, wb: Path, tmp: Path) -> list[str]:
    return [a.replace("{wb}", str(wb)).replace("{tmp}", str(tmp)) for a in case["argv"]]


@pytest.mark.parametrize("path", CLI_CASES, ids=lambda p: p.stem)
def test_cli_case(path: Path, wb_folder: Path, tmp_path: Path) -> None:
    case = _load(path)
    argv = _argv(case, wb_folder, tmp_path)
    for name, text in case.get("files", {}).items():
        made = Path(name.replace("{tmp}", str(tmp_path)))
        made.parent.mkdir(parents=True, exist_ok=True)
        made.write_text(text)
    before = state_of(wb_folder)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    assert code == case["exit"], err.getvalue()
    assert case["stderr"] in err.getvalue()
    assert "Traceback" not in err.getvalue()
    if code:
        assert state_of(wb_folder) == before
    assert integrity(wb_folder / "workbook.sqlite") == "ok"
    if "absent" in case:
        absent = Path(case["absent"].replace("{tmp}", str(tmp_path)))
        assert not absent.exists(), f"{absent} was left behind"
    if case.get("process"):
        done = subprocess.run(
            [sys.executable, "-m", "coachkit.cli", *map(os.fsencode, argv)],
            capture_output=True,
            check=False,
        )
        stderr = done.stderr.decode("utf-8", "replace")
        assert done.returncode == case["exit"], stderr
        assert "Traceback" not in stderr


@pytest.mark.parametrize("path", FORM_CASES, ids=lambda p: p.stem)
def test_form_case(path: Path, wb_folder: Path) -> None:
    case = _load(path)
    with open_workbook(wb_folder) as wb:
        cls = getattr(forms, case["form"])
        form = cls(wb, dt.date(2026, 11, 25)) if case["form"] in ("OutreachForm",) else cls(wb)
        for name, value in case["values"].items():
            getattr(form, name).value = value
        before = "\n".join(wb._conn.iterdump())
        assert form.save() is case["saved"]
        if not case["saved"]:
            assert form.error_labels[case["error_under"]].value, "no message under the field"
            assert "\n".join(wb._conn.iterdump()) == before


@pytest.mark.parametrize("path", EXPORT_CASES, ids=lambda p: p.stem)
def test_export_case(path: Path, tmp_path: Path) -> None:
    case = _load(path)
    with create_workbook(tmp_path / "wb") as wb:
        wb.add_contact(**case["contact"])
        expected = wb.contacts()
        export_csv(wb, tmp_path / "out")
    back = pd.read_csv(tmp_path / "out" / "contacts.csv", dtype=str, keep_default_na=False)
    assert len(back) == len(expected)
    for field in case["contact"]:
        got = back[field].map(lambda v: v[1:] if v.startswith("'") else v).tolist()
        assert got == ["" if pd.isna(v) else str(v) for v in expected[field]], field


@pytest.mark.parametrize("path", API_CASES, ids=lambda p: p.stem)
def test_api_case(path: Path, wb_folder: Path) -> None:
    case = _load(path)
    with open_workbook(wb_folder) as wb:
        before = "\n".join(wb._conn.iterdump())
        call = getattr(wb, case["method"])
        if case["result"] == "ok":
            call(*case["args"], **case["kwargs"])
            return
        with pytest.raises(CoachkitError) as caught:
            call(*case["args"], **case["kwargs"])
        assert getattr(caught.value, "field", None) == case["field"]
        assert "\n".join(wb._conn.iterdump()) == before


@pytest.mark.parametrize("path", IMPORT_CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_import_case(path: Path, wb_folder: Path) -> None:
    fmt = path.parent.name
    before = state_of(wb_folder)
    with open_workbook(wb_folder) as wb:
        try:
            import_contacts(wb, path, format=None if fmt == "auto" else fmt)
        except CoachkitError as exc:
            assert str(exc).strip()
            failed = True
        else:
            failed = False
    if failed:
        assert state_of(wb_folder) == before
    assert integrity(wb_folder / "workbook.sqlite") == "ok"
