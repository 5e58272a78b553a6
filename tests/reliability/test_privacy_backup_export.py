"""Workbook files, backups, exports and calendars are readable only by their owner (even
under a permissive umask); `coachkit backup` writes a consistent copy even during writes;
`coachkit export` gives everything as CSV, which reads back equal to the workbook."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pandas as pd
import pytest

from coachkit import create_workbook, open_workbook
from coachkit.cli import main
from coachkit.export import TABLES

from ._support import integrity, start_worker

pytestmark = pytest.mark.reliability


@pytest.fixture
def open_umask():
    """Run with umask 0: private modes must come from coachkit, not from the umask."""
    old = os.umask(0)
    yield
    os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_every_file_coachkit_writes_is_private(tmp_path: Path, open_umask, figures) -> None:
    folder = tmp_path / "wb"
    assert main(["init", str(folder), "--name", "Ana"]) == 0
    with open_workbook(folder) as wb:
        cid = wb.add_contact("Léa Martin", notes="private")
        wb.log_activity(cid, "outreach", "2026-11-22")
        # While open, the WAL and shared-memory files hold data too.
        for name in ("workbook.sqlite", "workbook.sqlite-wal", "workbook.sqlite-shm"):
            assert _mode(folder / name) == 0o600, name
    assert main(["backup", str(folder), "--out", str(tmp_path / "copies" / "b.sqlite")]) == 0
    assert main(["export", str(folder), "--out", str(tmp_path / "csv")]) == 0
    assert main(["calendar", str(folder), "--out", str(tmp_path / "cal" / "plan.ics"),
                 "--today", "2026-11-25"]) == 0  # fmt: skip
    checked = {
        folder: 0o700,
        folder / "workbook.sqlite": 0o600,
        tmp_path / "copies": 0o700,
        tmp_path / "copies" / "b.sqlite": 0o600,
        tmp_path / "csv": 0o700,
        tmp_path / "cal": 0o700,
        tmp_path / "cal" / "plan.ics": 0o600,
        **{tmp_path / "csv" / f"{table}.csv": 0o600 for table in TABLES},
    }
    for path, expected in checked.items():
        assert _mode(path) == expected, f"{path} is {oct(_mode(path))}"
    figures.add("privacy: files and folders checked", len(checked) + 3)
    leftovers = [p for p in tmp_path.rglob("*.partial")]
    assert not leftovers


def test_a_migration_backup_is_private(tmp_path: Path, open_umask) -> None:
    import sqlite3

    from coachkit import _schema

    folder = tmp_path / "old"
    folder.mkdir(mode=0o700)
    os.close(os.open(folder / "workbook.sqlite", os.O_CREAT | os.O_WRONLY, 0o600))
    conn = sqlite3.connect(folder / "workbook.sqlite", isolation_level=None)
    _schema.create(conn, target=1)
    conn.close()
    open_workbook(folder).close()
    (backup,) = (folder / "backups").iterdir()
    assert _mode(folder / "backups") == 0o700
    assert _mode(backup) == 0o600


def test_backups_during_writes_are_consistent_copies(tmp_path: Path, figures) -> None:
    folder = tmp_path / "wb"
    create_workbook(folder).close()
    writer = start_worker("pairs", folder, 600)
    assert writer.stdout.readline().strip() == "ready"
    writer.stdin.write("go\n")
    writer.stdin.flush()
    copies = []
    while writer.poll() is None or not copies:
        dest = tmp_path / "copies" / f"b{len(copies):03d}"
        dest.mkdir(parents=True)
        assert main(["backup", str(folder), "--out", str(dest)]) == 0
        copies.append(dest)
    writer.communicate(timeout=120)
    assert writer.returncode == 0

    counts = []
    for dest in copies:
        assert integrity(dest / "workbook.sqlite") == "ok"
        with open_workbook(dest) as copy:
            contacts, activities = len(copy.contacts()), len(copy.activities())
        assert contacts == activities, f"{dest}: a copy caught half a transaction"
        counts.append(contacts)
    assert counts == sorted(counts)
    figures.add("backup: copies taken during writes", len(copies))
    figures.add("backup: copies taken mid-run (neither empty nor complete)",
                sum(0 < c < 600 for c in counts))  # fmt: skip


def test_export_gives_everything_and_reads_back_equal(filled, tmp_path: Path) -> None:
    wb = filled
    wb.add_contact("'quoted", notes="line one\r\nline two\rthree", tags="=1+1;@x")
    wb.set_target("calls", 3, today="2026-11-18")  # a change: the history has two rows
    wb.remove_target("meetings", today="2026-11-18")
    expected = {
        "contacts": wb.contacts(),
        "activities": wb.activities(),
        "firms": wb.firms(),
        "goals": pd.DataFrame(
            [
                (kind, rank, value)
                for kind in ("industries", "roles", "locations")
                for rank, value in enumerate(getattr(wb.goals, kind), start=1)
            ],
            columns=["kind", "rank", "value"],
        ),
        "targets": wb.query("SELECT metric, period, amount, label FROM targets ORDER BY position"),
        "target_history": wb.query(
            "SELECT c.metric, CASE c.since WHEN '0001-01-01' THEN '' ELSE c.since END AS since, "
            "c.period, COALESCE(c.amount, '') AS amount, "
            "CASE WHEN c.amount IS NULL THEN 'True' ELSE 'False' END AS removed, c.label "
            "FROM target_changes c LEFT JOIN targets t ON t.metric = c.metric "
            "ORDER BY COALESCE(t.position, 1000000), c.metric, c.since"
        ),
    }
    assert len(expected["target_history"]) == 5  # 3 since always, calls from W47, meetings off
    profile = wb.profile
    folder = wb.folder
    wb.close()
    assert main(["export", str(folder), "--out", str(tmp_path / "out")]) == 0

    def read(table: str) -> pd.DataFrame:
        back = pd.read_csv(tmp_path / "out" / f"{table}.csv", dtype=str, keep_default_na=False)
        # undo the export's apostrophe (added before formulas and before a leading ')
        return back.map(lambda v: v[1:] if v.startswith("'") else v)

    for table, frame in expected.items():
        back = read(table)
        assert list(back.columns) == list(frame.columns), table
        assert len(back) == len(frame), table
        for column in frame.columns:
            want = frame[column]
            if pd.api.types.is_datetime64_any_dtype(want):
                want = want.dt.strftime("%Y-%m-%d")
            want = ["" if pd.isna(v) else str(v) for v in want]
            assert back[column].tolist() == want, f"{table}.{column}"
    row = read("profile").iloc[0]
    assert row["name"] == profile.name
    assert int(row["follow_up_days"]) == profile.follow_up_days
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        f"{t}.csv" for t in TABLES
    )
