"""Shared pieces of the importers: a parsed row, value folding for matching, dates."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterable, Mapping
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
    "is_email",
    "more_details",
    "no_header",
    "numeric_order",
    "parse_day",
    "phone_key",
    "same_value",
    "split_phones",
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
_YEAR = r"(\d{4}|\d{2})"
_TIME = r"(?:,?\s+\d{1,2}:\d{2}(?::\d{2})?\s*(?:[AaPp]\.?[Mm]\.?)?)?"
# "15 Mar 2024", "23-Apr-23", "15. März"-free: LinkedIn writes English month names.
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})[ \-/.]+([A-Za-z]+)\.?[ \-/.,]+" + _YEAR + _TIME)
_MONTH_DAY_YEAR = re.compile(r"([A-Za-z]+)\.? (\d{1,2}),? " + _YEAR + _TIME)
_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ].*)?")
# "1/8/18, 6:14 PM" (LinkedIn, US order), "16.09.2021" (re-saved by a European Excel)
NUMERIC_DATE = re.compile(r"(\d{1,2})([/.\-])(\d{1,2})\2" + _YEAR + _TIME)

#: Day/month order of numeric dates: day first, or month first (US).
DAY_FIRST, MONTH_FIRST = "day first", "month first"


def _full_year(text: str) -> int:
    year = int(text)
    return year + 2000 if len(text) == 2 else year  # LinkedIn began in 2003: 18 is 2018


@functools.lru_cache(maxsize=8192)
def parse_day(text: str, order: str = MONTH_FIRST) -> str | None:
    """Return an ISO date for a date as LinkedIn has written it over the years, else None.

    "15 Mar 2024", "Mar 15, 2024", "23-Apr-23", "2024-03-15", and numeric dates
    ("1/8/18, 6:14 PM", "16.09.2021") read in ``order`` (:data:`DAY_FIRST` or
    :data:`MONTH_FIRST`; see :func:`numeric_order`).
    """
    text = text.strip()
    if match := _ISO.fullmatch(text):
        day, month, year = int(match[3]), int(match[2]), int(match[1])
    elif match := NUMERIC_DATE.fullmatch(text):
        first, second, year = int(match[1]), int(match[3]), _full_year(match[4])
        day, month = (first, second) if order == DAY_FIRST else (second, first)
    elif match := _DAY_MONTH_YEAR.fullmatch(text):
        day, month, year = int(match[1]), _MONTHS.get(match[2].casefold()), _full_year(match[3])
    elif match := _MONTH_DAY_YEAR.fullmatch(text):
        day, month, year = int(match[2]), _MONTHS.get(match[1].casefold()), _full_year(match[3])
    else:
        return None
    try:
        return dt.date(year, month or 0, day).isoformat()
    except ValueError:
        return None


def numeric_order(values: list[tuple[int, str]], source: str) -> tuple[str, str] | None:
    """Decide, for one file, whether numeric dates put the day or the month first.

    A value over 12 settles it ("23/04/2021": day first; "4/23/21": month first). When no
    value does, the source's convention decides: LinkedIn writes "1/8/18" month first (US);
    dotted dates ("16.09.2021") are European, day first. Returns ``(order, why)`` for the
    summary, or None when the file has no numeric dates.
    """
    numeric = [(line, m) for line, text in values if (m := NUMERIC_DATE.fullmatch(text.strip()))]
    if not numeric:
        return None
    day_first = next(((ln, m) for ln, m in numeric if int(m[1]) > 12), None)
    month_first = next(((ln, m) for ln, m in numeric if int(m[3]) > 12), None)
    if day_first and not month_first:
        line, match = day_first
        return DAY_FIRST, f"{match[0]!r} on line {line} can only be day first"
    if month_first and not day_first:
        line, match = month_first
        return MONTH_FIRST, f"{match[0]!r} on line {line} can only be month first"
    example = numeric[0][1][0]
    if day_first and month_first:
        return MONTH_FIRST, (
            f"the file mixes both orders (lines {day_first[0]} and {month_first[0]}): read "
            "month first, check those dates"
        )
    if all(m[2] == "." for _, m in numeric):
        return DAY_FIRST, f"no day is above 12; dotted dates like {example!r} are European"
    if source == "linkedin":
        return (
            MONTH_FIRST,
            f"no day is above 12; LinkedIn writes dates like {example!r} in US order",
        )
    return DAY_FIRST, f"no day is above 12; dates like {example!r} read as most of the world does"


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


def phone_key(text: str | None) -> str:
    """Fold a phone number for matching: its last nine digits, so "+33 6 12 34 56 78" and
    "06 12 34 56 78" agree; "" for anything too short to be a number."""
    digits = _digits(text or "")
    return digits[-9:] if len(digits) >= 6 else ""


_SAME: dict[str, Callable[[str], str]] = {
    "firm": fold_firm,
    "email": str.casefold,
    "profile_url": url_key,
    "phone": phone_key,
}


def same_value(field_name: str, old: str, new: str) -> bool:
    """Whether two values of a field say the same thing (firm keys, phone digits...)."""
    fold = _SAME.get(field_name, fold_words)
    return fold(old) == fold(new)


@dataclass
class Row:
    """One person read from a file: the line they start on and their cleaned values.

    ``emails`` and ``phones`` hold every address and number the file gives for them (the
    values keep only the first), so a person is matched by any of them.
    """

    line: int
    values: dict[str, str]
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()


def is_email(text: str) -> bool:
    text = text.strip()
    return "@" in text and " " not in text and not text.startswith("@") and "." in text


@dataclass
class Parsed:
    """Everything read from one file, before anything is written: the people, the problems
    (``skipped``, ``warnings``), organisation cards (``firms``) and ``notes`` on how it was
    read."""

    format: str
    rows: list[Row] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)
    firms: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def nameless(self, line: int, *, has_email: bool, firm: str = "") -> None:
        """Keep a row with no name as a firm (a company card), else note why it is skipped."""
        if firm and not has_email:
            self.firms.append(firm)
        else:
            self.skipped.append(
                (line, "no name (only an e-mail address)" if has_email else "no name")
            )

    def add(
        self,
        line: int,
        values: Mapping[str, str | None],
        *,
        emails: Iterable[str] = (),
        phones: Iterable[str] = (),
    ) -> None:
        """Clean one person's values and keep them, or note why the row is skipped.

        Dates are read later, by :meth:`finish`, once the whole file says which order its
        numeric dates use.
        """
        clean: dict[str, str] = {}
        for key, value in values.items():
            text = (value or "").strip()
            if "\r" in text:  # one kind of line break, whatever the file used
                text = text.replace("\r\n", "\n").replace("\r", "\n")
            if not text or (key == "firm" and not fold_firm(text)):  # a firm of only punctuation
                continue
            limit = LIMITS.get(key, DEFAULT_LIMIT)
            if len(text) > limit:
                self.skipped.append(
                    (line, f"the {key.replace('_', ' ')} is longer than {limit} characters")
                )
                return
            clean[key] = text
        if "email" in clean:
            if not is_email(clean["email"]):
                self.warnings.append(
                    (line, f"{clean['email']!r} is not an e-mail address; left out")
                )
                del clean["email"]
            else:
                clean["email"] = clean["email"].lower()
        # Most rows (LinkedIn's) have neither: build the match keys only when there are some.
        all_emails: tuple[str, ...] = ()
        if emails or "email" in clean:
            found = (e.strip().lower() for e in (clean.get("email", ""), *emails) if e)
            all_emails = tuple(dict.fromkeys(found))
        all_phones: tuple[str, ...] = ()
        if phones or "phone" in clean:
            all_phones = tuple(p for p in (clean.get("phone", ""), *phones) if phone_key(p))
        self.rows.append(Row(line, clean, all_emails, all_phones))

    def finish(self) -> Parsed:
        """Read every row's date, deciding the day/month order once for the whole file."""
        dated = [
            (row.line, row.values["connected_on"])
            for row in self.rows
            if "connected_on" in row.values
        ]
        decided = numeric_order(dated, self.format)
        order = MONTH_FIRST
        if decided is not None:
            order, why = decided
            self.notes.append(f"Numeric dates were read {order}: {why}.")
        for row in self.rows:
            text = row.values.get("connected_on")
            if text is None:
                continue
            day = parse_day(text, order)
            if day is None:
                self.warnings.append((row.line, f"{text!r} is not a date I can read; left empty"))
                del row.values["connected_on"]
            else:
                row.values["connected_on"] = day
        return self


def _first_cells(first_line: str) -> list[str]:
    """The first line split by the separator it uses most (comma, semicolon or tab)."""
    separator = max((",", ";", "\t"), key=first_line.count)
    return [c.strip().strip('"').strip() for c in first_line.split(separator) if c.strip()]


def no_header(path: Path, text: str, expected: str) -> ImportFormatError:
    """The error for a file whose header row is not one coachkit knows. Its hint names the
    file's own columns, so the ``--map`` it suggests can be followed as written."""
    first = next((ln.strip() for ln in LINE_BREAK.split(text[:4000]) if ln.strip()), "")
    first = first.lstrip("\ufeff")
    cells = _first_cells(first)
    if len(cells) >= 2:
        example = f'--map name="{cells[0]}"'
        columns = (
            f"Its first row has the columns {', '.join(cells[:12])}"
            + (", ..." if len(cells) > 12 else "")
            + f": say which holds what, e.g. `{example}` (add firm=, email=, phone=...; "
            "first_name= and last_name= may stand in for name; mapping= in Python)."
        )
    else:
        columns = (
            "For another spreadsheet, say which column holds what, e.g. "
            '`--map name="Full name" --map firm=Company` (mapping= in Python).'
        )
    return ImportFormatError(
        path,
        f"this does not look like a {expected}: no header row I recognise "
        f"(the first line reads {first[:80]!r})",
        hint="coachkit reads LinkedIn's Connections.csv (or its zip), Google Contacts and "
        "Outlook CSV, and vCard (.vcf). " + columns,
    )


def more_details(
    notes: str, phones: Iterable[tuple[str, str]] = (), emails: Iterable[str] = ()
) -> str:
    """``notes`` followed by the phones and e-mails beyond the first (a contact holds one
    of each): nothing a file gives is dropped. ``phones`` are (label, number) pairs."""
    lines = [notes.strip()] if notes.strip() else []
    shown = [f"{number} ({label})" if label else number for label, number in phones]
    if shown:
        lines.append("Other phones: " + ", ".join(shown))
    if emails := list(emails):
        lines.append("Other e-mails: " + ", ".join(emails))
    return "\n".join(lines)


def split_phones(labelled: Iterable[tuple[str, str]]) -> tuple[str, list[tuple[str, str]]]:
    """The first phone, and the other distinct (label, number) pairs, in the order given."""
    seen: set[str] = set()
    kept: list[tuple[str, str]] = []
    for label, number in labelled:
        key = phone_key(number)
        if key and key not in seen:
            seen.add(key)
            kept.append((label, number.strip()))
    if not kept:
        return "", []
    return kept[0][1], kept[1:]
