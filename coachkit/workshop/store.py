"""Where the board keeps the figures participants publish: SQLite, or PostgreSQL by URL.

Two tables, one row per participant (live figures) and one per participant and week (weekly
figures). Rows hold figures only (the service checks them with
:func:`coachkit.workshop.figures.check_live` / ``check_weekly`` before they get here) and
the hub username of the publisher. A publish replaces that user's row in one statement (an
upsert), so a board read never sees half of one.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

__all__ = ["BOARD_DB_ENV", "BoardStore", "LiveRow", "WeeklyRow", "database_url"]

BOARD_DB_ENV = "COACHKIT_BOARD_DB"
DEFAULT_SQLITE = "coachkit-board.sqlite"

_metadata = sa.MetaData()
_live = sa.Table(
    "coachkit_live",
    _metadata,
    sa.Column("username", sa.String(255), primary_key=True),
    sa.Column("figures", sa.JSON, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)
_weekly = sa.Table(
    "coachkit_weekly",
    _metadata,
    sa.Column("username", sa.String(255), primary_key=True),
    sa.Column("week", sa.String(8), primary_key=True),
    sa.Column("figures", sa.JSON, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)


@dataclass(frozen=True)
class LiveRow:
    """One participant's latest live figures."""

    username: str
    figures: dict[str, Any]
    updated_at: dt.datetime


@dataclass(frozen=True)
class WeeklyRow:
    """One participant's weekly report figures for one week."""

    username: str
    week: str
    figures: dict[str, Any]
    updated_at: dt.datetime


def database_url(value: str | os.PathLike[str] | None = None, env: Mapping[str, str] = os.environ):
    """An SQLAlchemy URL from an option, ``COACHKIT_BOARD_DB``, or the default SQLite file.

    A value with ``://`` is a URL (``postgresql+psycopg://user@host/db``); anything else is
    the path of an SQLite file.
    """
    value = value or env.get(BOARD_DB_ENV) or DEFAULT_SQLITE
    text = os.fspath(value)
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"


def _utc(value: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes: they were stored in UTC.
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


class BoardStore:
    """The board's figures in a database.

    Parameters
    ----------
    url
        An SQLAlchemy URL, or an SQLite file path (see :func:`database_url`).
    """

    def __init__(self, url: str | os.PathLike[str] | None = None) -> None:
        self.url = database_url(url)
        if self.url.startswith("sqlite:///"):
            _create_private(Path(self.url.removeprefix("sqlite:///")))
        engine_options: dict[str, Any] = {"future": True}
        if self.url.startswith("sqlite"):
            # One file, many threads of one process: let SQLite wait for a writer.
            engine_options["connect_args"] = {"timeout": 30, "check_same_thread": False}
        else:
            engine_options["pool_pre_ping"] = True
        self.engine = sa.create_engine(self.url, **engine_options)
        if self.engine.dialect.name == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        _metadata.create_all(self.engine)

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    def __enter__(self) -> BoardStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _upsert(self, table: sa.Table, row: dict[str, Any], keys: tuple[str, ...]) -> None:
        dialect = self.engine.dialect.name
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        elif dialect == "sqlite":
            from sqlalchemy.dialects.sqlite import insert
        else:  # pragma: no cover - the two databases the board supports
            raise ValueError(f"{self.url}: the board keeps figures in SQLite or PostgreSQL")
        statement = insert(table).values(**row)
        statement = statement.on_conflict_do_update(
            index_elements=list(keys),
            set_={k: statement.excluded[k] for k in row if k not in keys},
        )
        with self.engine.begin() as conn:
            conn.execute(statement)

    def put_live(
        self, username: str, figures: Mapping[str, Any], *, now: dt.datetime | None = None
    ) -> None:
        """Keep ``username``'s latest live figures (replacing the previous ones)."""
        row = {
            "username": username,
            "figures": dict(figures),
            "updated_at": now or dt.datetime.now(dt.UTC),
        }
        self._upsert(_live, row, ("username",))

    def put_weekly(
        self,
        username: str,
        week: str,
        figures: Mapping[str, Any],
        *,
        now: dt.datetime | None = None,
    ) -> None:
        """Keep ``username``'s weekly figures for ``week`` (a re-made report replaces them)."""
        row = {
            "username": username,
            "week": week,
            "figures": dict(figures),
            "updated_at": now or dt.datetime.now(dt.UTC),
        }
        self._upsert(_weekly, row, ("username", "week"))

    def live(self) -> list[LiveRow]:
        """Every participant's latest live figures, by username."""
        query = sa.select(_live).order_by(_live.c.username)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [LiveRow(r.username, dict(r.figures), _utc(r.updated_at)) for r in rows]

    def weekly(self, week: str) -> list[WeeklyRow]:
        """Every participant's weekly figures for ``week``, by username."""
        query = sa.select(_weekly).where(_weekly.c.week == week).order_by(_weekly.c.username)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [WeeklyRow(r.username, r.week, dict(r.figures), _utc(r.updated_at)) for r in rows]

    def weeks(self) -> list[str]:
        """The weeks with at least one weekly report, latest first."""
        query = sa.select(_weekly.c.week).distinct().order_by(_weekly.c.week.desc())
        with self.engine.connect() as conn:
            return [w for (w,) in conn.execute(query)]


def _create_private(path: Path) -> None:
    """Create the SQLite file readable by its owner only (0600), as workbooks are."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL: the board reads while participants publish, neither waiting for the other.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()
