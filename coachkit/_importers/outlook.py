"""Outlook CSV: Outlook's own export (File > Open & Export > Import/Export > Export to a
file > Comma Separated Values) and the "Outlook CSV" Google Contacts writes.

Old layout (Outlook 2003-2019): ``Title,First Name,Middle Name,Last Name,Suffix,Company,
Department,Job Title,Business Street,...,Business Country/Region,...``. Google's "Outlook
CSV" and Outlook.com: ``First Name,Middle Name,Last Name,Title,Suffix,Nickname,Given Yomi,
...,E-mail Address,...``. Both are read by column name. ``Title`` is an honorific ("Mr."),
``Job Title`` the position.
"""

from __future__ import annotations

from collections.abc import Mapping

from .base import Document, Reader
from .common import Parsed, is_email, more_details, no_header, split_phones
from .tables import Cells, check_row, find_table

__all__ = ["READER", "is_outlook"]

_EMAILS = ("e-mail address", "e-mail 2 address", "e-mail 3 address")
# Mobile first, then business, then home; then every other number Outlook has a column for.
_PHONES = (
    ("mobile", "mobile phone"), ("business", "business phone"), ("business", "business phone 2"),
    ("home", "home phone"), ("home", "home phone 2"), ("primary", "primary phone"),
    ("company", "company main phone"), ("other", "other phone"), ("car", "car phone"),
    ("assistant", "assistant's phone"), ("callback", "callback"), ("radio", "radio phone"),
    ("pager", "pager"), ("ISDN", "isdn"), ("telex", "telex"), ("TTY", "tty/tdd phone"),
    ("business fax", "business fax"), ("home fax", "home fax"), ("other fax", "other fax"),
)  # fmt: skip
_MARKS = {"e-mail address", "business phone", "mobile phone", "home phone", "job title"}


def is_outlook(cells: set[str]) -> bool:
    return {"first name", "last name"} <= cells and len(_MARKS & cells) >= 2


def detect(doc: Document) -> bool:
    return find_table(doc, is_outlook) is not None


def _location(get: Cells) -> str:
    for where in ("business", "home"):
        city = get(f"{where} city")
        country = get(f"{where} country/region", f"{where} country")
        if city or country:
            return ", ".join(p for p in (city, country) if p)
    return ""


def read(doc: Document, mapping: Mapping[str, str] | None = None) -> Parsed:
    table = find_table(doc, is_outlook)
    if table is None:
        raise no_header(doc.path, doc.text, "Outlook CSV")
    parsed = Parsed("outlook")
    for line, cells in table.body:
        if not cells or not check_row(parsed, table, line, cells):
            continue
        get = Cells(table.columns, cells)
        first, middle, last = get("first name"), get("middle name"), get("last name")
        name = " ".join(p for p in (first, middle, last) if p) or get("nickname")
        emails = get.every(*_EMAILS)
        valid = [e for e in emails if is_email(e)]
        firm = get("company")
        if not name:
            display = get("e-mail display name").split("(", 1)[0].strip()
            name = "" if is_email(display) else display
        if not name:
            parsed.nameless(line, has_email=bool(emails), firm=firm)
            continue
        phone, other_phones = split_phones(
            (label, number) for label, column in _PHONES for number in get.every(column)
        )
        email = valid[0] if valid else (emails[0] if emails else "")
        web = get("web page")
        parsed.add(
            line,
            {
                "name": name,
                "first_name": first,
                "last_name": last,
                "firm": firm,
                "position": get("job title"),
                "location": _location(get),
                "email": email,
                "phone": phone,
                "profile_url": web if "linkedin.com/" in web.casefold() else "",
                "notes": more_details(get("notes"), other_phones, valid[1:]),
            },
            emails=valid,
            phones=[number for _, number in other_phones],
        )
    return parsed.finish()


READER = Reader("outlook", "Outlook CSV", detect, read)
