"""What an import did: the bottom layer of the importers (it imports none of them).

Problems are grouped for reading: one line per kind of problem, with its count and three
example lines, so a file with 1,819 members who left LinkedIn gives one line, not 1,819.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

__all__ = ["ImportSummary", "group_problems"]

_EXAMPLES = 3  # example lines shown per kind of problem
_KEPT_SHOWN = 15  # disagreements listed one per person, at most this many
# The specific part of a message (a quoted value): removed to find its kind.
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


def group_problems(items: list[tuple[int, str]]) -> list[tuple[str, int, list[tuple[int, str]]]]:
    """Group ``(line, message)`` by kind: ``[(kind, count, first three items)]``.

    The kind is the message without its quoted values, so "'n/a' is not an e-mail address"
    and "'none' is not an e-mail address" are one kind. Kinds keep the order they first appear.
    """
    groups: dict[str, list[tuple[int, str]]] = {}
    for line, message in items:
        groups.setdefault(_QUOTED.sub("…", message), []).append((line, message))
    return [(kind, len(found), found[:_EXAMPLES]) for kind, found in groups.items()]


def _examples(found: list[tuple[int, str]], count: int) -> str:
    """ "lines 5, 6, 7, ..." or, when messages quote a value, "line 3 ('n/a'), ..."."""
    more = ", ..." if count > len(found) else ""
    if not _QUOTED.search(found[0][1]):
        return "lines " + ", ".join(str(line) for line, _ in found) + more
    shown = (f"line {line} ({', '.join(_QUOTED.findall(message))})" for line, message in found)
    return ", ".join(shown) + more


@dataclass
class ImportSummary:
    """What an import did, for a person to read (``str(summary)``) or a program to check.

    Attributes
    ----------
    format
        The format read, e.g. ``"linkedin"``, ``"outlook"``, ``"vcard"``.
    path
        The file given to :func:`~coachkit.importers.import_contacts`.
    label
        The format as a person names it ("Outlook CSV").
    added
        New contacts written to the workbook.
    merged
        Rows that matched a contact already in the workbook and filled at least one of its
        empty fields. Nothing is ever overwritten.
    unchanged
        Rows that matched a contact already in the workbook and brought nothing new.
    duplicates
        Rows for a person who appears earlier in the same file (their empty details are
        filled from the later row; no second contact is made).
    firms
        Organisation cards (a company, not a person): kept as firms, not as contacts.
    skipped
        ``(line, reason)`` for each row that could not become a contact.
    kept
        ``(line, message)`` for each row whose data disagreed with what the workbook already
        held: the workbook's value was kept, and the message says what the file said.
    warnings
        ``(line, message)`` for values that were left out (an unreadable date...).
    notes
        How the file was read, when a person should know (the order of day and month...).
    member
        For a zip, the path of the contacts file inside it.
    """

    format: str
    path: Path
    label: str = ""
    added: int = 0
    merged: int = 0
    unchanged: int = 0
    duplicates: int = 0
    firms: list[str] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)
    kept: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    member: str | None = None

    @property
    def rows(self) -> int:
        """Every person or card read (added + merged + unchanged + duplicates + firms +
        skipped)."""
        return (
            self.added + self.merged + self.unchanged + self.duplicates + len(self.firms)
            + len(self.skipped)
        )  # fmt: skip

    def __str__(self) -> str:
        name = Path(self.path).name
        where = f"{PurePosixPath(self.member).name} from {name}" if self.member else name
        label = self.label or self.format
        head = (
            f"Imported {where} ({label}): {self.added:,} added, {self.merged:,} merged, "
            f"{self.unchanged:,} unchanged, {len(self.skipped):,} skipped."
        )
        lines = [head]
        if self.duplicates:
            more = (
                "1 more entry was" if self.duplicates == 1
                else f"{self.duplicates:,} more entries were"
            )  # fmt: skip
            lines.append(
                f"  {more} the same person as an earlier one in this file: counted once, "
                "details combined."
            )
        if self.firms:
            shown = ", ".join(self.firms[:5]) + (", ..." if len(self.firms) > 5 else "")
            lines.append(
                f"  {len(self.firms):,} organisation(s), not people: kept as firms ({shown})."
            )
        if self.added == self.merged == 0 and self.unchanged:
            lines.append("  Nothing new: everyone in this file is already in the workbook.")
        if self.merged:
            lines.append(
                "  Merged = already in the workbook: empty details were filled in, nothing "
                "was overwritten."
            )
        if self.unchanged:
            lines.append("  Unchanged = already in the workbook, with nothing new.")
        lines.extend(f"  {note}" for note in self.notes)
        if self.kept:  # one line per person: each names someone, so they do not group
            lines.append("Kept what the workbook already had (the file says otherwise):")
            lines.extend(f"  line {line}: {text}" for line, text in self.kept[:_KEPT_SHOWN])
            if len(self.kept) > _KEPT_SHOWN:
                lines.append(f"  ... and {len(self.kept) - _KEPT_SHOWN:,} more")
        for title, items in (("Skipped rows", self.skipped), ("Details left out", self.warnings)):
            if items:
                lines.append(f"{title}:")
                for kind, count, found in group_problems(items):
                    if count == 1:
                        lines.append(f"  line {found[0][0]}: {found[0][1]}")
                    else:
                        lines.append(f"  {count:,} x {kind}: {_examples(found, count)}")
        return "\n".join(lines)
