"""Step 2 of the method: the schedule, and the follow-up call after every initial outreach.

The rules (defaults from PROCESS.md, each a profile setting):

* Only the **initial** outreach to a person (their first-ever outreach activity) creates a
  follow-up call, due ``profile.follow_up_days`` (9) calendar days later: a Sunday send gives a
  Tuesday call. A due day that falls on a Saturday or Sunday moves to the next Monday
  (``profile.skip_weekends``, on by default): nobody is at their desk to take the call.
  A later outreach to the same person does not create another follow-up, even after the
  first one closed: one thread per person keeps the plan free of duplicates (log a call
  directly if you want to try again).
* The follow-up closes at the first of these on or after the outreach day (and on or before
  ``today``): a **reply** or a **meeting** (status ``cancelled``: the call is no longer
  needed), or a **call made** that reached them or left a message, on their voicemail or
  with an assistant (status ``done``). A call with outcome ``no_answer`` does not close it:
  the method says always leave a message, so the call is still to be made.
* An open follow-up whose due day is before ``today`` is ``overdue`` by ``today - due``
  days (a call due Tuesday and not made is overdue on Wednesday); one due today or later is
  ``open``. A plan made as of ``today`` puts an overdue call of its week on ``today``
  (:func:`call_day`), not on the past day it was due.

The pure functions take DataFrames shaped like :meth:`Workbook.activities` and
:meth:`Workbook.contacts`; the thin wrappers take a :class:`~coachkit.workbook.Workbook`.
"""

from __future__ import annotations

import datetime as dt
import math
import weakref
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from .weeks import week_label, week_range
from .workbook import CALLS_MADE, WEEKDAYS, Profile, Target, Workbook, parse_date

__all__ = [
    "CLOSING_CALL_OUTCOMES",
    "FOLLOW_UP_COLUMNS",
    "Session",
    "WeeklyPlan",
    "assign_call_slots",
    "call_day",
    "call_session",
    "first_call_due",
    "follow_up_day",
    "follow_up_due",
    "follow_ups",
    "follow_ups_frame",
    "format_plan",
    "plan_week",
    "read_activities",
    "read_people",
    "weekly_outreach",
    "weekly_plan",
]

# A call that left a message counts as made; one nobody answered does not (leave a message).
CLOSING_CALL_OUTCOMES = CALLS_MADE
FOLLOW_UP_COLUMNS = [
    "contact_id", "contact", "firm", "phone", "outreach_id", "outreach_date", "due", "status",
    "closed_by", "closed_on", "days_overdue",
]  # fmt: skip


# The engine's reads, kept per open workbook until it changes: a notebook or the weekly
# report calls follow_ups, weekly_plan, progress and network_figures in a row, and each would
# otherwise read 100,000 activities again. The key changes on any write through this
# connection (SQLite's total_changes()) and on any commit by another one (data_version).
_CACHE: weakref.WeakKeyDictionary[Workbook, dict[str, tuple[tuple[int, int], pd.DataFrame]]]
_CACHE = weakref.WeakKeyDictionary()


def _cached(wb: Workbook, name: str, read: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    key = wb.change_stamp()
    slots = _CACHE.setdefault(wb, {})
    hit = slots.get(name)
    if hit is None or hit[0] != key:
        hit = (key, read())
        slots[name] = hit
    return hit[1].copy(deep=False)  # copy-on-write: callers cannot alter the cached frame


def read_activities(wb: Workbook, until: dt.date | None = None) -> pd.DataFrame:
    """Read the columns the engine needs from every activity (up to ``until``), quickly.

    A lean version of :meth:`Workbook.activities` (no names, no notes, no join, no order:
    the engine sorts what it needs): ``id``, ``contact_id``, ``kind``, ``date``
    (datetime64), ``outcome``, ``parent_id``, ``related_contact_id``. The frame is read once
    and reused until the workbook changes (by this process or another).
    """
    frame = _cached(wb, "activities", wb.activity_facts)
    if until is not None:
        frame = frame[frame["date"] <= pd.Timestamp(until)]
    return frame


def read_people(wb: Workbook) -> pd.DataFrame:
    """Read ``id``, ``name``, ``firm``, ``phone``, ``referred_by`` of every contact (cached
    like :func:`read_activities`)."""
    return _cached(wb, "people", wb.people)


def follow_up_due(
    outreach: pd.Series, follow_up_days: int = 9, skip_weekends: bool = True
) -> pd.Series:
    """The due day of the follow-up call of each outreach date (datetime64 in, datetime64 out).

    ``follow_up_days`` later, moved to the Monday after when that falls on a Saturday or
    Sunday and ``skip_weekends`` is set. The one place this rule lives.

    Examples
    --------
    >>> days = pd.Series(pd.to_datetime(["2026-11-22", "2026-11-26", "2026-11-27"]))
    >>> [d.date().isoformat() for d in follow_up_due(days)]
    ['2026-12-01', '2026-12-07', '2026-12-07']
    >>> [d.date().isoformat() for d in follow_up_due(days, skip_weekends=False)]
    ['2026-12-01', '2026-12-05', '2026-12-06']
    """
    due = outreach + pd.Timedelta(days=follow_up_days)
    if skip_weekends and len(due):
        weekday = due.dt.day_of_week
        due = due + pd.to_timedelta((7 - weekday).where(weekday >= 5, 0), unit="D")
    return due


def follow_up_day(sent: dt.date, profile: Profile) -> dt.date:
    """The due day of the follow-up call of an outreach sent on ``sent`` (one date)."""
    due = follow_up_due(pd.Series([pd.Timestamp(sent)]), profile.follow_up_days,
                        profile.skip_weekends)  # fmt: skip
    return due.iloc[0].date()


def first_call_due(
    activities: pd.DataFrame, follow_up_days: int = 9, skip_weekends: bool = True
) -> dt.date | None:
    """The day the participant's first follow-up call falls due (None before any outreach).

    Before that day no follow-up can be due, so a calls target cannot yet be judged.
    """
    sent = activities.loc[activities["kind"] == "outreach", "date"]
    if sent.empty:
        return None
    first = pd.Series([sent.min()])
    return follow_up_due(first, follow_up_days, skip_weekends).iloc[0].date()


def call_day(due: dt.date, status: str, today: dt.date | None) -> dt.date:
    """The day a follow-up call sits on in a plan made as of ``today``.

    Its due day, unless it is overdue as of ``today``: then ``today`` (a call due Tuesday
    and not made is owed on Thursday, not on the past Tuesday). Without ``today``, its due
    day.
    """
    if today is not None and status == "overdue" and due < today:
        return today
    return due


def follow_ups_frame(
    activities: pd.DataFrame,
    contacts: pd.DataFrame,
    today: dt.date,
    follow_up_days: int = 9,
    skip_weekends: bool = True,
) -> pd.DataFrame:
    """Return one row per initial outreach with the state of its follow-up call on ``today``.

    Parameters
    ----------
    activities
        Activities as :meth:`Workbook.activities` returns them (``id``, ``contact_id``,
        ``kind``, ``date`` as datetime64, ``outcome``).
    contacts
        Contacts as :meth:`Workbook.contacts` returns them (``id``, ``name``, ``firm``,
        ``phone``).
    today
        The day the state is computed for; activities after it are ignored, so the same
        log answers "what was overdue on Monday?".
    follow_up_days
        Days from the initial outreach to the call.
    skip_weekends
        Move a due day that falls on a weekend to the next Monday (:func:`follow_up_due`).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`FOLLOW_UP_COLUMNS`: ``due``, ``outreach_date`` and ``closed_on`` are
        :class:`datetime.date` (``closed_on`` None while open), ``status`` is one of
        ``open``, ``overdue``, ``done``, ``cancelled``; ``closed_by`` is the kind of activity
        that closed it (``reply``, ``meeting``, ``call``) or None; ``days_overdue`` is 0
        unless overdue. Sorted by due day, then contact.
    """
    stamp = pd.Timestamp(today)
    acts = activities[activities["date"] <= stamp]
    outreach = acts[acts["kind"] == "outreach"]
    first = (
        outreach.sort_values(["contact_id", "date", "id"], kind="stable")
        .drop_duplicates("contact_id")[["contact_id", "id", "date"]]
        .rename(columns={"id": "outreach_id", "date": "outreach_date"})
    )
    is_closer = acts["kind"].isin(["reply", "meeting"]) | (
        (acts["kind"] == "call") & acts["outcome"].isin(CLOSING_CALL_OUTCOMES)
    )
    closers = acts.loc[is_closer, ["contact_id", "id", "date", "kind"]]
    paired = closers.merge(first, on="contact_id")
    paired = paired[paired["date"] >= paired["outreach_date"]]
    first_closer = (
        paired.sort_values(["contact_id", "date", "id"], kind="stable")
        .drop_duplicates("contact_id")[["contact_id", "date", "kind"]]
        .rename(columns={"date": "closed_on", "kind": "closed_by"})
    )
    out = first.merge(first_closer, on="contact_id", how="left")
    people = contacts[["id", "name", "firm", "phone"]].rename(
        columns={"id": "contact_id", "name": "contact"}
    )
    out = out.merge(people, on="contact_id", how="left")
    out["due"] = follow_up_due(out["outreach_date"], follow_up_days, skip_weekends)
    closed = out["closed_by"].notna()
    late = ~closed & (out["due"] < stamp)
    status = pd.Series("open", index=out.index, dtype="object")
    status[late] = "overdue"
    status[closed & (out["closed_by"] == "call")] = "done"
    status[closed & (out["closed_by"] != "call")] = "cancelled"
    out["status"] = status
    out["days_overdue"] = ((stamp - out["due"]).dt.days).where(late, 0).astype("int64")
    out = out.sort_values(["due", "contact", "contact_id"], kind="stable").reset_index(drop=True)
    out["outreach_date"] = out["outreach_date"].dt.date
    out["due"] = out["due"].dt.date
    out["closed_on"] = out["closed_on"].dt.date.astype("object")
    for column in ("closed_on", "closed_by", "phone", "firm"):  # missing is None, not NaN
        values = out[column].astype("object")
        out[column] = values.where(values.notna(), None)
    return out[FOLLOW_UP_COLUMNS]


def follow_ups(wb: Workbook, today: dt.date | str) -> pd.DataFrame:
    """Return the follow-up call of every initial outreach, as of ``today``.

    See :func:`follow_ups_frame` for the columns and the module docstring for the rules.
    """
    day = parse_date(today, "today")
    with wb.snapshot():
        activities, contacts = read_activities(wb, day), read_people(wb)
    profile = wb.profile
    return follow_ups_frame(
        activities, contacts, day, profile.follow_up_days, profile.skip_weekends
    )


@dataclass(frozen=True)
class Session:
    """One scheduled piece of work in a week.

    Attributes
    ----------
    kind
        ``"research"``, ``"outreach"`` or ``"call"``.
    day, time
        When the work happens (``time`` as ``"HH:MM"``, local time).
    title
        A short line, as a calendar would show it.
    contact_id
        For a call: who to call.
    details
        What to do, in full (for a call: the number and the voicemail script).
    key
        What the session is, stable across exports (``"follow-up:12:345"``,
        ``"outreach:2026-11-29"``): calendar UIDs derive from it.
    status
        ``"planned"``, or for a call ``"done"`` / ``"cancelled"`` once closed.
    minutes
        How long to block in a calendar.
    phone
        For a call: the number, if known.
    """

    kind: str
    day: dt.date
    time: str
    title: str
    contact_id: int | None = None
    details: str = ""
    key: str = ""
    status: str = "planned"
    minutes: int = 60
    phone: str | None = None


@dataclass
class WeeklyPlan:
    """The plan for one week: research, the outreach session and the follow-up calls."""

    week: str
    start: dt.date
    end: dt.date
    sessions: list[Session] = field(default_factory=list)
    overdue: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=FOLLOW_UP_COLUMNS))
    as_of: dt.date | None = None  # the day ``overdue`` is worked out for

    def to_frame(self) -> pd.DataFrame:
        """Return the sessions as a table: day, time, kind, title, details, contact_id, status."""
        columns = ["day", "time", "kind", "title", "details", "contact_id", "status"]
        rows = [{c: getattr(s, c) for c in columns} for s in self.sessions]
        return pd.DataFrame(rows, columns=columns).astype({"contact_id": "Int64"})


def weekly_outreach(targets: Iterable[Target]) -> int:
    """How many people the outreach session should write to: the ``new_contacts`` target
    (a month target spread over 52/12 weeks, rounded up); 5, the method's default, without one.
    """
    for target in targets:
        if target.metric == "new_contacts":
            if target.period == "month":
                return math.ceil(target.amount * 12 / 52)
            return target.amount
    return 5


def _day_in_week(start: dt.date, weekday: int) -> dt.date:
    return start + dt.timedelta(days=(weekday - start.weekday()) % 7)


def _goals_text(profile: Profile) -> str:
    goals = profile.goals
    parts = []
    for label, values in (
        ("industries", goals.industries),
        ("roles", goals.roles),
        ("locations", goals.locations),
    ):
        if values:
            parts.append(f"{label}: {', '.join(values)}")
    return "; ".join(parts) if parts else "set your goals first (industry, role, location)"


def call_session(row: Any, profile: Profile, day: dt.date, voicemail: str | None = None) -> Session:
    """The follow-up call of one :func:`follow_ups_frame` row, planned on ``day``.

    Its ``key`` names the follow-up, not the day, so a calendar that moves an overdue call to
    a later day updates the event instead of adding a second one. ``voicemail`` is the
    script the participant saved for this contact (notebook 06); without one, the template
    with its gaps to fill (:func:`coachkit.scripts.voicemail_draft`).
    """
    from .scripts import voicemail_draft

    status = {"done": "done", "cancelled": "cancelled"}.get(row.status, "planned")
    contact = {"name": row.contact, "firm": row.firm}
    who = row.contact + (f" ({row.firm})" if isinstance(row.firm, str) else "")
    number = row.phone or "no number on file: find it before the call"
    state = "" if status == "planned" else f"\nStatus: {status} ({row.closed_by}, "
    if state:
        state += f"{row.closed_on.isoformat()})"
    late = ""
    if day > row.due:
        late = f" (overdue: it was due {row.due.isoformat()})"
    return Session(
        kind="call",
        day=day,
        time=profile.call_time,
        title=f"Call {who}" + (" (overdue)" if late else ""),
        contact_id=int(row.contact_id),
        details=(
            f"Follow-up call to {who}, written to on {row.outreach_date.isoformat()}{late}.\n"
            f"Phone: {number}{state}\n"
            "If you reach voicemail, leave this message:\n"
            f"{voicemail or voicemail_draft(profile, contact)}"
        ),
        key=f"follow-up:{int(row.contact_id)}:{int(row.outreach_id)}",
        status=status,
        minutes=15,
        phone=row.phone,
    )


def _minutes(time: str) -> int:
    hour, minute = time.split(":")[:2]
    return int(hour) * 60 + int(minute)


def _free_start(wanted: int, length: int, busy: list[tuple[int, int]]) -> int:
    """The first start at or after ``wanted`` (else the last one before it) at which
    ``length`` minutes overlap nothing in ``busy`` (sorted, non-overlapping); ``wanted``
    itself if the day is full."""
    start = wanted
    for begin, end in busy:  # forward
        if end <= start:
            continue
        if begin >= start + length:
            break
        start = end
    if start + length <= 24 * 60:
        return start
    start = wanted - length
    for begin, end in reversed(busy):  # backward
        if begin >= start + length:
            continue
        if end <= start:
            break
        start = begin - length
    return start if start >= 0 else wanted


def _occupy(busy: list[tuple[int, int]], begin: int, end: int) -> None:
    """Add ``[begin, end)`` to ``busy``, keeping it sorted and merged (a day of back-to-back
    calls stays a handful of intervals, however many calls there are)."""
    merged = sorted([*busy, (begin, end)])
    busy.clear()
    for b, e in merged:
        if busy and b <= busy[-1][1]:
            busy[-1] = (busy[-1][0], max(busy[-1][1], e))
        else:
            busy.append((b, e))


def assign_call_slots(sessions: Iterable[Session]) -> list[Session]:
    """Spread the calls of each day over the call block, one after another.

    The first call of a day starts at its planned time (the profile's ``call_time``); each
    next one starts when the previous one ends. A call never overlaps another call or that
    day's research or outreach session: it takes the next free slot after it (or, late in
    the evening, the last free one before the block). Calls still to be made take their
    slots first, in the order given; closed ones (done or cancelled) follow them.

    Example: ``call_time`` 10:00, research on Saturday 10:00 to 11:00, two calls due that
    Saturday: the calls go at 11:00 and 11:15.

    The one place where call times are decided: :func:`plan_week` and the calendar export
    both call it, so the plan and the calendar agree.
    """
    sessions = list(sessions)
    busy: dict[dt.date, list[tuple[int, int]]] = {}
    for session in sessions:
        if session.kind != "call":
            start = _minutes(session.time)
            _occupy(busy.setdefault(session.day, []), start, start + session.minutes)
    calls = [i for i, s in enumerate(sessions) if s.kind == "call"]
    calls.sort(key=lambda i: sessions[i].status != "planned")  # stable: open calls first
    for index in calls:
        call = sessions[index]
        taken = busy.setdefault(call.day, [])
        start = _free_start(_minutes(call.time), call.minutes, taken)
        _occupy(taken, start, start + call.minutes)
        sessions[index] = replace(call, time=f"{start // 60:02d}:{start % 60:02d}")
    return sessions


def plan_week(
    week: str,
    profile: Profile,
    follow_ups_at_end: pd.DataFrame,
    follow_ups_at_start: pd.DataFrame,
    *,
    new_contacts_target: int = 5,
    include_closed: bool = False,
    voicemails: Mapping[int, str] | None = None,
    today: dt.date | None = None,
) -> WeeklyPlan:
    """Build the plan of ``week`` from follow-up tables (the pure core of :func:`weekly_plan`).

    Parameters
    ----------
    week
        The week's name, like ``"2026-W48"``.
    profile
        The participant's schedule settings (weekdays, times, goals).
    follow_ups_at_end, follow_ups_at_start
        :func:`follow_ups_frame` computed as of the week's last day (or ``today``, if it
        falls earlier) and as of the day overdue calls are listed for (the week's first
        day, or ``today``).
    new_contacts_target
        How many initial outreach messages the outreach session should send.
    include_closed
        Also list calls cancelled on or before their due day (a reply came first), with
        status ``"cancelled"``: the calendar export needs them to cancel the event.
    voicemails
        The participant's saved voicemail scripts by contact id
        (:meth:`Workbook.voicemail_drafts`), shown with each call.
    today
        The day the plan is made. A call of this week that is overdue by then is planned
        on ``today`` (:func:`call_day`). None plans every call on its due day.
    """
    start, end = week_range(week, profile.week_start)
    sessions: list[Session] = []
    research_day = _day_in_week(start, profile.research_weekday)
    sessions.append(
        Session(
            kind="research",
            day=research_day,
            time=profile.research_time,
            title="Research: find potential mentors",
            details=(
                f"Find {new_contacts_target} people to write to on "
                f"{WEEKDAYS[profile.outreach_weekday]}, in your target space "
                f"({_goals_text(profile)})."
                " Note something you admire in each one's work for your message."
            ),
            key=f"research:{research_day.isoformat()}",
        )
    )
    outreach_day = _day_in_week(start, profile.outreach_weekday)
    sessions.append(
        Session(
            kind="outreach",
            day=outreach_day,
            time=profile.outreach_time,
            title=f"Outreach: write to {new_contacts_target} new people",
            details=(
                f"Send {new_contacts_target} initial emails or LinkedIn messages asking "
                '"How did you get where you are?". Ask for information, never for a job. '
                "Log each one: a follow-up call is then planned "
                f"{profile.follow_up_days} days later."
            ),
            key=f"outreach:{outreach_day.isoformat()}",
        )
    )
    due = pd.to_datetime(follow_ups_at_end["due"])
    in_week = follow_ups_at_end[
        (due >= pd.Timestamp(start)) & (due <= pd.Timestamp(end))
    ].reset_index(drop=True)
    moves = today if today is not None and start <= today <= end else None
    for row in in_week.itertuples(index=False):  # one row per call this week: a handful
        cancelled_first = row.status == "cancelled" and row.closed_on <= row.due
        if cancelled_first and not include_closed:
            continue
        script = (voicemails or {}).get(int(row.contact_id))
        day = call_day(row.due, row.status, moves)
        sessions.append(call_session(row, profile, day, script))
    sessions = assign_call_slots(sessions)
    sessions.sort(key=lambda s: (s.day, s.time, s.kind != "research", s.title))
    overdue = follow_ups_at_start[follow_ups_at_start["status"] == "overdue"].reset_index(drop=True)
    as_of = start if today is None else today
    return WeeklyPlan(week=week_label(start, profile.week_start), start=start, end=end,
                      sessions=sessions, overdue=overdue, as_of=as_of)  # fmt: skip


def weekly_plan(
    wb: Workbook,
    week: str,
    *,
    include_closed: bool = False,
    today: dt.date | str | None = None,
) -> WeeklyPlan:
    """Return the plan of ``week`` (named like ``"2026-W48"``) for the workbook.

    The plan holds a research block on ``profile.research_weekday`` at ``research_time``, the
    outreach session on ``profile.outreach_weekday`` (Sunday) at ``outreach_time``, and every
    follow-up call falling due that week at ``call_time`` with the contact, their phone and
    the voicemail script. A call cancelled before its due day (a reply came first) is left
    out unless ``include_closed``; a call already made stays, with status ``"done"``.
    ``plan.overdue`` lists the follow-ups overdue as of ``today`` (a call due Tuesday and not
    made is overdue on Thursday), or as of the week's first day without ``today``; a call of
    the week that is overdue by ``today`` is planned on ``today``.

    Raises
    ------
    ValidationError
        On field ``"week"`` for a bad week name.
    """
    profile = wb.profile
    start, end = week_range(week, profile.week_start)
    day = None if today is None else parse_date(today, "today")
    with wb.snapshot():
        activities, contacts = read_activities(wb), read_people(wb)
        targets = {t.metric: t for t in wb.targets}
        voicemails = wb.voicemail_drafts()
    rules = (profile.follow_up_days, profile.skip_weekends)
    last = end if day is None else min(end, day)
    at_end = follow_ups_frame(activities, contacts, last, *rules)
    at_start = follow_ups_frame(activities, contacts, start if day is None else day, *rules)
    return plan_week(
        week,
        profile,
        at_end,
        at_start,
        new_contacts_target=weekly_outreach(targets.values()),
        include_closed=include_closed,
        voicemails=voicemails,
        today=day,
    )


def _day(day: dt.date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def format_plan(plan: WeeklyPlan) -> str:
    """Return the plan as plain text for a terminal or an email (one line per session).

    A call's phone number and voicemail script are indented under it; overdue follow-ups
    are listed at the end with how late they are.
    """
    lines = [f"Plan for {plan.week} ({_day(plan.start)} to {_day(plan.end)} {plan.end.year})", ""]
    for session in plan.sessions:
        status = "" if session.status == "planned" else f"  [{session.status}]"
        lines.append(
            f"{_day(session.day):<11} {session.time}  {session.kind:<9} {session.title}{status}"
        )
        if session.kind == "call":
            for detail in session.details.splitlines()[1:]:
                lines.append(f"{'':30}{detail}")
    if len(plan.overdue):
        as_of = plan.as_of or plan.start
        lines += ["", f"Overdue follow-up calls (as of {_day(as_of)}): make them first"]
        for row in plan.overdue.itertuples(index=False):
            late = f"{row.days_overdue} day{'s' if row.days_overdue != 1 else ''} late"
            phone = row.phone or "no number on file"
            lines.append(f"  - {row.contact}: due {_day(row.due)}, {late}; phone: {phone}")
    return "\n".join(lines)
