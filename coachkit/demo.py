"""Demo workbooks: realistic, varied and deterministic participants for the demo and tests.

Each persona follows (or fails to follow) the method for several weeks before ``today``:
outreach on Sundays, a follow-up call nine days later unless a reply came first, replies,
meetings and referrals. Everything is drawn from a seeded :class:`random.Random`, so the
same ``(persona, today, seed)`` always builds the same workbook. A few names and notes carry
HTML, Markdown and spreadsheet-formula characters, so that escaping is exercised everywhere.
"""

from __future__ import annotations

import datetime as dt
import os
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ValidationError
from .schedule import follow_up_day
from .workbook import Workbook, create_workbook

__all__ = ["PERSONAS", "build_demo_cohort", "build_demo_workbook"]


@dataclass(frozen=True)
class _Persona:
    name: str
    slug: str
    industries: tuple[str, ...]
    roles: tuple[str, ...]
    locations: tuple[str, ...]
    connections: int  # imported contacts
    weeks: int  # Sundays of outreach history before today
    outreach: tuple[int, int]  # outreach per Sunday (low, high)
    skip_week: float  # chance of skipping a Sunday altogether
    call_rate: float  # chance that a due follow-up call is made
    reply_rate: float
    reach_rate: float  # chance that a call reaches the person (else voicemail)
    meeting_rate: float  # chance that a reply or a reached call leads to a meeting
    referrals: tuple[int, int]  # referrals per meeting (low, high)
    seed: int


PERSONAS: dict[str, _Persona] = {
    "on_track": _Persona(
        name="Ana Lima",
        slug="ana-lima",
        industries=("Fintech", "HealthTech"),
        roles=("Product", "Operations"),
        locations=("Paris", "London", "Remote"),
        connections=110,
        weeks=8,
        outreach=(5, 7),
        skip_week=0.0,
        call_rate=1.0,
        reply_rate=0.25,
        reach_rate=0.3,
        meeting_rate=0.4,
        referrals=(0, 2),
        seed=18,
    ),
    "behind": _Persona(
        name="Ben Okafor",
        slug="ben-okafor",
        industries=("Climate Tech", "Energy"),
        roles=("Operations", "Strategy"),
        locations=("London", "Berlin"),
        connections=85,
        weeks=7,
        outreach=(1, 4),
        skip_week=0.35,
        call_rate=0.4,
        reply_rate=0.25,
        reach_rate=0.35,
        meeting_rate=0.6,
        referrals=(0, 1),
        seed=21,
    ),
    "just_started": _Persona(
        name="Chloé Martin",
        slug="chloe-martin",
        industries=("EdTech", "Media"),
        roles=("Marketing", "Product"),
        locations=("Paris", "Remote"),
        connections=62,
        weeks=1,
        outreach=(4, 5),
        skip_week=0.0,
        call_rate=1.0,
        reply_rate=0.4,
        reach_rate=0.4,
        meeting_rate=0.7,
        referrals=(1, 2),
        seed=28,
    ),
}

# (firm, industry, location): firms tagged in the workbook unless the persona leaves them bare.
_FIRMS: tuple[tuple[str, str, str], ...] = (
    ("Qonto", "Fintech", "Paris"),
    ("Revolut", "Fintech", "London"),
    ("Monzo", "Fintech", "London"),
    ("Smith & Sons", "Fintech", "London"),
    ("Alan", "HealthTech", "Paris"),
    ("Doctolib", "HealthTech", "Paris"),
    ("Babylon Health", "HealthTech", "London"),
    ("Octopus Energy", "Energy", "London"),
    ("Enpal", "Climate Tech", "Berlin"),
    ("Sunfire", "Energy", "Berlin"),
    ("Pachama", "Climate Tech", "Remote"),
    ("Ecotricity", "Energy", "London"),
    ("OpenClassrooms", "EdTech", "Paris"),
    ("Coursera", "EdTech", "Remote"),
    ("Le Monde", "Media", "Paris"),
    ("Spotify", "Media", "London"),
    ("Gitlab", "Software", "Remote"),
    ("Datadog", "Software", "Paris"),
    ("McKinsey", "Consulting", "London"),
    ("BNP Paribas", "Banking", "Paris"),
    ("Siemens", "Industry", "Berlin"),
    ("Zalando", "Retail", "Berlin"),
    ("Accenture", "Consulting", "Paris"),
    ("Deliveroo", "Retail", "London"),
)
_FIRST = (
    "Amara", "Lucas", "Sofia", "Noah", "Inès", "Oliver", "Yuki", "Mateo", "Priya", "Jonas",
    "Fatima", "Hugo", "Elena", "Kwame", "Léa", "Tomás", "Aisha", "Felix", "Mei", "Rafael",
    "Nadia", "Samuel", "Clara", "Omar", "Greta", "Louis", "Zara", "Emil", "Hana", "Diego",
)  # fmt: skip
_LAST = (
    "Dubois", "Schmidt", "Okoye", "Rossi", "Tanaka", "Nguyen", "Silva", "Müller", "Haddad",
    "Kowalski", "Johansson", "Moreau", "Patel", "García", "Byrne", "Lefèvre", "Adeyemi",
    "Novak", "Fischer", "Laurent", "Costa", "Ahmed", "Berg", "Kim", "Martins", "Weber",
)  # fmt: skip
_POSITIONS = (
    "Product Manager", "Senior Product Manager", "Head of Product", "Operations Manager",
    "Head of Operations", "Strategy Lead", "Marketing Director", "Growth Marketing Manager",
    "Software Engineer", "Data Scientist", "Account Executive", "Product Designer",
    "Chief of Staff", "Programme Manager", "Business Operations Analyst", "Content Lead",
)  # fmt: skip
# A handful of contacts whose text would break naive HTML, Markdown or spreadsheet output.
_TRICKY: tuple[dict[str, Any], ...] = (
    {
        "name": "Seán O'Connor-Smith",
        "firm": "Smith & Sons",
        "position": "VP Product | Payments & Risk",
        "notes": "<b>Met at the fintech meetup</b>; loved her talk on *team rituals*",
    },
    {
        "name": "Dana Kay",
        "firm": "Monzo",
        "position": "Operations <Lead>",
        "notes": "=SUM(1) asked about ops playbooks; follow up after Q4",
    },
    {
        "name": "Ravi [Ops] Menon",
        "firm": "Gitlab",
        "position": "Head of Operations",
        "notes": "# not a heading _or_ **bold**",
    },
)


def _email(name: str, firm: str) -> str:
    local = "".join(ch for ch in name.lower() if ch.isascii() and (ch.isalnum() or ch == " "))
    domain = "".join(ch for ch in firm.lower() if ch.isascii() and ch.isalnum())
    return f"{'.'.join(local.split())}@{domain or 'mail'}.example"


def _phone(rng: random.Random, location: str) -> str:
    # Numbers from ranges reserved for drama and fiction.
    if location == "London":
        return f"+44 20 7946 0{rng.randint(100, 999)}"
    if location == "Paris":
        return f"+33 1 99 00 {rng.randint(10, 99)} {rng.randint(10, 99)}"
    return f"+49 30 {rng.randint(1000, 9999)} {rng.randint(100, 999)}"


def _contact(rng: random.Random, used: set[str], firms: list[tuple[str, str, str]]) -> dict:
    while True:
        name = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
        if name not in used:
            used.add(name)
            break
        name = f"{name} {rng.choice('ABCDEFGHJKLMNPRSTVW')}."
        if name not in used:
            used.add(name)
            break
    firm, _industry, location = rng.choice(firms)
    first, _, last = name.partition(" ")
    record: dict[str, Any] = {
        "name": name,
        "first_name": first,
        "last_name": last,
        "firm": firm,
        "position": rng.choice(_POSITIONS),
        "source": "linkedin",
        "connected_on": dt.date(rng.randint(2016, 2025), rng.randint(1, 12), rng.randint(1, 28)),
    }
    if rng.random() < 0.5:
        record["location"] = location
    if rng.random() < 0.45:
        record["email"] = _email(name, firm)
    if rng.random() < 0.6:
        record["phone"] = _phone(rng, location)
    return record


def _matches(record: dict, persona: _Persona, tags: dict[str, tuple[str, str]]) -> int:
    industry, location = tags.get(record.get("firm", ""), ("", ""))
    position = record.get("position", "")
    where = record.get("location") or location
    return (
        (industry in persona.industries)
        + any(role.lower() in position.lower() for role in persona.roles)
        + (where in persona.locations)
    )


def _check_today(today: dt.date) -> None:
    # A history runs weeks before and follow-ups days after today: keep clear of year 1/9999.
    if not 1900 <= today.year <= 2999:
        raise ValidationError(
            "today", f"{today} is outside the years a demo covers", hint="use 1900 to 2999."
        )


def build_demo_workbook(
    folder: str | os.PathLike[str],
    persona: str,
    today: dt.date,
    *,
    seed: int | None = None,
    name: str | None = None,
) -> Workbook:
    """Create a workbook in ``folder`` with several weeks of one persona's history.

    Parameters
    ----------
    folder
        Where to create the workbook (must not hold one yet).
    persona
        ``"on_track"``, ``"behind"`` or ``"just_started"`` (see :data:`PERSONAS`).
    today
        The day the history leads up to; nothing is dated on or after it.
    seed
        Another seed gives another, equally plausible participant of the same persona.
    name
        The participant's name (default: the persona's).

    Returns
    -------
    Workbook
        The open workbook (close it, or use it as a context manager).

    Raises
    ------
    ValidationError
        For an unknown persona.
    """
    if persona not in PERSONAS:
        raise ValidationError(
            "persona",
            f"{persona!r} is not a demo persona",
            hint=f"use one of {', '.join(PERSONAS)}.",
        )
    _check_today(today)
    spec = PERSONAS[persona]
    rng = random.Random(spec.seed if seed is None else seed)
    wb = create_workbook(folder, name=name or spec.name)
    try:
        with wb.transaction():
            _populate(wb, spec, rng, today)
    except BaseException:
        wb.close()
        raise
    return wb


def _populate(wb: Workbook, spec: _Persona, rng: random.Random, today: dt.date) -> None:
    wb.set_goals(industries=spec.industries, roles=spec.roles, locations=spec.locations)
    firms = list(_FIRMS)
    tags: dict[str, tuple[str, str]] = {}
    for firm, industry, location in firms:
        # About a third of firms stay untagged, as after a real LinkedIn import.
        if rng.random() < 0.65 or industry in spec.industries:
            if rng.random() < 0.85:
                wb.tag_firm(firm, industry=industry, location=location)
                tags[firm] = (industry, location)
    used: set[str] = set()
    records = [_contact(rng, used, firms) for _ in range(spec.connections)]
    if spec.slug == "ana-lima":
        records[5:5] = [dict(t) for t in _TRICKY]
    elif spec.slug == "ben-okafor":
        records[3:3] = [dict(_TRICKY[1])]
    ids = wb.add_contacts(records)
    by_id = dict(zip(ids, records, strict=True))
    # Mentor-like contacts first, as the method's ranking would suggest, with some noise.
    queue = sorted(ids, key=lambda i: (-_matches(by_id[i], spec, tags), rng.random()))
    # Referred people (with the day they were referred) are approached before the rest.
    referred: list[tuple[dt.date, int]] = []

    last_sunday = today - dt.timedelta(days=(today.weekday() + 1) % 7 or 7)
    sundays = [last_sunday - dt.timedelta(weeks=w) for w in range(spec.weeks - 1, -1, -1)]
    for sunday in sundays:
        if spec.skip_week and sunday != sundays[0] and rng.random() < spec.skip_week:
            continue
        for _ in range(rng.randint(*spec.outreach)):
            ready = [item for item in referred if item[0] < sunday]
            if ready:
                referred.remove(ready[0])
                contact = ready[0][1]
            elif queue:
                contact = queue.pop(0)
            else:
                break
            _play(wb, spec, rng, today, sunday, contact, by_id, referred)


def _play(
    wb: Workbook,
    spec: _Persona,
    rng: random.Random,
    today: dt.date,
    sent: dt.date,
    contact: int,
    by_id: dict[int, dict],
    referred: list[tuple[dt.date, int]],
) -> None:
    """Log one outreach and what followed from it (all before ``today``)."""
    channel = "email" if by_id[contact].get("email") else "linkedin"
    wb.log_activity(contact, "outreach", sent, channel=channel)
    conversation: tuple[int, dt.date] | None = None
    if rng.random() < spec.reply_rate:
        replied = sent + dt.timedelta(days=rng.randint(1, 6))
        if replied < today:
            wb.log_activity(contact, "reply", replied, notes="Happy to chat")
            met = replied + dt.timedelta(days=rng.randint(2, 9))
            if rng.random() < spec.meeting_rate and met < today:
                medium = rng.choice(("video", "coffee", "call"))
                conversation = (wb.log_activity(contact, "meeting", met, channel=medium), met)
    else:
        due = follow_up_day(sent, wb.profile)
        # Most calls are made on the due day; a few slip by a day or two.
        called = due + dt.timedelta(days=rng.choice((0, 0, 0, 1, 2)))
        if called < today and rng.random() < spec.call_rate:
            # Most calls reach an assistant or voicemail: the message is left either way.
            if rng.random() < spec.reach_rate:
                outcome = "reached"
            else:
                outcome = rng.choice(("voicemail", "voicemail", "assistant"))
            # Reached, the person sometimes talks there and then; more often a time is set.
            on_the_call = outcome == "reached" and rng.random() < spec.meeting_rate / 2
            _call, talk = wb.log_call(contact, called, outcome, conversation=on_the_call)
            if talk is not None:
                conversation = (talk, called)
            elif outcome == "reached":
                met = called + dt.timedelta(days=rng.randint(3, 8))
                if rng.random() < spec.meeting_rate and met < today:
                    conversation = (wb.log_activity(contact, "meeting", met, channel="coffee"), met)
    if conversation is None:
        return
    activity, held = conversation
    names = {record["name"] for record in by_id.values()}
    in_target = [f for f in _FIRMS if f[1] in spec.industries] or list(_FIRMS)
    for _ in range(rng.randint(*spec.referrals)):
        record = _contact(rng, names, [rng.choice(in_target)])
        record.update(source="referral", referred_by=contact, connected_on=None)
        record["notes"] = f"Referred by {by_id[contact]['name']}"
        new_id = wb.add_contact(**record)
        by_id[new_id] = record
        wb.log_activity(contact, "referral", held, parent_id=activity, related_contact_id=new_id)
        referred.append((held, new_id))


def build_demo_cohort(
    folder: str | os.PathLike[str], today: dt.date, *, extra: int = 0
) -> list[Path]:
    """Create a cohort folder with one workbook per persona (and ``extra`` more) in it.

    Parameters
    ----------
    folder
        The cohort folder (created if needed); each participant gets a sub-folder.
    today
        The day every history leads up to.
    extra
        More participants, cycling through the personas with other seeds (for benchmarks).

    Returns
    -------
    list of Path
        The workbook folders, in a stable order.
    """
    _check_today(today)  # before any folder is made
    root = Path(folder)
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    made: list[Path] = []
    for key, spec in PERSONAS.items():
        path = root / spec.slug
        build_demo_workbook(path, key, today).close()
        made.append(path)
    keys = list(PERSONAS)
    for n in range(extra):
        key = keys[n % len(keys)]
        path = root / f"{PERSONAS[key].slug}-{n + 2:02d}"
        name = f"{PERSONAS[key].name} ({n + 2})"
        build_demo_workbook(path, key, today, seed=1000 + n, name=name).close()
        made.append(path)
    return made
