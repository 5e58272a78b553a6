"""The coachkit exception hierarchy.

Every error a person can cause carries the context needed to fix it: the file, the line or
the field, and what to do. The CLI prints ``str(error)`` and exits with ``error.exit_code``.
"""

from __future__ import annotations

__all__ = [
    "CoachkitError",
    "ImportFormatError",
    "NotFoundError",
    "ReportError",
    "SchemaVersionError",
    "ValidationError",
    "WorkbookError",
]


class CoachkitError(Exception):
    """Base class of every error coachkit raises on purpose.

    Parameters
    ----------
    message
        What went wrong, in words a participant understands.
    hint
        What to do about it.
    """

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message}\n  What to do: {self.hint}"
        return self.message


class ValidationError(CoachkitError, ValueError):
    """A value a person typed or a file supplied is not acceptable.

    Parameters
    ----------
    field
        The name of the field (form field, CLI option, column) that holds the bad value.
    message
        What is wrong with it.
    """

    exit_code = 2

    def __init__(self, field: str, message: str, *, hint: str | None = None) -> None:
        super().__init__(f"{field}: {message}", hint=hint)
        self.field = field
        self.reason = message


class NotFoundError(CoachkitError, LookupError):
    """A contact, workbook, week or file that was asked for does not exist."""

    exit_code = 3


class WorkbookError(CoachkitError):
    """The workbook cannot be opened or written (missing, locked, damaged)."""

    exit_code = 4


class SchemaVersionError(WorkbookError):
    """The workbook was written by a newer coachkit than this one.

    Parameters
    ----------
    path
        The workbook file.
    found, supported
        The schema version in the file and the newest this coachkit understands.
    """

    def __init__(self, path: object, found: int, supported: int) -> None:
        super().__init__(
            f"{path}: this workbook uses schema version {found}, but this coachkit only "
            f"understands versions up to {supported}. The workbook was not changed.",
            hint="upgrade coachkit (pip install -U coachkit) and open it again.",
        )
        self.path = path
        self.found = found
        self.supported = supported


class ImportFormatError(CoachkitError):
    """A contacts file cannot be read. The workbook is left unchanged.

    Parameters
    ----------
    path
        The file being imported.
    message
        What is wrong.
    line
        The 1-based line number, when the problem is on one line.
    """

    exit_code = 5

    def __init__(
        self, path: object, message: str, *, line: int | None = None, hint: str | None = None
    ) -> None:
        where = f"{path}, line {line}" if line is not None else f"{path}"
        super().__init__(f"{where}: {message}", hint=hint)
        self.path = path
        self.line = line


class ReportError(CoachkitError):
    """A report could not be produced for a participant."""

    exit_code = 6
