"""Matching imported people with the workbook's contacts, and merging without overwriting."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .common import Parsed, Row, fold_firm, fold_person, phone_key, same_value, url_key
from .summary import ImportSummary

__all__ = ["plan"]

# Fields a later source may fill when the workbook has them empty (name is never changed).
_MERGE_FIELDS = (
    "first_name", "last_name", "firm", "position", "location", "email", "phone",
    "profile_url", "tags", "notes", "connected_on",
)  # fmt: skip


class _Contact:
    """A contact during an import: one already in the workbook, or one about to be added."""

    __slots__ = ("from_file", "id", "values")

    def __init__(self, contact_id: int | None, values: dict[str, str]) -> None:
        self.id = contact_id
        self.values = values
        self.from_file = contact_id is None


def _name_firm(values: Mapping[str, str]) -> str:
    return fold_person(values.get("name") or "") + "\x1f" + fold_firm(values.get("firm") or "")


def _name_words(name: str) -> set[str]:
    return {word for word in fold_person(name).split() if len(word) > 1}


class _Index:
    """Every known contact by profile URL, e-mail, phone and name + firm."""

    def __init__(self) -> None:
        self.by_url: dict[str, _Contact] = {}
        self.by_email: dict[str, _Contact] = {}
        self.by_phone: dict[str, _Contact] = {}
        self.by_name: dict[str, list[_Contact]] = {}

    def add(self, contact: _Contact, row: Row | None = None) -> None:
        values = contact.values
        if url := url_key(values.get("profile_url")):
            self.by_url.setdefault(url, contact)
        if email := values.get("email"):
            self.by_email.setdefault(email.casefold(), contact)
        if phone := values.get("phone"):
            if key := phone_key(phone):
                self.by_phone.setdefault(key, contact)
        if row is not None:
            for email in row.emails:
                self.by_email.setdefault(email.casefold(), contact)
            for phone in row.phones:
                if key := phone_key(phone):
                    self.by_phone.setdefault(key, contact)
        bucket = self.by_name.setdefault(_name_firm(values), [])
        if contact not in bucket:
            bucket.append(contact)

    def match(self, row: Row, seen: set[int], by_name_in_file: bool) -> _Contact | None:
        values = row.values
        url = url_key(values.get("profile_url"))
        if url and url in self.by_url:
            return self.by_url[url]
        for email in row.emails:
            if email.casefold() in self.by_email:
                return self.by_email[email.casefold()]
        for phone in row.phones:
            key = phone_key(phone)
            if key and key in self.by_phone:
                found = self.by_phone[key]
                # A shared number (a switchboard) is not a person: the names must share a word
                # ("John Doe" and "Mr. John Doe Sr." do; two colleagues do not).
                if _name_words(found.values.get("name") or "") & _name_words(values["name"]):
                    return found
        candidates = [
            c
            for c in self.by_name.get(_name_firm(values), ())
            # Two different profile URLs are two people, whatever their names.
            if not (url and url_key(c.values.get("profile_url")) not in ("", url))
            # In a LinkedIn file every row is a different connection.
            and (by_name_in_file or not c.from_file)
        ]
        for candidate in candidates:
            if id(candidate) not in seen:
                return candidate
        return candidates[0] if candidates else None


def _merge(contact: _Contact, values: Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
    """Fill the contact's empty fields from ``values``; return (filled, disagreements)."""
    current = contact.values
    filled: dict[str, str] = {}
    differ: list[str] = []
    if fold_person(values["name"]) != fold_person(current.get("name") or ""):
        differ.append(f"the name {current.get('name')!r} (the file says {values['name']!r})")
    for key in _MERGE_FIELDS:
        new = values.get(key)
        if not new:
            continue
        old = current.get(key)
        if not old:
            filled[key] = current[key] = new
        elif not same_value(key, old, new) and key not in ("first_name", "last_name"):
            label = key.replace("_", " ")
            differ.append(f"{label} {old!r} (the file says {new!r})")
    return filled, differ


def plan(
    parsed: Parsed, existing: list[dict[str, Any]], summary: ImportSummary
) -> tuple[list[dict[str, str]], dict[int, dict[str, str]]]:
    """Match every row; return (contacts to add, contact id -> fields to fill)."""
    index = _Index()
    for record in existing:
        values = {k: str(v) for k, v in record.items() if k != "id" and v not in (None, "")}
        index.add(_Contact(record["id"], values))
    new: list[_Contact] = []
    updates: dict[int, dict[str, str]] = {}
    seen: set[int] = set()
    by_name_in_file = parsed.format != "linkedin"
    for row in parsed.rows:
        contact = index.match(row, seen, by_name_in_file)
        if contact is None:
            contact = _Contact(None, {**row.values, "source": parsed.format})
            new.append(contact)
            index.add(contact, row)
            summary.added += 1
        else:
            again = id(contact) in seen  # the same person earlier in this very file
            filled, differ = _merge(contact, row.values)
            if differ and not again:
                who = contact.values.get("name", row.values["name"])
                summary.kept.append((row.line, f"{who}: kept " + "; ".join(differ)))
            if filled and contact.id is not None:
                updates.setdefault(contact.id, {}).update(filled)
            if again:
                summary.duplicates += 1
            elif filled:
                summary.merged += 1
            else:
                summary.unchanged += 1
            index.add(contact, row)  # it may now be findable by a new e-mail, phone or URL
        seen.add(id(contact))
    return [c.values for c in new], updates
