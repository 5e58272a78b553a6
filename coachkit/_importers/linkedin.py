"""LinkedIn's ``Connections.csv`` (from "Get a copy of your data", alone or in its zip).

A preamble of varying length before the header, a byte-order mark, quoted commas in firm
names, rows of only commas, members who left (no name), anonymous ``LinkedIn Member`` rows,
and dates written several ways over the years ("15 Mar 2024", "1/8/18, 6:14 PM",
"23-Apr-23", and "16.09.2021" once a European Excel has re-saved the file).
"""

from __future__ import annotations

from collections.abc import Mapping

from .base import Document, Reader
from .common import Parsed, fold_words, no_header
from .tables import check_row, find_table

__all__ = ["READER", "is_linkedin"]


def is_linkedin(cells: set[str]) -> bool:
    return {"first name", "last name"} <= cells and len(
        {"company", "position", "connected on", "email address"} & cells
    ) >= 2


def detect(doc: Document) -> bool:
    return find_table(doc, is_linkedin) is not None


def read(doc: Document, mapping: Mapping[str, str] | None = None) -> Parsed:
    table = find_table(doc, is_linkedin)
    if table is None:
        raise no_header(doc.path, doc.text, "LinkedIn Connections.csv")
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
        if not cells or not check_row(parsed, table, line, cells):
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
    return parsed.finish()


READER = Reader("linkedin", "LinkedIn", detect, read)
