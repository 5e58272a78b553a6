"""The workbook: one participant's data, in one folder, in an SQLite file.

All SQL lives in this module and :mod:`coachkit._schema`; everything else reads pandas
DataFrames or calls the methods below. Every write runs in one transaction
(``BEGIN IMMEDIATE`` ... ``COMMIT``): a failed operation writes nothing, and two processes
writing the same workbook queue rather than corrupt it. Values are always bound as
parameters, never formatted into SQL.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import pandas as pd

from . import _schema
from .errors import NotFoundError, SchemaVersionError, ValidationError, WorkbookError
from .firms import firm_key, person_key

__all__ = [
    "ACTIVITY_KINDS",
    "CALLS_MADE",
    "CALL_OUTCOMES",
    "CONTACT_FIELDS",
    "CONVERSATION_KINDS",
    "WORKBOOK_FILE",
    "Goals",
    "Profile",
    "Target",
    "Workbook",
    "check_not_future",
    "create_workbook",
    "is_conversation",
    "open_workbook",
    "parse_date",
]

WORKBOOK_FILE = "workbook.sqlite"
BACKUP_DIR = "backups"
SCHEMA_VERSION = _schema.SCHEMA_VERSION

ACTIVITY_KINDS = ("outreach", "reply", "call", "meeting", "referral")
# How a call went: it reached the person, left a message on their voicemail or with their
# assistant (the method's common case), or nobody answered (no message left).
CALL_OUTCOMES = ("reached", "voicemail", "assistant", "no_answer")
# A call made: it reached the person or left a message. One nobody answered is still owed.
CALLS_MADE = ("reached", "voicemail", "assistant")
# The activities that are a conversation held (see is_conversation): meetings only.
CONVERSATION_KINDS = ("meeting",)
OUTREACH_CHANNELS = ("email", "linkedin", "phone", "other")
MEETING_CHANNELS = ("call", "video", "coffee", "in_person", "other")
CONTACT_FIELDS = (
    "name", "first_name", "last_name", "firm", "position", "location", "email", "phone",
    "profile_url", "source", "referred_by", "tags", "notes", "connected_on",
)  # fmt: skip
GOAL_KINDS = ("industries", "roles", "locations")
MAX_GOALS = 5
_ALWAYS = "0001-01-01"  # target_changes.since of a target in force since always
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def parse_date(value: object, field_name: str = "date") -> dt.date:
    """Return ``value`` as a date, or raise a :class:`ValidationError` naming the field.

    Accepts a :class:`datetime.date` or an ISO ``YYYY-MM-DD`` string (papermill passes dates
    as strings).
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValidationError(
        field_name,
        f"{value!r} is not a real date",
        hint="write it as YYYY-MM-DD, e.g. 2026-11-22.",
    )


def check_not_future(day: dt.date, today: dt.date | None, field_name: str = "date") -> None:
    """Refuse an activity dated after ``today`` (the one rule the forms and the CLI share).

    A plan and a scorecard that count what has not happened yet would mislead; the
    participant logs it on the day it happens. ``today`` None checks nothing.
    """
    if today is not None and day > today:
        raise ValidationError(
            field_name,
            f"{day.isoformat()} is still to come (today is {today.isoformat()})",
            hint="log it once it has happened.",
        )


def is_conversation(kind: str, outcome: str | None = None) -> bool:
    """Whether an activity is a conversation held: a ``meeting`` the participant logged.

    A follow-up call that reached the person is a call, not a meeting: a conversation held
    on that call is logged as a meeting too (``channel="call"``), in the same step. Only a
    conversation counts as a meeting and can yield referrals. ``outcome`` is accepted for
    callers that pass a call's outcome; it does not make a call a conversation.
    """
    return kind in CONVERSATION_KINDS


@dataclass(frozen=True)
class Goals:
    """Step 1 of the method: what the participant is aiming at, each list ranked (best first)."""

    industries: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    locations: tuple[str, ...] = ()

    def is_empty(self) -> bool:
        """Return True when no goal has been set yet."""
        return not (self.industries or self.roles or self.locations)


@dataclass(frozen=True)
class Target:
    """A numeric target: ``amount`` of ``metric`` per ``period`` ("week" or "month").

    In a target history (:meth:`Workbook.target_history`), ``since`` is the first day of the
    period from which the target applies (None: since always), and ``removed`` marks that
    the target was removed from then on.
    """

    metric: str
    period: str
    amount: int
    label: str = ""
    since: dt.date | None = None
    removed: bool = False


@dataclass(frozen=True)
class Profile:
    """The participant and the settings of their schedule (defaults from PROCESS.md)."""

    name: str = ""
    week_start: int = 0  # 0 = Monday (ISO 8601) ... 6 = Sunday
    outreach_weekday: int = 6  # Sunday
    follow_up_days: int = 9
    research_weekday: int = 5  # Saturday: research the day before the Sunday outreach
    research_time: str = "10:00"
    outreach_time: str = "17:00"
    call_time: str = "10:00"
    timezone: str = ""  # empty = floating local time in calendar exports
    phone: str = ""  # the call-back number every voicemail gives
    skip_weekends: bool = True  # a follow-up falling on Saturday or Sunday moves to Monday
    goals: Goals = field(default_factory=Goals)


_PROFILE_COLUMNS = tuple(f.name for f in fields(Profile) if f.name != "goals")


def _validate_profile_value(name: str, value: Any) -> Any:
    if name == "name":
        if not isinstance(value, str) or len(value) > 200:
            raise ValidationError("name", "must be text of at most 200 characters")
        _require_encodable(value, "name")
        return value.strip()
    if name in ("week_start", "outreach_weekday", "research_weekday"):
        if isinstance(value, str) and value.capitalize() in WEEKDAYS:
            return WEEKDAYS.index(value.capitalize())
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 6:
            raise ValidationError(name, f"{value!r} is not a weekday", hint="use Monday..Sunday.")
        return value
    if name == "follow_up_days":
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 60:
            raise ValidationError(
                name, f"{value!r} is not a number of days from 1 to 60", hint="the method uses 9."
            )
        return value
    if name in ("research_time", "outreach_time", "call_time"):
        try:
            dt.time.fromisoformat(str(value))
        except ValueError:
            raise ValidationError(
                name, f"{value!r} is not a time", hint="write it as HH:MM."
            ) from None
        return str(value)
    if name == "skip_weekends":
        if not isinstance(value, bool | int) or value not in (0, 1):
            raise ValidationError(name, f"{value!r} is not yes or no", hint="use True or False.")
        return int(bool(value))
    if name == "timezone":
        if value:
            from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

            try:
                ZoneInfo(str(value))
            # OSError: a long or odd name is looked up as a file path (ENAMETOOLONG...)
            except (ZoneInfoNotFoundError, ValueError, OSError):
                raise ValidationError(
                    name, f"{value!r} is not a time zone", hint="use a name like Europe/Paris."
                ) from None
        return str(value or "")
    if name == "phone":
        text = " ".join(str(value or "").split())
        _require_encodable(text, "phone")
        if text and (
            len(text) > 40
            or re.fullmatch(r"\+?[\d\s().-]+", text) is None
            or sum(c.isdigit() for c in text) < 7
        ):
            raise ValidationError(
                name,
                f"{text!r} is not a phone number",
                hint="write the number people can call you back on, e.g. +33 6 12 34 56 78.",
            )
        return text
    raise ValidationError(name, "is not a profile setting")


def _clean_text(value: object, field_name: str, limit: int = 2000) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = str(value).strip()
    if len(text) > limit:
        raise ValidationError(field_name, f"is longer than {limit} characters")
    _require_encodable(text, field_name)
    return text or None


def _contact_id(value: object, field_name: str) -> int | None:
    """Return ``value`` as a contact id (None for nothing), or name the field it came from."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise ValidationError(field_name, f"{value!r} is not a contact id") from None


def _require_encodable(text: str, field_name: str) -> None:
    # Undecodable bytes reach Python as lone surrogates (a command-line argument in a
    # non-UTF-8 locale); SQLite cannot store them, so say so instead of crashing.
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError(
            field_name,
            "holds bytes that are not valid text (UTF-8)",
            hint="retype it, or check the encoding of the terminal or file it came from.",
        ) from None


class Workbook:
    """One participant's workbook, opened from its folder.

    Use :func:`create_workbook` or :func:`open_workbook` rather than the constructor.
    A workbook is a context manager that closes its connection on exit.

    Parameters
    ----------
    folder
        The workbook folder; the data lives in ``folder / "workbook.sqlite"``.
    connection
        An open connection, already migrated to the current schema.
    """

    def __init__(self, folder: Path, connection: sqlite3.Connection) -> None:
        self.folder = Path(folder)
        self.path = self.folder / WORKBOOK_FILE
        self._conn = connection

    # -- life cycle -------------------------------------------------------------------------
    def close(self) -> None:
        """Close the connection (idempotent)."""
        self._conn.close()

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Workbook({str(self.folder)!r})"

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Run a block of writes as one transaction: all of it is kept, or none of it.

        Transactions nest: an inner one joins the outer one.
        """
        if self._conn.in_transaction:
            yield self._conn
            return
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise WorkbookError(
                f"{self.path}: the workbook is busy or locked ({exc}).",
                hint="close other notebooks using it, or try again in a minute.",
            ) from exc
        try:
            yield self._conn
        except BaseException:
            self._conn.rollback()
            raise
        else:
            self._conn.commit()

    @contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """Read several tables as of one moment, even while another process writes."""
        if self._conn.in_transaction:
            yield self._conn
            return
        self._conn.execute("BEGIN")
        try:
            yield self._conn
        finally:
            self._conn.rollback()

    def query(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> pd.DataFrame:
        """Return the rows of a read-only query as a DataFrame (parameters always bound)."""
        cursor = self._conn.execute(sql, params)
        columns = [d[0] for d in cursor.description]
        return pd.DataFrame.from_records(cursor.fetchall(), columns=columns)

    # -- profile, goals, targets ----------------------------------------------------------------
    @property
    def profile(self) -> Profile:
        """The participant's profile and schedule settings, with their goals."""
        row = self._conn.execute(
            f"SELECT {', '.join(_PROFILE_COLUMNS)} FROM profile WHERE id = 1"  # noqa: S608 - fixed names
        ).fetchone()
        values = dict(zip(_PROFILE_COLUMNS, row, strict=True))
        values["skip_weekends"] = bool(values["skip_weekends"])
        return Profile(**values, goals=self.goals)

    def update_profile(self, **settings: Any) -> Profile:
        """Change profile settings (``name``, ``week_start``, ``follow_up_days``...).

        Raises
        ------
        ValidationError
            Naming the first setting whose value is not acceptable; nothing is written.
        """
        clean = {k: _validate_profile_value(k, v) for k, v in settings.items()}
        if clean:
            assignments = ", ".join(f"{k} = :{k}" for k in clean)
            with self.transaction() as conn:
                conn.execute(f"UPDATE profile SET {assignments} WHERE id = 1", clean)  # noqa: S608
        return self.profile

    @property
    def goals(self) -> Goals:
        """The ranked goals (industries, roles, locations)."""
        found: dict[str, list[str]] = {k: [] for k in GOAL_KINDS}
        for kind, value in self._conn.execute("SELECT kind, value FROM goals ORDER BY kind, rank"):
            found[kind].append(value)
        return Goals(**{k: tuple(v) for k, v in found.items()})

    def set_goals(
        self,
        industries: Iterable[str] | None = None,
        roles: Iterable[str] | None = None,
        locations: Iterable[str] | None = None,
    ) -> Goals:
        """Replace one or more ranked goal lists (a list left as None is kept).

        Raises
        ------
        ValidationError
            If a list has more than 5 entries, an entry is longer than 100 characters, or
            repeats; nothing is written.
        """
        given = {"industries": industries, "roles": roles, "locations": locations}
        clean: dict[str, list[str]] = {}
        for kind, values in given.items():
            if values is None:
                continue
            if isinstance(values, str):
                values = [v for v in values.split(",")]
            items = [str(v).strip() for v in values if str(v).strip()]
            if len(items) > MAX_GOALS:
                raise ValidationError(
                    kind,
                    f"has {len(items)} entries; keep at most {MAX_GOALS}, ranked",
                    hint="focus on the few that matter most.",
                )
            for item in items:
                if len(item) > 100:
                    raise ValidationError(kind, f"{item[:30]!r}... is longer than 100 characters")
                _require_encodable(item, kind)
            folded = [i.casefold() for i in items]
            if len(set(folded)) != len(folded):
                raise ValidationError(kind, "lists the same entry twice")
            clean[kind] = items
        with self.transaction() as conn:
            for kind, items in clean.items():
                conn.execute("DELETE FROM goals WHERE kind = ?", (kind,))
                conn.executemany(
                    "INSERT INTO goals (kind, rank, value) VALUES (?, ?, ?)",
                    [(kind, rank, value) for rank, value in enumerate(items, start=1)],
                )
        return self.goals

    @property
    def targets(self) -> list[Target]:
        """Every target, the method's defaults first."""
        rows = self._conn.execute(
            "SELECT metric, period, amount, label FROM targets ORDER BY position, metric"
        ).fetchall()
        return [Target(*row) for row in rows]

    def target_history(self) -> list[Target]:
        """Every change of every target, oldest first within a metric (see :class:`Target`).

        Metrics come in the order of :attr:`targets`, then removed ones by name.
        """
        order = {t.metric: n for n, t in enumerate(self.targets)}
        rows = self._conn.execute(
            "SELECT metric, period, amount, label, since FROM target_changes"
        ).fetchall()
        changes = [
            Target(
                metric,
                period,
                0 if amount is None else int(amount),
                label,
                since=None if since == _ALWAYS else dt.date.fromisoformat(since),
                removed=amount is None,
            )
            for metric, period, amount, label, since in rows
        ]
        return sorted(
            changes,
            key=lambda t: (order.get(t.metric, len(order)), t.metric, t.since or dt.date.min),
        )

    def _since(self, period: str, today: dt.date | str | None) -> str:
        """The first day of the ``period`` that holds ``today`` (ISO), or "always" for None."""
        if today is None:
            return _ALWAYS
        from .weeks import month_range, week_start_of

        day = parse_date(today, "today")
        first = (
            week_start_of(day, self.profile.week_start)
            if period == "week"
            else (month_range(day)[0])
        )
        return first.isoformat()

    def _record_change(
        self, conn: sqlite3.Connection, metric: str, since: str, values: tuple[Any, ...]
    ) -> None:
        """Record that ``metric`` is ``values`` (period, amount, label) from ``since`` on.

        A later change recorded before (under a later "today") gives way: the newest word is
        the one that holds from ``since`` on.
        """
        if since == _ALWAYS:
            conn.execute("DELETE FROM target_changes WHERE metric = ?", (metric,))
        else:
            conn.execute(
                "DELETE FROM target_changes WHERE metric = ? AND since >= ?", (metric, since)
            )
        conn.execute(
            "INSERT INTO target_changes (metric, since, period, amount, label) "
            "VALUES (?, ?, ?, ?, ?)",
            (metric, since, *values),
        )

    def set_target(
        self,
        metric: str,
        amount: int,
        period: str = "week",
        label: str = "",
        *,
        today: dt.date | str | None = None,
    ) -> Target:
        """Add or change a target ("new_contacts", "calls", "meetings", or one of your own).

        Parameters
        ----------
        today
            The day the change is made: it applies from the first day of the period (week
            or month) that holds it; earlier periods keep the target in force then. None
            sets the target for every period, as if it had always been so (a new workbook).

        Raises
        ------
        ValidationError
            If the amount is negative or not a whole number, or the period is not
            ``"week"`` or ``"month"``.
        """
        metric = (metric or "").strip()
        if not metric or len(metric) > 60:
            raise ValidationError("metric", "needs a name of 1 to 60 characters")
        _require_encodable(metric, "metric")
        _require_encodable(str(label), "label")
        if isinstance(amount, bool) or not isinstance(amount, int) or not 0 <= amount <= 1000:
            raise ValidationError(
                f"target {metric}", f"{amount!r} is not a whole number from 0 to 1000"
            )
        if period not in ("week", "month"):
            raise ValidationError(f"target {metric}", f"period {period!r} is not week or month")
        since = self._since(period, today)
        with self.transaction() as conn:
            self._record_change(conn, metric, since, (period, amount, label))
            conn.execute(
                "INSERT INTO targets (metric, period, amount, label, position) "
                "VALUES (?, ?, ?, ?, (SELECT COALESCE(MAX(position), 0) + 1 FROM targets)) "
                "ON CONFLICT (metric) DO UPDATE SET period = excluded.period, "
                "amount = excluded.amount, label = excluded.label",
                (metric, period, amount, label),
            )
        return Target(
            metric,
            period,
            amount,
            label,
            since=None if since == _ALWAYS else (dt.date.fromisoformat(since)),
        )

    def remove_target(self, metric: str, *, today: dt.date | str | None = None) -> None:
        """Remove a target by its metric name, from the period that holds ``today`` on
        (None: from every period, as if it had never been set)."""
        current = {t.metric: t for t in self.targets}.get(metric)
        with self.transaction() as conn:
            conn.execute("DELETE FROM targets WHERE metric = ?", (metric,))
            if current is None:
                return
            since = self._since(current.period, today)
            if since == _ALWAYS:
                conn.execute("DELETE FROM target_changes WHERE metric = ?", (metric,))
            else:
                self._record_change(conn, metric, since, (current.period, None, current.label))

    # -- firms ----------------------------------------------------------------------------------
    def _firm_id(self, conn: sqlite3.Connection, name: str | None) -> int | None:
        key = firm_key(name)
        if not key:
            return None
        row = conn.execute("SELECT id FROM firms WHERE key = ?", (key,)).fetchone()
        if row:
            return row[0]
        return conn.execute(
            "INSERT INTO firms (name, key) VALUES (?, ?)", (str(name).strip(), key)
        ).lastrowid

    def tag_firm(
        self,
        name: str,
        *,
        industry: str | None = None,
        location: str | None = None,
        notes: str | None = None,
    ) -> int:
        """Create a firm if needed and set its industry, location or notes.

        LinkedIn exports carry no industry or location: tagging firms is how the mentor
        ranking learns them. Several values may be given comma-separated ("Fintech, Payments").

        Returns
        -------
        int
            The firm's id.
        """
        if not firm_key(name):
            raise ValidationError("firm", "needs a name")
        name = _clean_text(name, "firm", 300) or ""
        values = {
            "industry": _clean_text(industry, "industry", 200),
            "location": _clean_text(location, "location", 200),
            "notes": _clean_text(notes, "notes"),
        }
        given = {"industry": industry, "location": location, "notes": notes}
        with self.transaction() as conn:
            firm_id = self._firm_id(conn, name)
            for column, value in values.items():
                if given[column] is not None:
                    conn.execute(
                        f"UPDATE firms SET {column} = ? WHERE id = ?",  # noqa: S608 - fixed names
                        (value, firm_id),
                    )
        assert firm_id is not None
        return firm_id

    def firms(self) -> pd.DataFrame:
        """Every firm with its tags and how many contacts work there."""
        return self.query(
            "SELECT f.id, f.name, f.industry, f.location, f.notes, COUNT(c.id) AS contacts "
            "FROM firms f LEFT JOIN contacts c ON c.firm_id = f.id "
            "GROUP BY f.id ORDER BY f.name COLLATE NOCASE"
        ).astype({"contacts": "int64"})

    # -- contacts -------------------------------------------------------------------------------
    def _contact_row(self, values: Mapping[str, Any], conn: sqlite3.Connection) -> dict[str, Any]:
        unknown = set(values) - set(CONTACT_FIELDS)
        if unknown:
            raise ValidationError(sorted(unknown)[0], "is not a contact field")
        row: dict[str, Any] = {}
        for key, value in values.items():
            if key == "firm":
                row["firm_id"] = self._firm_id(conn, _clean_text(value, "firm", 300))
            elif key == "referred_by":
                row["referred_by"] = _contact_id(value, "referred_by")
            elif key == "connected_on":
                row["connected_on"] = (
                    None if value in (None, "") else parse_date(value, "connected_on").isoformat()
                )
            elif key == "notes":
                row[key] = _clean_text(value, key, 20000)
            else:
                row[key] = _clean_text(value, key, 500)
        if "name" in row:
            if not row["name"]:
                raise ValidationError("name", "a contact needs a name")
            row["name_key"] = person_key(row["name"])
        if row.get("email"):
            row["email"] = row["email"].lower()
        return row

    def add_contact(self, name: str, **values: Any) -> int:
        """Add a contact and return their id.

        Parameters
        ----------
        name
            The person's name as it should appear in plans and reports.
        **values
            Any of :data:`CONTACT_FIELDS` (``firm`` is a firm name; it is created if new).

        Raises
        ------
        ValidationError
            For a missing name or an unknown field; nothing is written.
        """
        with self.transaction() as conn:
            return self._insert_contact(conn, {"name": name, **values})

    def _insert_contact(self, conn: sqlite3.Connection, values: Mapping[str, Any]) -> int:
        row = self._contact_row(values, conn)
        if row.get("referred_by") is not None:
            self._require_contact(conn, row["referred_by"], "referred_by")
        columns = ", ".join(row)
        marks = ", ".join(f":{k}" for k in row)
        sql = f"INSERT INTO contacts ({columns}) VALUES ({marks})"  # noqa: S608 - fixed names
        return conn.execute(sql, row).lastrowid

    def add_contacts(self, records: Iterable[Mapping[str, Any]]) -> list[int]:
        """Add many contacts in one transaction (all or none); return their ids."""
        with self.transaction() as conn:
            return [self._insert_contact(conn, record) for record in records]

    def update_contact(self, contact_id: int, **values: Any) -> None:
        """Change fields of an existing contact.

        Raises
        ------
        NotFoundError
            If there is no such contact.
        ValidationError
            For a bad value, or a ``referred_by`` that would make a loop of referrals.
        """
        with self.transaction() as conn:
            self._require_contact(conn, contact_id)
            row = self._contact_row(values, conn)
            if row.get("referred_by") is not None:
                self._check_referrer(conn, contact_id, row["referred_by"])
            if row:
                assignments = ", ".join(f"{k} = :{k}" for k in row)
                conn.execute(
                    f"UPDATE contacts SET {assignments} WHERE id = :_id",  # noqa: S608
                    {**row, "_id": contact_id},
                )

    def _require_contact(self, conn: sqlite3.Connection, contact_id: Any, what: str = "contact"):
        try:
            contact_id = int(contact_id)
        except (TypeError, ValueError):
            raise ValidationError(what, f"{contact_id!r} is not a contact id") from None
        row = conn.execute("SELECT id, name FROM contacts WHERE id = ?", (contact_id,)).fetchone()
        if row is None:
            raise NotFoundError(
                f"{what}: there is no contact with id {contact_id} in this workbook.",
                hint="list contacts with `coachkit mentors` or `coachkit export`.",
            )
        return row

    def _check_referrer(self, conn: sqlite3.Connection, contact_id: int, referrer: int) -> None:
        """Refuse a referral to oneself or one that closes a loop (A referred B referred A)."""
        self._require_contact(conn, referrer, "referred_by")
        if referrer == contact_id:
            raise ValidationError("referred_by", "a contact cannot refer themselves")
        seen = {contact_id}
        current: int | None = referrer
        while current is not None:
            if current in seen:
                raise ValidationError(
                    "referred_by",
                    f"contact {referrer} was (directly or not) referred by contact {contact_id}: "
                    "this would make a loop of referrals",
                )
            seen.add(current)
            row = conn.execute("SELECT referred_by FROM contacts WHERE id = ?", (current,))
            current = (row.fetchone() or (None,))[0]

    def get_contact(self, contact_id: int) -> dict[str, Any]:
        """Return one contact as a dict (with ``firm`` as a name)."""
        self._require_contact(self._conn, contact_id)
        frame = self.contacts(ids=[int(contact_id)])
        return frame.iloc[0].to_dict()

    def contacts(self, ids: Sequence[int] | None = None) -> pd.DataFrame:
        """Every contact, with the firm's name, industry and location, as a DataFrame."""
        sql = (
            "SELECT c.id, c.name, c.first_name, c.last_name, f.name AS firm, c.firm_id, "
            "c.position, c.location, c.email, c.phone, c.profile_url, c.source, "
            "c.referred_by, c.tags, c.notes, c.connected_on, c.created_at, "
            "f.industry AS firm_industry, f.location AS firm_location "
            "FROM contacts c LEFT JOIN firms f ON f.id = c.firm_id"
        )
        params: list[Any] = []
        if ids is not None:
            sql += f" WHERE c.id IN ({', '.join('?' * len(ids))})"
            params = list(ids)
        frame = self.query(sql + " ORDER BY c.id", params)
        return frame.astype({"id": "int64", "referred_by": "Int64", "firm_id": "Int64"})

    # Bulk helpers for importers: one query to read, one executemany to write.
    _BULK_FIELDS = (
        "name", "first_name", "last_name", "firm", "position", "location", "email", "phone",
        "profile_url", "source", "tags", "notes", "connected_on",
    )  # fmt: skip

    def contact_records(self) -> list[dict[str, Any]]:
        """Every contact as a plain dict (``id`` plus the fields importers fill), oldest first.

        Faster than :meth:`contacts` for matching thousands of rows: no DataFrame, and
        missing values are ``None``. ``firm`` is the firm's name.
        """
        columns = ("id", *self._BULK_FIELDS)
        cursor = self._conn.execute(
            "SELECT c.id, c.name, c.first_name, c.last_name, f.name, c.position, c.location, "
            "c.email, c.phone, c.profile_url, c.source, c.tags, c.notes, c.connected_on "
            "FROM contacts c LEFT JOIN firms f ON f.id = c.firm_id ORDER BY c.id"
        )
        return [dict(zip(columns, row, strict=True)) for row in cursor]

    def _bulk_firm_ids(self, conn: sqlite3.Connection, names: Iterable[Any]) -> dict[Any, Any]:
        """Return each distinct firm spelling -> firm id (None for an empty name), creating
        the missing firms in one statement; the first spelling seen names a new firm."""
        keys: dict[Any, str] = {}
        wanted: dict[str, str] = {}
        for name in dict.fromkeys(names):  # distinct spellings, in order of appearance
            text = _clean_text(name, "firm", 300)
            keys[name] = key = firm_key(text)
            if key and key not in wanted:
                wanted[key] = text
        known = dict(conn.execute("SELECT key, id FROM firms").fetchall())
        missing = [(wanted[k], k) for k in wanted if k not in known]
        if missing:
            conn.executemany("INSERT INTO firms (name, key) VALUES (?, ?)", missing)
            known = dict(conn.execute("SELECT key, id FROM firms").fetchall())
        return {name: known[key] if key else None for name, key in keys.items()}

    def _bulk_rows(
        self, conn: sqlite3.Connection, records: Sequence[Mapping[str, Any]]
    ) -> list[dict[str, Any]]:
        """Validate ``records`` like :meth:`add_contact` does, resolving firms in bulk."""
        for values in records:
            unknown = set(values) - set(self._BULK_FIELDS)
            if unknown:
                raise ValidationError(sorted(unknown)[0], "is not a field importers may set")
        firm_ids = self._bulk_firm_ids(conn, (r["firm"] for r in records if "firm" in r))
        rows = []
        for values in records:
            row = self._contact_row({k: v for k, v in values.items() if k != "firm"}, conn)
            if "firm" in values:
                row["firm_id"] = firm_ids[values["firm"]]
            rows.append(row)
        return rows

    def add_contacts_bulk(self, records: Sequence[Mapping[str, Any]]) -> list[int]:
        """Add many contacts with one ``executemany`` (all or none); return their ids.

        Like :meth:`add_contacts`, with the same validation, but firms are resolved in one
        query and ``referred_by`` is not accepted (importers do not know it).

        Raises
        ------
        ValidationError
            For a missing name, a too-long value or an unknown field; nothing is written.
        """
        if not records:
            return []
        columns = (
            "name", "name_key", "first_name", "last_name", "firm_id", "position", "location",
            "email", "phone", "profile_url", "source", "tags", "notes", "connected_on",
        )  # fmt: skip
        with self.transaction() as conn:
            rows = self._bulk_rows(conn, records)
            for row in rows:
                if "name" not in row:
                    raise ValidationError("name", "a contact needs a name")
            (before,) = conn.execute("SELECT COALESCE(MAX(id), 0) FROM contacts").fetchone()
            sql = (
                f"INSERT INTO contacts ({', '.join(columns)}) "  # noqa: S608 - fixed names
                f"VALUES ({', '.join('?' * len(columns))})"
            )
            conn.executemany(sql, [tuple(row.get(c) for c in columns) for row in rows])
            # Inside this transaction nobody else writes, so the new ids follow the old maximum.
            return list(range(before + 1, before + 1 + len(rows)))

    def fill_contacts(self, updates: Mapping[int, Mapping[str, Any]]) -> int:
        """Fill empty fields of existing contacts; a field that already holds data is kept.

        Parameters
        ----------
        updates
            Contact id -> {field: value}; fields as in :meth:`add_contacts_bulk` (``name``
            excepted: every contact already has one).

        Returns
        -------
        int
            How many contacts had at least one field filled.

        Raises
        ------
        ValidationError
            For a too-long value or an unknown field; nothing is written.
        """
        items = [(int(i), dict(v)) for i, v in updates.items() if v]
        if not items:
            return 0
        for _, values in items:
            if "name" in values:
                raise ValidationError("name", "fill_contacts never renames a contact")
        changed: set[int] = set()
        with self.transaction() as conn:
            rows = self._bulk_rows(conn, [values for _, values in items])
            by_columns: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
            for (contact_id, _), row in zip(items, rows, strict=True):
                row = {k: v for k, v in row.items() if v is not None}
                if row:
                    by_columns.setdefault(tuple(sorted(row)), []).append(
                        (*(row[c] for c in sorted(row)), contact_id)
                    )
            for columns, params in by_columns.items():
                # COALESCE(NULLIF(...)) keeps any non-empty value already stored.
                assignments = ", ".join(f"{c} = COALESCE(NULLIF({c}, ''), ?)" for c in columns)
                empty = " OR ".join(f"{c} IS NULL OR {c} = ''" for c in columns)
                sql = f"UPDATE contacts SET {assignments} WHERE id = ? AND ({empty})"  # noqa: S608
                for param in params:
                    if conn.execute(sql, param).rowcount:
                        changed.add(param[-1])
        return len(changed)

    # -- activities -----------------------------------------------------------------------------
    def log_activity(
        self,
        contact_id: int,
        kind: str,
        on: dt.date | str,
        *,
        channel: str | None = None,
        outcome: str | None = None,
        notes: str | None = None,
        parent_id: int | None = None,
        related_contact_id: int | None = None,
        today: dt.date | str | None = None,
    ) -> int:
        """Record one dated event with a contact and return its id.

        Parameters
        ----------
        contact_id
            Who it was with.
        kind
            One of :data:`ACTIVITY_KINDS`: ``outreach``, ``reply``, ``call``, ``meeting``,
            ``referral``.
        on
            The date it happened.
        channel
            For outreach: email, linkedin, phone, other. For a meeting: call, video, coffee,
            in_person, other.
        outcome
            For a call: reached, voicemail, assistant (a message left with an assistant) or
            no_answer.
        parent_id
            For a referral: the conversation (call or meeting) that produced it.
        related_contact_id
            For a referral: the person who was referred.
        today
            The day it is logged: an activity dated after it is refused
            (:func:`check_not_future`). None checks nothing (imports, demos).

        Raises
        ------
        ValidationError, NotFoundError
            Naming the bad field; nothing is written.
        """
        if today is not None:
            check_not_future(parse_date(on, "date"), parse_date(today, "today"))
        with self.transaction() as conn:
            return self._insert_activity(
                conn, contact_id, kind, on, channel, outcome, notes, parent_id, related_contact_id
            )

    def log_call(
        self,
        contact_id: int,
        on: dt.date | str,
        outcome: str | None,
        *,
        conversation: bool = False,
        notes: str | None = None,
        today: dt.date | str | None = None,
    ) -> tuple[int, int | None]:
        """Record a call and, when the person had the conversation there and then, the meeting.

        A call that reached the person is a call; the conversation held on it is a meeting
        (``channel="call"``). Logging both in one step records both, in one transaction.

        Returns
        -------
        tuple
            The call's id and the meeting's id (None without a conversation).

        Raises
        ------
        ValidationError
            If ``conversation`` is set on a call that did not reach the person.
        """
        if conversation and outcome != "reached":
            raise ValidationError(
                "conversation",
                "a conversation needs a call that reached the person",
                hint="choose the outcome 'reached', or log the call alone.",
            )
        with self.transaction():
            call = self.log_activity(
                contact_id, "call", on, outcome=outcome, notes=notes, today=today
            )
            meeting = (
                self.log_activity(contact_id, "meeting", on, channel="call", today=today)
                if conversation
                else None
            )
        return call, meeting

    def _insert_activity(
        self,
        conn: sqlite3.Connection,
        contact_id: int,
        kind: str,
        on: dt.date | str,
        channel: str | None,
        outcome: str | None,
        notes: str | None,
        parent_id: int | None,
        related_contact_id: int | None,
    ) -> int:
        if kind not in ACTIVITY_KINDS:
            raise ValidationError(
                "kind",
                f"{kind!r} is not an activity",
                hint=f"use one of {', '.join(ACTIVITY_KINDS)}.",
            )
        day = parse_date(on, "date")
        self._require_contact(conn, contact_id)
        if kind == "outreach" and channel is not None and channel not in OUTREACH_CHANNELS:
            raise ValidationError("channel", f"{channel!r} is not one of {OUTREACH_CHANNELS}")
        if kind == "meeting" and channel is not None and channel not in MEETING_CHANNELS:
            raise ValidationError("channel", f"{channel!r} is not one of {MEETING_CHANNELS}")
        if kind == "call":
            if outcome not in CALL_OUTCOMES:
                raise ValidationError(
                    "outcome", f"{outcome!r}: say whether the call was {', '.join(CALL_OUTCOMES)}"
                )
        elif outcome is not None:
            raise ValidationError("outcome", "only a call has an outcome")
        if kind == "referral":
            if related_contact_id is None:
                raise ValidationError("referral", "name the person who was referred")
            related = self._require_contact(conn, related_contact_id, "referral")
            if related[0] == int(contact_id):
                raise ValidationError("referral", "a contact cannot refer themselves")
        if parent_id is not None:
            parent = conn.execute(
                "SELECT contact_id, kind FROM activities WHERE id = ?", (parent_id,)
            ).fetchone()
            if parent is None:
                raise NotFoundError(f"parent_id: there is no activity {parent_id}.")
            if parent[0] != int(contact_id):
                raise ValidationError("parent_id", "that conversation was with someone else")
        return conn.execute(
            "INSERT INTO activities (contact_id, kind, on_date, channel, outcome, notes, "
            "parent_id, related_contact_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                int(contact_id), kind, day.isoformat(), channel, outcome,
                _clean_text(notes, "notes", 20000), parent_id, related_contact_id,
            ),
        ).lastrowid  # fmt: skip

    def activities(self, contact_id: int | None = None) -> pd.DataFrame:
        """Every activity (or one contact's), oldest first, with ``date`` as datetime64."""
        sql = (
            "SELECT a.id, a.contact_id, c.name AS contact, a.kind, a.on_date AS date, "
            "a.channel, a.outcome, a.notes, a.parent_id, a.related_contact_id "
            "FROM activities a JOIN contacts c ON c.id = a.contact_id"
        )
        params: tuple[Any, ...] = ()
        if contact_id is not None:
            sql += " WHERE a.contact_id = ?"
            params = (int(contact_id),)
        frame = self.query(sql + " ORDER BY a.on_date, a.id", params)
        frame["date"] = pd.to_datetime(frame["date"], format="%Y-%m-%d")
        return frame.astype(
            {
                "id": "int64",
                "contact_id": "int64",
                "parent_id": "Int64",
                "related_contact_id": "Int64",
            }
        )

    def delete_activity(self, activity_id: int) -> None:
        """Delete one activity (a mistaken entry)."""
        with self.transaction() as conn:
            if conn.execute("DELETE FROM activities WHERE id = ?", (activity_id,)).rowcount == 0:
                raise NotFoundError(f"there is no activity {activity_id}.")

    # -- the engine's lean reads ------------------------------------------------------------------
    # The process engine, the mentor ranking and the calendar read through these methods, so
    # that all SQL stays in this module and another database needs a new store, not a rewrite.
    def change_stamp(self) -> tuple[int, int]:
        """A value that changes whenever the workbook does, by this connection or another.

        Readers cache frames under it (SQLite: ``total_changes()`` and ``data_version``).
        """
        (changes,) = self._conn.execute("SELECT total_changes()").fetchone()
        (version,) = self._conn.execute("PRAGMA data_version").fetchone()
        return int(changes), int(version)

    def activity_facts(self) -> pd.DataFrame:
        """Every activity without names or notes, unordered: ``id``, ``contact_id``, ``kind``,
        ``date`` (datetime64), ``outcome``, ``parent_id``, ``related_contact_id``."""
        frame = self.query(
            "SELECT id, contact_id, kind, on_date AS date, outcome, parent_id, "
            "related_contact_id FROM activities"
        )
        if frame.empty:
            return self.activities().drop(columns=["contact", "channel", "notes"])
        frame["date"] = pd.to_datetime(frame["date"], format="%Y-%m-%d")
        return frame.astype(
            {
                "id": "int64",
                "contact_id": "int64",
                "parent_id": "Int64",
                "related_contact_id": "Int64",
            }
        )

    def people(self) -> pd.DataFrame:
        """Every contact's ``id``, ``name``, ``firm``, ``phone`` and ``referred_by`` only."""
        frame = self.query(
            "SELECT c.id, c.name, f.name AS firm, c.phone, c.referred_by "
            "FROM contacts c LEFT JOIN firms f ON f.id = c.firm_id"
        )
        if frame.empty:
            return self.contacts()[["id", "name", "firm", "phone", "referred_by"]]
        return frame.astype({"id": "int64", "referred_by": "Int64"})

    def get_activity(self, activity_id: int) -> dict[str, Any] | None:
        """Return one activity (``id``, ``contact_id``, ``kind``, ``outcome``, ``on_date``)."""
        row = self._conn.execute(
            "SELECT id, contact_id, kind, outcome, on_date FROM activities WHERE id = ?",
            (int(activity_id),),
        ).fetchone()
        keys = ("id", "contact_id", "kind", "outcome", "on_date")
        return None if row is None else dict(zip(keys, row, strict=True))

    def find_contact_ids(
        self, name: str, *, firm: str | None = None, email: str | None = None
    ) -> list[int]:
        """Ids of the contacts who are this person by the importers' rule: the same email
        when one is given, else the same folded name at the same firm (or both without one)."""
        if email and email.strip():
            rows = self._conn.execute(
                "SELECT id FROM contacts WHERE email = ? ORDER BY id", (email.strip().lower(),)
            )
        else:
            rows = self._conn.execute(
                "SELECT c.id FROM contacts c LEFT JOIN firms f ON f.id = c.firm_id "
                "WHERE c.name_key = ? AND COALESCE(f.key, '') = ? ORDER BY c.id",
                (person_key(name), firm_key(firm)),
            )
        return [int(contact_id) for (contact_id,) in rows]

    def approached_contact_ids(self) -> set[int]:
        """The ids of contacts who were sent at least one outreach."""
        rows = self._conn.execute(
            "SELECT DISTINCT contact_id FROM activities WHERE kind = 'outreach'"
        )
        return {int(contact_id) for (contact_id,) in rows}

    def conversations_by_firm(self) -> pd.DataFrame:
        """``firm_id`` and ``conversations``: how many people there one has talked to
        (a meeting: see :func:`is_conversation`)."""
        return self.query(
            "SELECT c.firm_id, COUNT(DISTINCT a.contact_id) AS conversations "
            "FROM activities a JOIN contacts c ON c.id = a.contact_id "
            "WHERE a.kind = 'meeting' "
            "GROUP BY c.firm_id"
        )

    def meta_setdefault(self, key: str, value: str) -> str:
        """Store ``value`` under ``key`` unless one is there; return the stored value.

        If another process stores one at the same moment, the first one written is kept.
        """
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        if row is None:
            with self.transaction() as conn:
                conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)", (key, value))
            row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return str(row[0])

    def meta_set(self, key: str, value: str) -> None:
        """Store ``value`` under ``key``, replacing any value there."""
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def meta_values(self, keys: Iterable[str]) -> dict[str, str]:
        """The stored values of those of ``keys`` that are set."""
        keys = list(keys)
        marks = ", ".join("?" * len(keys))
        rows = self._conn.execute(
            f"SELECT key, value FROM meta WHERE key IN ({marks})",  # noqa: S608 - placeholders
            keys,
        )
        return {str(k): str(v) for k, v in rows}

    def step_counts(self) -> dict[str, int]:
        """How far along the method the workbook is, in counts (for the coach's board).

        ``contacts``; ``firms_tagged``: firms with an industry or a location; ``drafts``:
        contacts with a non-empty e-mail or voicemail draft.
        """
        with self.snapshot() as conn:
            (contacts,) = conn.execute("SELECT COUNT(*) FROM contacts").fetchone()
            (tagged,) = conn.execute(
                "SELECT COUNT(*) FROM firms WHERE COALESCE(industry, '') != '' "
                "OR COALESCE(location, '') != ''"
            ).fetchone()
            (drafts,) = conn.execute(
                "SELECT COUNT(*) FROM drafts WHERE subject != '' OR body != '' OR voicemail != ''"
            ).fetchone()
        return {"contacts": int(contacts), "firms_tagged": int(tagged), "drafts": int(drafts)}

    # -- calendar exports ----------------------------------------------------------------------
    def calendar_events(self) -> dict[str, dict[str, Any]]:
        """Every event a calendar export wrote, by UID, as last written: ``kind``, ``start``
        (local ``YYYY-MM-DDTHH:MM``), ``minutes``, ``title`` ('' for calls), ``cancelled``,
        ``digest`` (of the event's content), ``sequence`` and ``revised`` (its DTSTAMP)."""
        keys = ("kind", "start", "minutes", "title", "cancelled", "digest", "sequence", "revised")
        rows = self._conn.execute(
            "SELECT uid, kind, start, minutes, title, cancelled, digest, sequence, revised "
            "FROM calendar_events"
        )
        return {row[0]: dict(zip(keys, row[1:], strict=True)) for row in rows}

    def record_calendar_events(self, events: Iterable[Mapping[str, Any]]) -> None:
        """Remember events just written to a calendar file (replacing what was kept for their
        UIDs). Call it inside :meth:`transaction` with the file's own replacement, so that the
        workbook and the file agree."""
        rows = [
            (
                str(e["uid"]), str(e["kind"]), str(e["start"]), int(e["minutes"]),
                str(e.get("title") or ""), int(bool(e["cancelled"])), str(e["digest"]),
                int(e["sequence"]), str(e["revised"]),
            )
            for e in events
        ]  # fmt: skip
        with self.transaction() as conn:
            conn.executemany(
                "INSERT INTO calendar_events (uid, kind, start, minutes, title, cancelled, digest, "
                "sequence, revised) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (uid) DO UPDATE "
                "SET kind = excluded.kind, start = excluded.start, minutes = excluded.minutes, "
                "title = excluded.title, cancelled = excluded.cancelled, "
                "digest = excluded.digest, sequence = excluded.sequence, "
                "revised = excluded.revised",
                rows,
            )

    # -- outreach drafts -----------------------------------------------------------------------
    def save_draft(
        self,
        contact_id: int,
        *,
        subject: str,
        body: str,
        voicemail: str = "",
        admiration: str = "",
    ) -> None:
        """Keep the email and voicemail drafts for one contact (replacing earlier ones), with
        the participant's sentence on what they admire in that person's work."""
        values = {
            "subject": _clean_text(subject, "subject", 500) or "",
            "body": _clean_text(body, "body", 20000) or "",
            "voicemail": _clean_text(voicemail, "voicemail", 5000) or "",
            "admiration": _clean_text(admiration, "admiration", 1000) or "",
        }
        with self.transaction() as conn:
            self._require_contact(conn, contact_id)
            conn.execute(
                "INSERT INTO drafts (contact_id, subject, body, voicemail, admiration) "
                "VALUES (:contact_id, :subject, :body, :voicemail, :admiration) "
                "ON CONFLICT (contact_id) DO UPDATE SET subject = excluded.subject, "
                "body = excluded.body, voicemail = excluded.voicemail, "
                "admiration = excluded.admiration, "
                "updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')",
                {"contact_id": int(contact_id), **values},
            )

    def voicemail_drafts(self) -> dict[int, str]:
        """Return every saved voicemail script that is not empty, by contact id: the plan and
        the calendar show the participant's own words for a call, not the template."""
        rows = self._conn.execute(
            "SELECT contact_id, voicemail FROM drafts WHERE trim(voicemail) != ''"
        ).fetchall()
        return {int(contact_id): str(text) for contact_id, text in rows}

    def get_draft(self, contact_id: int) -> dict[str, str] | None:
        """Return the saved drafts for a contact (subject, body, voicemail, admiration), or
        None."""
        row = self._conn.execute(
            "SELECT subject, body, voicemail, admiration FROM drafts WHERE contact_id = ?",
            (int(contact_id),),
        ).fetchone()
        keys = ("subject", "body", "voicemail", "admiration")
        return None if row is None else dict(zip(keys, row, strict=True))

    # -- copies ---------------------------------------------------------------------------------
    def backup(self, destination: str | os.PathLike[str]) -> Path:
        """Write a consistent copy of the workbook (SQLite's online backup API).

        The copy is readable only by its owner. A destination folder gets
        ``workbook.sqlite`` inside it.
        """
        dest = Path(destination)
        if dest.is_dir():
            dest = dest / WORKBOOK_FILE
        return _backup_connection(self._conn, self.check_output(dest))

    def check_output(self, destination: str | os.PathLike[str], option: str = "--out") -> Path:
        """Return ``destination`` as a path, refusing one that would overwrite this workbook.

        Every command that writes a file (backup, calendar, report) calls this first: a
        typo such as ``--out my-workbook/workbook.sqlite`` must not replace the data.

        Raises
        ------
        ValidationError
            If ``destination`` is the workbook's data file or one of its WAL/journal files.
        """
        dest = Path(destination)
        data = self.path.resolve()
        own = {data, *(data.with_name(data.name + end) for end in ("-wal", "-shm", "-journal"))}
        if dest.resolve() in own:
            raise ValidationError(
                option,
                f"{dest} is the workbook's own data file: writing there would destroy it",
                hint="choose a file or folder outside the workbook, e.g. ~/coachkit-copies/.",
            )
        return dest


# -- opening ------------------------------------------------------------------------------------
def _backup_connection(conn: sqlite3.Connection, dest: Path) -> Path:
    dest.parent.mkdir(parents=True, exist_ok=True, mode=0o700)  # backups/ is private too
    partial = dest.with_name(dest.name + ".partial")
    partial.unlink(missing_ok=True)
    _create_private_file(partial)
    target = sqlite3.connect(partial)
    try:
        conn.backup(target)
    finally:
        target.close()
    os.replace(partial, dest)  # never leaves a half-written copy under the real name
    return dest


def _create_private_file(path: Path) -> None:
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, timeout=60, check_same_thread=False)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 60000")
    return conn


def _resolve(folder: str | os.PathLike[str]) -> Path:
    path = Path(folder).expanduser()
    if path.name == WORKBOOK_FILE:
        path = path.parent
    return path


def create_workbook(
    folder: str | os.PathLike[str], *, name: str = "", phone: str = "", exist_ok: bool = False
) -> Workbook:
    """Create a new, empty workbook in ``folder`` (created if needed) and open it.

    The folder is made readable only by its owner (0700) and the data file too (0600).

    Raises
    ------
    WorkbookError
        If the folder already holds a workbook and ``exist_ok`` is false.
    """
    path = _resolve(folder)
    db = path / WORKBOOK_FILE
    name = _validate_profile_value("name", name)  # before anything is created
    phone = _validate_profile_value("phone", phone)
    if db.exists():
        if exist_ok:
            return open_workbook(path)
        raise WorkbookError(
            f"{db}: a workbook already exists here.",
            hint="open it instead, or choose another folder.",
        )
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path, 0o700)
    partial = path / (WORKBOOK_FILE + ".partial")
    partial.unlink(missing_ok=True)
    _create_private_file(partial)
    conn = _connect(partial)
    try:
        _schema.create(conn)
        conn.execute("UPDATE profile SET name = ?, phone = ? WHERE id = 1", (name, phone))
    finally:
        conn.close()
    os.replace(partial, db)  # a crash mid-creation leaves no half-made workbook
    return open_workbook(path)


def open_workbook(folder: str | os.PathLike[str]) -> Workbook:
    """Open the workbook in ``folder``, migrating an older schema after a backup.

    Raises
    ------
    WorkbookError
        If there is no workbook there, or the file is not a workbook.
    SchemaVersionError
        If it was written by a newer coachkit (the file is left untouched).
    """
    path = _resolve(folder)
    db = path / WORKBOOK_FILE
    if not db.is_file():
        raise WorkbookError(
            f"{db}: no workbook here.",
            hint=f"create one with `coachkit init {path}`, or check the folder name.",
        )
    if db.stat().st_size == 0:
        # coachkit never leaves an empty file under this name (it creates a workbook aside,
        # then renames it): an empty one was truncated, and must not pass for a new workbook.
        raise WorkbookError(
            f"{db}: the workbook file is empty (it was damaged or truncated).",
            hint="restore it from the backups/ folder, or from a `coachkit backup` copy.",
        )
    try:
        conn = _connect(db)
        version = _schema.version(conn)
    except sqlite3.DatabaseError as exc:
        raise WorkbookError(
            f"{db}: this file is not a coachkit workbook or is damaged ({exc}).",
            hint="restore it from the backups/ folder, or from a `coachkit backup` copy.",
        ) from exc
    if version > SCHEMA_VERSION:
        conn.close()
        raise SchemaVersionError(db, version, SCHEMA_VERSION)
    if version < SCHEMA_VERSION:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        _backup_connection(conn, path / BACKUP_DIR / f"workbook-v{version}-{stamp}.sqlite")
        _schema.migrate(conn, version)
    conn.execute("PRAGMA journal_mode = WAL")
    return Workbook(path, conn)
