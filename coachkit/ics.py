"""Calendar export: the weekly plans as an ``.ics`` file for Google, Outlook and Apple Calendar.

What the calendar clients need (PROCESS.md):

* events (``VEVENT``), never tasks (``VTODO``, which those clients ignore), placed at the
  time the work happens: no reliance on alarms (Google drops ``VALARM`` on import);
* a **stable UID** per event, so that importing a newer export updates events instead of
  duplicating them. A UID is ``sha1(<workbook id>:<what the event is>)@coachkit``, where
  the workbook id is a random id stored once in the workbook (kept across moves and
  backups) and "what the event is" is the session key: ``research:<day>``,
  ``outreach:<day>`` or ``follow-up:<contact id>:<outreach activity id>`` (a follow-up
  keeps its UID whatever its status);
* ``DTSTAMP`` is a parameter (the CLI passes the current time): the same workbook and the
  same stamp give a byte-identical file. ``SEQUENCE`` is the stamp in minutes since
  2020-01-01, so a later export always counts as the newer revision of each event;
* a follow-up call cancelled by a reply or meeting is exported with ``STATUS:CANCELLED``
  (so a re-import cancels the event imported earlier); a call already made is kept, its
  title starting with "Done:".

Times are floating local times ("10:00 wherever I am"), unless ``profile.timezone`` is set
(then they carry that ``TZID`` and the file holds its ``VTIMEZONE``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar

from .errors import ValidationError
from .schedule import (
    Session,
    call_session,
    follow_ups_frame,
    plan_week,
    read_activities,
    read_people,
    weekly_outreach,
)
from .weeks import iter_weeks, week_range
from .workbook import Workbook, parse_date

__all__ = ["build_calendar", "event_uid", "workbook_identity", "write_calendar"]

_IDENTITY_KEY = "calendar_identity"
_SEQUENCE_EPOCH = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)


def workbook_identity(wb: Workbook) -> str:
    """Return the workbook's random calendar id, creating and storing it the first time."""
    return wb.meta_setdefault(_IDENTITY_KEY, uuid.uuid4().hex)


def event_uid(identity: str, key: str) -> str:
    """Return the stable UID of the event ``key`` (a session key) in workbook ``identity``."""
    digest = hashlib.sha1(f"{identity}:{key}".encode(), usedforsecurity=False).hexdigest()
    return f"{digest}@coachkit"


def _event(
    session: Session,
    uid: str,
    stamp: dt.datetime,
    sequence: int,
    tz: ZoneInfo | None,
) -> icalendar.Event:
    start = dt.datetime.combine(session.day, dt.time.fromisoformat(session.time), tzinfo=tz)
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("sequence", sequence)
    event.add("dtstart", start)
    event.add("dtend", start + dt.timedelta(minutes=session.minutes))
    title = session.title
    if session.status == "done":
        title = f"Done: {title}"
    elif session.status == "cancelled":
        title = f"Cancelled: {title}"
    event.add("summary", title)
    event.add("description", session.details)
    event.add("categories", ["coachkit", session.kind])
    event.add("status", "CANCELLED" if session.status == "cancelled" else "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event


def build_calendar(
    wb: Workbook,
    start: dt.date | str,
    weeks: int = 4,
    *,
    dtstamp: dt.datetime | None = None,
) -> icalendar.Calendar:
    """Return the plans of ``weeks`` weeks, from the week holding ``start``, as a calendar.

    Parameters
    ----------
    wb
        The workbook.
    start
        Any day of the first week (whole weeks are exported).
    weeks
        How many weeks, 1 to 104.
    dtstamp
        The export time written as every event's ``DTSTAMP`` (UTC); defaults to midnight
        UTC of the first week's first day, so a call without it is reproducible.

    Raises
    ------
    ValidationError
        For a bad ``start`` or ``weeks``.
    """
    first_day = parse_date(start, "start")
    if isinstance(weeks, bool) or not isinstance(weeks, int) or not 1 <= weeks <= 104:
        raise ValidationError("weeks", f"{weeks!r} is not a number of weeks from 1 to 104")
    profile = wb.profile
    labels = iter_weeks(first_day, weeks, profile.week_start)
    # Every week is checked before workbook_identity may store the calendar's id: a refused
    # export leaves the workbook unchanged.
    ranges = [week_range(label, profile.week_start) for label in labels]
    if dtstamp is None:
        first, _ = week_range(labels[0], profile.week_start)
        dtstamp = dt.datetime.combine(first, dt.time(0), tzinfo=dt.UTC)
    elif dtstamp.tzinfo is None:
        dtstamp = dtstamp.replace(tzinfo=dt.UTC)
    stamp = dtstamp.astimezone(dt.UTC).replace(microsecond=0)
    sequence = max(0, int((stamp - _SEQUENCE_EPOCH).total_seconds() // 60))
    tz = ZoneInfo(profile.timezone) if profile.timezone else None
    identity = workbook_identity(wb)
    with wb.snapshot():
        activities, contacts = read_activities(wb), read_people(wb)
        amount = weekly_outreach(wb.targets)

    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//coachkit//coachkit networking plan//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"coachkit: {profile.name}" if profile.name else "coachkit")
    # Calls already overdue before the first week are not in any week's plan: put them on
    # the export's first day, so the calendar shows what is owed (same UID as when they were
    # first exported on their due day, so the event moves instead of doubling).
    first_week_start = ranges[0][0]
    owed = follow_ups_frame(activities, contacts, first_day, profile.follow_up_days)
    owed = owed[(owed["status"] == "overdue") & (owed["due"] < first_week_start)]
    for row in owed.itertuples(index=False):
        session = call_session(row, profile, max(first_day, first_week_start))
        uid = event_uid(identity, session.key)
        calendar.add_component(_event(session, uid, stamp, sequence, tz))
    for label, (first, last) in zip(labels, ranges, strict=True):
        plan = plan_week(
            label,
            profile,
            follow_ups_frame(activities, contacts, last, profile.follow_up_days),
            follow_ups_frame(activities, contacts, first, profile.follow_up_days),
            new_contacts_target=amount,
            include_closed=True,
        )
        for session in plan.sessions:
            uid = event_uid(identity, session.key)
            calendar.add_component(_event(session, uid, stamp, sequence, tz))
    if tz is not None:
        calendar.add_missing_timezones()
    return calendar


def write_calendar(
    wb: Workbook,
    path: str | os.PathLike[str],
    start: dt.date | str,
    weeks: int = 4,
    *,
    dtstamp: dt.datetime | None = None,
) -> Path:
    """Write :func:`build_calendar` to ``path`` (replaced whole, never half-written)."""
    dest = wb.check_output(path)  # never over the workbook's own file
    if dest.is_dir():
        raise ValidationError(
            "--out", f"{dest} is a folder", hint="name the calendar file, e.g. plan.ics."
        )
    # The destination is made ready before the calendar is built: building stores the
    # workbook's calendar id, and a refused export must leave the workbook unchanged.
    dest.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = dest.with_name(dest.name + ".partial")
    # The plan names contacts: readable only by the owner, like the workbook.
    fd = os.open(partial, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(build_calendar(wb, start, weeks, dtstamp=dtstamp).to_ical())
        os.replace(partial, dest)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return dest
