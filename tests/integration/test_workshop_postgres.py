"""The board's store on a real PostgreSQL server (started by the test itself)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from coachkit.workshop.store import BoardStore

from ..unit.test_workshop_store import exercise, exercise_concurrency
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
    with BoardStore(postgres_url) as store:
        exercise_concurrency(store)
