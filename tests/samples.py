"""The hand-made sample exports in tests/data/imports, shared by the importer and
reliability tests."""

from __future__ import annotations

from pathlib import Path

__all__ = ["DATA", "SHEET_MAPPING"]

DATA = Path(__file__).resolve().parent / "data" / "imports"

#: how the columns of ``spreadsheet.csv`` map onto coachkit's contact fields
SHEET_MAPPING = {
    "name": "Full name",
    "firm": "Org",
    "position": "Role",
    "location": "City",
    "email": "E-mail",
    "connected_on": "Met on",
    "notes": "Comment",
}
