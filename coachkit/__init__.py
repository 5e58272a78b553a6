"""coachkit: a Jupyter coaching workbook for networking as a disciplined, sincere process.

The public API mirrors the ecosystem's (nbformat-like): open or create a workbook, then read
and write it through its methods; the process engine, importers and reports are functions
that take a workbook.
"""

from __future__ import annotations

from .errors import (
    CoachkitError,
    ImportFormatError,
    NotFoundError,
    ReportError,
    SchemaVersionError,
    ValidationError,
    WorkbookError,
)
from .firms import firm_key
from .workbook import Goals, Profile, Target, Workbook, create_workbook, open_workbook

__version__ = "0.1.0"

__all__ = [
    "CoachkitError",
    "Goals",
    "ImportFormatError",
    "NotFoundError",
    "Profile",
    "ReportError",
    "SchemaVersionError",
    "Target",
    "ValidationError",
    "Workbook",
    "WorkbookError",
    "__version__",
    "create_workbook",
    "firm_key",
    "open_workbook",
]
