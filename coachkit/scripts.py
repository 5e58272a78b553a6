"""Outreach scripts: the informational email and the voicemail, with checks.

The method asks for information, never for a job: "How did you get where you are?". It also
asks for sincerity: the appreciation is the participant's own sentence about this person's
work ("I loved your blog post about team leadership"), never a generic claim sent in their
name. So until the participant writes that sentence, the drafts hold a marked gap
(``[...]``) where it goes, and :func:`sincerity_warnings` says so.

:func:`job_ask_warnings` flags a draft that slips into a job request, and
:func:`check_voicemail` checks a voicemail for its three parts (purpose, appreciation,
request), the call-back number, its length in words and its speaking time.

The checks are heuristics on words, documented on each function: they catch the common
slips (``tests/unit/test_job_ask_table.py`` holds the phrasings they are held to), not every
possible phrasing, and they say what they found so a person can judge.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .workbook import Profile, Workbook

__all__ = [
    "SPEAKING_RATE_WPM",
    "VOICEMAIL_ADMIRATION_GAP",
    "VOICEMAIL_LIMIT_SECONDS",
    "Draft",
    "VoicemailCheck",
    "admiration_placeholder",
    "as_sentence",
    "check_voicemail",
    "email_draft",
    "job_ask_warnings",
    "sincerity_warnings",
    "voicemail_draft",
]

SPEAKING_RATE_WPM = 150  # words a minute, a calm speaking pace
VOICEMAIL_LIMIT_SECONDS = 30
VOICEMAIL_ADMIRATION_GAP = "[Say in one sentence what you admire in their work.]"

# Phrases that turn an informational ask into a job request, matched case-insensitively as
# whole words. Each is narrow on purpose, because the same words are also what people admire
# in someone's work: "opening" is an ask after "an"/"any"/"job" but not in "opening keynote";
# "hiring" is an ask unless it is the subject of their work ("your post on hiring", "hiring
# practices"); "job" is an ask unless it is praise ("a great job") or theirs ("your job");
# "role" only as "any roles", "open roles" or "a role on your team" ("your first role" and
# "role model" are not asks).
_PRAISE = ("great", "good", "fine", "fantastic", "amazing", "excellent", "nice", "brilliant",
           "wonderful", "superb", "steve", "your", "their", "his", "her")  # fmt: skip
_TEAM = r"(?:team|company|firm|organi[sz]ation|department|group|office|business)"
_NOT_AN_OPENING = (
    r"keynote|talk|speech|remarks|session|address|night|ceremony|panel|paragraph|line|chapter|"
    r"scene|act|statement|question|slide|words?|chapters?"
)
_NOT_A_HIRING_ASK = (
    r"practices?|process(?:es)?|strateg(?:y|ies)|playbook|data|trends?|bias|platform|"
    r"software|pipeline|philosophy|mistakes?|managers?|decisions?|well|right|better"
)
_JOB_PHRASES = (
    r"join (?:your|the|their) " + _TEAM,
    r"be(?:come)? (?:a )?part of (?:your|the|their) " + _TEAM,
    r"(?:any|open|job|career|employment|work) opportunit(?:y|ies)",
    r"opportunit(?:y|ies) (?:at|in|on|with|within) (?:your|the|their) " + _TEAM,
    r"opportunit(?:y|ies) (?:for me|to join|to work)",
    r"put(?:ting)? in a good word",
    r"put(?:ting)? a good word in",
    r"a good word for me",
    r"consider(?:ing)? me for",
    r"keep(?:ing)? me in mind",
    r"think(?:ing)? of me (?:for|if|when)",
    r"openings",
    r"(?:an|any|job|open) opening(?! (?:" + _NOT_AN_OPENING + r")\b)",
    r"(?<!\bon )(?<!\babout )(?<!\binclusive )(?<!\byour )(?<!\btheir )"
    r"hiring(?! (?:" + _NOT_A_HIRING_ASK + r")\b)",
    r"hire (?:me|someone like me|people like me)",
    r"(?:are|is|be|were|was|am|'re|'s) (?:\w+ ){0,2}?recruiting",
    r"recruiting (?:for|at the moment|right now|now)",
    r"refer(?:ring)? me",
    r"(?:give|get|write|offer) me an? (?:employee |internal )?referral",
    r"employ me",
    r"work for you",
    r"(?:love|like|want|hope|keen|eager|glad|dream|chance) to work (?:at|for|in your)",
    r"positions? (?:open|available)",
    r"(?:any|open|available|vacant) (?:positions?|roles?|jobs?|posts?)",
    r"roles? (?:open|available|that open)",
    r"an? (?:role|position|job|post) (?:in|at|on|with|within) (?:your|the|their) " + _TEAM,
    r"appl(?:y|ied|ying) (?:for|to) (?:a|an|the|your|this|that)",
    r"vacanc(?:y|ies)",
    r"looking for (?:a |an )?(?:new |next )?(?:job|role|position|work|opportunit(?:y|ies))",
    r"job (?:search|hunt(?:ing)?)",
    r"my (?:cv|c\.v\.|resume|résumé)",
    "".join(rf"(?<!\b{word} )" for word in _PRAISE) + r"jobs?",
)
_JOB_PATTERN = re.compile(r"\b(?:" + "|".join(_JOB_PHRASES) + r")\b", re.IGNORECASE)

# Claims anyone could write to anyone: sent in the participant's name they ring false, which is
# exactly what the method is meant to cure. The participant's own specific sentence replaces
# them.
_GENERIC_CLAIMS = re.compile(
    r"\b(?:i(?: have|'ve) been following your (?:work|career)"
    r"|i(?: have|'ve) long admired your work"
    r"|admire what you have built"
    r"|(?:a )?(?:big|huge) fan of your work"
    r"|(?:really |greatly |truly )?admire your work(?: at [^.!?\n]*)?(?=\s*[.!?\n])"
    r"|your work is (?:very |really )?(?:inspiring|impressive)(?=\s*[.!?\n]))",
    re.IGNORECASE,
)
_PLACEHOLDER = re.compile(r"\[[^\]\n]{2,}\]")
# A call-back number: at least seven digits, with the spaces, dots, dashes and brackets
# people write numbers with ("+33 6 12 34 56 78", "(555) 010-4477").
_PHONE = re.compile(r"\+?\(?\d(?:[\s().-]*\d){6,}")


@dataclass(frozen=True)
class Draft:
    """An email draft, with warnings: a job request, a gap still to fill, a generic claim."""

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
        Plain-words advice (a missing part, no call-back number, too long, a job request,
        a gap still to fill, a generic claim).
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
    return " ".join(str(value).split())


def _first_name(contact: Mapping[str, Any]) -> str:
    first = _text(contact.get("first_name"))
    if first:
        return first
    name = _text(contact.get("name"))
    return name.split()[0] if name else ""


def _own_words(contact: Mapping[str, Any] | None) -> list[str]:
    if not contact:
        return []
    return [t for t in (_text(contact.get("position")), _text(contact.get("firm"))) if t]


def as_sentence(text: str) -> str:
    """One sentence as typed: spaces tidied, a capital first, a full stop if it has none."""
    text = _text(text)
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?…" else text + "."


def _referrer(wb_or_profile: Workbook | Profile, contact: Mapping[str, Any]) -> str:
    """The name of whoever suggested this contact, looked up when a workbook is given."""
    referred_by = contact.get("referred_by")
    if not isinstance(wb_or_profile, Workbook) or _text(referred_by) == "":
        return ""
    try:
        return _text(wb_or_profile.get_contact(int(referred_by))["name"])
    except (LookupError, ValueError, TypeError):
        return ""  # the referrer was deleted: the email still reads without the line


def _where(contact: Mapping[str, Any]) -> str:
    position, firm = _text(contact.get("position")), _text(contact.get("firm"))
    if position and firm:
        return f"as {position} at {firm}"
    if position:
        return f"as {position}"
    return f"at {firm}" if firm else ""


def admiration_placeholder(contact: Mapping[str, Any]) -> str:
    """The marked gap the drafts hold until the participant writes their own sentence."""
    first = _first_name(contact)
    whose = f"{first}'s work" if first else "their work"
    where = _where(contact)
    return (
        f"[Write one sentence of your own: what you admire in {whose}"
        + (f" {where}" if where else "")
        + " (a post, a talk, a project).]"
    )


def job_ask_warnings(
    text: str, contact: Mapping[str, Any] | None = None, *, goal_roles: Iterable[str] = ()
) -> list[str]:
    """Return one warning per phrase that asks for a job ("are you hiring", "refer me"...).

    Parameters
    ----------
    text
        The draft (an email or a voicemail).
    contact
        The recipient: their position and firm are removed before checking, so writing to a
        "Head of Hiring" at "Jobs Inc" is not flagged for their own title.
    goal_roles
        The participant's goal roles, removed likewise: someone who wants to become a
        "Recruiter" or a "Hiring Manager" says so in a sincere email.

    Examples
    --------
    >>> [w.split(":")[0] for w in job_ask_warnings("Are you hiring? Can I join your team?")]
    ['asks for a job ("hiring")', 'asks for a job ("join your team")']
    >>> job_ask_warnings("I loved your opening keynote. How did you get where you are?")
    []
    """
    cleaned = str(text)
    own = [*_own_words(contact), *(_text(role) for role in goal_roles)]
    for phrase in sorted((p for p in own if p), key=len, reverse=True):
        cleaned = re.sub(re.escape(phrase), " — ", cleaned, flags=re.IGNORECASE)
    cleaned = cleaned.replace("’", "'")
    found: list[str] = []
    for match in _JOB_PATTERN.finditer(cleaned):
        phrase = " ".join(match.group(0).lower().split())
        if phrase not in found:
            found.append(phrase)
    return [
        f'asks for a job ("{phrase}"): ask how they got where they are instead' for phrase in found
    ]


def sincerity_warnings(text: str) -> list[str]:
    """Warn about a gap still to fill (``[...]``) and about generic claims.

    A generic claim is one anyone could send to anyone ("I have been following your work",
    "I really admire your work."): the method's appreciation names something specific.

    Examples
    --------
    >>> sincerity_warnings("I have been following your work.")  # doctest: +ELLIPSIS
    ['a generic claim ("I have been following your work"): ...']
    >>> sincerity_warnings("I loved your post on pricing pages.")
    []
    """
    gaps = dict.fromkeys(gap.group(0) for gap in _PLACEHOLDER.finditer(str(text)))
    warnings = [f"still to fill in: {gap}" for gap in gaps]
    for claim in _GENERIC_CLAIMS.finditer(str(text)):
        warnings.append(
            f'a generic claim ("{claim.group(0).strip()}"): say instead what you admire in '
            "their work (a post, a talk, a project), in one sentence of your own"
        )
    return warnings


def _interest(profile: Profile) -> str:
    goals = profile.goals
    role = goals.roles[0] if goals.roles else ""
    industry = goals.industries[0] if goals.industries else ""
    location = goals.locations[0] if goals.locations else ""
    if role:
        path = f"a path towards {role}" + (f" in {industry}" if industry else "")
    elif industry:
        path = f"a path into {industry}"
    else:
        path = "my next step"
    return path + (f", in {location}" if location else "")


def email_draft(
    wb_or_profile: Workbook | Profile,
    contact: Mapping[str, Any],
    *,
    admiration: str = "",
    referrer: str | None = None,
) -> Draft:
    """Write the informational ask to ``contact``, from their details, the goals and the
    participant's own sentence on what they admire in this person's work.

    Parameters
    ----------
    wb_or_profile
        The workbook (or its profile): the participant's name and goals.
    contact
        A contact row as a dict (``name``, ``first_name``, ``firm``, ``position``,
        ``referred_by``).
    admiration
        One sentence, written by the participant, on what they admire in this person's work.
        Without it the draft holds a marked gap (``[Write one sentence...]``) and a warning:
        coachkit never writes that sentence for them.
    referrer
        Who suggested this contact. By default, with a workbook, the contact's
        ``referred_by``. A referred contact's email says so in its subject and first line.

    Returns
    -------
    Draft
        Subject, body and warnings (:func:`job_ask_warnings` and :func:`sincerity_warnings`).
    """
    profile = _profile(wb_or_profile)
    first = _first_name(contact)
    where = _where(contact)
    suggested_by = _text(referrer) if referrer is not None else _referrer(wb_or_profile, contact)
    sentence = as_sentence(admiration) or admiration_placeholder(contact)
    opening = f"{suggested_by} suggested I write to you. " if suggested_by else ""
    if suggested_by:
        subject = f"{suggested_by} suggested I write to you"
    elif where:
        subject = f"Your path {where}"
    else:
        subject = "How did you get where you are?"
    perspective = f"your perspective {where}" if where else "your perspective"
    body = (f"Dear {first},\n\n" if first else "Hello,\n\n") + (
        f"{opening}{sentence}\n\n"
        f"I am exploring {_interest(profile)}, and I would value {perspective}: "
        "how did you get where you are?\n\n"
        "Would you have 20 minutes for a short conversation in the coming weeks, by phone "
        "or over coffee? I would be glad to work around your schedule.\n\n"
        f"Thank you,\n{profile.name or '[your name]'}"
    )
    warnings = job_ask_warnings(body, contact, goal_roles=profile.goals.roles)
    warnings += sincerity_warnings(subject + "\n" + body)
    return Draft(subject=subject, body=body, warnings=warnings)


def voicemail_draft(
    wb_or_profile: Workbook | Profile,
    contact: Mapping[str, Any],
    *,
    admiration: str = "",
    referrer: str | None = None,
) -> str:
    """Write the three-part voicemail for ``contact``: purpose, appreciation, request, and
    the participant's call-back number (their profile's ``phone``).

    The appreciation is the participant's ``admiration`` sentence (the same one as in the
    email); without it, and without a phone number, the script holds a marked gap to fill
    before calling. It does not mention the email: the method says it need not. A referred
    contact hears who suggested the call. The script stays around 30 seconds.
    """
    profile = _profile(wb_or_profile)
    first = _first_name(contact)
    suggested_by = _text(referrer) if referrer is not None else _referrer(wb_or_profile, contact)
    me = profile.name or "[your name]"
    sentence = as_sentence(admiration) or VOICEMAIL_ADMIRATION_GAP
    phone = _text(getattr(profile, "phone", "")) or "[your phone number]"
    return (
        (f"Hello {first}, this is {me}. " if first else f"Hello, this is {me}. ")
        + (f"{suggested_by} suggested I call you. " if suggested_by else "")
        + "I am calling because I would like to learn how you got where you are. "
        + f"{sentence} "
        + "Would you have 20 minutes for a short conversation? "
        + f"You can reach me on {phone}; that is {phone}. Thank you."
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


def check_voicemail(
    text: str, contact: Mapping[str, Any] | None = None, *, goal_roles: Iterable[str] = ()
) -> VoicemailCheck:
    """Check a voicemail script for its three parts, a call-back number, its length and its
    speaking time.

    The parts are found by keywords (case-insensitive), outside any gap still to fill
    (``[...]``):

    * purpose: "calling", "reaching out", "the reason", "would like to learn"...
    * appreciation: "admire", "loved", "enjoyed", "appreciate", "impressed", "inspiring"...
    * request: "would you have", "could we", "N minutes", "conversation", "chat", "meet"...

    A call-back number is seven digits or more ("+33 6 12 34 56 78"). Speaking time is
    words / 150 a minute; past 30 seconds the check warns. A job request
    (:func:`job_ask_warnings`, with ``contact`` and ``goal_roles`` as there), a gap and a
    generic claim (:func:`sincerity_warnings`) are warned about too.

    Examples
    --------
    >>> check_voicemail("Hi, I loved your talk.").missing
    ('purpose', 'request')
    """
    said = _PLACEHOLDER.sub(" ", text)
    lowered = said.lower()
    missing = tuple(part for part, pattern in _PARTS.items() if not pattern.search(lowered))
    words = len(re.findall(r"[\w'’-]+", text))
    seconds = round(words * 60 / SPEAKING_RATE_WPM, 1)
    advice = {
        "purpose": "say why you are calling (the purpose)",
        "appreciation": "say what you appreciate in their work",
        "request": "ask for a short conversation (the request)",
    }
    warnings = [f"missing the {part}: {advice[part]}" for part in missing]
    if not _PHONE.search(said):
        warnings.append(
            "no call-back number: say your phone number, slowly and twice, so they can call "
            "you back"
        )
    if seconds > VOICEMAIL_LIMIT_SECONDS:
        warnings.append(
            f"{words} words take about {seconds:.0f} seconds: keep it under "
            f"{VOICEMAIL_LIMIT_SECONDS} seconds (about "
            f"{VOICEMAIL_LIMIT_SECONDS * SPEAKING_RATE_WPM // 60} words)"
        )
    warnings.extend(job_ask_warnings(text, contact, goal_roles=goal_roles))
    warnings.extend(sincerity_warnings(text))
    return VoicemailCheck(missing=missing, words=words, seconds=seconds, warnings=warnings)
