"""The CSV formats: LinkedIn Connections.csv, Google Contacts CSV, and a mapped plain CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ..errors import ImportFormatError, ValidationError
from .common import MAPPABLE_FIELDS, Parsed, fold_words, no_header

__all__ = [
    "csv_records",
    "find_header",
    "is_coachkit_csv",
    "is_google",
    "is_linkedin",
    "parse_csv",
    "parse_google",
    "parse_linkedin",
]

Records = list[tuple[int, list[str]]]  # (line the record starts on, its cells)
_HEADER_SEARCH_ROWS = 100  # the LinkedIn preamble has been 0 to 4 lines; leave room


def _fold_header(cell: str) -> str:
    return " ".join(cell.replace("\ufeff", "").split()).casefold()


def csv_records(path: Path, text: str) -> Records:
    """Every CSV record with the line it starts on (a quoted cell may span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records = []
    start = 1
    try:
        for cells in reader:
            records.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ImportFormatError(
            path,
            f"this is not a well-formed CSV file ({exc})",
            line=start,
            hint="a quote is probably not closed: the file may be cut short. Export it again.",
        ) from exc
    return records


@dataclass
class _Table:
    header_line: int
    columns: dict[str, int]  # folded header cell -> index
    width: int
    body: list[tuple[int, list[str]]]


def find_header(records: Records, accept: Callable[[set[str]], bool]) -> _Table | None:
    """Find the header row by its content (``accept``), past any preamble; None if absent."""
    for index, (line, cells) in enumerate(records[:_HEADER_SEARCH_ROWS]):
        folded = [_fold_header(c) for c in cells]
        if accept(set(folded)):
            columns: dict[str, int] = {}
            for position, name in enumerate(folded):
                columns.setdefault(name, position)
            return _Table(line, columns, len(cells), records[index + 1 :])
    return None


def is_linkedin(cells: set[str]) -> bool:
    return {"first name", "last name"} <= cells and len(
        {"company", "position", "connected on", "email address"} & cells
    ) >= 2


_GOOGLE_MARKS = {
    "e-mail 1 - value", "phone 1 - value", "organization name", "organization 1 - name",
    "given name", "family name", "group membership", "labels", "file as",
}  # fmt: skip


def is_google(cells: set[str]) -> bool:
    named = bool({"first name", "last name", "given name", "family name", "name"} & cells)
    return named and len(_GOOGLE_MARKS & cells) >= 2


def _coachkit_columns(cells: set[str]) -> dict[str, str]:
    """Columns named like coachkit fields ("name", "Firm", "profile url")."""
    found = {}
    for cell in cells:
        key = cell.replace(" ", "_").replace("-", "_")
        if key in MAPPABLE_FIELDS:
            found[key] = cell
    return found


def is_coachkit_csv(cells: set[str]) -> bool:
    found = _coachkit_columns(cells)
    named = "name" in found or {"first_name", "last_name"} <= set(found)
    return named and len(found) >= 2


class _Cells:
    """Read one CSV record by column name, tolerating short rows."""

    __slots__ = ("cells", "columns")

    def __init__(self, columns: dict[str, int], cells: list[str]) -> None:
        self.columns = columns
        self.cells = cells

    def __call__(self, *names: str) -> str:
        """The first non-empty value among ``names`` (the first of a ``:::`` list)."""
        for name in names:
            position = self.columns.get(name)
            if position is not None and position < len(self.cells):
                value = self.cells[position].strip()
                if value:
                    return value.split(" ::: ", 1)[0].strip()
        return ""


def _check_row(parsed: Parsed, table: _Table, line: int, cells: list[str]) -> bool:
    """Skip rows of only commas and rows with more values than the header; True to keep."""
    if not any(c.strip() for c in cells):
        parsed.skipped.append((line, "empty row (only commas)"))
        return False
    if len(cells) > table.width and any(c.strip() for c in cells[table.width :]):
        parsed.skipped.append(
            (
                line,
                f"has {len(cells)} values but the header has {table.width} "
                "(probably a comma in a name that is not in quotes)",
            )
        )
        return False
    return True


def parse_linkedin(path: Path, text: str, records: Records | None = None) -> Parsed:
    """Read LinkedIn's Connections.csv (``records``: the CSV already split, if it was)."""
    table = find_header(records or csv_records(path, text), is_linkedin)
    if table is None:
        raise no_header(path, text, "LinkedIn Connections.csv")
    parsed = Parsed("linkedin")
    # Column positions once, not per row: this loop runs for every connection (30,000+).
    fields = ("first_name", "last_name", "firm", "position", "email", "profile_url")
    spots = [
        table.columns.get(name)
        for name in ("first name", "last name", "company", "position", "email address", "url")
    ]
    if spots[4] is None:
        spots[4] = table.columns.get("email")
    connected = table.columns.get("connected on")
    for line, cells in table.body:
        if not cells or not _check_row(parsed, table, line, cells):
            continue
        size = len(cells)
        values = {
            key: cells[spot].strip() if spot is not None and spot < size else ""
            for key, spot in zip(fields, spots, strict=True)
        }
        name = " ".join(p for p in (values["first_name"], values["last_name"]) if p)
        if not name:
            parsed.skipped.append((line, "no name (a member who left LinkedIn)"))
            continue
        if fold_words(name) == "linkedin member":
            parsed.skipped.append(
                (line, "anonymous 'LinkedIn Member' (LinkedIn does not say who this is)")
            )
            continue
        values["name"] = name
        if connected is not None and connected < size:
            values["connected_on"] = cells[connected]
        parsed.add(line, values)
    return parsed


def _google_location(get: _Cells) -> str:
    parts = [get(f"address 1 - {p}") for p in ("city", "region", "country")]
    joined = ", ".join(p for p in parts if p)
    return joined or get("organization 1 - location", "location")


def _google_profile(table: _Table, get: _Cells) -> str:
    for name in table.columns:
        if name.startswith("website") and name.endswith("- value"):
            position = table.columns[name]
            cell = get.cells[position] if position < len(get.cells) else ""
            for url in cell.split(":::"):
                if "linkedin.com/" in url.casefold():
                    return url.strip()
    return ""


def parse_google(path: Path, text: str, records: Records | None = None) -> Parsed:
    """Read a Google Contacts CSV, current or older header (``records`` as above)."""
    table = find_header(records or csv_records(path, text), is_google)
    if table is None:
        raise no_header(path, text, "Google Contacts CSV")
    emails = [c for c in table.columns if c.startswith("e-mail") and c.endswith("- value")]
    phones = [c for c in table.columns if c.startswith("phone") and c.endswith("- value")]
    parsed = Parsed("google")
    for line, cells in table.body:
        if not cells or not _check_row(parsed, table, line, cells):
            continue
        get = _Cells(table.columns, cells)
        first = get("first name", "given name")
        last = get("last name", "family name")
        middle = get("middle name", "additional name")
        name = get("name") or " ".join(p for p in (first, middle, last) if p)
        name = name or get("nickname", "file as")
        email = get(*emails)
        if not name:
            reason = "no name (only an e-mail address)" if email else "no name"
            parsed.skipped.append((line, reason))
            continue
        parsed.add(
            line,
            {
                "name": name,
                "first_name": first,
                "last_name": last,
                "firm": get("organization name", "organization 1 - name"),
                "position": get("organization title", "organization 1 - title"),
                "location": _google_location(get),
                "email": email,
                "phone": get(*phones),
                "profile_url": _google_profile(table, get),
                "notes": get("notes"),
            },
        )
    return parsed


def _mapping_columns(mapping: Mapping[str, str]) -> dict[str, str]:
    if not mapping:
        raise ValidationError(
            "mapping",
            "is empty",
            hint='name the columns, e.g. name="Full name" firm=Company.',
        )
    clean = {}
    for key, column in mapping.items():
        if key not in MAPPABLE_FIELDS:
            raise ValidationError(
                "mapping",
                f"{key!r} is not a contact field",
                hint=f"use some of: {', '.join(MAPPABLE_FIELDS)}.",
            )
        if not isinstance(column, str) or not column.strip():
            raise ValidationError("mapping", f"{key}: give the name of a column")
        clean[key] = _fold_header(column)
    if "name" not in clean and not {"first_name", "last_name"} & set(clean):
        raise ValidationError(
            "mapping",
            "says where names are: map name (or first_name and last_name) to a column",
        )
    return clean


def parse_csv(
    path: Path, text: str, mapping: Mapping[str, str] | None, records: Records | None = None
) -> Parsed:
    """Read a CSV through a column ``mapping``, or by columns named like coachkit's fields."""
    records = records or csv_records(path, text)
    if mapping is not None:
        columns = _mapping_columns(mapping)
        wanted = set(columns.values())
        table = find_header(records, lambda cells: wanted <= cells)
        if table is None:
            first = next((cells for _, cells in records if any(cells)), [])
            missing = sorted(wanted - {_fold_header(c) for c in first})
            raise ImportFormatError(
                path,
                f"no header row has the column(s) {', '.join(map(repr, missing))}",
                line=records[0][0] if records else None,
                hint=f"the first row has: {', '.join(c for c in first if c.strip())[:300]}. "
                "Check the spelling of the column names in the mapping.",
            )
    else:
        table = find_header(records, is_coachkit_csv)
        if table is None:
            raise no_header(path, text, "CSV with columns named like coachkit's fields")
        columns = {k: v for k, v in _coachkit_columns(set(table.columns)).items()}
    parsed = Parsed("csv")
    for line, cells in table.body:
        if not cells or not _check_row(parsed, table, line, cells):
            continue
        get = _Cells(table.columns, cells)
        values = {key: get(column) for key, column in columns.items()}
        if not values.get("name"):
            values["name"] = " ".join(
                p for p in (values.get("first_name"), values.get("last_name")) if p
            )
        if not values["name"]:
            parsed.skipped.append((line, "no name"))
            continue
        parsed.add(line, values)
    return parsed
