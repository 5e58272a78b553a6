"""Google Contacts CSV ("Google CSV"), the current header and the older one."""

from __future__ import annotations

from collections.abc import Mapping

from .base import Document, Reader
from .common import Parsed, no_header
from .tables import Cells, Table, check_row, find_table

__all__ = ["READER", "is_google"]

_GOOGLE_MARKS = {
    "e-mail 1 - value", "phone 1 - value", "organization name", "organization 1 - name",
    "given name", "family name", "group membership", "labels", "file as",
}  # fmt: skip


def is_google(cells: set[str]) -> bool:
    named = bool({"first name", "last name", "given name", "family name", "name"} & cells)
    return named and len(_GOOGLE_MARKS & cells) >= 2


def _location(get: Cells) -> str:
    parts = [get(f"address 1 - {p}") for p in ("city", "region", "country")]
    joined = ", ".join(p for p in parts if p)
    return joined or get("organization 1 - location", "location")


def _profile(table: Table, get: Cells) -> str:
    for name in table.columns:
        if name.startswith("website") and name.endswith("- value"):
            for url in get.every(name):
                if "linkedin.com/" in url.casefold():
                    return url
    return ""


def detect(doc: Document) -> bool:
    return find_table(doc, is_google) is not None


def read(doc: Document, mapping: Mapping[str, str] | None = None) -> Parsed:
    table = find_table(doc, is_google)
    if table is None:
        raise no_header(doc.path, doc.text, "Google Contacts CSV")
    emails = [c for c in table.columns if c.startswith("e-mail") and c.endswith("- value")]
    phones = [c for c in table.columns if c.startswith("phone") and c.endswith("- value")]
    parsed = Parsed("google")
    for line, cells in table.body:
        if not cells or not check_row(parsed, table, line, cells):
            continue
        get = Cells(table.columns, cells)
        first = get("first name", "given name")
        last = get("last name", "family name")
        middle = get("middle name", "additional name")
        name = get("name") or " ".join(p for p in (first, middle, last) if p)
        name = name or get("nickname", "file as")
        email = get(*emails)
        firm = get("organization name", "organization 1 - name")
        if not name:
            parsed.nameless(line, has_email=bool(email), firm=firm)
            continue
        parsed.add(
            line,
            {
                "name": name,
                "first_name": first,
                "last_name": last,
                "firm": firm,
                "position": get("organization title", "organization 1 - title"),
                "location": _location(get),
                "email": email,
                "phone": get(*phones),
                "profile_url": _profile(table, get),
                "notes": get("notes"),
            },
            emails=get.every(*emails),
            phones=get.every(*phones),
        )
    return parsed.finish()


READER = Reader("google", "Google Contacts", detect, read)
