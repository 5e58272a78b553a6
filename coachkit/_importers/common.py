"""Shared pieces of the importers: a parsed row, value folding for matching, dates."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ImportFormatError
from ..firms import firm_key, person_key

__all__ = [
    "LINE_BREAK",
    "MAPPABLE_FIELDS",
    "Parsed",
    "Row",
    "fold_firm",
    "fold_person",
    "fold_words",
    "no_header",
    "parse_day",
    "same_value",
    "url_key",
]

#: Contact fields a plain CSV may fill through a column mapping.
MAPPABLE_FIELDS = (
    "name", "first_name", "last_name", "firm", "position", "location", "email", "phone",
    "profile_url", "tags", "notes", "connected_on",
)  # fmt: skip
# The workbook refuses longer values; a row that has one is skipped with the reason.
LIMITS = {"notes": 20000, "firm": 300}
DEFAULT_LIMIT = 500
LINE_BREAK = re.compile(r"\r\n|\r|\n")


_MONTH_NAMES = (
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
    ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
    ("oct", "october"), ("nov", "november"), ("dec", "december"),
)  # fmt: skip
_MONTHS = {name: number for number, names in enumerate(_MONTH_NAMES, 1) for name in names}
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})[ \-/.]+([A-Za-z]+)\.?[ \-/.,]+(\d{4})")
_MONTH_DAY_YEAR = re.compile(r"([A-Za-z]+)\.? (\d{1,2}),? (\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?")


@functools.lru_cache(maxsize=8192)
def parse_day(text: str) -> str | None:
    """Return an ISO date for "15 Mar 2024", "Mar 15, 2024" or "2024-03-15"; else None."""
    text = text.strip()
    if match := _DAY_MONTH_YEAR.fullmatch(text):
        day, month, year = int(match[1]), _MONTHS.get(match[2].casefold()), int(match[3])
    elif match := _MONTH_DAY_YEAR.fullmatch(text):
        day, month, year = int(match[2]), _MONTHS.get(match[1].casefold()), int(match[3])
    elif match := _ISO.fullmatch(text):
        day, month, year = int(match[3]), int(match[2]), int(match[1])
    else:
        return None
    try:
        return dt.date(year, month or 0, day).isoformat()
    except ValueError:
        return None


# Names and firms repeat across matching, merging and indexing: fold each spelling once.
fold_firm = functools.lru_cache(maxsize=1 << 16)(firm_key)
fold_person = functools.lru_cache(maxsize=1 << 16)(person_key)
_SCHEME = re.compile(r"^https?://")
_LINKEDIN_COUNTRY = re.compile(r"^[a-z]{2}\.linkedin\.com/")


@functools.lru_cache(maxsize=1 << 16)  # each URL is folded when matched and when indexed
def url_key(url: str | None) -> str:
    """Fold a profile URL: case, scheme, ``www.``, country subdomain, query, trailing slash."""
    if not url:
        return ""
    key = _SCHEME.sub("", url.strip().casefold())
    key = key.split("?", 1)[0].split("#", 1)[0].rstrip("/")
    key = key.removeprefix("www.")
    return _LINKEDIN_COUNTRY.sub("linkedin.com/", key)


def fold_words(text: str) -> str:
    """Fold case and runs of spaces, so "Head of  Growth" and "head of growth" agree."""
    return " ".join(text.split()).casefold()


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


_SAME: dict[str, Callable[[str], str]] = {
    "firm": fold_firm,
    "email": str.casefold,
    "profile_url": url_key,
    "phone": _digits,
}


def same_value(field_name: str, old: str, new: str) -> bool:
    """Whether two values of a field say the same thing (firm keys, phone digits...)."""
    fold = _SAME.get(field_name, fold_words)
    return fold(old) == fold(new)


@dataclass
class Row:
    """One person read from a file: the line they start on and their cleaned values."""

    line: int
    values: dict[str, str]


@dataclass
class Parsed:
    """Everything read from one file, before anything is written."""

    format: str
    rows: list[Row] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)

    def add(self, line: int, values: Mapping[str, str | None]) -> None:
        """Clean one person's values and keep them, or note why the row is skipped."""
        clean: dict[str, str] = {}
        for key, value in values.items():
            text = (value or "").strip()
            if not text or (key == "firm" and not fold_firm(text)):  # a firm of only punctuation
                continue
            limit = LIMITS.get(key, DEFAULT_LIMIT)
            if len(text) > limit:
                self.skipped.append(
                    (line, f"the {key.replace('_', ' ')} is longer than {limit} characters")
                )
                return
            clean[key] = text
        if "connected_on" in clean:
            day = parse_day(clean["connected_on"])
            if day is None:
                self.warnings.append(
                    (line, f"{clean['connected_on']!r} is not a date I can read; left empty")
                )
                del clean["connected_on"]
            else:
                clean["connected_on"] = day
        if "email" in clean:
            if "@" not in clean["email"] or " " in clean["email"]:
                self.warnings.append(
                    (line, f"{clean['email']!r} is not an e-mail address; left out")
                )
                del clean["email"]
            else:
                clean["email"] = clean["email"].lower()
        self.rows.append(Row(line, clean))


def no_header(path: Path, text: str, expected: str) -> ImportFormatError:
    """The error for a file whose header row is not one coachkit knows."""
    first = next((ln.strip() for ln in LINE_BREAK.split(text[:4000]) if ln.strip()), "")
    return ImportFormatError(
        path,
        f"this does not look like a {expected}: no header row I recognise "
        f"(the first line reads {first[:80]!r})",
        hint="coachkit reads LinkedIn's Connections.csv (or its zip), Google Contacts CSV and "
        "vCard (.vcf). For another spreadsheet, say which column holds what, e.g. "
        '`--map name="Full name" --map firm=Company` (mapping= in Python).',
    )
