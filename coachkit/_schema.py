"""The workbook's SQL schema, versioned with ``PRAGMA user_version``, and its migrations.

A new workbook is built by running every migration from version 0, so the path an old
workbook takes to the current version is the path every test exercises. Add a version by
appending to ``MIGRATIONS``; never edit a released step.
"""

from __future__ import annotations

import sqlite3

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "create", "migrate", "version"]

_V1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE profile (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    name TEXT NOT NULL DEFAULT '',
    week_start INTEGER NOT NULL DEFAULT 0 CHECK (week_start BETWEEN 0 AND 6),
    outreach_weekday INTEGER NOT NULL DEFAULT 6 CHECK (outreach_weekday BETWEEN 0 AND 6),
    follow_up_days INTEGER NOT NULL DEFAULT 9 CHECK (follow_up_days BETWEEN 1 AND 60),
    research_weekday INTEGER NOT NULL DEFAULT 5 CHECK (research_weekday BETWEEN 0 AND 6),
    research_time TEXT NOT NULL DEFAULT '10:00',
    outreach_time TEXT NOT NULL DEFAULT '17:00',
    call_time TEXT NOT NULL DEFAULT '10:00',
    timezone TEXT NOT NULL DEFAULT ''
);
INSERT INTO profile (id) VALUES (1);
CREATE TABLE goals (
    kind TEXT NOT NULL CHECK (kind IN ('industries', 'roles', 'locations')),
    rank INTEGER NOT NULL CHECK (rank >= 1),
    value TEXT NOT NULL,
    PRIMARY KEY (kind, rank)
);
CREATE TABLE targets (
    metric TEXT PRIMARY KEY,
    period TEXT NOT NULL CHECK (period IN ('week', 'month')),
    amount INTEGER NOT NULL CHECK (amount >= 0),
    label TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL DEFAULT 0
);
INSERT INTO targets (metric, period, amount, label, position) VALUES
    ('new_contacts', 'week', 5, 'new contacts', 1),
    ('calls', 'week', 2, 'calls', 2),
    ('meetings', 'month', 4, 'meetings', 3);
CREATE TABLE firms (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    key TEXT NOT NULL UNIQUE,
    industry TEXT,
    location TEXT,
    notes TEXT
);
CREATE TABLE contacts (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    first_name TEXT,
    last_name TEXT,
    firm_id INTEGER REFERENCES firms (id) ON DELETE SET NULL,
    position TEXT,
    location TEXT,
    email TEXT,
    phone TEXT,
    profile_url TEXT,
    source TEXT,
    referred_by INTEGER REFERENCES contacts (id) ON DELETE SET NULL,
    tags TEXT,
    notes TEXT,
    connected_on TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX contacts_profile_url ON contacts (profile_url);
CREATE INDEX contacts_email ON contacts (email);
CREATE INDEX contacts_name_firm ON contacts (name_key, firm_id);
CREATE TABLE activities (
    id INTEGER PRIMARY KEY,
    contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('outreach', 'reply', 'call', 'meeting', 'referral')),
    on_date TEXT NOT NULL,
    channel TEXT,
    outcome TEXT,
    notes TEXT
);
CREATE INDEX activities_contact ON activities (contact_id, on_date);
CREATE INDEX activities_date ON activities (on_date);
"""

# Version 2 (the process engine): referrals are logged against the conversation that produced
# them, and point at the person referred.
_V2 = """
ALTER TABLE activities ADD COLUMN parent_id INTEGER REFERENCES activities (id) ON DELETE SET NULL;
ALTER TABLE activities ADD COLUMN related_contact_id INTEGER
    REFERENCES contacts (id) ON DELETE CASCADE;
CREATE INDEX contacts_referred_by ON contacts (referred_by);
"""

# Version 3 (the guided notebooks): outreach drafts a participant is working on, one per contact,
# kept in the workbook so that saving them is a transaction like every other write.
_V3 = """
CREATE TABLE drafts (
    contact_id INTEGER PRIMARY KEY REFERENCES contacts (id) ON DELETE CASCADE,
    subject TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL DEFAULT '',
    voicemail TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
"""

# Version 4 (calendar re-imports): every event a calendar export wrote, so that the next export
# can cancel the ones that no longer apply (under their old UID, at their old time) and keep
# SEQUENCE and DTSTAMP unchanged for events whose content did not change. A call's row holds
# no name (title is '' for calls): deleting a contact leaves nothing of them here.
_V4 = """
CREATE TABLE calendar_events (
    uid TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    start TEXT NOT NULL,
    minutes INTEGER NOT NULL CHECK (minutes > 0),
    title TEXT NOT NULL DEFAULT '',
    cancelled INTEGER NOT NULL DEFAULT 0 CHECK (cancelled IN (0, 1)),
    digest TEXT NOT NULL,
    sequence INTEGER NOT NULL CHECK (sequence >= 0),
    revised TEXT NOT NULL
);
CREATE INDEX calendar_events_start ON calendar_events (start);
"""

# Version 5 (sincere scripts): the participant's call-back number, said in every voicemail, and
# the one sentence they wrote on what they admire in a contact's work, kept with that
# contact's drafts so the email and the voicemail say the same thing.
_V5 = """
ALTER TABLE profile ADD COLUMN phone TEXT NOT NULL DEFAULT '';
ALTER TABLE drafts ADD COLUMN admiration TEXT NOT NULL DEFAULT '';
"""

# Version 6 (figures a coach can trust): a target has a history, so that changing it today
# does not rewrite past weeks; a follow-up falling on a weekend moves to Monday (a setting).
# ``amount`` NULL records that the target was removed from ``since`` on. The history starts
# with the targets in force so far, in force since forever (0001-01-01).
_V6 = """
CREATE TABLE target_changes (
    metric TEXT NOT NULL,
    since TEXT NOT NULL,
    period TEXT NOT NULL CHECK (period IN ('week', 'month')),
    amount INTEGER CHECK (amount >= 0),
    label TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (metric, since)
);
INSERT INTO target_changes (metric, since, period, amount, label)
    SELECT metric, '0001-01-01', period, amount, label FROM targets;
ALTER TABLE profile ADD COLUMN skip_weekends INTEGER NOT NULL DEFAULT 1
    CHECK (skip_weekends IN (0, 1));
"""

MIGRATIONS: tuple[str, ...] = (_V1, _V2, _V3, _V4, _V5, _V6)
SCHEMA_VERSION = len(MIGRATIONS)


def version(conn: sqlite3.Connection) -> int:
    """Return the schema version stored in the file (0 for an empty file)."""
    (found,) = conn.execute("PRAGMA user_version").fetchone()
    if found == 0 and conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
        raise sqlite3.DatabaseError("the file holds tables but no coachkit schema version")
    return int(found)


def migrate(conn: sqlite3.Connection, current: int, target: int = SCHEMA_VERSION) -> None:
    """Apply every migration after ``current`` up to ``target`` in one transaction."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        for number in range(current, target):
            for statement in _statements(MIGRATIONS[number]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number + 1:d}")
        conn.execute(
            "INSERT INTO meta (key, value) VALUES ('schema_version', ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (str(target),),
        )
    except BaseException:
        conn.rollback()
        raise
    conn.commit()


def create(conn: sqlite3.Connection, target: int = SCHEMA_VERSION) -> None:
    """Build the schema in an empty database, up to ``target`` (older ones are for tests)."""
    migrate(conn, 0, target)
    conn.execute("PRAGMA journal_mode = WAL")


def _statements(script: str) -> list[str]:
    # sqlite3.executescript would commit the open transaction; split instead.
    return [s.strip() for s in script.split(";") if s.strip()]
