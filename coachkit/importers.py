"""Import contacts from LinkedIn, Google Contacts, Outlook, vCard files and any CSV spreadsheet.

One entry point, :func:`import_contacts`, detects the format, reads the whole file, matches
every person against the workbook (same profile URL, else an e-mail, else a phone, else name
and firm) and writes everything in one transaction. A file that cannot be read, or from
which nobody could be read, raises :class:`~coachkit.errors.ImportFormatError` before
anything is written.

Each format is one reader module under ``coachkit/_importers/`` (see
:mod:`coachkit._importers.base`); the real exports' quirks are described there. Rows that
cannot become a contact are listed in the :class:`ImportSummary` with their line number and
the reason, grouped by kind.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from ._importers.base import Document
from ._importers.common import MAPPABLE_FIELDS, Parsed, no_header
from ._importers.formats import READERS, by_name
from ._importers.merge import plan
from ._importers.sources import read_source
from ._importers.summary import ImportSummary, group_problems
from .errors import ImportFormatError, ValidationError
from .workbook import Workbook

__all__ = ["FORMATS", "MAPPABLE_FIELDS", "ImportSummary", "import_contacts"]

#: Format name -> how a person reads it.
FORMATS = {reader.name: reader.label for reader in READERS}


def _parse(document: Document, format: str, mapping: Mapping[str, str] | None) -> Parsed:
    """Read ``document`` as ``format``; "auto" asks each reader in turn (vCard by its first
    line, the CSV kinds by their header row)."""
    readers = by_name()
    if format != "auto":
        return readers[format].read(document, mapping)
    for reader in READERS:
        if reader.detect(document):
            return reader.read(document, None)
    raise no_header(document.path, document.text, "contacts export")


def _nobody(path: Path, parsed: Parsed) -> ImportFormatError:
    """The refusal for a file in which not one person could be read."""
    if not parsed.skipped:
        return ImportFormatError(
            path,
            "there is nobody in this file (a header, but no rows of people under it)",
            hint="export your contacts again, with the people selected.",
        )
    reasons = "; ".join(
        f"{count:,} x {kind} (line {found[0][0]})"
        for kind, count, found in group_problems(parsed.skipped)[:5]
    )
    return ImportFormatError(
        path,
        f"nobody could be read from this file: {reasons}",
        hint="check that this is the right file, or export it again; coachkit reads "
        "LinkedIn, Google Contacts, Outlook CSV, vCard (.vcf) and CSV spreadsheets.",
    )


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
        LinkedIn's ``Imported Contacts.csv``, a Google Contacts or Outlook CSV, a vCard file
        (2.1, 3.0 or 4.0), or any CSV (comma, semicolon or tab; any encoding) with a
        ``mapping``.
    format
        ``None`` or ``"auto"`` to detect it, or one of :data:`FORMATS` (``"linkedin"``,
        ``"linkedin-contacts"``, ``"google"``, ``"outlook"``, ``"vcard"``, ``"csv"``).
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
        the zip, no recognisable header, an unknown text encoding), or if nobody in it
        could be read (the reasons are in the message). Nothing is written.
    ValidationError
        If ``format`` or ``mapping`` is not acceptable. Nothing is written.

    Notes
    -----
    A person already known (same profile URL, else a same e-mail, else a same phone with a
    name in common, else same name and firm) is merged: empty fields are filled, and data
    already in the workbook is never overwritten (each disagreement is listed in
    ``summary.kept``). A person twice in one file is counted in ``summary.duplicates``.
    Importing the same file twice changes nothing the second time. The whole import is one
    transaction.
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
    document = Document(path, source.data, source.member)
    parsed = _parse(document, format or "auto", mapping)
    if not parsed.rows and not parsed.firms:
        raise _nobody(path, parsed)
    notes = list(parsed.notes)
    if source.address_book:
        notes.append(
            f"The zip also holds {PurePosixPath(source.address_book).name}: your own address "
            "book, once uploaded to LinkedIn (not your connections). It was not read; to add "
            "those people, import that file on its own (people already here are merged)."
        )
    summary = ImportSummary(
        format=parsed.format,
        path=path,
        label=FORMATS.get(parsed.format, parsed.format).replace(" with a column mapping", ""),
        skipped=sorted(parsed.skipped),
        warnings=sorted(parsed.warnings),
        firms=list(dict.fromkeys(parsed.firms)),
        notes=notes,
        member=source.member,
    )
    with wb.transaction():  # reading inside it too: nobody writes between match and insert
        new, updates = plan(parsed, wb.contact_records(), summary)
        for firm in summary.firms:
            wb.tag_firm(firm)  # creates the firm if new; changes nothing it already has
        wb.add_contacts_bulk(new)
        wb.fill_contacts(updates)
    return summary
