"""Import contacts from LinkedIn, Google Contacts, vCard files and plain CSV spreadsheets.

One entry point, :func:`import_contacts`, detects the format, reads the whole file, matches
every person against the workbook (same profile URL, else e-mail, else name and firm) and
writes everything in one transaction. A file that cannot be read raises
:class:`~coachkit.errors.ImportFormatError` before anything is written.

The real exports are messy (see ``PROCESS.md``): LinkedIn puts a preamble of varying length
before its header, may start with a byte-order mark, quotes commas in firm names, has rows
of only commas, rows without a name (members who left) and anonymous ``LinkedIn Member``
rows. Each of those is handled here; rows that cannot become a contact are listed in the
:class:`ImportSummary` with their line number and the reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ._importers.common import MAPPABLE_FIELDS, Parsed, no_header
from ._importers.merge import plan
from ._importers.sources import decode, read_source
from ._importers.tables import (
    csv_records,
    find_header,
    is_coachkit_csv,
    is_google,
    is_linkedin,
    parse_csv,
    parse_google,
    parse_linkedin,
)
from ._importers.vcard import looks_like_vcard, parse_vcard
from .errors import ValidationError
from .workbook import Workbook

__all__ = ["FORMATS", "MAPPABLE_FIELDS", "ImportSummary", "import_contacts"]

#: Format name -> how a person reads it.
FORMATS = {
    "linkedin": "LinkedIn",
    "google": "Google Contacts",
    "vcard": "vCard",
    "csv": "CSV with a column mapping",
}
_SHOW = 15  # rows listed per section of the printed summary


# -- the summary ---------------------------------------------------------------------------------
@dataclass
class ImportSummary:
    """What an import did, for a person to read (``str(summary)``) or a program to check.

    Attributes
    ----------
    format
        The format read: ``"linkedin"``, ``"google"``, ``"vcard"`` or ``"csv"``.
    path
        The file given to :func:`import_contacts`.
    added
        New contacts written to the workbook.
    merged
        Rows that matched a contact already known (in the workbook, or earlier in the same
        file) and filled at least one of its empty fields. Nothing is ever overwritten.
    unchanged
        Rows that matched a known contact and brought nothing new.
    skipped
        ``(line, reason)`` for each row that could not become a contact.
    kept
        ``(line, message)`` for each row whose data disagreed with what the workbook already
        held: the workbook's value was kept, and the message says what the file said.
    warnings
        ``(line, message)`` for values that were left out (an unreadable date...).
    member
        For a zip, the path of the contacts file inside it.
    """

    format: str
    path: Path
    added: int = 0
    merged: int = 0
    unchanged: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)
    kept: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)
    member: str | None = None

    @property
    def rows(self) -> int:
        """Every data row read (added + merged + unchanged + skipped)."""
        return self.added + self.merged + self.unchanged + len(self.skipped)

    def __str__(self) -> str:
        name = Path(self.path).name
        where = f"{PurePosixPath(self.member).name} from {name}" if self.member else name
        label = FORMATS.get(self.format, self.format).replace(" with a column mapping", "")
        head = (
            f"Imported {where} ({label}): {self.added:,} added, {self.merged:,} merged, "
            f"{self.unchanged:,} unchanged, {len(self.skipped):,} skipped."
        )
        lines = [head]
        if self.added == self.merged == 0 and self.unchanged:
            lines.append("  Nothing new: everyone in this file is already in the workbook.")
        if self.merged:
            lines.append(
                "  Merged = already in the workbook (or twice in the file): empty details were "
                "filled in, nothing was overwritten."
            )
        if self.unchanged:
            lines.append("  Unchanged = already in the workbook, with nothing new.")
        for title, items in (
            ("Skipped rows", self.skipped),
            ("Kept what the workbook already had (the file says otherwise)", self.kept),
            ("Details left out", self.warnings),
        ):
            if items:
                lines.append(f"{title}:")
                lines.extend(f"  line {line}: {text}" for line, text in items[:_SHOW])
                if len(items) > _SHOW:
                    lines.append(f"  ... and {len(items) - _SHOW} more")
        return "\n".join(lines)


def _parse(path: Path, text: str, format: str, mapping: Mapping[str, str] | None) -> Parsed:
    """Read ``text`` as ``format``; "auto" tells vCard by its first line and the CSV kinds
    by their header row (LinkedIn, then Google, then columns named like coachkit's)."""
    if format == "linkedin":
        return parse_linkedin(path, text)
    if format == "google":
        return parse_google(path, text)
    if format == "vcard":
        return parse_vcard(path, text)
    if format == "csv":
        return parse_csv(path, text, mapping)
    # auto: vCard by its first line, else the CSV kind by its header row
    if looks_like_vcard(text):
        return parse_vcard(path, text)
    records = csv_records(path, text)
    if find_header(records, is_linkedin) is not None:
        return parse_linkedin(path, text, records)
    if find_header(records, is_google) is not None:
        return parse_google(path, text, records)
    if find_header(records, is_coachkit_csv) is not None:
        return parse_csv(path, text, None, records)
    raise no_header(path, text, "contacts export")


# -- the entry point -----------------------------------------------------------------------------
def import_contacts(
    wb: Workbook,
    path: str | Path,
    *,
    format: str | None = None,
    mapping: Mapping[str, str] | None = None,
) -> ImportSummary:
    """Import a contacts file into the workbook, merging people already there.

    Parameters
    ----------
    wb
        The workbook to write to.
    path
        LinkedIn's ``Connections.csv`` or the zip LinkedIn sends (also a zip inside a zip),
        a Google Contacts CSV, a vCard file (3.0 or 4.0), or any CSV with a ``mapping``.
    format
        ``None`` or ``"auto"`` to detect it, or one of ``"linkedin"``, ``"google"``,
        ``"vcard"``, ``"csv"``.
    mapping
        For a plain CSV: coachkit field -> column name, e.g.
        ``{"name": "Full name", "firm": "Org"}`` (``first_name``/``last_name`` may stand in
        for ``name``). Without one, a CSV whose columns are named like coachkit's fields
        (``name``, ``firm``, ``email``...) is read as is.

    Returns
    -------
    ImportSummary
        Counts of added, merged and unchanged contacts, and every skipped row with its line
        number and reason. ``str(summary)`` is a summary for a person to read.

    Raises
    ------
    ImportFormatError
        If the file cannot be read (missing, empty, binary, damaged zip, no contacts file in
        the zip, no recognisable header, an unknown text encoding). Nothing is written.
    ValidationError
        If ``format`` or ``mapping`` is not acceptable. Nothing is written.

    Notes
    -----
    A person already known (same profile URL, else same e-mail, else same name and firm) is
    merged: empty fields are filled, and data already in the workbook is never overwritten
    (each disagreement is listed in ``summary.kept``). Importing the same file twice changes
    nothing the second time. The whole import is one transaction.
    """
    if format in (None, "auto"):
        format = "csv" if mapping is not None else None
    elif format not in FORMATS:
        raise ValidationError(
            "format", f"{format!r} is not a format I know", hint=f"use auto, {', '.join(FORMATS)}."
        )
    if mapping is not None and format != "csv":
        raise ValidationError("mapping", "a column mapping is only for the csv format")
    path = Path(path)
    source = read_source(path)
    text = decode(path, source.data, source.member)
    parsed = _parse(path, text, format or "auto", mapping)
    summary = ImportSummary(
        format=parsed.format,
        path=path,
        skipped=parsed.skipped,
        warnings=parsed.warnings,
        member=source.member,
    )
    summary.skipped.sort()
    with wb.transaction():  # reading inside it too: nobody writes between match and insert
        new, updates = plan(parsed, wb.contact_records(), summary)
        wb.add_contacts_bulk(new)
        wb.fill_contacts(updates)
    return summary
