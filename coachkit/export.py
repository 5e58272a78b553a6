"""Export a workbook to CSV, safe to open in a spreadsheet, so a participant can leave with
their data."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from .workbook import Workbook

__all__ = ["TABLES", "export_csv", "neutralise_formula", "neutralise_formulas"]

# A cell starting with one of these is run as a formula by Excel, LibreOffice and Sheets
# (OWASP "CSV injection"); a leading apostrophe makes it plain text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")
TABLES = ("profile", "goals", "targets", "target_history", "firms", "contacts", "activities")


def neutralise_formula(value: object) -> object:
    """Return ``value`` with a leading apostrophe if a spreadsheet would run it as a formula.

    Numbers are left alone: only text can smuggle a formula. Text that already starts with
    an apostrophe gets one more, so that removing one leading apostrophe from every text cell
    always gives back the workbook's value (the export round-trips).

    Examples
    --------
    >>> neutralise_formula("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> neutralise_formula("-42")
    "'-42"
    >>> neutralise_formula("'quoted")
    "''quoted"
    >>> neutralise_formula(-42)
    -42
    """
    if isinstance(value, str) and value.startswith((*_FORMULA_START, "'")):
        return "'" + value
    return value


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``frame`` with every text cell passed through :func:`neutralise_formula`."""
    out = frame.copy()
    for column in out.columns:
        if not (pd.api.types.is_string_dtype(out[column]) or out[column].dtype == object):
            continue
        out[column] = out[column].map(neutralise_formula, na_action="ignore")
    return out


def _tables(wb: Workbook) -> dict[str, pd.DataFrame]:
    profile = wb.profile
    with wb.snapshot():
        return {
            "profile": pd.DataFrame([{k: v for k, v in vars(profile).items() if k != "goals"}]),
            "goals": pd.DataFrame(
                [
                    {"kind": kind, "rank": rank, "value": value}
                    for kind in ("industries", "roles", "locations")
                    for rank, value in enumerate(getattr(profile.goals, kind), start=1)
                ],
                columns=["kind", "rank", "value"],
            ),
            "targets": pd.DataFrame(
                [vars(t) for t in wb.targets], columns=["metric", "period", "amount", "label"]
            ),
            # Every change of every target: "since" is the first day it applied (empty:
            # since always); "removed" marks a target dropped from then on.
            "target_history": pd.DataFrame(
                [
                    {
                        "metric": t.metric,
                        "since": t.since.isoformat() if t.since else "",
                        "period": t.period,
                        "amount": "" if t.removed else t.amount,
                        "removed": t.removed,
                        "label": t.label,
                    }
                    for t in wb.target_history()
                ],
                columns=["metric", "since", "period", "amount", "removed", "label"],
            ),
            "firms": wb.firms(),
            "contacts": wb.contacts(),
            "activities": wb.activities(),
        }


def export_csv(wb: Workbook, folder: str | os.PathLike[str]) -> list[Path]:
    """Write every table of the workbook to ``folder/<table>.csv`` (UTF-8 with BOM, for Excel).

    Text cells that a spreadsheet would run as formulas are neutralised. Files are written
    readable only by their owner, each under a temporary name first, so an interrupted
    export never leaves a half-written CSV under its real name.

    Returns
    -------
    list of Path
        The files written, in :data:`TABLES` order.
    """
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True, mode=0o700)
    written = []
    for name, frame in _tables(wb).items():
        dest = out / f"{name}.csv"
        partial = dest.with_name(dest.name + ".partial")
        fd = os.open(partial, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as handle:
            # CRLF line ends (RFC 4180) make the csv writer quote a cell holding a bare "\r"
            # too; with "\n" it did not, and such a note split its row in two.
            neutralise_formulas(frame).to_csv(handle, index=False, lineterminator="\r\n")
        os.replace(partial, dest)
        written.append(dest)
    return written
