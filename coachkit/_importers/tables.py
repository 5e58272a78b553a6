"""What every CSV format shares: the delimiter, records with their line numbers, the header
row found by its content past any preamble, and reading a record by column name."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass

from ..errors import ImportFormatError
from .base import Document
from .common import Parsed

__all__ = [
    "Cells",
    "Records",
    "Table",
    "check_row",
    "csv_records",
    "find_header",
    "find_table",
    "first_row",
    "fold_header",
]

Records = list[tuple[int, list[str]]]  # (line the record starts on, its cells)
_HEADER_SEARCH_ROWS = 100  # the LinkedIn preamble has been 0 to 4 lines; leave room
# Comma, then the semicolon Excel writes in most of Europe, then tab ("Unicode text").
DELIMITERS = (",", ";", "\t")
_SAMPLE = 65536  # characters read to find the header with each delimiter


def fold_header(cell: str) -> str:
    return " ".join(cell.replace("\ufeff", "").split()).casefold()


def csv_records(doc: Document, delimiter: str = ",") -> Records:
    """Every CSV record with the line it starts on (a quoted cell may span lines)."""
    key = f"records{delimiter}"
    if key in doc.cache:
        return doc.cache[key]
    reader = csv.reader(io.StringIO(doc.text, newline=""), delimiter=delimiter, strict=True)
    records = []
    start = 1
    try:
        for cells in reader:
            records.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ImportFormatError(
            doc.path,
            f"this is not a well-formed CSV file ({exc})",
            line=start,
            hint="a quote is probably not closed: the file may be cut short. Export it again.",
        ) from exc
    doc.cache[key] = records
    return records


def _sample(doc: Document, delimiter: str) -> Records:
    """The first records of the file split by ``delimiter``, leniently (the sample may end
    inside a quoted cell)."""
    key = f"sample{delimiter}"
    if key not in doc.cache:
        text = doc.text[:_SAMPLE]
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        records: Records = []
        start = 1
        try:
            for cells in reader:
                records.append((start, [fold_header(c) for c in cells]))
                start = reader.line_num + 1
                if len(records) >= _HEADER_SEARCH_ROWS:
                    break
        except csv.Error:
            pass
        doc.cache[key] = records
    return doc.cache[key]


@dataclass
class Table:
    header_line: int
    columns: dict[str, int]  # folded header cell -> index
    width: int
    body: list[tuple[int, list[str]]]
    delimiter: str = ","


def find_header(records: Records, accept: Callable[[set[str]], bool]) -> Table | None:
    """Find the header row by its content (``accept``), past any preamble; None if absent."""
    for index, (line, cells) in enumerate(records[:_HEADER_SEARCH_ROWS]):
        folded = [fold_header(c) for c in cells]
        if accept(set(folded)):
            columns: dict[str, int] = {}
            for position, name in enumerate(folded):
                columns.setdefault(name, position)
            return Table(line, columns, len(cells), records[index + 1 :])
    return None


def find_table(doc: Document, accept: Callable[[set[str]], bool]) -> Table | None:
    """The table whose header ``accept`` recognises, with whichever delimiter shows it."""
    for delimiter in DELIMITERS:
        if any(accept(set(cells)) for _, cells in _sample(doc, delimiter)):
            table = find_header(csv_records(doc, delimiter), accept)
            if table is not None:
                table.delimiter = delimiter
                return table
    return None


def first_row(doc: Document) -> list[str]:
    """The first non-empty row, split by the delimiter that gives it the most cells."""
    best: list[str] = []
    for delimiter in DELIMITERS:
        row = next((cells for _, cells in _sample(doc, delimiter) if any(cells)), [])
        if len(row) > len(best):
            best = row
    return best


class Cells:
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

    def every(self, *names: str) -> list[str]:
        """Every non-empty value of ``names``, in order (``:::`` lists split)."""
        found = []
        for name in names:
            position = self.columns.get(name)
            if position is not None and position < len(self.cells):
                found += [v.strip() for v in self.cells[position].split(":::") if v.strip()]
        return found


def check_row(parsed: Parsed, table: Table, line: int, cells: list[str]) -> bool:
    """Skip rows of only delimiters and rows with more values than the header; True to keep."""
    if not any(c.strip() for c in cells):
        parsed.skipped.append((line, "empty row (only commas)"))
        return False
    if len(cells) > table.width and any(c.strip() for c in cells[table.width :]):
        separator = {",": "comma", ";": "semicolon", "\t": "tab"}[table.delimiter]
        parsed.skipped.append(
            (
                line,
                f"has {len(cells)} values but the header has {table.width} "
                f"(probably a {separator} in a name that is not in quotes)",
            )
        )
        return False
    return True
