"""The referral network: every conversation should yield 1 to 5 names of further people.

A referral is logged against the **conversation** that produced it: a ``meeting`` activity,
or a ``call`` whose outcome is ``reached``. Each referred person becomes a contact with
``referred_by`` = the person the conversation was with, and a ``referral`` activity records
it (``contact_id`` = the referrer, ``related_contact_id`` = the referred person,
``parent_id`` = the conversation). Referrals make networking exponential, not linear: the
figures here measure how far the participant's network has spread.

Definitions used by :func:`network_figures`:

* the **network** is every contact the participant has engaged (an outreach, reply, call or
  meeting with them) or been referred to; imported connections never written to are the
  pool the network grows from, not the network;
* a **conversation** is a meeting, or a call that reached the person, counted at most once
  per person per day (as :mod:`coachkit.progress` counts meetings);
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
from .workbook import Target, Workbook, parse_date

__all__ = [
    "REFERRAL_FIELDS",
    "conversations_frame",
    "find_contact",
    "is_conversation",
    "log_conversation_referrals",
    "log_with_referrals",
    "network_figures",
    "network_history",
    "parse_referral",
    "referral_tree",
    "referral_tree_frame",
]

REFERRAL_FIELDS = ("name", "firm", "position", "email", "phone", "location", "notes")
# Without any conversation yet, the projection assumes the low end of the method's 1 to 5.
DEFAULT_YIELD = 1.0
WEEKS_PER_MONTH = 52 / 12


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
            hint="referrals come from a meeting or a call that reached the person.",
        )
    return row


def is_conversation(kind: str, outcome: str | None) -> bool:
    """Whether an activity is a conversation held (PROCESS.md's "meeting"): a meeting, or a
    call that reached the person. Only a conversation can yield referrals."""
    return kind == "meeting" or (kind == "call" and outcome == "reached")


def log_conversation_referrals(
    wb: Workbook, conversation_id: int, people: Sequence[Mapping[str, Any]]
) -> list[int]:
    """Record the people a conversation referred the participant to; return their contact ids.

    Parameters
    ----------
    wb
        The workbook.
    conversation_id
        The id of a ``meeting`` activity, or of a ``call`` with outcome ``reached``.
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
    """Conversations held: meetings and reached calls, at most one per person per day."""
    kind = activities["kind"]
    talks = activities[
        (kind == "meeting") | ((kind == "call") & (activities["outcome"] == "reached"))
    ]
    return talks.drop_duplicates(["contact_id", "date"])


def _weekly_rate(targets: Sequence[Target], metric: str) -> float:
    for target in targets:
        if target.metric == metric:
            return target.amount / WEEKS_PER_MONTH if target.period == "month" else target.amount
    return 0.0


def network_history(
    activities: pd.DataFrame,
    targets: Sequence[Target],
    today: dt.date,
    referral_yield: float,
    week_start: int = 0,
) -> list[dict[str, Any]]:
    """Network size at the end of each week, from the first engagement to ``today``'s week.

    The **projection** is what the participant's own targets would have grown the network to:
    with ``n`` new contacts a week (the ``new_contacts`` target), ``m`` conversations a week
    (the ``meetings`` target; a month target counts 12/52 of it a week) and a referral
    yield ``y`` (referrals per conversation so far; 1 if there has been no conversation
    yet), after ``k`` weeks (the first week counting as 1)::

        projected(k) = k * (n + m * y)

    Each referral adds a person; the conversation count is held at the target, so the
    projection is linear in time even though referrals compound the pool of people to meet.
    """
    stamp = pd.Timestamp(today)
    acts = activities[activities["date"] <= stamp]
    engaged = acts.loc[acts["kind"] != "referral", ["contact_id", "date"]]
    referred = acts.loc[acts["kind"] == "referral", ["related_contact_id", "date"]].rename(
        columns={"related_contact_id": "contact_id"}
    )
    people = pd.concat([engaged, referred.astype({"contact_id": "int64"})], ignore_index=True)
    if people.empty:
        return []
    joined = people.groupby("contact_id")["date"].min()
    offset = pd.to_timedelta((joined.dt.day_of_week - week_start) % 7, unit="D")
    week_of = joined - offset
    first = week_of.min()
    current = pd.Timestamp(week_start_of(today, week_start))
    weeks = pd.date_range(first, current, freq="7D")
    size = week_of.value_counts().reindex(weeks, fill_value=0).cumsum()
    rate = _weekly_rate(targets, "new_contacts") + _weekly_rate(targets, "meetings") * (
        referral_yield
    )
    return [
        {
            "week": week_label(day.date(), week_start),
            "size": int(count),
            "projected": round(rate * number),
        }
        for number, (day, count) in enumerate(size.items(), start=1)
    ]


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


def network_figures(wb: Workbook, today: dt.date | str) -> dict[str, Any]:
    """The network's figures as of ``today`` (definitions in the module docstring).

    Returns
    -------
    dict
        ``size`` (people in the network), ``referrals``, ``conversations``,
        ``referral_yield`` (referrals per conversation, 0.0 without any), ``generations``
        (longest referral chain), ``target_firms`` (firms in the target space, see
        :func:`coachkit.mentors.target_firms`), ``firms_with_contact``,
        ``firms_with_conversation``, ``projected_size`` (the projection for this week, see
        :func:`network_history`) and ``history`` (a list of ``{week, size, projected}``).
        Firm coverage counts every logged conversation, whatever its date.
    """
    day = parse_date(today, "today")
    profile = wb.profile
    with wb.snapshot():
        activities, contacts, targets = read_activities(wb, day), read_people(wb), wb.targets
    stamp = pd.Timestamp(day)
    acts = activities[activities["date"] <= stamp]
    conversations = len(conversations_frame(acts))
    referrals = int((acts["kind"] == "referral").sum())
    referral_yield = referrals / conversations if conversations else 0.0
    tree = referral_tree_frame(contacts)
    history = network_history(
        activities,
        targets,
        day,
        referral_yield if conversations else DEFAULT_YIELD,
        profile.week_start,
    )
    target_count, with_contact, with_conversation = _target_firm_coverage(wb)
    return {
        "size": history[-1]["size"] if history else 0,
        "referrals": referrals,
        "conversations": conversations,
        "referral_yield": round(referral_yield, 2),
        "generations": int(tree["generation"].max()) if len(tree) else 0,
        "target_firms": target_count,
        "firms_with_contact": with_contact,
        "firms_with_conversation": with_conversation,
        "projected_size": history[-1]["projected"] if history else 0,
        "history": history,
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
) -> tuple[int, list[int]]:
    """Log an activity and the people it referred, in one transaction (all or nothing).

    Referrals are allowed only from a conversation: a ``meeting``, or a ``call`` with
    outcome ``reached``.

    Returns
    -------
    tuple
        The new activity's id and the referred contacts' ids.
    """
    if referrals and not is_conversation(kind, outcome):
        raise ValidationError(
            "referral",
            "only a conversation (a meeting, or a call that reached the person) can refer you",
        )
    with wb.transaction():
        activity_id = wb.log_activity(
            contact_id, kind, on, channel=channel, outcome=outcome, notes=notes
        )
        referred = log_conversation_referrals(wb, activity_id, referrals) if referrals else []
    return activity_id, referred
