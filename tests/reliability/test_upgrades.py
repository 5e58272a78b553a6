"""An older workbook opens and migrates after a backup; a newer or foreign file is refused
with a clear message and left byte-for-byte as it was."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from coachkit import SchemaVersionError, WorkbookError, _schema, open_workbook
from coachkit.cli import main

from ._support import integrity, state_of

pytestmark = pytest.mark.reliability


def _v1_workbook(folder: Path, version: int = 1) -> Path:
    """Build a workbook as schema ``version`` wrote it, with a contact and an activity."""
    folder.mkdir(mode=0o700)
    db = folder / "workbook.sqlite"
    os.close(os.open(db, os.O_CREAT | os.O_WRONLY, 0o600))
    conn = sqlite3.connect(db, isolation_level=None)
    _schema.create(conn, target=version)
    conn.execute("UPDATE profile SET name = 'Old Timer' WHERE id = 1")
    conn.execute("INSERT INTO firms (name, key) VALUES ('Stripe, Inc.', 'stripe')")
    conn.execute(
        "INSERT INTO contacts (name, name_key, firm_id, notes) VALUES ('Léa', 'lea', 1, '<i>x</i>')"
    )
    conn.execute(
        "INSERT INTO activities (contact_id, kind, on_date) VALUES (1, 'call', '2026-01-05')"
    )
    conn.close()
    return folder


@pytest.mark.parametrize("old", range(1, _schema.SCHEMA_VERSION))
def test_an_older_workbook_migrates_after_a_backup(tmp_path: Path, old, figures) -> None:
    folder = _v1_workbook(tmp_path / "old", old)
    before = state_of(folder)

    with open_workbook(folder) as wb:
        assert _schema.version(wb._conn) == _schema.SCHEMA_VERSION
        assert wb.profile.name == "Old Timer"
        contact = wb.get_contact(1)
        assert (contact["name"], contact["firm"], contact["notes"]) == (
            "Léa",
            "Stripe, Inc.",
            "<i>x</i>",
        )
        activity = wb.activities().iloc[0]
        assert activity["kind"] == "call" and activity["parent_id"] is pd_na()
        # the new columns work
        referred = wb.add_contact("Referred")
        wb.log_activity(1, "referral", "2026-01-06", related_contact_id=referred)

    backups = sorted((folder / "backups").glob(f"workbook-v{old}-*.sqlite"))
    assert len(backups) == 1
    assert (folder / "backups").stat().st_mode & 0o777 == 0o700
    assert backups[0].stat().st_mode & 0o777 == 0o600
    copy = tmp_path / "copy"
    copy.mkdir()
    os.replace(backups[0], copy / "workbook.sqlite")
    assert state_of(copy).dump == before.dump, "the backup is not the workbook as it was"
    assert integrity(folder / "workbook.sqlite") == "ok"
    figures.add("upgrades: workbooks migrated", 1)


def pd_na():
    import pandas as pd

    return pd.NA


@pytest.mark.parametrize("ahead", [1, 7])
def test_a_workbook_from_a_newer_coachkit_is_refused_untouched(tmp_path, ahead, capsys, figures):
    folder = tmp_path / "new"
    _v1_workbook(folder)
    conn = sqlite3.connect(folder / "workbook.sqlite")
    conn.execute(f"PRAGMA user_version = {_schema.SCHEMA_VERSION + ahead:d}")
    conn.close()
    before = state_of(folder)

    with pytest.raises(SchemaVersionError, match="only understands versions up to") as caught:
        open_workbook(folder)
    assert str(_schema.SCHEMA_VERSION + ahead) in str(caught.value)
    assert main(["export", str(folder), "--out", str(tmp_path / "out")]) == 4
    err = capsys.readouterr().err
    assert "upgrade coachkit" in err and "Traceback" not in err
    assert state_of(folder) == before
    assert not (folder / "backups").exists()
    figures.add("upgrades: newer workbooks refused untouched", 1)


@pytest.mark.parametrize(
    "content",
    [b"", b"not a database at all\n", b"SQLite format 3\x00" + b"\xff" * 4000, os.urandom(8192)],
    ids=["empty", "text", "bad-header", "random"],
)
def test_a_file_that_is_not_a_workbook_is_refused_untouched(tmp_path, content, capsys) -> None:
    folder = tmp_path / "odd"
    folder.mkdir()
    (folder / "workbook.sqlite").write_bytes(content)
    with pytest.raises(WorkbookError, match="damaged"):
        open_workbook(folder)
    assert main(["backup", str(folder), "--out", str(tmp_path / "b")]) == 4
    assert "Traceback" not in capsys.readouterr().err
    assert (folder / "workbook.sqlite").read_bytes() == content
    assert not (folder / "backups").exists()


def test_a_foreign_sqlite_database_is_refused_untouched(tmp_path: Path) -> None:
    folder = tmp_path / "foreign"
    folder.mkdir()
    conn = sqlite3.connect(folder / "workbook.sqlite")
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    before = state_of(folder)
    with pytest.raises(WorkbookError, match="not a coachkit workbook"):
        open_workbook(folder)
    assert state_of(folder) == before
