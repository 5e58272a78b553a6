"""LinkedIn's ``Imported Contacts.csv``: the participant's own address book (phone, Gmail,
Outlook...) that they once let LinkedIn upload. These people are not LinkedIn connections,
and many are not on LinkedIn at all; they are people the participant knows.

Read on its own (``coachkit import WB "Imported Contacts.csv"``), each person is matched
like any other import (e-mail, phone, then name and firm), so someone who is also a
connection is merged, never added twice. Importing LinkedIn's zip reads ``Connections.csv``
only and says that this file is there too.

Headers seen: ``First Name,Last Name,Companies,Title,Email Address,Phone Numbers,Created At,
...,Full Name,...`` and, newer, ``Source,FirstName,LastName,Companies,Title,Emails,
PhoneNumbers,CreatedAt,...,FullName,...``. A cell may hold several addresses or numbers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from .base import Document, Reader
from .common import Parsed, is_email, more_details, no_header, split_phones
from .tables import Cells, check_row, find_table

__all__ = ["READER", "is_linkedin_contacts"]

_NAMED = {"first name", "firstname", "full name", "fullname"}
_REACH = {"email address", "emails", "phone numbers", "phonenumbers"}
_SEVERAL = re.compile(r"[,;|\s]+")


def is_linkedin_contacts(cells: set[str]) -> bool:
    return "companies" in cells and bool(_NAMED & cells) and bool(_REACH & cells)


def detect(doc: Document) -> bool:
    return find_table(doc, is_linkedin_contacts) is not None


def read(doc: Document, mapping: Mapping[str, str] | None = None) -> Parsed:
    table = find_table(doc, is_linkedin_contacts)
    if table is None:
        raise no_header(doc.path, doc.text, "LinkedIn Imported Contacts.csv")
    parsed = Parsed("linkedin-contacts")
    for line, cells in table.body:
        if not cells or not check_row(parsed, table, line, cells):
            continue
        get = Cells(table.columns, cells)
        first, last = get("first name", "firstname"), get("last name", "lastname")
        name = get("full name", "fullname") or " ".join(p for p in (first, last) if p)
        emails = [e for e in _SEVERAL.split(get("email address", "emails")) if is_email(e)]
        numbers = [n for n in re.split(r"[,;|]", get("phone numbers", "phonenumbers"))]
        phone, others = split_phones(("", n) for n in numbers)
        if not name:
            parsed.nameless(line, has_email=bool(emails))
            continue
        parsed.add(
            line,
            {
                "name": name,
                "first_name": first,
                "last_name": last,
                "firm": get("companies"),
                "position": get("title"),
                "location": get("location"),
                "email": emails[0] if emails else "",
                "phone": phone,
                "notes": more_details("", others, emails[1:]),
            },
            emails=emails,
            phones=[n for _, n in others],
        )
    return parsed.finish()


READER = Reader(
    "linkedin-contacts", "LinkedIn Imported Contacts: your own address book", detect, read
)
