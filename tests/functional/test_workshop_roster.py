"""`coachkit workshop init` and `links` as a coach runs them: files, re-runs, messages."""

from __future__ import annotations

import stat

import pytest

from coachkit import open_workbook
from coachkit.cli import main

pytestmark = pytest.mark.functional


def _write(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


def test_init_makes_named_private_workbooks_and_a_rerun_only_adds(tmp_path, capsys):
    roster = _write(
        tmp_path / "roster.csv", "name,username,email\r\nAna Lima,ana,ana@example.org\r\n",
        encoding="utf-8-sig",  # Excel's "CSV UTF-8": a BOM and CRLF
    )  # fmt: skip
    cohort = tmp_path / "cohort"
    assert main(["workshop", "init", str(roster), "--cohort", str(cohort)]) == 0
    assert "1 workbook(s) created, 0 already there" in capsys.readouterr().out
    with open_workbook(cohort / "ana") as wb:
        assert wb.profile.name == "Ana Lima"
        wb.set_goals(roles=["Product"])  # Ana works in her workbook...
    assert stat.S_IMODE((cohort / "ana").stat().st_mode) == 0o700
    assert stat.S_IMODE((cohort / "ana" / "workbook.sqlite").stat().st_mode) == 0o600
    before = (cohort / "ana" / "workbook.sqlite").read_bytes()

    # ...the coach adds Bruno, and renames Ana in the spreadsheet: Ana's workbook is untouched.
    _write(
        roster,
        "name,username,email\nAna Lima-Souza,ana,ana@example.org\nBruno Araújo,bruno,\n",
        encoding="cp1252",  # Excel's plain "CSV" on Windows
    )
    assert main(["workshop", "init", str(roster), "--cohort", str(cohort)]) == 0
    assert "1 workbook(s) created, 1 already there" in capsys.readouterr().out
    assert (cohort / "ana" / "workbook.sqlite").read_bytes() == before
    with open_workbook(cohort / "bruno") as wb:
        assert wb.profile.name == "Bruno Araújo"
    assert sorted(p.name for p in cohort.iterdir()) == ["ana", "bruno"]
    # Twice in a row changes nothing at all.
    assert main(["workshop", "init", str(roster), "--cohort", str(cohort)]) == 0
    assert "0 workbook(s) created, 2 already there" in capsys.readouterr().out


def test_a_bad_row_refuses_the_whole_roster_and_creates_nothing(tmp_path, capsys):
    roster = _write(tmp_path / "roster.csv", "name,username\nAna,ana\nJosé,José\n")
    cohort = tmp_path / "cohort"
    assert main(["workshop", "init", str(roster), "--cohort", str(cohort)]) == 2
    err = capsys.readouterr().err
    assert f"{roster}, line 3, username: 'José' is not a safe login" in err
    assert "What to do: choose another login" in err
    assert not cohort.exists()


def test_links_prints_each_participants_own_link(tmp_path, capsys):
    roster = _write(tmp_path / "roster.csv", "name,username\nAna Lima,ana\nBo,bo\n")
    assert main(["workshop", "links", str(roster), "--hub-url", "http://127.0.0.1:8000"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "Ana Lima  ana           http://127.0.0.1:8000/user/ana/voila/render/"
        "coachkit-notebooks/01_start_here.ipynb",
        "Bo        bo            http://127.0.0.1:8000/user/bo/voila/render/"
        "coachkit-notebooks/01_start_here.ipynb",
    ]


def test_remove_users_asks_for_yes(tmp_path, capsys):
    roster = _write(tmp_path / "roster.csv", "name,username\nAna Lima,ana\n")
    assert main(["workshop", "remove-users", str(roster)]) == 2
    assert "--yes: this deletes the participants' homes" in capsys.readouterr().err
