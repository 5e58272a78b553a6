"""Step 1 of the method: the goals pick the potential mentors.

A contact matches a goal through their firm's industry (a tag the participant puts on the
firm: LinkedIn exports carry none), their position text (the role) and their location (the
contact's own, else the firm's). A contact who matches more goals, and higher-ranked ones,
ranks higher; every match is explained in words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd

from .firms import fold_text
from .workbook import Goals, Workbook

__all__ = [
    "goal_matcher",
    "rank_mentors",
    "target_firms",
    "uncovered_firms",
]

DIMENSIONS = ("industry", "role", "location")
_STOPWORDS = {"and", "of", "the", "in", "at", "for", "a", "an", "or", "de", "&"}
# The first-ranked goal counts fully, each next one a little less (rank 5 still counts 0.6).
_RANK_STEP = 0.1


def _tokens(phrase: str) -> list[str]:
    return [t for t in fold_text(phrase).split() if t not in _STOPWORDS]


def goal_matcher(goals: Sequence[str]) -> re.Pattern[str] | None:
    """Compile one pattern per goal list, matching folded text that holds every word of a goal.

    A goal matches when each of its words appears as a word in the text (a trailing "s" is
    allowed), in any order: "Product Manager" matches "Senior Manager, Product".

    Returns
    -------
    re.Pattern or None
        A pattern with one named group per goal (``g0``, ``g1``...), or None for no goals.
    """
    alternatives = []
    for index, goal in enumerate(goals):
        words = _tokens(goal)
        if not words:
            continue
        lookaheads = "".join(rf"(?=.*\b{re.escape(word)}s?\b)" for word in words)
        alternatives.append(rf"(?P<g{index}>^{lookaheads})")
    return re.compile("|".join(alternatives)) if alternatives else None


def _best_rank(texts: pd.Series, goals: Sequence[str]) -> pd.Series:
    """For each text, the rank (0-based) of the best goal it matches, or -1."""
    result = pd.Series(-1, index=texts.index, dtype="int64")
    if not goals:
        return result
    unique = pd.Series(texts.dropna().unique(), dtype="object")
    ranks: dict[str, int] = {}
    compiled = [goal_matcher([goal]) for goal in goals]
    for text in unique:
        folded = fold_text(str(text))
        for rank, pattern in enumerate(compiled):
            if pattern is not None and pattern.search(folded):
                ranks[text] = rank
                break
    if ranks:
        result = texts.map(ranks).fillna(-1).astype("int64")
    return result


def _weight(rank: pd.Series) -> pd.Series:
    return (1.0 - _RANK_STEP * rank).where(rank >= 0, 0.0)


def _join_words(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def rank_mentors(wb: Workbook, limit: int | None = None) -> pd.DataFrame:
    """Rank the workbook's contacts by how well they match the participant's goals.

    Parameters
    ----------
    wb
        The workbook.
    limit
        Keep only the first ``limit`` rows.

    Returns
    -------
    pandas.DataFrame
        One row per contact that matches at least one goal, best first: ``contact_id``,
        ``name``, ``firm``, ``position``, ``location``, ``score``, ``matched`` (a tuple of
        "industry", "role", "location"), ``reason`` (in words), ``approached`` (an outreach
        was already sent).
    """
    with wb.snapshot():
        contacts = wb.contacts()
        approached_ids = wb.approached_contact_ids()
    return rank_contacts(contacts, wb.goals, approached_ids, limit)


def rank_contacts(
    contacts: pd.DataFrame,
    goals: Goals,
    approached_ids: set[int] | frozenset[int] = frozenset(),
    limit: int | None = None,
) -> pd.DataFrame:
    """The pure part of :func:`rank_mentors`: rank a contacts frame against goals."""
    columns = [
        "contact_id", "name", "firm", "position", "location", "score", "matched", "reason",
        "approached",
    ]  # fmt: skip
    if contacts.empty or goals.is_empty():
        return pd.DataFrame(columns=columns)
    location = contacts["location"].fillna(contacts["firm_location"])
    ranks = {
        "industry": _best_rank(contacts["firm_industry"], goals.industries),
        "role": _best_rank(contacts["position"], goals.roles),
        "location": _best_rank(location, goals.locations),
    }
    score = sum(_weight(rank) for rank in ranks.values())
    keep = score > 0
    if not keep.any():
        return pd.DataFrame(columns=columns)
    out = pd.DataFrame(
        {
            "contact_id": contacts["id"],
            "name": contacts["name"],
            "firm": contacts["firm"],
            "position": contacts["position"],
            "location": location,
            "score": score.round(2),
        }
    )[keep]
    matched = pd.Series([()] * len(out), index=out.index, dtype="object")
    for dimension in DIMENSIONS:
        hit = ranks[dimension][keep] >= 0
        matched = matched.where(~hit, matched.map(lambda m, d=dimension: (*m, d)))
    out["matched"] = matched
    out["reason"] = [
        _reason(position, firm, place, dims)
        for position, firm, place, dims in zip(
            out["position"], out["firm"], out["location"], out["matched"], strict=True
        )
    ]
    out["approached"] = out["contact_id"].isin(approached_ids)
    # Best match first; among equals, people not yet approached first, then by name.
    out = out.sort_values(
        ["score", "approached", "name"], ascending=[False, True, True], kind="stable"
    ).reset_index(drop=True)
    return out.head(limit) if limit is not None else out


def _reason(position: object, firm: object, place: object, matched: tuple[str, ...]) -> str:
    """E.g. "Product at Doctolib, Paris: role and location match"."""
    who = str(position) if isinstance(position, str) and position else "Works"
    if isinstance(firm, str) and firm:
        who += f" at {firm}"
    if isinstance(place, str) and place:
        who += f", {place}"
    verb = "matches" if len(matched) == 1 else "match"
    return f"{who}: {_join_words(list(matched))} {verb}"


def target_firms(wb: Workbook) -> pd.DataFrame:
    """Every firm in the target space, with its coverage (the "mosaic").

    A firm is in the target space when its industry tag matches an industry goal and, where
    both the firm's location and location goals are known, its location matches too. With
    no industry goals, a firm whose location matches is in the space.

    Returns
    -------
    pandas.DataFrame
        ``firm_id``, ``firm``, ``industry``, ``location``, ``contacts``, ``conversations``,
        ``status`` ("covered", "no conversation yet" or "no contact yet").
    """
    goals = wb.goals
    with wb.snapshot():
        firms = wb.firms()
        conversations = wb.conversations_by_firm()
    return _target_firms(firms, conversations, goals)


def _target_firms(firms: pd.DataFrame, conversations: pd.DataFrame, goals: Goals) -> pd.DataFrame:
    columns = ["firm_id", "firm", "industry", "location", "contacts", "conversations", "status"]
    if firms.empty or not (goals.industries or goals.locations):
        return pd.DataFrame(columns=columns)
    industry_rank = _best_rank(firms["industry"], goals.industries)
    location_rank = _best_rank(firms["location"], goals.locations)
    location_known = firms["location"].notna() & bool(goals.locations)
    location_ok = ~location_known | (location_rank >= 0)
    if goals.industries:
        in_space = (industry_rank >= 0) & location_ok
    else:
        in_space = location_rank >= 0
    out = firms[in_space].rename(columns={"id": "firm_id", "name": "firm"})
    talks = conversations.set_index("firm_id")["conversations"] if len(conversations) else None
    out["conversations"] = (
        out["firm_id"].map(talks).fillna(0).astype("int64") if talks is not None else 0
    )
    out["status"] = "covered"
    out.loc[out["conversations"] == 0, "status"] = "no conversation yet"
    out.loc[out["contacts"] == 0, "status"] = "no contact yet"
    order = out["status"].map({"no contact yet": 0, "no conversation yet": 1, "covered": 2})
    out = out.assign(_order=order).sort_values(["_order", "firm"], kind="stable")
    return out[columns].reset_index(drop=True)


def uncovered_firms(wb: Workbook) -> pd.DataFrame:
    """The target firms with no contact yet, or no conversation yet (see :func:`target_firms`)."""
    firms = target_firms(wb)
    return firms[firms["status"] != "covered"].reset_index(drop=True)
