"""The board's store (SQLite here; PostgreSQL in tests/integration/test_workshop_postgres.py)."""

from __future__ import annotations

import datetime as dt
import stat
from concurrent.futures import ThreadPoolExecutor

import pytest

from coachkit.workshop.store import BoardStore, database_url

pytestmark = pytest.mark.unit

LIVE = {"contacts": 3, "goals_set": True, "week": "2026-W48"}
T1 = dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.UTC)
T2 = dt.datetime(2026, 11, 25, 9, 31, tzinfo=dt.UTC)


def exercise(store: BoardStore) -> None:
    """What both databases must do alike: replace per user, keep weeks apart."""
    assert store.live() == []
    store.put_live("ana", LIVE, now=T1)
    store.put_live("bo", LIVE | {"contacts": 0}, now=T1)
    store.put_live("ana", LIVE | {"contacts": 4}, now=T2)  # a second save replaces the first
    rows = store.live()
    assert [(r.username, r.figures["contacts"], r.updated_at) for r in rows] == [
        ("ana", 4, T2),
        ("bo", 0, T1),
    ]
    store.put_weekly("ana", "2026-W47", {"on_track": True}, now=T1)
    store.put_weekly("ana", "2026-W48", {"on_track": False}, now=T1)
    store.put_weekly("ana", "2026-W48", {"on_track": True}, now=T2)  # a re-made report
    store.put_weekly("bo", "2026-W48", {"on_track": False}, now=T2)
    assert [(r.username, r.figures, r.updated_at) for r in store.weekly("2026-W48")] == [
        ("ana", {"on_track": True}, T2),
        ("bo", {"on_track": False}, T2),
    ]
    assert store.weeks() == ["2026-W48", "2026-W47"]
    assert store.weekly("2026-W01") == []


def exercise_concurrency(store: BoardStore) -> None:
    """40 participants publish 5 times each, 8 at a time (the service's worker threads):
    one row each, the last save kept."""
    start = dt.datetime(2026, 11, 25, 9, tzinfo=dt.UTC)

    def publish(n: int) -> None:
        user, save = divmod(n, 5)
        store.put_live(
            f"p{user:02d}", {"contacts": save, "week": "2026-W48"},
            now=start + dt.timedelta(seconds=save),
        )  # fmt: skip

    # Saves of one participant arrive in order (one server), the participants interleave.
    with ThreadPoolExecutor(8) as pool:
        for save in range(5):
            list(pool.map(publish, [u * 5 + save for u in range(40)]))
    rows = [r for r in store.live() if r.username.startswith("p")]
    assert len(rows) == 40
    assert {r.figures["contacts"] for r in rows} == {4}


def test_sqlite_store(tmp_path):
    path = tmp_path / "board" / "figures.sqlite"
    with BoardStore(path) as store:
        exercise(store)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # figures of people: owner only
    with BoardStore(str(path)) as again:  # after a restart, everything is still there
        assert [r.username for r in again.live()] == ["ana", "bo"]


def test_sqlite_store_from_many_threads(tmp_path):
    with BoardStore(tmp_path / "figures.sqlite") as store:
        exercise_concurrency(store)


def test_database_url_from_option_environment_or_default(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert database_url(None, env={}) == f"sqlite:///{tmp_path / 'coachkit-board.sqlite'}"
    assert database_url(None, env={"COACHKIT_BOARD_DB": "x.db"}) == f"sqlite:///{tmp_path}/x.db"
    url = "postgresql+psycopg://coach@db/board"
    assert database_url(url, env={"COACHKIT_BOARD_DB": "x.db"}) == url
