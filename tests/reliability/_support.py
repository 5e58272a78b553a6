"""Helpers of the reliability suite: honest workbook comparisons and worker processes."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "WORKER",
    "WorkbookState",
    "copy_workbook",
    "integrity",
    "start_worker",
    "state_of",
]

WORKER = Path(__file__).with_name("_worker.py")


@dataclass(frozen=True)
class WorkbookState:
    """What a workbook holds, compared two ways.

    ``dump`` is the logical content (``iterdump``: schema and every row); ``digest`` is the
    SHA-256 of the main file, taken after every connection is closed, so that WAL content
    has been checkpointed into it and no write can hide in a ``-wal`` file.
    """

    dump: str
    digest: str


def state_of(folder: Path) -> WorkbookState:
    """Return the state of the closed workbook in ``folder``.

    Every connection to it must be closed first: the last close checkpoints the WAL into the
    main file and deletes it, which this checks.
    """
    db = Path(folder) / "workbook.sqlite"
    conn = sqlite3.connect(db)
    try:
        dump = "\n".join(conn.iterdump())
    finally:
        conn.close()
    wal = db.with_name(db.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0, f"{wal} left behind: a connection is open"
    return WorkbookState(dump, hashlib.sha256(db.read_bytes()).hexdigest())


def integrity(db: Path) -> str:
    """Return SQLite's verdict on the file (``"ok"`` when sound), foreign keys included."""
    conn = sqlite3.connect(db)
    try:
        verdict = conn.execute("PRAGMA integrity_check").fetchone()[0]
        broken = conn.execute("PRAGMA foreign_key_check").fetchall()
    finally:
        conn.close()
    return verdict if not broken else f"{verdict}; foreign keys broken: {broken[:3]}"


def copy_workbook(source: Path, dest: Path) -> Path:
    """Copy a closed workbook folder (its main file only) to ``dest`` and return ``dest``."""
    dest.mkdir(mode=0o700, parents=True)
    shutil.copy2(Path(source) / "workbook.sqlite", dest / "workbook.sqlite")
    return dest


def start_worker(*args: object) -> subprocess.Popen[str]:
    """Start ``_worker.py`` with ``args`` in a fresh interpreter (like a second notebook)."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, str(WORKER), *map(str, args)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
