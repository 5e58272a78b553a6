"""Any spreadsheet saved as CSV: columns named like coachkit's fields, or a column mapping.

Comma, semicolon (Excel in most of Europe) or tab separated, in any encoding
(see :mod:`~coachkit._importers.sources`).
"""

from __future__ import annotations

from collections.abc import Mapping

from ..errors import ImportFormatError, ValidationError
from .base import Document, Reader
from .common import MAPPABLE_FIELDS, Parsed, no_header
from .tables import Cells, check_row, find_table, first_row, fold_header

__all__ = ["READER", "is_coachkit_csv"]


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
        clean[key] = fold_header(column)
    if "name" not in clean and not {"first_name", "last_name"} & set(clean):
        raise ValidationError(
            "mapping",
            "says where names are: map name (or first_name and last_name) to a column",
        )
    return clean


def detect(doc: Document) -> bool:
    return find_table(doc, is_coachkit_csv) is not None


def read(doc: Document, mapping: Mapping[str, str] | None = None) -> Parsed:
    """Read a CSV through a column ``mapping``, or by columns named like coachkit's fields."""
    if mapping is not None:
        columns = _mapping_columns(mapping)
        wanted = set(columns.values())
        table = find_table(doc, lambda cells: wanted <= cells)
        if table is None:
            first = first_row(doc)
            missing = sorted(wanted - set(first))
            raise ImportFormatError(
                doc.path,
                f"no header row has the column(s) {', '.join(map(repr, missing))}",
                line=1,
                hint=f"the first row has: {', '.join(c for c in first if c.strip())[:300]}. "
                "Check the spelling of the column names in the mapping.",
            )
    else:
        table = find_table(doc, is_coachkit_csv)
        if table is None:
            raise no_header(doc.path, doc.text, "CSV with columns named like coachkit's fields")
        columns = _coachkit_columns(set(table.columns))
    parsed = Parsed("csv")
    for line, cells in table.body:
        if not cells or not check_row(parsed, table, line, cells):
            continue
        get = Cells(table.columns, cells)
        values = {key: get(column) for key, column in columns.items()}
        if not values.get("name"):
            values["name"] = " ".join(
                p for p in (values.get("first_name"), values.get("last_name")) if p
            )
        if not values["name"]:
            parsed.skipped.append((line, "no name"))
            continue
        parsed.add(line, values)
    return parsed.finish()


READER = Reader("csv", "CSV with a column mapping", detect, read, takes_mapping=True)
