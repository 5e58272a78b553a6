"""The referral network: every conversation should yield 1 to 5 names of further people.

A referral is logged against the **conversation** that produced it: a ``meeting`` activity
(a conversation held on a follow-up call is logged as a meeting too, with the call). Each
referred person becomes a contact with ``referred_by`` = the person the conversation was
with, and a ``referral`` activity records
it (``contact_id`` = the referrer, ``related_contact_id`` = the referred person,
``parent_id`` = the conversation). Referrals make networking exponential, not linear: the
figures here measure how far the participant's network has spread.

Definitions used by :func:`network_figures`:

* the **network** is every contact the participant has engaged (an outreach, reply, call or
  meeting with them) or been referred to; imported connections never written to are the
  pool the network grows from, not the network;
* a **conversation** is a meeting (:func:`coachkit.workbook.is_conversation`: a call that
  reached the person only to set a time is not one), counted at most once per person per
  day (as :mod:`coachkit.progress` counts meetings);
* the **referral yield** is referrals per conversation;
* **generations** is the longest chain of referrals (A referred B who referred C: 2).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from .errors import NotFoundError, ValidationError
from .firms import firm_key, person_key
from .schedule import read_activities, read_people
from .weeks import week_label, week_start_of
from .workbook import CONVERSATION_KINDS, Workbook, parse_date
from .workbook import is_conversation as _is_conversation

__all__ = [
    "NAMES_PER_CONVERSATION",
    "PROJECTION_WEEKS",
    "REFERRAL_FIELDS",
    "conversations_frame",
    "find_contact",
    "flag_names",
    "is_conversation",
    "log_conversation_referrals",
    "log_with_referrals",
    "network_figures",
    "parse_referral",
    "project_growth",
    "referral_tree",
    "referral_tree_frame",
]

REFERRAL_FIELDS = ("name", "firm", "position", "email", "phone", "location", "notes")
# The method: each conversation should yield 1 to 5 names of further people to talk to.
NAMES_PER_CONVERSATION = (1, 5)
# Without any conversation yet, the projection assumes the low end of the method's 1 to 5,
# and without any name yet, that every name will be contacted (as the method asks).
DEFAULT_YIELD = 1.0
DEFAULT_SHARE_CONTACTED = 1.0
PROJECTION_WEEKS = 8  # two months ahead: far enough to see the curve, near enough to act on
FLAGGED_SHOWN = 10  # the most recent conversations outside 1 to 5 names that are listed


def _conversation(wb: Workbook, conversation_id: int) -> dict[str, Any]:
    try:
        conversation_id = int(conversation_id)
    except (TypeError, ValueError):
        raise ValidationError(
            "conversation", f"{conversation_id!r} is not an activity id"
        ) from None
    row = wb.get_activity(conversation_id)
    if row is None:
        raise NotFoundError(
            f"conversation: there is no activity {conversation_id} in this workbook.",
            hint="log the meeting or call first; its id is printed when you log it.",
        )
    if not is_conversation(row["kind"], row["outcome"]):
        raise ValidationError(
            "conversation",
            f"activity {conversation_id} is a {row['kind']}"
            + (f" ({row['outcome']})" if row["outcome"] else "")
            + ", not a conversation held",
            hint="referrals come from a conversation: log it as a meeting (on a call that "
            "reached the person: `coachkit log --kind call --outcome reached --conversation`).",
        )
    return row


def is_conversation(kind: str, outcome: str | None = None) -> bool:
    """Whether an activity is a conversation held (PROCESS.md's "meeting"): a meeting the
    participant logged. Only a conversation can yield referrals. The rule lives in
    :func:`coachkit.workbook.is_conversation`."""
    return _is_conversation(kind, outcome)


def log_conversation_referrals(
    wb: Workbook, conversation_id: int, people: Sequence[Mapping[str, Any]]
) -> list[int]:
    """Record the people a conversation referred the participant to; return their contact ids.

    Parameters
    ----------
    wb
        The workbook.
    conversation_id
        The id of a ``meeting`` activity (the conversation held).
    people
        One dict per person: ``name`` (required), and any of ``firm``, ``position``,
        ``email``, ``phone``, ``location``, ``notes``. A dict with a ``contact_id`` names a
        person already in the workbook instead, and so does a name that matches exactly one
        contact by the importers' rule (same email, else same name at the same firm): they
        get ``referred_by`` set if they had none (a referral from someone else is kept, the
        first one counts), and the referral is logged either way.

    Returns
    -------
    list of int
        The contact id of each person, in order.

    Raises
    ------
    NotFoundError
        If the conversation or a named ``contact_id`` does not exist.
    ValidationError
        If the activity is not a conversation, a person has no name or an unknown field,
        a person is the referrer themselves (same ``contact_id``, or same name at the same
        or no firm), or the referral would close a loop (A referred B referred A).
        Nothing is written: all the people are recorded, or none.
    """
    if isinstance(people, Mapping) or not people:
        raise ValidationError("referrals", "give a list of one or more people (1 to 5 is the aim)")
    talk = _conversation(wb, conversation_id)
    referrer_id = int(talk["contact_id"])
    referrer = wb.get_contact(referrer_id)
    on = talk["on_date"]
    ids: list[int] = []
    with wb.transaction():
        for number, person in enumerate(people, start=1):
            values = dict(person)
            existing = values.pop("contact_id", None)
            if existing is None and str(values.get("name") or "").strip():
                # Someone already in the workbook (same email, else same name and firm) is
                # linked, not added twice.
                matches = wb.find_contact_ids(
                    str(values["name"]), firm=values.get("firm"), email=values.get("email")
                )
                if len(matches) == 1 and matches[0] != referrer_id:
                    existing = matches[0]
            unknown = set(values) - set(REFERRAL_FIELDS)
            if unknown:
                raise ValidationError(
                    f"referral {number}",
                    f"{sorted(unknown)[0]!r} is not a field of a referral",
                    hint=f"use {', '.join(REFERRAL_FIELDS)}.",
                )
            if existing is not None:
                contact_id = int(existing)
                if contact_id == referrer_id:
                    raise ValidationError(f"referral {number}", "a contact cannot refer themselves")
                known = wb.get_contact(contact_id)
                if pd.isna(known["referred_by"]):
                    wb.update_contact(contact_id, referred_by=referrer_id)
            else:
                name = str(values.get("name") or "").strip()
                if not name:
                    raise ValidationError(f"referral {number}", "a referred person needs a name")
                same_person = person_key(name) == person_key(referrer["name"]) and (
                    not values.get("firm")
                    or not isinstance(referrer["firm"], str)
                    or firm_key(values["firm"]) == firm_key(referrer["firm"])
                )
                if same_person:
                    raise ValidationError(
                        f"referral {number}",
                        f"{name} is the person you talked to: a contact cannot refer themselves",
                    )
                contact_id = wb.add_contact(
                    **{"source": "referral", **values, "name": name}, referred_by=referrer_id
                )
            wb.log_activity(
                referrer_id,
                "referral",
                on,
                parent_id=int(talk["id"]),
                related_contact_id=contact_id,
            )
            ids.append(contact_id)
    return ids


def referral_tree_frame(contacts: pd.DataFrame) -> pd.DataFrame:
    """Return ``id``, ``name``, ``firm``, ``referred_by``, ``generation`` for every contact.

    ``generation`` is 0 for a contact nobody referred, 1 for one referred by a generation-0
    contact, and so on. Computed one generation at a time (vectorised), so the cost grows
    with the depth of the tree, not its size.
    """
    tree = contacts[["id", "name", "firm", "referred_by"]].reset_index(drop=True)
    parent = tree["referred_by"]
    generation = pd.Series(pd.NA, index=tree.index, dtype="Int64")
    generation[parent.isna()] = 0
    by_id = pd.Series(tree.index, index=tree["id"])
    parent_pos = parent.map(by_id)  # row position of each referrer (NA for roots)
    for _ in range(len(tree)):
        todo = generation.isna()
        if not todo.any():
            break
        parent_gen = generation.reindex(parent_pos[todo].astype("Int64")).to_numpy()
        ready = pd.Series(parent_gen, index=todo[todo].index).dropna()
        if ready.empty:
            break  # the rest point at a missing referrer or a loop: leave them unknown
        generation[ready.index] = ready.astype("int64") + 1
    tree["generation"] = generation.fillna(0).astype("int64")
    return tree


def referral_tree(wb: Workbook) -> pd.DataFrame:
    """Every contact with who referred them and their generation (see
    :func:`referral_tree_frame`)."""
    return referral_tree_frame(wb.contacts())


def conversations_frame(activities: pd.DataFrame) -> pd.DataFrame:
    """Conversations held (meetings: :func:`is_conversation`), at most one per person per day."""
    talks = activities[activities["kind"].isin(CONVERSATION_KINDS)]
    return talks.drop_duplicates(["contact_id", "date"])


def _target_firm_coverage(wb: Workbook) -> tuple[int, int, int]:
    from .mentors import target_firms  # the lead's definition of the target space

    firms = target_firms(wb)
    if firms.empty:
        return 0, 0, 0
    return (
        len(firms),
        int((firms["contacts"] > 0).sum()),
        int((firms["conversations"] > 0).sum()),
    )


def _named_per_conversation(acts: pd.DataFrame) -> pd.DataFrame:
    """Each conversation held (one per person per day) with the number of names it gave."""
    talks = acts[acts["kind"].isin(CONVERSATION_KINDS)]  # is_conversation, for a column
    per_activity = acts[acts["kind"] == "referral"].groupby("parent_id").size()
    talks = talks.assign(names=talks["id"].map(per_activity).fillna(0).astype("int64"))
    # Two meetings with the same person on the same day are one conversation.
    return talks.groupby(["contact_id", "date"], as_index=False)["names"].sum()


def flag_names(names: int) -> str | None:
    """The coaching note for a conversation that gave ``names`` names, or None when it is
    within the method's 1 to 5."""
    low, high = NAMES_PER_CONVERSATION
    if names < low:
        return (
            "no names from this conversation: next time, ask who else you should talk to "
            "(one to five names), or add the names they gave you"
        )
    if names > high:
        return (
            f"{names} names: more than {high}, the method's most from one conversation; check "
            "each is a real introduction, not a list, and contact the best first"
        )
    return None


def _lived(acts: pd.DataFrame, today: dt.date) -> dict[str, Any]:
    """The network as of ``today`` and the participant's own rates, over the days lived."""
    engaged_acts = acts[acts["kind"] != "referral"]
    engaged = set(engaged_acts["contact_id"].astype("int64"))
    referrals = acts[acts["kind"] == "referral"]
    referred = set(referrals["related_contact_id"].dropna().astype("int64"))
    held = _named_per_conversation(acts)
    conversations = len(held)
    first = engaged_acts["date"].min().date() if len(engaged_acts) else today
    # Over the days lived so far, never a week still to come; at least one week, so that
    # two conversations on a first Monday do not read as fourteen a week.
    weeks = max((today - first).days + 1, 7) / 7
    own_talks = int((~held["contact_id"].isin(referred)).sum())
    talked = set(held["contact_id"].astype("int64"))
    return {
        "engaged": engaged,
        "referred": referred,
        "held": held,
        "weeks": weeks,
        "conversations": conversations,
        "referrals": len(referrals),
        "c": conversations / weeks,
        "c_own": own_talks / weeks,
        "n": len(engaged - referred) / weeks,
        "y": len(referrals) / conversations if conversations else None,
        "s": len(referred & engaged) / len(referred) if referred else None,
        "r": len(talked & engaged) / len(engaged) if engaged else 0.0,
    }


def project_growth(
    people: float,
    waiting: float,
    *,
    conversations_per_week: float,
    own_conversations_per_week: float,
    new_contacts_per_week: float,
    names_per_conversation: float,
    share_contacted: float,
    conversation_rate: float,
    weeks: int = PROJECTION_WEEKS,
) -> list[tuple[float, float]]:
    """Project the network week by week from today; return ``(people, waiting)`` per week.

    Week ``k``, starting from today's ``people`` (N0) and ``waiting`` (W0), with
    ``C(0) = conversations_per_week`` (the pace so far)::

        F(k) = s * y * C(k-1)             names from last week's conversations, written to
        C(k) = c_own + r * F(k)           conversations: your own outreach's, plus the names'
        N(k) = N(k-1) + n + F(k)          people in the network
        W(k) = W(k-1) + y * C(k) - F(k)   names not yet contacted

    ``c_own`` is the conversations a week with people nobody referred, ``n`` the new contacts
    a week nobody referred, ``y`` the names per conversation, ``s`` the share of names
    contacted and ``r`` the share of people in the network who talked with the participant.
    Each conversation so leads to ``g = y * s * r`` more: above 1 the weekly gain multiplies
    (exponential growth); below 1 it settles at a steady pace.
    """
    talks, size, left = conversations_per_week, float(people), float(waiting)
    chain = share_contacted * names_per_conversation
    weekly = []
    for _ in range(weeks):
        written = chain * talks
        talks = own_conversations_per_week + conversation_rate * written
        size += new_contacts_per_week + written
        left += names_per_conversation * talks - written
        weekly.append((size, left))
    return weekly


def _history(acts: pd.DataFrame, today: dt.date, week_start: int) -> list[dict[str, Any]]:
    """People in the network and names not yet contacted at the end of each week lived
    (the current week: as of ``today``)."""
    engaged = acts.loc[acts["kind"] != "referral"].groupby("contact_id")["date"].min()
    if engaged.empty:
        return []
    named = (
        acts.loc[acts["kind"] == "referral"]
        .dropna(subset=["related_contact_id"])
        .astype({"related_contact_id": "int64"})
        .groupby("related_contact_id")["date"]
        .min()
    )
    # A name stops waiting the day its person is first contacted (or the day it was given,
    # if they were contacted before).
    contacted = engaged.reindex(named.index)  # NaT: never contacted
    stops = contacted.where(contacted.isna() | (contacted >= named), named)
    first = pd.Timestamp(week_start_of(engaged.min().date(), week_start))
    current = pd.Timestamp(week_start_of(today, week_start))
    starts = pd.date_range(first, current, freq="7D")
    ends = (starts + pd.Timedelta(days=6)).where(
        starts + pd.Timedelta(days=6) <= pd.Timestamp(today), pd.Timestamp(today)
    )

    def counted(days: pd.Series) -> Any:  # how many of ``days`` fall on or before each end
        return days.dropna().sort_values().searchsorted(ends, side="right")

    sizes = counted(engaged)
    waiting = counted(named) - counted(stops)
    return [
        {
            "week": week_label(start.date(), week_start),
            "size": int(size),
            "names_not_contacted": int(left),
        }
        for start, size, left in zip(starts, sizes, waiting, strict=True)
    ]


def _rounded(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def network_figures(wb: Workbook, today: dt.date | str) -> dict[str, Any]:
    """The network's figures as of ``today`` (definitions in the module docstring).

    Returns
    -------
    dict
        ``size`` (people in the network), ``names_not_contacted`` (people named to the
        participant and not contacted yet, reported apart), ``referrals``,
        ``conversations``, ``referral_yield`` (names per conversation, 0.0 without any),
        ``generations`` (longest referral chain), ``target_firms`` (firms in the target
        space, see :func:`coachkit.mentors.target_firms`), ``firms_with_contact``,
        ``firms_with_conversation``; ``rates`` (the participant's own, over the weeks lived:
        ``weeks_lived``, ``conversations_per_week``, ``own_conversations_per_week``,
        ``new_contacts_per_week``, ``names_per_conversation``, ``share_contacted``,
        ``conversation_rate``, ``growth_factor``; a rate with nothing to measure yet is
        None and the projection assumes the method's low end: 1 name, every name
        contacted); ``projection`` (:data:`PROJECTION_WEEKS` weeks from today, each
        ``{week, people, names_not_contacted, low, high}``, ``low``/``high`` at 1 and 5 names
        per conversation); ``projected_size`` (people in the network at the projection's
        end); ``history`` (each week lived, ``{week, size, names_not_contacted}``);
        ``conversations_flagged`` (how many conversations gave no names or more than 5) and
        ``flagged_conversations`` (the :data:`FLAGGED_SHOWN` most recent of them: ``{date,
        contact_id, contact, names, note}``). Firm coverage counts every logged
        conversation, whatever its date.
    """
    day = parse_date(today, "today")
    profile = wb.profile
    with wb.snapshot():
        activities, contacts = read_activities(wb, day), read_people(wb)
    acts = activities[activities["date"] <= pd.Timestamp(day)]
    lived = _lived(acts, day)
    history = _history(acts, day, profile.week_start)
    size = len(lived["engaged"])
    waiting = len(lived["referred"] - lived["engaged"])
    y, s = lived["y"], lived["s"]
    rates = {
        "conversations_per_week": lived["c"],
        "own_conversations_per_week": lived["c_own"],
        "new_contacts_per_week": lived["n"],
        "share_contacted": DEFAULT_SHARE_CONTACTED if s is None else s,
        "conversation_rate": lived["r"],
    }
    projection: list[dict[str, Any]] = []
    if size:
        runs = {
            label: project_growth(size, waiting, names_per_conversation=names, **rates)
            for label, names in (
                ("own", DEFAULT_YIELD if y is None else y),
                ("low", float(NAMES_PER_CONVERSATION[0])),
                ("high", float(NAMES_PER_CONVERSATION[1])),
            )
        }
        for k, ((people, left), (low, _), (high, _)) in enumerate(
            zip(runs["own"], runs["low"], runs["high"], strict=True), start=1
        ):
            projection.append(
                {
                    "week": week_label(day + dt.timedelta(weeks=k), profile.week_start),
                    "people": round(people, 1),
                    "names_not_contacted": round(left, 1),
                    "low": round(low, 1),
                    "high": round(high, 1),
                }
            )
    held = lived["held"]
    low, high = NAMES_PER_CONVERSATION
    outside = held[(held["names"] < low) | (held["names"] > high)]
    recent = outside.sort_values(["date", "contact_id"], kind="stable").tail(FLAGGED_SHOWN)
    names = contacts.set_index("id")["name"]
    flagged = [
        {
            "date": day.date().isoformat(),
            "contact_id": int(contact_id),
            "contact": str(names.get(contact_id, "")),
            "names": int(count),
            "note": flag_names(int(count)),
        }
        for contact_id, day, count in zip(
            recent["contact_id"], recent["date"], recent["names"], strict=True
        )
    ]
    tree = referral_tree_frame(contacts)
    target_count, with_contact, with_conversation = _target_firm_coverage(wb)
    return {
        "size": size,
        "names_not_contacted": waiting,
        "referrals": lived["referrals"],
        "conversations": lived["conversations"],
        "referral_yield": round(y or 0.0, 2),
        "generations": int(tree["generation"].max()) if len(tree) else 0,
        "target_firms": target_count,
        "firms_with_contact": with_contact,
        "firms_with_conversation": with_conversation,
        "rates": {
            "weeks_lived": round(lived["weeks"], 2),
            "conversations_per_week": round(lived["c"], 2),
            "own_conversations_per_week": round(lived["c_own"], 2),
            "new_contacts_per_week": round(lived["n"], 2),
            "names_per_conversation": _rounded(y),
            "share_contacted": _rounded(s),
            "conversation_rate": round(lived["r"], 2),
            "growth_factor": round(
                (DEFAULT_YIELD if y is None else y) * rates["share_contacted"] * lived["r"], 2
            ),
        },
        "projected_size": round(projection[-1]["people"]) if projection else 0,
        "projection": projection,
        "history": history,
        "conversations_flagged": len(outside),
        "flagged_conversations": flagged,
    }


def find_contact(wb: Workbook, id_or_name: str | int) -> int:
    """Return the id of the contact named by an id or a name (as a person would type it).

    A number is an id. A name matches the same name whatever its accents and case; failing
    that, a unique partial match ("bo ch" finds "Bo Chen").

    Raises
    ------
    NotFoundError
        If nobody matches.
    ValidationError
        If several people match: the message lists them with their ids.
    """
    text = str(id_or_name).strip()
    if text.isdigit():
        return int(wb.get_contact(int(text))["id"])
    key = person_key(text)
    if not key:
        raise ValidationError("contact", "give a contact's id or name")
    people = wb.contacts()[["id", "name", "firm"]]
    keys = people["name"].map(person_key)
    found = people[keys == key]
    if found.empty:
        found = people[keys.str.contains(key, regex=False)]
    if found.empty:
        raise NotFoundError(
            f"contact: nobody called {text!r} in this workbook.",
            hint="check the spelling, or add them first.",
        )
    if len(found) > 1:
        listed = "; ".join(
            f"{row.id}: {row.name}" + (f" ({row.firm})" if isinstance(row.firm, str) else "")
            for row in found.head(10).itertuples(index=False)
        )
        raise ValidationError(
            "contact", f"{text!r} matches {len(found)} people: {listed}", hint="give the id."
        )
    return int(found.iloc[0]["id"])


def parse_referral(text: str) -> dict[str, str]:
    """Turn ``"Name|Firm|Position"`` (firm and position optional) into a referral dict."""
    parts = [part.strip() for part in str(text).split("|")]
    if len(parts) > 3 or not parts[0]:
        raise ValidationError(
            "referral", f"{text!r} is not Name|Firm|Position", hint='e.g. "Cy Dee|Qonto|CTO".'
        )
    person = {"name": parts[0]}
    for field_name, value in zip(("firm", "position"), parts[1:], strict=False):
        if value:
            person[field_name] = value
    return person


def log_with_referrals(
    wb: Workbook,
    contact_id: int,
    kind: str,
    on: dt.date | str,
    *,
    channel: str | None = None,
    outcome: str | None = None,
    notes: str | None = None,
    referrals: Sequence[Mapping[str, Any]] = (),
    conversation: bool = False,
    today: dt.date | str | None = None,
) -> tuple[int, list[int]]:
    """Log an activity and the people it referred, in one transaction (all or nothing).

    Referrals are allowed only from a conversation: a ``meeting`` (a conversation held on a
    follow-up call is logged with the call in one step: ``conversation=True``).

    Returns
    -------
    tuple
        The new activity's id and the referred contacts' ids.
    """
    if referrals and not (is_conversation(kind, outcome) or conversation):
        raise ValidationError(
            "referral",
            "only a conversation (a meeting, or a call on which you had the conversation) "
            "can refer you",
        )
    with wb.transaction():
        if kind == "call":
            activity_id, meeting_id = wb.log_call(
                contact_id, on, outcome, conversation=conversation, notes=notes,
                today=today,
            )  # fmt: skip
        else:
            if conversation:
                raise ValidationError("conversation", "only a call can hold a conversation")
            activity_id = wb.log_activity(
                contact_id, kind, on, channel=channel, outcome=outcome, notes=notes, today=today
            )
            meeting_id = activity_id
        source = meeting_id if meeting_id is not None else activity_id
        referred = log_conversation_referrals(wb, source, referrals) if referrals else []
    return activity_id, referred
