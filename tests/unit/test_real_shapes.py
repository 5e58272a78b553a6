"""Every contacts file a participant really has: one file per shape in tests/data/real-shapes/.

Each file reproduces a shape seen in real exports (tests/data/real-shapes/README.md says
where) with invented people. Each test states, counted by hand from the file, who must be
read and with which details; a second reader checks the file itself where one exists
(Python's csv module with the stated delimiter and encoding).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from coachkit import Workbook, import_contacts

pytestmark = pytest.mark.unit

SHAPES = Path(__file__).parents[1] / "data" / "real-shapes"
FIELDS = ("name", "firm", "position", "location", "email", "phone")


def people(wb: Workbook, *fields: str) -> list[tuple]:
    """The workbook's contacts as tuples of ``fields`` (None for empty), in id order."""
    return [tuple(r[f] for f in fields or FIELDS) for r in wb.contact_records()]


def person(wb: Workbook, name: str) -> dict:
    found = [r for r in wb.contact_records() if r["name"] == name]
    assert len(found) == 1, f"{name}: {len(found)} contacts"
    return found[0]


def second_reader(name: str, encoding: str, delimiter: str = ",") -> list[dict[str, str]]:
    """The file as Python's csv module reads it, told the encoding and delimiter."""
    text = (SHAPES / name).read_bytes().decode(encoding)
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))


# -- Outlook ------------------------------------------------------------------------------------
def test_outlook_desktop_export(workbook: Workbook) -> None:
    """Outlook 2010-2019 "Export to a file > CSV": 92 columns, all quoted, CRLF, cp1252.

    By hand, 4 data rows: Inès Carvalho (3 phones + a fax, 2 e-mails, a two-line note),
    Peter J. Okafor (an Exchange X.500 address first, his SMTP address second; home town
    only; LinkedIn as web page), a row with only a company (Initech Example GmbH: a firm),
    and a row with only an e-mail address (nobody to name: skipped).
    """
    rows = second_reader("outlook-2016-desktop.csv", "cp1252")
    assert len(rows) == 4 and rows[0]["First Name"] == "Inès"

    summary = import_contacts(workbook, SHAPES / "outlook-2016-desktop.csv")

    assert (summary.format, summary.added, summary.firms) == (
        "outlook",
        2,
        ["Initech Example GmbH"],
    )
    assert summary.skipped == [(6, "no name (only an e-mail address)")]
    assert people(workbook) == [
        ("Inès Carvalho", "Société Fictive SA", "Directrice financière", "Lyon, France",
         "ines.carvalho@example.fr", "+33 6 00 00 00 01"),
        ("Peter J. Okafor", "Examplecorp, Inc.", "VP Engineering",
         "Austin, United States of America", "peter.okafor@example.com", "(512) 555-0142"),
    ]  # fmt: skip
    # Mobile first; business, home and the fax are kept in the notes, after Outlook's note.
    assert person(workbook, "Inès Carvalho")["notes"] == (
        "Met at the Lyon fintech meetup;\nsays: call after 5 pm\n"
        "Other phones: +33 4 72 00 00 01 (business), +33 4 78 00 00 01 (home), "
        "+33 4 72 00 00 02 (business fax)\n"
        "Other e-mails: ines@example.net"
    )
    okafor = person(workbook, "Peter J. Okafor")
    assert okafor["profile_url"] == "https://www.linkedin.com/in/peter-okafor-example"
    assert "Initech Example GmbH" in set(workbook.firms()["name"])
    assert str(summary).splitlines()[1] == (
        "  1 organisation(s), not people: kept as firms (Initech Example GmbH)."
    )


def test_outlook_2003_layout(workbook: Workbook) -> None:
    """Outlook 2003 / Outlook Express: another column order, "Business Country" without
    "/Region", nothing quoted. By hand: Gunnhild Aasen (two business phones and a car phone,
    no mobile: the first business phone leads; e-mail 3 kept in the notes), Tariq Benali
    (home phone and home town only)."""
    summary = import_contacts(workbook, SHAPES / "outlook-2003-export.csv")
    assert (summary.format, summary.added, summary.skipped) == ("outlook", 2, [])
    assert people(workbook) == [
        ("Gunnhild Aasen", "Fjordtest AS", "Head of Product", "Oslo, Norway",
         "gunnhild@example.no", "+47 22 00 00 01"),
        ("Tariq Benali", None, "Consultant", "Casablanca, Morocco", None, "+212 522 000 000"),
    ]  # fmt: skip
    assert person(workbook, "Gunnhild Aasen")["notes"] == (
        "Other phones: +47 22 00 00 02 (business), +47 900 00 001 (car)\n"
        "Other e-mails: g.aasen@example.com"
    )


def test_google_outlook_csv_merges_with_the_same_address_book_as_vcard(
    workbook: Workbook,
) -> None:
    """Google Contacts exports one address book as vCard, then as "Outlook CSV".

    By hand: 3 people in each. Hana Sato matches by e-mail, Marek Nowicki by phone
    ("+48600000001" and "+48 600 000 001"; the vCard has no firm, so name + firm cannot),
    Olu Adeyemi by e-mail in another case. Nobody is added twice: the CSV fills Hana's
    place and her business phone (notes), Marek's firm and note.
    """
    first = import_contacts(workbook, SHAPES / "google-contacts-same-people.vcf")
    second = import_contacts(workbook, SHAPES / "google-outlook-csv.csv")

    assert (first.added, second.format) == (3, "outlook")
    assert (second.added, second.merged, second.unchanged, second.duplicates) == (0, 2, 1, 0)
    assert people(workbook, "name", "firm", "location", "email", "phone") == [
        ("Hana Sato", "Example KK", "Tokyo, Japan", "hana.sato@example.jp", "+81 90-0000-0001"),
        ("Marek Nowicki", "Przykład sp. z o.o.", None, None, "+48600000001"),
        ("Olu Adeyemi", None, None, "olu@example.ng", None),
    ]
    assert person(workbook, "Hana Sato")["notes"] == "Other phones: +81 3-0000-0001 (business)"
    assert person(workbook, "Marek Nowicki")["notes"] == "Friend of Hana"
    again = import_contacts(workbook, SHAPES / "google-outlook-csv.csv")
    assert (again.added, again.merged, again.unchanged) == (0, 0, 3)
