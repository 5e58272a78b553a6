"""Contact importers: format detection, every real-world quirk, bad files, merge and re-import.

The files in tests/data/imports/ are shaped like the real exports (LinkedIn's preamble and
BOM, Google's column names, vCard 3.0 and 4.0); variants (encodings, preambles, zips, damaged
files) are built from them in tmp_path.
"""

from __future__ import annotations

import codecs
import csv
import io
import tempfile
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coachkit import (
    ImportFormatError,
    ImportSummary,
    ValidationError,
    Workbook,
    create_workbook,
    import_contacts,
)
from coachkit._importers.common import numeric_order, parse_day, url_key
from tests.samples import DATA, SHEET_MAPPING

pytestmark = pytest.mark.unit

LINKEDIN = DATA / "linkedin_connections.csv"
HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On"
NOTES = (
    '"When exporting your connection data, you may notice that some of the email addresses '
    'are missing. You will only see email addresses for connections who have allowed it."'
)
FIELDS = ("name", "firm", "position", "email", "phone", "location", "profile_url", "connected_on")


def people(wb: Workbook, *fields: str) -> list[tuple]:
    """The workbook's contacts as tuples of ``fields`` (None for empty), in id order."""
    fields = fields or FIELDS
    return [tuple(r[f] for f in fields) for r in wb.contact_records()]


def person(wb: Workbook, name: str) -> dict:
    found = [r for r in wb.contact_records() if r["name"] == name]
    assert len(found) == 1, f"{name}: {len(found)} contacts"
    return found[0]


def write(path: Path, data: bytes | str) -> Path:
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def zip_bytes(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def linkedin_file(tmp_path: Path, body: list[str], preamble: str = "", name="Connections.csv"):
    return write(tmp_path / name, preamble + "\n".join([HEADER, *body, ""]))


# -- LinkedIn ------------------------------------------------------------------------------------
def test_linkedin_export_with_every_quirk(workbook: Workbook) -> None:
    summary = import_contacts(workbook, LINKEDIN)

    assert (summary.format, summary.added, summary.merged, summary.unchanged) == (
        "linkedin",
        7,
        0,
        0,
    )
    assert summary.skipped == [
        (7, "empty row (only commas)"),
        (10, "no name (a member who left LinkedIn)"),
        (11, "anonymous 'LinkedIn Member' (LinkedIn does not say who this is)"),
    ]
    li = "https://www.linkedin.com/in/"
    assert people(workbook) == [
        ("Jane Doe", "Stripe, Inc.", "Head of Product", None, None, None,
         li + "jane-doe-1a2b3c", "2024-03-15"),
        ("Ana Lima", "Doctolib", "Product Manager", "ana.lima@example.com", None, None,
         li + "analima", "2023-01-02"),
        ("Wei Zhang", "Google", "Software Engineer", None, None, None,
         li + "wei-zhang-11", "2022-11-07"),
        ("Wei Zhang", "Google", "Staff Engineer", None, None, None,
         li + "wei-zhang-22", "2022-11-08"),
        ("José Díaz", "Acme, Ltd.", "Director, Sales", None, None, None,
         li + "josediaz/", "2019-09-30"),
        ("Chloé Martin", "Qonto", 'Head of "Growth"', None, None, None,
         "https://fr.linkedin.com/in/chloemartin", "2024-12-11"),
        ("Sam O'Neil", None, None, None, None, None, li + "samoneil", "2025-01-01"),
    ]  # fmt: skip
    assert {r["source"] for r in workbook.contact_records()} == {"linkedin"}
    assert person(workbook, "José Díaz")["first_name"] == "José"
    assert person(workbook, "José Díaz")["last_name"] == "Díaz"


def test_summary_reads_like_the_golden_file(workbook: Workbook) -> None:
    summary = import_contacts(workbook, LINKEDIN)
    golden = (DATA / "linkedin_connections.summary.txt").read_text(encoding="utf-8")
    assert str(summary) == golden.rstrip("\n")


@pytest.mark.parametrize(
    "preamble",
    [
        "",
        "Notes:\n",
        f"Notes:\n{NOTES}\n\n",
        f"Notes:\n{NOTES}\n{NOTES.replace('allowed', 'agreed, kindly,')}\n\n\n",
    ],
    ids=["none", "notes-line", "notes-paragraph-blank", "two-paragraphs"],
)
def test_preamble_of_any_length_is_found_by_its_header(
    workbook: Workbook, tmp_path: Path, preamble: str
) -> None:
    body = ["Ana,Lima,https://www.linkedin.com/in/analima,,Doctolib,PM,02 Jan 2023"]
    summary = import_contacts(workbook, linkedin_file(tmp_path, body, preamble))
    assert summary.added == 1
    assert summary.skipped == []
    assert people(workbook, "name", "firm") == [("Ana Lima", "Doctolib")]


@pytest.mark.parametrize(
    "encoding, newline",
    [
        ("utf-8", "\n"),
        ("utf-8-sig", "\r\n"),
        ("utf-16", "\r\n"),
        ("utf-16-be", "\n"),  # with its BOM, added below
        ("cp1252", "\r\n"),
    ],
)
def test_encodings_and_line_endings(
    workbook: Workbook, tmp_path: Path, encoding: str, newline: str
) -> None:
    text = newline.join(
        [
            "Notes:",
            NOTES,
            "",
            HEADER,
            'José,Díaz,https://www.linkedin.com/in/josediaz,,"Société Générale, SA",Trader,'
            "30 Sep 2019",
            "Chloé,Müller,,,Qonto,Head of Growth,11 Dec 2024",
            "",
        ]
    )
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data
    summary = import_contacts(workbook, write(tmp_path / "Connections.csv", data))
    assert summary.added == 2
    assert people(workbook, "name", "firm") == [
        ("José Díaz", "Société Générale, SA"),
        ("Chloé Müller", "Qonto"),
    ]


def test_old_header_without_url(workbook: Workbook) -> None:
    summary = import_contacts(workbook, DATA / "linkedin_old_header.csv")
    assert (summary.format, summary.added) == ("linkedin", 3)
    assert summary.skipped == [
        (4, "anonymous 'LinkedIn Member' (LinkedIn does not say who this is)"),
        (5, "empty row (only commas)"),
    ]
    assert people(workbook, "name", "firm", "email", "profile_url", "connected_on") == [
        ("Jane Doe", "Stripe", "jane@stripe.com", None, "2024-03-15"),
        ("Omar Haddad", "Alan", None, None, "2020-05-05"),
        ("Léa Roux", "Back Market, SAS", None, None, "2020-02-29"),
    ]


def test_same_name_and_firm_with_different_profiles_are_two_people(
    workbook: Workbook, tmp_path: Path
) -> None:
    body = [
        "Wei,Zhang,https://www.linkedin.com/in/wei-1,,Google,Engineer,07 Nov 2022",
        "Wei,Zhang,https://www.linkedin.com/in/wei-2,,Google,Designer,08 Nov 2022",
    ]
    path = linkedin_file(tmp_path, body)
    assert import_contacts(workbook, path).added == 2
    again = import_contacts(workbook, path)
    assert (again.added, again.merged, again.unchanged, again.kept) == (0, 0, 2, [])
    assert len(workbook.contact_records()) == 2


def test_unquoted_comma_row_is_skipped_not_shifted(workbook: Workbook, tmp_path: Path) -> None:
    body = [
        "Jane,Doe,https://www.linkedin.com/in/jd,,Stripe, Inc.,Head of Product,15 Mar 2024",
        "Ana,Lima,https://www.linkedin.com/in/al,,Doctolib,PM,02 Jan 2023",
    ]
    summary = import_contacts(workbook, linkedin_file(tmp_path, body))
    assert summary.added == 1
    assert summary.skipped == [
        (2, "has 8 values but the header has 7 (probably a comma in a name that is not in quotes)")
    ]


def test_unreadable_date_is_left_empty_and_reported(workbook: Workbook, tmp_path: Path) -> None:
    body = [
        "Ana,Lima,,,Doctolib,PM,sometime in 2023",
        "Omar,Haddad,,,Alan,Data,31 Feb 2024",
        "Lea,Roux,,,Alan,Ops,15 Mar 2024",
    ]
    summary = import_contacts(workbook, linkedin_file(tmp_path, body))
    assert summary.added == 3
    assert summary.warnings == [
        (2, "'sometime in 2023' is not a date I can read; left empty"),
        (3, "'31 Feb 2024' is not a date I can read; left empty"),
    ]
    assert people(workbook, "name", "connected_on") == [
        ("Ana Lima", None),
        ("Omar Haddad", None),
        ("Lea Roux", "2024-03-15"),
    ]


def test_values_the_workbook_would_refuse(workbook: Workbook, tmp_path: Path) -> None:
    body = [
        "Ana,Lima,,n/a,Doctolib,PM,",
        f"Omar,Haddad,,,Alan,{'x' * 501},",
        "Lea,Roux,,LEA@ROUX.example,Alan,Ops,",
    ]
    summary = import_contacts(workbook, linkedin_file(tmp_path, body))
    assert summary.skipped == [(3, "the position is longer than 500 characters")]
    assert summary.warnings == [(2, "'n/a' is not an e-mail address; left out")]
    assert people(workbook, "name", "email") == [
        ("Ana Lima", None),
        ("Lea Roux", "lea@roux.example"),
    ]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("15 Mar 2024", "2024-03-15"),
        ("5 May 2020", "2020-05-05"),
        ("02 Sept 2021", "2021-09-02"),
        ("15 September 2024", "2024-09-15"),
        ("Mar 15, 2024", "2024-03-15"),
        ("2024-03-15", "2024-03-15"),
        ("29 Feb 2023", None),
        ("15 Foo 2024", None),
        ("15/03/2024", None),  # day-first or month-first? not guessed
        ("", None),
    ],
)
def test_parse_day(text: str, expected: str | None) -> None:
    assert parse_day(text) == expected


def test_profile_urls_are_folded_for_matching() -> None:
    variants = [
        "https://www.linkedin.com/in/analima",
        "http://linkedin.com/in/analima/",
        "HTTPS://WWW.LinkedIn.com/in/AnaLima/",
        "https://fr.linkedin.com/in/analima?trk=public_profile",
        "www.linkedin.com/in/analima",
    ]
    assert {url_key(v) for v in variants} == {"linkedin.com/in/analima"}
    assert url_key("https://www.linkedin.com/in/ana-lima") != url_key(variants[0])


# -- zips ----------------------------------------------------------------------------------------
def test_linkedin_zip(workbook: Workbook, tmp_path: Path) -> None:
    archive = tmp_path / "Basic_LinkedInDataExport_11-25-2026.zip"
    archive.write_bytes(
        zip_bytes(
            {
                "Profile.csv": b"First Name,Last Name\nAna,Lima\n",
                "Connections.csv": LINKEDIN.read_bytes(),
                "messages.csv": b"FROM,TO,DATE\n",
            }
        )
    )
    summary = import_contacts(workbook, archive)
    assert (summary.format, summary.added, summary.member) == ("linkedin", 7, "Connections.csv")
    assert str(summary).startswith(
        "Imported Connections.csv from Basic_LinkedInDataExport_11-25-2026.zip (LinkedIn): 7 added"
    )
    assert summary.skipped[0] == (7, "empty row (only commas)")  # lines of the inner file


def test_nested_zip_with_connections_in_a_folder(workbook: Workbook, tmp_path: Path) -> None:
    inner = zip_bytes({"export/Connections.csv": LINKEDIN.read_bytes(), "export/Ads.csv": b"x"})
    outer = tmp_path / "download.zip"
    outer.write_bytes(zip_bytes({"readme.txt": b"hello", "Complete_LinkedInDataExport.zip": inner}))
    summary = import_contacts(workbook, outer)
    assert summary.added == 7
    assert summary.member == "Complete_LinkedInDataExport.zip/export/Connections.csv"


# -- other formats -------------------------------------------------------------------------------
def test_google_contacts_current_header(workbook: Workbook) -> None:
    summary = import_contacts(workbook, DATA / "google_contacts.csv")
    # Tom Baker is in the file twice: one contact, his second row fills in the phone, and
    # it is counted as a duplicate within the file (not as merged with the workbook).
    assert (
        summary.format,
        summary.added,
        summary.merged,
        summary.unchanged,
        summary.duplicates,
    ) == ("google", 3, 0, 0, 1)
    assert summary.skipped == [(6, "no name (only an e-mail address)")]  # line 6: multi-line cells
    assert people(workbook) == [
        ("Ana Lima", "Doctolib", "Product Manager", "ana.lima@example.com", "+33 6 12 34 56 78",
         "Paris, Île-de-France, France", "http://linkedin.com/in/analima/", None),
        ("Tom Baker", "Stripe, Inc.", "Engineer", "tom@stripe.com", "+1 415 555 0199",
         None, None, None),
        ("Léa Roux", "Back Market", None, None, "+33 7 00 00 00 01", None, None, None),
    ]  # fmt: skip
    assert person(workbook, "Tom Baker")["notes"] == "Met at PyCon.\nTalked about payments, a lot."


def test_google_contacts_older_header_in_utf16(workbook: Workbook) -> None:
    summary = import_contacts(workbook, DATA / "google_contacts_old.csv")
    assert (summary.format, summary.added) == ("google", 2)
    assert people(workbook) == [
        ("Marc Dubois", "Alan", "Head of Partnerships", "marc.dubois@alan.example", None,
         "Lyon, France", None, None),
        ("Priya Patel", "Monzo", "Engineering Manager", None, "+44 20 7946 0958",
         "London, United Kingdom", None, None),
    ]  # fmt: skip


def test_vcard_3(workbook: Workbook) -> None:
    summary = import_contacts(workbook, DATA / "contacts_v3.vcf")
    assert (summary.format, summary.added) == ("vcard", 2)
    assert summary.skipped == [(24, "no name (only an e-mail address)")]
    jane = person(workbook, "Jane Doe")
    assert (jane["first_name"], jane["last_name"], jane["firm"], jane["position"]) == (
        "Jane",
        "Doe",
        "Stripe, Inc.",
        "Head of Product",
    )
    assert (jane["email"], jane["phone"], jane["location"]) == (
        "jane@stripe.com",
        "+1 415 555 0100",
        "San Francisco, CA, USA",
    )
    assert jane["profile_url"] == "https://www.linkedin.com/in/jane-doe-1a2b3c/"
    assert jane["notes"] == "Introduced by Ana. Prefers e-mail, not calls."
    marc = person(workbook, "Marc Dubois")
    assert marc["notes"].endswith("people moving into insurtech.")  # a folded line, unfolded
    assert marc["location"] == "Lyon, France"


def test_vcard_4(workbook: Workbook) -> None:
    summary = import_contacts(workbook, DATA / "contacts_v4.vcf")
    assert (summary.format, summary.added, summary.skipped) == ("vcard", 2, [])
    assert people(workbook) == [
        ("Priya Patel", "Monzo", "Engineering Manager", "priya@monzo.example", "+44-20-7946-0958",
         "London, United Kingdom", "https://uk.linkedin.com/in/priyapatel", None),
        ("Omar Haddad", "Alan", "Data Scientist", None, None, None, None, None),
    ]  # fmt: skip


def test_vcard_21_from_a_phone_with_quoted_printable(workbook: Workbook, tmp_path: Path) -> None:
    text = "\r\n".join(
        [
            "BEGIN:VCARD", "VERSION:2.1",
            "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:D=C3=ADaz;Jos=C3=A9;;;",
            "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Jos=C3=A9 D=C3=ADaz",
            "TEL;CELL:+34600000000", "EMAIL;HOME:jose@example.com", "ORG:Acme", "END:VCARD", "",
        ]
    )  # fmt: skip
    summary = import_contacts(workbook, write(tmp_path / "phone.vcf", text))
    assert (summary.format, summary.added) == ("vcard", 1)
    assert people(workbook, "name", "last_name", "firm", "email", "phone") == [
        ("José Díaz", "Díaz", "Acme", "jose@example.com", "+34600000000")
    ]


def test_vcard_broken_and_cut_short_cards_are_skipped(workbook: Workbook, tmp_path: Path) -> None:
    text = "\n".join(
        [
            "BEGIN:VCARD", "VERSION:3.0", "FN:Good Card", "END:VCARD",
            "BEGIN:VCARD", "VERSION:3.0", "this line is not a property", "END:VCARD",
            "BEGIN:VCARD", "VERSION:3.0", "FN:Cut Short",
        ]
    )  # fmt: skip
    summary = import_contacts(workbook, write(tmp_path / "c.vcf", text))
    assert summary.added == 1
    # The stray line is read as the continuation of the line above it (as a hand-wrapped
    # note would be): the card has no name.
    assert summary.skipped == [(5, "no name"), (9, "the card is cut short (no END:VCARD)")]


def test_csv_with_a_column_mapping(workbook: Workbook) -> None:
    summary = import_contacts(workbook, DATA / "spreadsheet.csv", mapping=SHEET_MAPPING)
    assert (summary.format, summary.added, summary.skipped) == ("csv", 2, [(4, "no name")])
    assert people(workbook) == [
        ("Nadia Benali", "BNP Paribas", "Risk Analyst", "nadia@bnp.example", None, "Paris", None,
         "2025-09-14"),
        ("Karl Weber", "Siemens, AG", "Product Owner", None, None, "Munich", None, None),
    ]  # fmt: skip
    assert person(workbook, "Nadia Benali")["notes"] == "From the alumni dinner"
    assert {r["source"] for r in workbook.contact_records()} == {"csv"}


def test_csv_mapping_with_first_and_last_name(workbook: Workbook, tmp_path: Path) -> None:
    path = write(tmp_path / "x.csv", "Given,Family,Employer\nAna,Lima,Doctolib\n,,Nobody\n")
    mapping = {"first_name": "given", "last_name": " Family ", "firm": "EMPLOYER"}
    summary = import_contacts(workbook, path, mapping=mapping)
    assert (summary.added, summary.skipped) == (1, [(3, "no name")])
    assert people(workbook, "name", "first_name", "last_name", "firm") == [
        ("Ana Lima", "Ana", "Lima", "Doctolib")
    ]


def test_csv_named_like_coachkit_fields_is_detected(workbook: Workbook, tmp_path: Path) -> None:
    path = write(tmp_path / "mine.csv", "Name,Firm,Email,Profile URL\nAna Lima,Doctolib,A@X.io,\n")
    summary = import_contacts(workbook, path)
    assert (summary.format, summary.added) == ("csv", 1)
    assert people(workbook, "name", "firm", "email") == [("Ana Lima", "Doctolib", "a@x.io")]


@pytest.mark.parametrize(
    "name, kwargs, fmt",
    [
        ("linkedin_connections.csv", {}, "linkedin"),
        ("linkedin_old_header.csv", {}, "linkedin"),
        ("google_contacts.csv", {}, "google"),
        ("google_contacts_old.csv", {}, "google"),
        ("contacts_v3.vcf", {}, "vcard"),
        ("contacts_v4.vcf", {}, "vcard"),
        ("spreadsheet.csv", {"mapping": SHEET_MAPPING}, "csv"),
        ("linkedin_connections.csv", {"format": "linkedin"}, "linkedin"),
        ("contacts_v4.vcf", {"format": "auto"}, "vcard"),
    ],
)
def test_format_detection_and_reimport_changes_nothing(
    workbook: Workbook, name: str, kwargs: dict, fmt: str
) -> None:
    first = import_contacts(workbook, DATA / name, **kwargs)
    assert first.format == fmt
    contacts, firms = workbook.contacts(), workbook.firms()

    again = import_contacts(workbook, DATA / name, **kwargs)

    assert (again.added, again.merged, again.kept) == (0, 0, [])
    assert again.unchanged == first.added + first.merged + first.unchanged
    assert again.skipped == first.skipped
    pd.testing.assert_frame_equal(workbook.contacts(), contacts)
    pd.testing.assert_frame_equal(workbook.firms(), firms)
    assert "Nothing new: everyone in this file is already in the workbook." in str(again)


# -- merging across sources ----------------------------------------------------------------------
def test_one_person_in_several_sources_is_one_contact(workbook: Workbook) -> None:
    import_contacts(workbook, LINKEDIN)
    google = import_contacts(workbook, DATA / "google_contacts.csv")
    vcard = import_contacts(workbook, DATA / "contacts_v3.vcf")

    # Ana: same LinkedIn profile (http vs https, www, trailing slash) -> filled phone and place.
    ana = person(workbook, "Ana Lima")
    assert (ana["phone"], ana["location"], ana["source"]) == (
        "+33 6 12 34 56 78",
        "Paris, Île-de-France, France",
        "linkedin",
    )
    assert ana["profile_url"] == "https://www.linkedin.com/in/analima"  # the first one is kept
    # Tom and Léa new; Ana merged; Tom's second row is a duplicate within the file
    assert (google.added, google.merged, google.duplicates) == (2, 1, 1)
    # Jane: same profile URL -> the vCard fills her e-mail, phone, place and notes.
    jane = person(workbook, "Jane Doe")
    assert (jane["email"], jane["phone"], jane["firm"]) == (
        "jane@stripe.com",
        "+1 415 555 0100",
        "Stripe, Inc.",
    )
    assert (vcard.added, vcard.merged) == (1, 1)  # Marc is new
    assert len(workbook.contact_records()) == 7 + 2 + 1


def test_match_by_name_and_firm_spelled_differently(workbook: Workbook) -> None:
    import_contacts(workbook, LINKEDIN)
    summary = import_contacts(workbook, DATA / "linkedin_old_header.csv")
    # "Stripe" and "Stripe, Inc." are one firm; the old export has Jane's e-mail.
    assert (summary.added, summary.merged) == (2, 1)
    assert person(workbook, "Jane Doe")["email"] == "jane@stripe.com"


def test_match_by_email_ignores_case(workbook: Workbook) -> None:
    workbook.add_contact("A. Lima", email="Ana.Lima@Example.COM", notes="met at a talk")
    summary = import_contacts(workbook, LINKEDIN)
    assert (summary.added, summary.merged) == (6, 1)
    ana = person(workbook, "A. Lima")  # the name already in the workbook is kept
    assert (ana["firm"], ana["notes"]) == ("Doctolib", "met at a talk")
    assert summary.kept == [(6, "A. Lima: kept the name 'A. Lima' (the file says 'Ana Lima')")]


def test_merge_never_overwrites_and_says_what_it_kept(workbook: Workbook) -> None:
    jane_id = workbook.add_contact(
        "Jane Doe", firm="Stripe", position="CTO", email="jane@old.example"
    )
    summary = import_contacts(workbook, DATA / "contacts_v3.vcf")

    assert (summary.added, summary.merged) == (1, 1)
    jane = workbook.get_contact(jane_id)
    assert (jane["position"], jane["email"], jane["firm"]) == ("CTO", "jane@old.example", "Stripe")
    assert jane["phone"] == "+1 415 555 0100"  # empty before: filled
    assert summary.kept == [
        (
            1,
            "Jane Doe: kept position 'CTO' (the file says 'Head of Product'); "
            "email 'jane@old.example' (the file says 'jane@stripe.com')",
        )
    ]
    assert "Kept what the workbook already had" in str(summary)


def test_reimport_after_a_merge_is_unchanged(workbook: Workbook) -> None:
    import_contacts(workbook, LINKEDIN)
    import_contacts(workbook, DATA / "google_contacts.csv")
    before = workbook.contacts()
    again = import_contacts(workbook, DATA / "google_contacts.csv")
    assert (again.added, again.merged) == (0, 0)
    pd.testing.assert_frame_equal(workbook.contacts(), before)


# -- bad files: a clear error, and the workbook unchanged ----------------------------------------
def _truncated_zip() -> bytes:
    data = zip_bytes({"Connections.csv": LINKEDIN.read_bytes() * 20})
    return data[: len(data) // 2]


def _corrupt_member_zip() -> bytes:
    payload = LINKEDIN.read_bytes()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("Connections.csv", payload)
    data = bytearray(buffer.getvalue())
    at = data.index(b"Stripe")
    data[at : at + 6] = b"Strape"  # the stored CRC no longer matches
    return bytes(data)


BAD_FILES = {
    "empty": (b"", "the file is empty"),
    "only-a-bom": (codecs.BOM_UTF8 + b"\r\n \n", "the file is empty"),
    "binary": (bytes(range(256)) * 8, "it looks binary"),
    "pdf": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "this is a PDF document"),
    "truncated-zip": (_truncated_zip(), "is a damaged or incomplete zip file"),
    "corrupt-zip-member": (_corrupt_member_zip(), "Connections.csv in export.zip is damaged"),
    "zip-without-contacts": (
        zip_bytes({"Profile.csv": b"a,b\n", "Invitations.csv": b"c,d\n"}),
        "this zip has no Connections.csv inside (it holds: Profile.csv, Invitations.csv)",
    ),
    "nested-zip-without-contacts": (
        zip_bytes({"inner.zip": zip_bytes({"Ads.csv": b"x"})}),
        "this zip has no Connections.csv inside (it holds: inner.zip)",
    ),
    "zip-with-an-empty-connections-file": (
        zip_bytes({"Connections.csv": b""}),
        "export.zip: Connections.csv inside the zip is empty",
    ),
    "excel-xlsx": (
        zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}),
        "is an Excel or Word document",
    ),
    "no-known-header": (
        b"order,amount,date\n1,20.5,2024-01-01\n",
        "no header row I recognise (the first line reads 'order,amount,date')",
    ),
    "nobody-readable": (
        (HEADER + "\n,,,,,,\n,,,,Acme,CEO,15 Mar 2024\nLinkedIn Member,,,,,,1 Jan 2020\n").encode(),
        "nobody could be read from this file: 1 x empty row (only commas) (line 2); "
        "1 x no name (a member who left LinkedIn) (line 3); 1 x anonymous …",
    ),
    "header-only": (
        (HEADER + "\n").encode(),
        "there is nobody in this file (a header, but no rows of people under it)",
    ),
    "unclosed-quote": (
        (HEADER + '\nJane,Doe,,,"Stripe, Inc.,CEO,15 Mar 2024\n').encode(),
        "this is not a well-formed CSV file",
    ),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_file_is_refused_and_the_workbook_unchanged(
    workbook: Workbook, tmp_path: Path, case: str
) -> None:
    import_contacts(workbook, DATA / "google_contacts.csv")  # something to keep safe
    contacts, firms = workbook.contacts(), workbook.firms()
    data, message = BAD_FILES[case]
    path = write(tmp_path / ("export.zip" if data[:2] == b"PK" else "contacts.csv"), data)

    with pytest.raises(ImportFormatError) as caught:
        import_contacts(workbook, path)

    assert message in str(caught.value)
    assert caught.value.path == path
    assert caught.value.hint  # always says what to do
    assert caught.value.exit_code == 5
    pd.testing.assert_frame_equal(workbook.contacts(), contacts)
    pd.testing.assert_frame_equal(workbook.firms(), firms)


def test_bad_csv_error_names_the_line(workbook: Workbook, tmp_path: Path) -> None:
    path = write(tmp_path / "c.csv", HEADER + "\nAna,Lima,,,Doctolib,PM,\n" + 'Jo,"Do"e,,,,,\n')
    with pytest.raises(ImportFormatError) as caught:
        import_contacts(workbook, path)
    assert caught.value.line == 3
    assert str(caught.value).startswith(f"{path}, line 3: ")


@pytest.mark.parametrize(
    "name, kwargs, message",
    [
        ("linkedin_connections.csv", {"format": "google"}, "does not look like a Google Contacts"),
        ("google_contacts.csv", {"format": "linkedin"}, "does not look like a LinkedIn"),
        ("linkedin_connections.csv", {"format": "vcard"}, "does not look like a vCard"),
        ("contacts_v3.vcf", {"format": "csv"}, "does not look like a CSV"),
        (
            "spreadsheet.csv",
            {"mapping": {"name": "Full name", "firm": "Company"}},
            "no header row has the column(s) 'company'",
        ),
    ],
)
def test_wrong_format_or_columns_leave_the_workbook_unchanged(
    workbook: Workbook, name: str, kwargs: dict, message: str
) -> None:
    workbook.add_contact("Someone", firm="Somewhere")
    before = workbook.contacts()
    with pytest.raises(ImportFormatError) as caught:
        import_contacts(workbook, DATA / name, **kwargs)
    assert message in str(caught.value)
    pd.testing.assert_frame_equal(workbook.contacts(), before)


def test_missing_file_and_folder(workbook: Workbook, tmp_path: Path) -> None:
    with pytest.raises(ImportFormatError, match="there is no such file"):
        import_contacts(workbook, tmp_path / "nope.csv")
    with pytest.raises(ImportFormatError, match="this is a folder"):
        import_contacts(workbook, tmp_path)


@pytest.mark.parametrize(
    "kwargs, field, message",
    [
        ({"format": "xlsx"}, "format", "'xlsx' is not a format I know"),
        ({"mapping": {"company": "Org"}}, "mapping", "'company' is not a contact field"),
        ({"mapping": {"firm": "Org"}}, "mapping", "map name (or first_name and last_name)"),
        ({"mapping": {"name": ""}}, "mapping", "name: give the name of a column"),
        ({"format": "linkedin", "mapping": {"name": "x"}}, "mapping", "only for the csv format"),
    ],
)
def test_bad_options_are_validation_errors(
    workbook: Workbook, kwargs: dict, field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        import_contacts(workbook, DATA / "spreadsheet.csv", **kwargs)
    assert caught.value.field == field
    assert message in str(caught.value)
    assert workbook.contact_records() == []


def test_a_failure_while_writing_rolls_everything_back(
    workbook: Workbook, monkeypatch: pytest.MonkeyPatch
) -> None:
    workbook.add_contact("Jane Doe", firm="Stripe")
    before, firms = workbook.contacts(), workbook.firms()

    def broken(*args: object, **kwargs: object) -> int:
        raise RuntimeError("disk full")

    monkeypatch.setattr(workbook, "fill_contacts", broken)  # runs after the inserts
    with pytest.raises(RuntimeError, match="disk full"):
        import_contacts(workbook, LINKEDIN)
    pd.testing.assert_frame_equal(workbook.contacts(), before)
    pd.testing.assert_frame_equal(workbook.firms(), firms)


# -- the summary ---------------------------------------------------------------------------------
def test_summary_groups_problems_one_line_per_kind(tmp_path: Path) -> None:
    summary = ImportSummary(
        format="linkedin",
        label="LinkedIn",
        path=tmp_path / "Connections.csv",
        added=3,
        skipped=[(line, "no name (a member who left LinkedIn)") for line in range(5, 1824)]
        + [(2000, "empty row (only commas)")],
        warnings=[(9, "'n/a' is not an e-mail address; left out")]
        + [(line, f"'x{line}' is not a date I can read; left empty") for line in (3, 4, 7, 8)],
    )
    # 1,819 members who left: one line with the count and three example lines.
    assert str(summary).splitlines() == [
        "Imported Connections.csv (LinkedIn): 3 added, 0 merged, 0 unchanged, 1,820 skipped.",
        "Skipped rows:",
        "  1,819 x no name (a member who left LinkedIn): lines 5, 6, 7, ...",
        "  line 2000: empty row (only commas)",
        "Details left out:",
        "  line 9: 'n/a' is not an e-mail address; left out",
        "  4 x … is not a date I can read; left empty: line 3 ('x3'), line 4 ('x4'), "
        "line 7 ('x7'), ...",
    ]
    assert summary.rows == 3 + 1820


# -- any export LinkedIn could write -------------------------------------------------------------
_CELL = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=25)


@settings(max_examples=25, deadline=None)
@given(rows=st.lists(st.tuples(_CELL, _CELL, _CELL, _CELL), max_size=12))
def test_any_quoted_export_imports_once_and_reimports_unchanged(rows: list[tuple]) -> None:
    buffer = io.StringIO()
    buffer.write(f"Notes:\n{NOTES}\n\n")
    writer = csv.writer(buffer)
    writer.writerow(HEADER.split(","))
    for i, (first, last, firm, position) in enumerate(rows):
        url = f"https://www.linkedin.com/in/p{i}"
        writer.writerow([first, last, url, "", firm, position, "15 Mar 2024"])
    expected = [
        " ".join(p for p in (first.strip(), last.strip()) if p)
        for first, last, _, _ in rows
        if (first.strip() or last.strip())
        and " ".join(f"{first} {last}".split()).casefold() != "linkedin member"
    ]
    with tempfile.TemporaryDirectory() as tmp:
        path = write(Path(tmp) / "Connections.csv", codecs.BOM_UTF8 + buffer.getvalue().encode())
        with create_workbook(Path(tmp) / "wb") as wb:
            if not expected:  # nobody readable: refused, nothing written
                with pytest.raises(ImportFormatError):
                    import_contacts(wb, path)
                assert wb.contact_records() == []
                return
            first_run = import_contacts(wb, path)
            assert [r["name"] for r in wb.contact_records()] == expected
            assert first_run.added + len(first_run.skipped) == len(rows)
            before = wb.contacts()
            again = import_contacts(wb, path)
            assert (again.added, again.merged, again.unchanged) == (0, 0, len(expected))
            pd.testing.assert_frame_equal(wb.contacts(), before)


# -- the workbook's bulk helpers the importers use -----------------------------------------------
def test_bulk_helpers_validate_and_never_overwrite(workbook: Workbook) -> None:
    ids = workbook.add_contacts_bulk(
        [
            {"name": "Ana Lima", "firm": "Stripe, Inc.", "email": "Ana@X.io"},
            {"name": "Tom Baker", "firm": "stripe", "position": "CTO"},
        ]
    )
    assert ids == [1, 2]
    assert workbook.firms()["name"].tolist() == ["Stripe, Inc."]  # one firm, first spelling
    assert workbook.fill_contacts({2: {"position": "VP", "phone": "+1 555"}, 1: {}}) == 1
    assert people(workbook, "name", "email", "position", "phone") == [
        ("Ana Lima", "ana@x.io", None, None),
        ("Tom Baker", None, "CTO", "+1 555"),
    ]
    with pytest.raises(ValidationError, match="a contact needs a name"):
        workbook.add_contacts_bulk([{"name": "Lea"}, {"name": "  "}])
    with pytest.raises(ValidationError, match="referred_by: is not a field importers may set"):
        workbook.add_contacts_bulk([{"name": "Lea", "referred_by": 1}])
    with pytest.raises(ValidationError, match="never renames"):
        workbook.fill_contacts({1: {"name": "Someone"}})
    assert len(workbook.contact_records()) == 2  # the refused batches wrote nothing


# -- dates: one day/month order per file ---------------------------------------------------------
@pytest.mark.parametrize(
    ("values", "source", "order"),
    [
        # A value over 12 settles it, whatever the source's convention.
        (["1/8/18, 6:14 PM", "4/23/18, 9:00 AM"], "linkedin", "month first"),
        (["1/8/18", "23/4/18"], "linkedin", "day first"),
        # Nothing settles it: LinkedIn's slash dates are US, dotted dates European, other
        # sources day first as most of the world writes.
        (["1/8/18", "3/2/18"], "linkedin", "month first"),
        (["01.08.2018"], "linkedin", "day first"),
        (["1/8/18"], "csv", "day first"),
        # Both orders in one file: month first, and the summary says to check those lines.
        (["13/1/18", "1/13/18"], "linkedin", "month first"),
    ],
)
def test_numeric_date_order_is_decided_per_file(values: list[str], source: str, order: str) -> None:
    decided = numeric_order(list(enumerate(values, start=2)), source)
    assert decided is not None and decided[0] == order
    if len(set(values)) == 2 and "13" in values[0] and "13" in values[1]:
        assert "check those dates" in decided[1]


def test_no_numeric_dates_no_decision() -> None:
    assert numeric_order([(2, "15 Mar 2024"), (3, "2024-03-15")], "linkedin") is None


def test_two_digit_years_and_times() -> None:
    assert parse_day("1/8/18, 6:14 PM", "month first") == "2018-01-08"
    assert parse_day("1/8/18, 6:14 PM", "day first") == "2018-08-01"
    assert parse_day("23-Apr-23") == "2023-04-23"
    assert parse_day("16.09.2021", "day first") == "2021-09-16"
    assert parse_day("16.09.2021", "month first") is None  # month 16: not a date


def test_month_first_file_with_a_day_above_12(workbook: Workbook, tmp_path: Path) -> None:
    path = linkedin_file(
        tmp_path,
        [
            'Ana,Lima,,,Doctolib,PM,"1/8/18, 6:14 PM"',
            'Wei,Zhang,,,Qonto,CTO,"4/23/18, 9:05 AM"',
        ],
    )
    summary = import_contacts(workbook, path)
    assert [r["connected_on"] for r in workbook.contact_records()] == ["2018-01-08", "2018-04-23"]
    assert summary.notes == [
        "Numeric dates were read month first: '4/23/18, 9:05 AM' on line 3 can only be month first."
    ]


# -- encodings no byte-order mark announces ------------------------------------------------------
def test_utf16_spreadsheet_without_a_byte_order_mark(workbook: Workbook, tmp_path: Path) -> None:
    text = "name,firm\r\nZoë Ångström,Örebro AB\r\n"
    path = write(tmp_path / "sheet.csv", text.encode("utf-16-le"))
    summary = import_contacts(workbook, path)
    assert (summary.format, summary.added) == ("csv", 1)
    assert people(workbook, "name", "firm") == [("Zoë Ångström", "Örebro AB")]


@pytest.mark.parametrize(
    ("encoding", "text"),
    [
        # cp1250 decodes these bytes too, but as "Muńoz" and "Ŕ": cp1252 must win.
        ("cp1252", "name,firm\nLeonie Muñoz,Crédit à la carte\nJosé Peña,Señor Ñandú SA\n"),
        ("mac_roman", "name,firm\nFrançoise Bézier,Café Exemple\nØystein Næss,Fjord AS\n"),
    ],
)
def test_western_encodings_are_told_apart(
    workbook: Workbook, tmp_path: Path, encoding: str, text: str
) -> None:
    import_contacts(workbook, write(tmp_path / "sheet.csv", text.encode(encoding)))
    expected = list(csv.reader(io.StringIO(text)))[1:]
    assert people(workbook, "name", "firm") == [tuple(row) for row in expected]


# -- structure: one reader per format, no import in a circle -------------------------------------
def test_importer_modules_import_in_any_order_without_a_cycle() -> None:
    import ast
    import subprocess
    import sys

    package = Path(__file__).parents[2] / "coachkit" / "_importers"
    for module in sorted(package.glob("*.py")):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                # nothing under _importers reaches back up to coachkit.importers
                assert not (node.level == 2 and node.module == "importers"), module.name
        # each module imports on its own, first, in a fresh interpreter
        name = f"coachkit._importers.{module.stem}"
        done = subprocess.run([sys.executable, "-c", f"import {name}"], capture_output=True)
        assert done.returncode == 0, done.stderr.decode()


def test_every_reader_follows_the_interface() -> None:
    from coachkit._importers.base import Reader
    from coachkit._importers.formats import READERS
    from coachkit.importers import FORMATS

    assert all(isinstance(reader, Reader) for reader in READERS)
    assert list(FORMATS) == [reader.name for reader in READERS]
    assert len(set(FORMATS)) == len(READERS)
