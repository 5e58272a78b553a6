"""A process killed (SIGKILL) in the middle of a save, a stream of saves, or a backup leaves
a workbook that opens, holding all or none of the interrupted operation."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from coachkit import create_workbook, open_workbook

from ._support import integrity, start_worker

pytestmark = pytest.mark.reliability

# Seconds between the worker saying "go" and the kill: from "before the first write" to
# "probably finished", so that some kills land mid-transaction.
KILL_DELAYS = (0.0, 0.005, 0.02, 0.05, 0.1, 0.2, 0.4)
BIG_SAVE = 3000


def _kill_after(worker, delay: float) -> str:
    """Release the worker, kill it ``delay`` seconds after it starts; return what it printed."""
    assert worker.stdout.readline().strip() == "ready", worker.stderr.read()
    worker.stdin.write("go\n")
    worker.stdin.flush()
    assert worker.stdout.readline().strip() == "go"
    time.sleep(delay)
    os.kill(worker.pid, signal.SIGKILL)
    out, _ = worker.communicate(timeout=60)  # drains and closes the pipes
    return out


@pytest.mark.parametrize("delay", KILL_DELAYS)
def test_a_kill_during_one_big_save_keeps_all_or_none(tmp_path: Path, delay, figures) -> None:
    folder = tmp_path / "wb"
    with create_workbook(folder) as wb:
        wb.add_contact("Already there")
    worker = start_worker("save", folder, BIG_SAVE)
    _kill_after(worker, delay)

    assert integrity(folder / "workbook.sqlite") == "ok"
    with open_workbook(folder) as wb:
        saved = int((wb.contacts()["source"] == "save").sum())
        assert len(wb.contacts()) == saved + 1
    assert saved in (0, BIG_SAVE), f"a kill after {delay}s left {saved} of {BIG_SAVE} contacts"
    figures.add("crashes: kills survived", 1)
    figures.add("crashes: big-save kills that kept none", saved == 0)
    figures.add("crashes: big-save kills that kept all", saved == BIG_SAVE)


@pytest.mark.parametrize("delay", KILL_DELAYS[1:])
def test_a_kill_during_many_saves_keeps_each_acknowledged_one(tmp_path: Path, delay, figures):
    folder = tmp_path / "wb"
    with create_workbook(folder) as wb:
        cid = wb.add_contact("Someone")
    worker = start_worker("acked", folder, cid, 100_000)
    printed = _kill_after(worker, delay)
    acknowledged = sum(1 for line in printed.splitlines() if line.startswith("ok "))

    assert integrity(folder / "workbook.sqlite") == "ok"
    with open_workbook(folder) as wb:
        notes = list(wb.activities()["notes"])
    # Every write the worker saw committed is there; at most the one in flight is added.
    assert notes[:acknowledged] == [f"acked-{i}" for i in range(acknowledged)]
    assert len(notes) in (acknowledged, acknowledged + 1)
    figures.add("crashes: kills survived", 1)
    figures.add("crashes: acknowledged writes checked after a kill", acknowledged)


@pytest.mark.parametrize("delay", KILL_DELAYS[:4])
def test_a_kill_during_a_backup_leaves_no_half_copy(tmp_path: Path, delay, figures) -> None:
    folder = tmp_path / "wb"
    with create_workbook(folder) as wb:
        wb.add_contacts({"name": f"P{i}", "notes": "x" * 5000} for i in range(2000))
    dest = tmp_path / "copy.sqlite"
    worker = start_worker("backup", folder, dest)
    _kill_after(worker, delay)

    assert integrity(folder / "workbook.sqlite") == "ok"
    if dest.exists():  # the copy is moved into place only once complete
        assert integrity(dest) == "ok"
        with open_workbook(folder) as source, open_workbook_file(dest) as copy:
            assert len(copy.contacts()) == len(source.contacts())
    figures.add("crashes: kills survived", 1)
    figures.add("crashes: backup kills that left no copy", not dest.exists())


def open_workbook_file(db: Path):
    """Open a backup copy (a bare file) as a workbook, from a folder holding a copy of it."""
    folder = db.with_suffix(".d")
    folder.mkdir(mode=0o700, exist_ok=True)
    os.replace(db, folder / "workbook.sqlite")
    return open_workbook(folder)


BIG_IMPORT = 20_000


@pytest.fixture(scope="module")
def big_export(tmp_path_factory) -> Path:
    """A LinkedIn Connections.csv of 20,000 people (an import that takes a good fraction of
    a second, so that kills land in the middle of it)."""
    path = tmp_path_factory.mktemp("export") / "Connections.csv"
    rows = [
        "Notes:",
        '"When exporting your connection data, you may notice that some of the email '
        'addresses are missing."',
        "",
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On",
    ]
    rows += [
        f'Person{i},Last{i},https://www.linkedin.com/in/p{i},,"Firm {i % 700}, Inc.",'
        f"Engineer {i},15 Mar 2024"
        for i in range(BIG_IMPORT)
    ]
    path.write_text("\ufeff" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("delay", (0.2, 0.5, 0.8, 1.1, 1.6))
def test_a_kill_during_an_import_keeps_all_or_none(tmp_path, big_export, delay, figures) -> None:
    from coachkit.importers import import_contacts

    folder = tmp_path / "wb"
    with create_workbook(folder) as wb:
        wb.add_contact("Already there", firm="Old Firm")
    worker = start_worker("import", folder, big_export)
    _kill_after(worker, delay)

    assert integrity(folder / "workbook.sqlite") == "ok"
    with open_workbook(folder) as wb:
        contacts, firms = len(wb.contacts()), len(wb.firms())
        assert (contacts, firms) in ((1, 1), (1 + BIG_IMPORT, 1 + 700)), (contacts, firms)
        # Importing again after the crash finishes the job, without duplicates.
        summary = import_contacts(wb, big_export)
        assert len(wb.contacts()) == 1 + BIG_IMPORT
        assert summary.added == (BIG_IMPORT if contacts == 1 else 0)
    figures.add("crashes: kills survived", 1)
    figures.add("crashes: import kills that kept none", contacts == 1)
    figures.add("crashes: import kills that kept all", contacts > 1)


def test_two_imports_of_one_file_at_once_add_each_person_once(tmp_path, big_export, figures):
    """Two notebooks importing the same export at the same moment: the second one waits,
    then finds everyone already there (matching happens inside the write transaction)."""
    folder = tmp_path / "wb"
    create_workbook(folder).close()
    workers = [start_worker("import", folder, big_export) for _ in range(2)]
    for worker in workers:
        assert worker.stdout.readline().strip() == "ready", worker.stderr.read()
    for worker in workers:
        worker.stdin.write("go\n")
        worker.stdin.flush()
    for worker in workers:
        out, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, err
        assert out.rstrip().endswith("done")
    assert integrity(folder / "workbook.sqlite") == "ok"
    with open_workbook(folder) as wb:
        assert len(wb.contacts()) == BIG_IMPORT
        assert wb.contacts()["profile_url"].is_unique
    figures.add("concurrency: simultaneous imports checked", 1)


@pytest.mark.parametrize("delay", (0.0, 0.04, 0.08, 0.11, 0.15))
def test_a_kill_while_an_old_workbook_is_migrated_leaves_it_old_or_new(tmp_path, delay, figures):
    """Opening an old workbook backs it up, then migrates it: a kill at any moment leaves
    the old or the new version, with every row, and the next opening finishes the job."""
    import sqlite3

    from coachkit import _schema

    folder = tmp_path / "old"
    folder.mkdir(mode=0o700)
    conn = sqlite3.connect(folder / "workbook.sqlite", isolation_level=None)
    _schema.create(conn, target=1)
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO contacts (name, name_key, notes) VALUES (?, ?, ?)",
        ((f"P{i}", f"p{i}", "n" * 2000) for i in range(5000)),  # a backup that takes a while
    )
    conn.execute("COMMIT")
    conn.close()
    worker = start_worker("open", folder)
    _kill_after(worker, delay)

    assert integrity(folder / "workbook.sqlite") == "ok"
    conn = sqlite3.connect(folder / "workbook.sqlite")
    version = _schema.version(conn)
    rows = conn.execute("SELECT count(*) FROM contacts").fetchone()[0]
    conn.close()
    assert version in (1, _schema.SCHEMA_VERSION)
    assert rows == 5000
    with open_workbook(folder) as wb:
        assert len(wb.contacts()) == 5000
    figures.add("crashes: kills survived", 1)
    figures.add("crashes: migration kills that left the old version", version == 1)
    figures.add("crashes: migration kills after the migration", version != 1)
