"""Outreach scripts: the informational email and the voicemail, with checks.

The method asks for information, never for a job: "How did you get where you are?".
:func:`job_ask_warnings` flags a draft that slips into a job request, and
:func:`check_voicemail` checks a voicemail for its three parts (purpose, appreciation,
request), its length in words and its speaking time.

The checks are keyword heuristics, documented on each function: they catch the common
slips, not every possible phrasing, and say what they found so a person can judge.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .workbook import Profile, Workbook

__all__ = [
    "SPEAKING_RATE_WPM",
    "VOICEMAIL_LIMIT_SECONDS",
    "Draft",
    "VoicemailCheck",
    "check_voicemail",
    "email_draft",
    "job_ask_warnings",
    "voicemail_draft",
]

SPEAKING_RATE_WPM = 150  # words a minute, a calm speaking pace
VOICEMAIL_LIMIT_SECONDS = 30

# Phrases that turn an informational ask into a job request. Each is matched as whole words,
# case-insensitively. "job" alone is matched, but not inside the contact's own title or
# firm (their words are removed from the text first), so "your job as Head of Product" in
# a draft to a "Head of Product" is still flagged for "job", yet "Jobs Director" is not.
_JOB_PHRASES = (
    r"jobs?", r"position(?:s)? (?:open|available)", r"open (?:position|role)s?",
    r"hiring", r"hire me", r"vacanc(?:y|ies)", r"openings?", r"refer me(?: for)?",
    r"employ me", r"work for you", r"looking for (?:a|an) (?:job|role|position)",
    r"any (?:roles?|positions?)", r"recruit(?:ing|er)?", r"my (?:cv|resume|résumé)",
)  # fmt: skip
_JOB_PATTERN = re.compile(r"\b(" + "|".join(_JOB_PHRASES) + r")\b", re.IGNORECASE)


@dataclass(frozen=True)
class Draft:
    """An email draft, with warnings about anything that reads like a job request."""

    subject: str
    body: str
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class VoicemailCheck:
    """What a voicemail script lacks, and how long it takes to say.

    Attributes
    ----------
    missing
        Which of ``"purpose"``, ``"appreciation"``, ``"request"`` were not found.
    words
        The number of words.
    seconds
        Speaking time at :data:`SPEAKING_RATE_WPM` words a minute.
    warnings
        Plain-words advice (a missing part, too long, a job request).
    """

    missing: tuple[str, ...]
    words: int
    seconds: float
    warnings: list[str] = field(default_factory=list)


def _profile(wb_or_profile: Workbook | Profile) -> Profile:
    return wb_or_profile if isinstance(wb_or_profile, Profile) else wb_or_profile.profile


def _text(value: Any) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):  # NaN / NA from pandas
        return ""
    return str(value).strip()


def _first_name(contact: Mapping[str, Any]) -> str:
    first = _text(contact.get("first_name"))
    if first:
        return first
    name = _text(contact.get("name"))
    return name.split()[0] if name else "there"


def _own_words(contact: Mapping[str, Any] | None) -> list[str]:
    if not contact:
        return []
    return [t for t in (_text(contact.get("position")), _text(contact.get("firm"))) if t]


def job_ask_warnings(text: str, contact: Mapping[str, Any] | None = None) -> list[str]:
    """Return one warning per phrase that asks for a job ("hiring", "any openings"...).

    Parameters
    ----------
    text
        The draft.
    contact
        The recipient: their position and firm are removed before checking, so writing
        to a "Jobs Program Manager" or about "your hiring platform" at a firm named
        "Hiring Co" is not flagged for their own title.

    Examples
    --------
    >>> job_ask_warnings("Are you hiring? I would love to join.")
    ['asks for a job ("hiring"): ask how they got where they are instead']
    >>> job_ask_warnings("How did you get where you are?")
    []
    """
    cleaned = text
    for phrase in _own_words(contact):
        cleaned = re.sub(re.escape(phrase), " ", cleaned, flags=re.IGNORECASE)
    found: list[str] = []
    for match in _JOB_PATTERN.finditer(cleaned):
        phrase = match.group(0).lower()
        if phrase not in found:
            found.append(phrase)
    return [
        f'asks for a job ("{phrase}"): ask how they got where they are instead' for phrase in found
    ]


def email_draft(wb_or_profile: Workbook | Profile, contact: Mapping[str, Any]) -> Draft:
    """Write the informational ask to ``contact``, personalised from their details and goals.

    Parameters
    ----------
    wb_or_profile
        The workbook (or its profile): the participant's name and goals.
    contact
        A contact row as a dict (``name``, ``first_name``, ``firm``, ``position``).

    Returns
    -------
    Draft
        Subject, body and :func:`job_ask_warnings` of the body (empty for this template).
    """
    profile = _profile(wb_or_profile)
    first = _first_name(contact)
    position, firm = _text(contact.get("position")), _text(contact.get("firm"))
    if position and firm:
        where = f"as {position} at {firm}"
    elif position or firm:
        where = f"as {position}" if position else f"at {firm}"
    else:
        where = "in your work"
    goals = profile.goals
    aims = []
    if goals.roles:
        aims.append(goals.roles[0])
    if goals.industries:
        aims.append(f"in {goals.industries[0]}")
    if goals.locations:
        aims.append(f"in {goals.locations[0]}")
    interest = " ".join(aims) if aims else "the path you have taken"
    signature = profile.name or "[your name]"
    subject = f"Your path {where}" if where != "in your work" else "How did you get where you are?"
    body = (
        f"Dear {first},\n\n"
        f"I have been following your work {where} and admire what you have built. "
        f"I am exploring a path towards {interest}, and I would value your perspective: "
        "how did you get where you are?\n\n"
        "Would you have 20 minutes for a short conversation in the coming weeks, by phone "
        "or over coffee? I would be glad to work around your schedule.\n\n"
        f"Thank you,\n{signature}"
    )
    return Draft(subject=subject, body=body, warnings=job_ask_warnings(body, contact))


def voicemail_draft(wb_or_profile: Workbook | Profile, contact: Mapping[str, Any]) -> str:
    """Write the three-part voicemail for ``contact``: purpose, appreciation, request.

    The appreciation names their work at their firm; replace it with something specific
    (a post, a talk, a project) before calling. The script stays under 30 seconds.
    """
    profile = _profile(wb_or_profile)
    first = _first_name(contact)
    me = profile.name or "[your name]"
    firm = _text(contact.get("firm"))
    work = f"your work at {firm}" if firm else "your work"
    return (
        f"Hello {first}, this is {me}. I am calling because I would like to learn "
        f"how you got where you are. I really admire {work.rstrip('.')}. "  # "Stripe, Inc."
        "Would you have 20 minutes for a short conversation? "
        "I will follow up by email. Thank you."
    )


# The three parts, as keyword heuristics on the lower-cased text.
_PARTS = {
    "purpose": re.compile(
        r"\b(calling|i am reaching out|i'm reaching out|reason for my call|the reason|"
        r"purpose|would like to learn|i'd like to learn|hoping to learn|i wanted to ask)\b"
    ),
    "appreciation": re.compile(
        r"\b(admire|admired|loved|love|enjoyed|appreciate|appreciated|impressed|inspiring|"
        r"inspired|thank you for your work|great work|fascinated)\b"
    ),
    "request": re.compile(
        r"\b(would you have|could we|can we|would you be (?:open|willing|available)|"
        r"a few minutes|\d+ minutes|minutes for|conversation|chat|talk with you|meet)\b"
    ),
}


def check_voicemail(text: str) -> VoicemailCheck:
    """Check a voicemail script for its three parts, its length and its speaking time.

    The parts are found by keywords (case-insensitive):

    * purpose: "calling", "reaching out", "the reason", "would like to learn"...
    * appreciation: "admire", "loved", "enjoyed", "appreciate", "impressed", "inspiring"...
    * request: "would you have", "could we", "N minutes", "conversation", "chat", "meet"...

    Speaking time is words / 150 a minute; past 30 seconds the check warns. A job request
    (:func:`job_ask_warnings`) is warned about too.

    Examples
    --------
    >>> check_voicemail("Hi, I loved your talk.").missing
    ('purpose', 'request')
    """
    lowered = text.lower()
    missing = tuple(part for part, pattern in _PARTS.items() if not pattern.search(lowered))
    words = len(re.findall(r"[\w'’-]+", text))
    seconds = round(words * 60 / SPEAKING_RATE_WPM, 1)
    advice = {
        "purpose": "say why you are calling (the purpose)",
        "appreciation": "say what you appreciate in their work",
        "request": "ask for a short conversation (the request)",
    }
    warnings = [f"missing the {part}: {advice[part]}" for part in missing]
    if seconds > VOICEMAIL_LIMIT_SECONDS:
        warnings.append(
            f"{words} words take about {seconds:.0f} seconds: keep it under "
            f"{VOICEMAIL_LIMIT_SECONDS} seconds (about "
            f"{VOICEMAIL_LIMIT_SECONDS * SPEAKING_RATE_WPM // 60} words)"
        )
    warnings.extend(job_ask_warnings(text))
    return VoicemailCheck(missing=missing, words=words, seconds=seconds, warnings=warnings)
