"""The board's store on a real PostgreSQL server (started by the test itself)."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from coachkit.workshop.store import BoardStore

from ..unit.test_workshop_store import exercise
from ._postgres import postgres_server

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def postgres_url():
    with postgres_server() as url:
        yield url


def test_postgres_store_does_what_sqlite_does(postgres_url):
    with BoardStore(postgres_url) as store:
        assert store.engine.dialect.name == "postgresql"
        exercise(store)
        # A second process (a restarted service) finds the same figures, in JSON columns.
        with BoardStore(postgres_url) as again:
            assert [r.username for r in again.live()] == ["ana", "bo"]
        with store.engine.connect() as conn:
            kind = conn.execute(
                sa.text(
                    "SELECT data_type FROM information_schema.columns "
                    "WHERE table_name = 'coachkit_live' AND column_name = 'figures'"
                )
            ).scalar_one()
        assert kind == "json"


def test_many_publishers_at_once_keep_one_row_each(postgres_url):
    """40 participants publish 5 times each, 8 at a time: one row each, the last kept."""
    with BoardStore(postgres_url) as store:
        start = dt.datetime(2026, 11, 25, 9, tzinfo=dt.UTC)

        def publish(n: int) -> None:
            user, save = divmod(n, 5)
            figures = {"contacts": save, "week": "2026-W48"}
            store.put_live(f"p{user:02d}", figures, now=start + dt.timedelta(seconds=save))

        # Saves of one participant arrive in order (one server), the participants interleave.
        with ThreadPoolExecutor(8) as pool:
            for save in range(5):
                list(pool.map(publish, [u * 5 + save for u in range(40)]))
        rows = [r for r in store.live() if r.username.startswith("p")]
        assert len(rows) == 40
        assert {r.figures["contacts"] for r in rows} == {4}
