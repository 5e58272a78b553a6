"""Two processes writing one workbook at once lose nothing and corrupt nothing, and a reader
during the writes sees consistent data."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from coachkit import create_workbook, open_workbook

from ._support import integrity, start_worker

pytestmark = pytest.mark.reliability

WRITES_PER_PROCESS = 1000
PAIRS = 400
TODAY = dt.date(2026, 11, 25)


def _start_together(*workers) -> None:
    for worker in workers:
        assert worker.stdout.readline().strip() == "ready", worker.stderr.read()
    for worker in workers:  # both are open: release them at the same moment
        worker.stdin.write("go\n")
        worker.stdin.flush()


def _finish(worker) -> None:
    out, err = worker.communicate(timeout=300)
    assert worker.returncode == 0, err
    assert out.rstrip().endswith("done")


def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path, figures) -> None:
    folder = tmp_path / "shared"
    with create_workbook(folder) as wb:
        first = wb.add_contact("Notebook One")
        second = wb.add_contact("Notebook Two")
    workers = [
        start_worker("activities", folder, first, WRITES_PER_PROCESS, "one"),
        start_worker("activities", folder, second, WRITES_PER_PROCESS, "two"),
    ]
    _start_together(*workers)
    for worker in workers:
        _finish(worker)

    figures.add("concurrency: writes attempted", 2 * WRITES_PER_PROCESS)
    assert integrity(folder / "workbook.sqlite") == "ok"
    with open_workbook(folder) as wb:
        found = wb.activities()
    figures.add("concurrency: writes found", len(found))
    expected = {f"{tag}-{i}" for tag in ("one", "two") for i in range(WRITES_PER_PROCESS)}
    assert sorted(found["notes"]) == sorted(expected)
    assert (found.groupby("contact_id").size() == WRITES_PER_PROCESS).all()


def test_a_reader_during_writes_sees_whole_transactions(tmp_path: Path, figures) -> None:
    folder = tmp_path / "shared"
    create_workbook(folder).close()
    writer = start_worker("pairs", folder, PAIRS)
    _start_together(writer)
    seen: list[tuple[int, int]] = []
    with open_workbook(folder) as wb:
        while writer.poll() is None or not seen:
            with wb.snapshot() as conn:
                contacts = conn.execute(
                    "SELECT count(*) FROM contacts WHERE source = 'pair'"
                ).fetchone()[0]
                activities = conn.execute(
                    "SELECT count(*) FROM activities a JOIN contacts c ON c.id = a.contact_id "
                    "WHERE c.source = 'pair'"
                ).fetchone()[0]
            seen.append((contacts, activities))
    _finish(writer)

    figures.add("concurrency: reader snapshots", len(seen))
    torn = [pair for pair in seen if pair[0] != pair[1]]
    assert not torn, f"a snapshot saw a contact without its activity: {torn[:5]}"
    counts = [contacts for contacts, _ in seen]
    assert counts == sorted(counts), "a later snapshot saw fewer rows than an earlier one"
    with open_workbook(folder) as wb:
        assert len(wb.contacts()) == len(wb.activities()) == PAIRS


def test_plain_sqlite_reader_never_blocks_a_writer(tmp_path: Path) -> None:
    """A reader holding a snapshot open (a notebook mid-report) does not stop saves."""
    folder = tmp_path / "shared"
    with create_workbook(folder) as wb:
        cid = wb.add_contact("Someone")
    reader = sqlite3.connect(folder / "workbook.sqlite", isolation_level=None)
    try:
        reader.execute("BEGIN")
        before = reader.execute("SELECT count(*) FROM activities").fetchone()[0]
        with open_workbook(folder) as wb:
            wb.log_activity(cid, "outreach", "2026-11-22")
        # The reader's snapshot is stable; a new one sees the write.
        assert reader.execute("SELECT count(*) FROM activities").fetchone()[0] == before
        reader.execute("COMMIT")
        assert reader.execute("SELECT count(*) FROM activities").fetchone()[0] == before + 1
    finally:
        reader.close()


def test_cached_engine_reads_see_another_processs_writes(tmp_path: Path, figures) -> None:
    """The engine keeps its reads per open workbook; a write by another notebook must show."""
    from coachkit.schedule import follow_ups, read_activities

    folder = tmp_path / "shared"
    with create_workbook(folder) as wb:
        cid = wb.add_contact("Léa Martin")
        wb.log_activity(cid, "outreach", "2026-11-10", channel="email")
        assert follow_ups(wb, TODAY).iloc[0]["status"] == "overdue"
        before = len(read_activities(wb))
        writer = start_worker("activities", folder, cid, 1, "other")  # a call that reached her
        _start_together(writer)
        _finish(writer)
        figures.add("concurrency: cached reads checked after another process wrote", 1)
        assert len(read_activities(wb)) == before + 1
        assert follow_ups(wb, TODAY).iloc[0]["status"] == "done"
