"""The CLI as a script sees it: exit codes, messages, files written."""

from __future__ import annotations

import csv
import stat

import pytest

from coachkit import open_workbook
from coachkit.cli import main

pytestmark = pytest.mark.functional


def test_init_then_mentors(tmp_path, capsys):
    folder = tmp_path / "wb"
    assert main(["init", str(folder), "--name", "Ana"]) == 0
    assert "Created a new workbook" in capsys.readouterr().out
    assert main(["init", str(folder)]) == 4  # already there: refused, not overwritten
    assert "already exists" in capsys.readouterr().err
    with open_workbook(folder) as wb:
        wb.add_contact("Bo", firm="Doctolib", position="Product Lead")
    assert main(["mentors", str(folder)]) == 0
    assert "No goals yet" in capsys.readouterr().out
    assert main(["goals", str(folder), "--role", "Product", "--industry", "Health tech"]) == 0
    assert "industries: Health tech; roles: Product" in capsys.readouterr().out
    assert main(["tag-firm", str(folder), "Doctolib SAS", "--industry", "Health tech"]) == 0
    assert main(["mentors", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "1. Bo: Product Lead at Doctolib: industry and role match" in out


def test_goals_refuses_too_many_and_keeps_the_old(workbook, capsys):
    workbook.set_goals(roles=["Product"])
    roles = [arg for i in range(6) for arg in ("--role", f"R{i}")]
    assert main(["goals", str(workbook.folder), *roles]) == 2
    assert "roles: has 6 entries" in capsys.readouterr().err
    assert workbook.goals.roles == ("Product",)


def test_missing_workbook_exit_code(tmp_path, capsys):
    assert main(["mentors", str(tmp_path / "nope")]) == 4
    err = capsys.readouterr().err
    assert "no workbook here" in err and "coachkit init" in err


def test_usage_errors_exit_2(capsys):
    assert main(["frobnicate"]) == 2
    assert main([]) == 2


def test_help_is_readable(capsys):
    assert main(["--help"]) == 0
    assert "coachkit init my-workbook" in capsys.readouterr().out


def test_export_neutralises_formulas_and_round_trips(workbook, tmp_path, capsys):
    workbook.add_contact('=HYPERLINK("http://evil")', firm="+Acme", notes="-2+3")
    workbook.add_contact("Plain Name", firm="Acme Two")
    out = tmp_path / "csv"
    assert main(["export", str(workbook.folder), "--out", str(out)]) == 0
    with (out / "contacts.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["name"] == '\'=HYPERLINK("http://evil")'
    assert rows[0]["firm"] == "'+Acme"
    assert rows[0]["notes"] == "'-2+3"
    assert rows[1]["name"] == "Plain Name"
    assert {p.name for p in out.iterdir()} == {
        f"{t}.csv"
        for t in (
            "profile",
            "goals",
            "targets",
            "target_history",
            "firms",
            "contacts",
            "activities",
        )
    }
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in out.iterdir())


def test_backup_is_a_working_workbook(workbook, tmp_path):
    workbook.add_contact("Ana")
    dest = tmp_path / "copy"
    dest.mkdir()
    assert main(["backup", str(workbook.folder), "--out", str(dest)]) == 0
    with open_workbook(dest) as copy:
        assert list(copy.contacts()["name"]) == ["Ana"]
    assert stat.S_IMODE((dest / "workbook.sqlite").stat().st_mode) == 0o600


def test_demo_with_a_date_at_the_edge_of_the_calendar_is_refused(tmp_path, capsys):
    # Found by the reliability suite: the last full week before 0001-01-01 overflowed.
    assert main(["demo", "--out", str(tmp_path / "d"), "--today", "0001-01-01"]) == 2
    assert "too far in the past" in capsys.readouterr().err
    assert not (tmp_path / "d").exists()


def test_init_keeps_the_call_back_number_and_refuses_a_bad_one_writing_nothing(tmp_path, capsys):

    bad = tmp_path / "bad"
    assert main(["init", str(bad), "--phone", "call me"]) == 2
    assert "phone: 'call me' is not a phone number" in capsys.readouterr().err
    assert not bad.exists()  # refused before anything was created
    folder = tmp_path / "wb"
    assert main(["init", str(folder), "--name", "Ana", "--phone", "+33 6 12 34 56 78"]) == 0
    with open_workbook(folder) as wb:
        assert wb.profile.phone == "+33 6 12 34 56 78"
