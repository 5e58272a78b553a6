"""Calendar export: the weekly plans as an ``.ics`` file for Google, Outlook and Apple Calendar.

The participant imports a new file every week, so the second export matters as much as the
first (PROCESS.md and the README's calendar section):

* events (``VEVENT``), never tasks, placed at the time the work happens; no alarms;
* a **stable UID** per event: ``sha1(<workbook id>:<session key>)@coachkit``, the workbook id a
  random id stored once in the workbook, the key ``research:<day>``, ``outreach:<day>`` or
  ``follow-up:<contact id>:<outreach activity id>`` (a call keeps its UID when it moves);
* **nothing vanishes**: the workbook keeps every event it exported (table
  ``calendar_events``). An event that no longer applies (an overdue call answered by a
  reply, a call made, a research session moved by a profile change, a deleted activity) is
  exported again under its old UID, at its old time, as ``STATUS:CANCELLED`` and
  ``TRANSP:TRANSPARENT`` (free time), as long as the export's weeks cover that time;
* ``SEQUENCE`` and ``DTSTAMP`` change only when the event's content does (a digest of it is
  kept), so a re-import leaves alone what the participant edited in an unchanged event;
  when the content changes, SEQUENCE always goes up, even twice within a minute;
* an overdue call sits on ``today`` (a parameter), not on its past due day; the calls of a
  day follow one another in the call block (:func:`coachkit.schedule.assign_call_slots`);
* privacy: every event is ``CLASS:PRIVATE``; a call's description holds the phone number
  and the voicemail script and nothing from notes or replies; ``shared=True`` leaves those
  two out too, for a calendar other people see;
* no ``METHOD`` (a published file without an ORGANIZER fails RFC 5546 checks), so DTSTAMP
  is when the event last changed (RFC 5545, 3.8.7.2);
* times are floating local times unless ``profile.timezone`` is set; then they carry that
  ``TZID`` and the file holds a VTIMEZONE with yearly RRULEs (:mod:`coachkit._vtimezone`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import icalendar
import pandas as pd

from ._vtimezone import vtimezone
from .errors import ValidationError
from .schedule import (
    FOLLOW_UP_COLUMNS,
    Session,
    assign_call_slots,
    call_session,
    follow_ups_frame,
    plan_week,
    read_activities,
    read_people,
    weekly_outreach,
)
from .scripts import voicemail_draft
from .weeks import iter_weeks, week_range
from .workbook import Profile, Workbook, parse_date

__all__ = ["build_calendar", "event_uid", "workbook_identity", "write_calendar"]

_IDENTITY_KEY = "calendar_identity"
# Exports before the workbook kept its events used the export time in minutes since this
# epoch as SEQUENCE; a first revision starts there too, so it still counts as newer.
_SEQUENCE_EPOCH = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
_GONE_TITLES = {
    "research": "Research: find potential mentors",
    "outreach": "Outreach session",
    "call": "follow-up call (no longer planned)",
}


def workbook_identity(wb: Workbook) -> str:
    """Return the workbook's random calendar id, creating and storing it the first time."""
    return wb.meta_setdefault(_IDENTITY_KEY, uuid.uuid4().hex)


def event_uid(identity: str, key: str) -> str:
    """Return the stable UID of the event ``key`` (a session key) in workbook ``identity``."""
    digest = hashlib.sha1(f"{identity}:{key}".encode(), usedforsecurity=False).hexdigest()
    return f"{digest}@coachkit"


@dataclass(frozen=True)
class _Planned:
    """One event of an export, before its revision (SEQUENCE, DTSTAMP) is known."""

    uid: str
    kind: str
    start: dt.datetime  # local wall-clock time (naive)
    minutes: int
    summary: str
    description: str
    cancelled: bool
    title: str = ""  # what the workbook keeps to cancel it later ('' for calls: no names)

    def digest(self, tzid: str) -> str:
        content = "\x1f".join(
            [self.start.isoformat(), tzid, str(self.minutes), self.summary, self.description,
             str(self.cancelled), self.kind]
        )  # fmt: skip
        return hashlib.sha1(content.encode(), usedforsecurity=False).hexdigest()


@dataclass
class _Export:
    calendar: icalendar.Calendar
    records: list[dict[str, Any]]


def _call_description(session: Session, due: dt.date, script: str, shared: bool) -> str:
    """What the participant needs at the call: the number and the voicemail script, nothing
    from their notes or the contact's replies (and neither of those two on a shared calendar).
    """
    lines = []
    if session.day > due:
        lines.append(f"Overdue: it was due on {due.isoformat()}. Make it first.")
    if shared:
        lines.append("The number and the voicemail script are in your coachkit plan.")
    else:
        lines.append(f"Phone: {session.phone or 'no number on file: find it before the call'}")
        lines += ["If you reach voicemail, leave this message:", script]
    return "\n".join(lines)


def _local(session: Session) -> dt.datetime:
    return dt.datetime.combine(session.day, dt.time.fromisoformat(session.time))


def _plan(
    wb: Workbook,
    profile: Profile,
    labels: list[str],
    window: tuple[dt.date, dt.date],
    today: dt.date,
    identity: str,
    shared: bool,
    exported: Mapping[str, Mapping[str, Any]],
) -> list[_Planned]:
    """Every event the export holds: the plan of its weeks, then what no longer applies."""
    first, last = window
    with wb.snapshot():
        activities, contacts = read_activities(wb), read_people(wb)
        amount = weekly_outreach(wb.targets)
        voicemails = wb.voicemail_drafts()  # the participant's own words for each call

    none_due = pd.DataFrame(columns=FOLLOW_UP_COLUMNS)
    sessions: list[Session] = []
    for label in labels:
        plan = plan_week(label, profile, none_due, none_due, new_contacts_target=amount)
        sessions += [s for s in plan.sessions if s.kind != "call"]

    # Calls: their state as of today (or the last day exported, if later: a reply logged
    # ahead closes a call too). A call still to make sits on its due day, or on today once
    # overdue (the export's first day if today is before it); a closed one keeps the place
    # it was last exported at, else its due day.
    follow = follow_ups_frame(
        activities, contacts, max(today, last), profile.follow_up_days, profile.skip_weekends
    )
    known_calls: set[str] = set()
    due_of: dict[str, dt.date] = {}
    rows_of: dict[str, Any] = {}
    kept_closed: list[Session] = []
    for row in follow.itertuples(index=False):
        key = f"follow-up:{int(row.contact_id)}:{int(row.outreach_id)}"
        uid = event_uid(identity, key)
        known_calls.add(uid)
        due_of[uid], rows_of[uid] = row.due, row
        if row.status in ("open", "overdue"):
            day = row.due if row.due >= today else max(today, first)
            if first <= day <= last:
                sessions.append(
                    call_session(row, profile, day, voicemails.get(int(row.contact_id)))
                )
        elif uid in exported:
            place = dt.datetime.fromisoformat(exported[uid]["start"])
            if first <= place.date() <= last:
                session = call_session(
                    row, profile, place.date(), voicemails.get(int(row.contact_id))
                )
                kept_closed.append(replace(session, time=f"{place:%H:%M}"))
        elif first <= row.due <= last:
            sessions.append(
                call_session(row, profile, row.due, voicemails.get(int(row.contact_id)))
            )
    sessions = assign_call_slots(sessions) + kept_closed

    planned: list[_Planned] = []
    for session in sessions:
        uid = event_uid(identity, session.key)
        closed = session.status in ("done", "cancelled")
        if session.kind == "call":
            if closed:
                prefix = "Done: " if session.status == "done" else "Cancelled: "
                summary = prefix + session.title.removesuffix(" (overdue)")
                description = "This call is no longer in your plan."
            else:
                row = rows_of[uid]
                # The script the participant wrote and practised (notebook 06), else coachkit's.
                saved = (wb.get_draft(int(row.contact_id)) or {}).get("voicemail", "").strip()
                script = saved or voicemail_draft(profile, {"name": row.contact, "firm": row.firm})
                summary = session.title
                description = _call_description(session, due_of[uid], script, shared)
            title = ""
        else:
            summary, description, title = session.title, session.details, session.title
        planned.append(
            _Planned(uid, session.kind, _local(session), session.minutes, summary, description,
                     closed, title)
        )  # fmt: skip

    # Exported earlier, now gone from the plan (a deleted activity, a moved research day):
    # cancelled under the old UID at the old time, while the export covers that time.
    current = {p.uid for p in planned} | known_calls
    for uid, old in exported.items():
        place = dt.datetime.fromisoformat(old["start"])
        if uid in current or not first <= place.date() <= last:
            continue
        title = old["title"] or _GONE_TITLES.get(old["kind"], "coachkit session")
        planned.append(
            _Planned(uid, old["kind"], place, int(old["minutes"]), f"Cancelled: {title}",
                     "This session is no longer in your plan.", True, old["title"])
        )  # fmt: skip
    planned.sort(key=lambda p: (p.start, p.cancelled, p.kind != "research", p.summary, p.uid))
    return planned


def _revision(
    event: _Planned, tzid: str, stamp: dt.datetime, kept: Mapping[str, Any] | None
) -> tuple[str, int, dt.datetime]:
    """The event's digest, SEQUENCE and DTSTAMP: unchanged content keeps the ones last
    exported; changed content gets a higher SEQUENCE, even within the same minute."""
    digest = event.digest(tzid)
    floor = max(0, int((stamp - _SEQUENCE_EPOCH).total_seconds() // 60))
    if kept is None:
        return digest, floor, stamp
    if kept["digest"] == digest:
        revised = dt.datetime.fromisoformat(kept["revised"]).astimezone(dt.UTC)
        return digest, int(kept["sequence"]), revised
    return digest, max(int(kept["sequence"]) + 1, floor), stamp


def _export(
    wb: Workbook,
    start: dt.date | str,
    weeks: int,
    today: dt.date | str | None,
    dtstamp: dt.datetime | None,
    shared: bool,
) -> _Export:
    first_day = parse_date(start, "start")
    today = dt.date.today() if today is None else parse_date(today, "today")
    if isinstance(weeks, bool) or not isinstance(weeks, int) or not 1 <= weeks <= 104:
        raise ValidationError("weeks", f"{weeks!r} is not a number of weeks from 1 to 104")
    profile = wb.profile
    labels = iter_weeks(first_day, weeks, profile.week_start)
    # Every week is checked before workbook_identity may store the calendar's id: a refused
    # export leaves the workbook unchanged.
    ranges = [week_range(label, profile.week_start) for label in labels]
    window = (ranges[0][0], ranges[-1][1])
    if dtstamp is None:
        dtstamp = dt.datetime.combine(window[0], dt.time(0), tzinfo=dt.UTC)
    elif dtstamp.tzinfo is None:
        dtstamp = dtstamp.replace(tzinfo=dt.UTC)
    stamp = dtstamp.astimezone(dt.UTC).replace(microsecond=0)
    tzid = profile.timezone or ""
    identity = workbook_identity(wb)
    exported = wb.calendar_events()
    planned = _plan(wb, profile, labels, window, today, identity, shared, exported)

    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//coachkit//coachkit networking plan//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"coachkit: {profile.name}" if profile.name else "coachkit")
    if tzid:
        days = [p.start.date() for p in planned] or [window[0]]
        calendar.add_component(
            vtimezone(tzid, min(min(days), window[0]), max(max(days), window[1]))
        )
    records = []
    for event in planned:
        digest, sequence, revised = _revision(event, tzid, stamp, exported.get(event.uid))
        start_at = event.start if not tzid else _zoned(event.start, tzid)
        component = icalendar.Event()
        component.add("uid", event.uid)
        component.add("dtstamp", revised)
        component.add("sequence", sequence)
        component.add("dtstart", start_at)
        component.add("dtend", start_at + dt.timedelta(minutes=event.minutes))
        component.add("summary", event.summary)
        component.add("description", event.description)
        component.add("categories", ["coachkit", event.kind])
        component.add("class", "PRIVATE")
        component.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
        component.add("transp", "TRANSPARENT" if event.cancelled else "OPAQUE")
        calendar.add_component(component)
        records.append(
            {
                "uid": event.uid, "kind": event.kind, "start": f"{event.start:%Y-%m-%dT%H:%M}",
                "minutes": event.minutes, "title": event.title, "cancelled": event.cancelled,
                "digest": digest, "sequence": sequence,
                "revised": revised.strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
        )  # fmt: skip
    return _Export(calendar, records)


def _zoned(local: dt.datetime, tzid: str) -> dt.datetime:
    from zoneinfo import ZoneInfo

    return local.replace(tzinfo=ZoneInfo(tzid))


def build_calendar(
    wb: Workbook,
    start: dt.date | str,
    weeks: int = 4,
    *,
    today: dt.date | str | None = None,
    dtstamp: dt.datetime | None = None,
    shared: bool = False,
) -> icalendar.Calendar:
    """Return the plans of ``weeks`` weeks, from the week holding ``start``, as a calendar.

    Building does not record anything: :func:`write_calendar` records what it writes, so
    that the next export can cancel what no longer applies.

    Parameters
    ----------
    wb
        The workbook.
    start
        Any day of the first week (whole weeks are exported).
    weeks
        How many weeks, 1 to 104.
    today
        The day overdue calls are placed on (default: the real today).
    dtstamp
        The export time, written as DTSTAMP of every event that changed since the last
        export (UTC); defaults to midnight UTC of the first week's first day, so a call
        without it is reproducible.
    shared
        For a calendar other people can see: calls carry no phone number and no voicemail
        script.

    Raises
    ------
    ValidationError
        For a bad ``start``, ``today`` or ``weeks``.
    """
    return _export(wb, start, weeks, today, dtstamp, shared).calendar


def write_calendar(
    wb: Workbook,
    path: str | os.PathLike[str],
    start: dt.date | str,
    weeks: int = 4,
    *,
    today: dt.date | str | None = None,
    dtstamp: dt.datetime | None = None,
    shared: bool = False,
) -> Path:
    """Write :func:`build_calendar` to ``path`` (replaced whole, never half-written) and
    record its events in the workbook, in one transaction with the file's replacement."""
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
            export = _export(wb, start, weeks, today, dtstamp, shared)
            handle.write(export.calendar.to_ical())
        # The workbook remembers these events only if the file is really replaced.
        with wb.transaction():
            wb.record_calendar_events(export.records)
            os.replace(partial, dest)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return dest
