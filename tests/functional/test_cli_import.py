"""`coachkit import`: the summary a person reads, and exit codes a script can rely on."""

from __future__ import annotations

from pathlib import Path

import pytest

from coachkit import open_workbook
from coachkit.cli import main

pytestmark = pytest.mark.functional

DATA = Path(__file__).resolve().parents[1] / "data" / "imports"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / "my-workbook"
    assert main(["init", str(folder), "--name", "Ana Lima"]) == 0
    return folder


def names(folder: Path) -> list[str]:
    with open_workbook(folder) as wb:
        return [r["name"] for r in wb.contact_records()]


def test_import_prints_the_summary(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["import", str(folder), str(DATA / "linkedin_connections.csv")]) == 0
    out = capsys.readouterr().out
    golden = (DATA / "linkedin_connections.summary.txt").read_text(encoding="utf-8")
    assert out == golden
    assert len(names(folder)) == 7


def test_importing_again_says_nothing_is_new(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(DATA / "contacts_v4.vcf")
    assert main(["import", str(folder), path]) == 0
    capsys.readouterr()
    assert main(["import", str(folder), path, "--format", "vcard"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[:2] == [
        "Imported contacts_v4.vcf (vCard): 0 added, 0 merged, 2 unchanged, 0 skipped.",
        "  Nothing new: everyone in this file is already in the workbook.",
    ]
    assert names(folder) == ["Priya Patel", "Omar Haddad"]


def test_map_option_for_a_spreadsheet(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["import", str(folder), str(DATA / "spreadsheet.csv")]
    argv += ["--map", "name=Full name", "--map", "firm = Org", "--map", "connected_on=Met on"]
    assert main(argv) == 0
    assert capsys.readouterr().out.startswith(
        "Imported spreadsheet.csv (CSV): 2 added, 0 merged, 0 unchanged, 1 skipped."
    )
    with open_workbook(folder) as wb:
        nadia = wb.contact_records()[0]
    assert (nadia["name"], nadia["firm"], nadia["connected_on"]) == (
        "Nadia Benali",
        "BNP Paribas",
        "2025-09-14",
    )


def test_unreadable_file_exits_5_and_changes_nothing(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", str(folder), str(DATA / "contacts_v3.vcf")]) == 0
    broken = tmp_path / "Basic_LinkedInDataExport.zip"
    broken.write_bytes(b"PK\x03\x04" + b"\x00" * 40)  # a download cut short
    capsys.readouterr()

    assert main(["import", str(folder), str(broken)]) == 5

    err = capsys.readouterr().err
    assert "is a damaged or incomplete zip file" in err
    assert "What to do: download the export again" in err
    assert err.rstrip().endswith("Nothing was imported: the workbook is unchanged.")
    assert names(folder) == ["Jane Doe", "Marc Dubois"]


def test_wrong_format_option_exits_5(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = str(DATA / "linkedin_connections.csv")
    assert main(["import", str(folder), path, "--format", "google"]) == 5
    assert "does not look like a Google Contacts CSV" in capsys.readouterr().err
    assert names(folder) == []


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--map", "name"], "--map: 'name' should look like FIELD=COLUMN"),
        (["--map", "company=Org"], "mapping: 'company' is not a contact field"),
    ],
)
def test_bad_map_exits_2(
    folder: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    assert main(["import", str(folder), str(DATA / "spreadsheet.csv"), *extra]) == 2
    assert message in capsys.readouterr().err
    assert names(folder) == []


def test_unknown_format_is_a_usage_error(folder: Path) -> None:
    assert main(["import", str(folder), str(DATA / "spreadsheet.csv"), "--format", "xls"]) == 2


def test_missing_workbook_exits_4(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = str(DATA / "contacts_v4.vcf")
    assert main(["import", str(tmp_path / "nowhere"), path]) == 4
    assert "no workbook here" in capsys.readouterr().err


def test_help_says_where_to_get_the_files(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", "--help"]) == 0
    out = capsys.readouterr().out
    assert '"Get a copy of your data"' in out
    assert "Connections.csv" in out
    assert "--map FIELD=COLUMN" in out


def test_format_option_names_every_reader(folder: Path) -> None:
    from coachkit.cli import _IMPORT_FORMATS
    from coachkit.importers import FORMATS

    assert set(_IMPORT_FORMATS) == set(FORMATS)  # --format offers exactly what is read
    outlook = Path(__file__).parents[1] / "data" / "real-shapes" / "outlook-2003-export.csv"
    assert main(["import", str(folder), str(outlook), "--format", "outlook"]) == 0
    assert names(folder) == ["Gunnhild Aasen", "Tariq Benali"]
