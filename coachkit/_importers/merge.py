"""Matching imported people with the workbook's contacts, and merging without overwriting."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .common import Parsed, fold_firm, fold_person, same_value, url_key

if TYPE_CHECKING:
    from ..importers import ImportSummary

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


class _Index:
    """Every known contact by profile URL, e-mail and name + firm."""

    def __init__(self) -> None:
        self.by_url: dict[str, _Contact] = {}
        self.by_email: dict[str, _Contact] = {}
        self.by_name: dict[str, list[_Contact]] = {}

    def add(self, contact: _Contact) -> None:
        values = contact.values
        if url := url_key(values.get("profile_url")):
            self.by_url.setdefault(url, contact)
        if email := (values.get("email") or "").casefold():
            self.by_email.setdefault(email, contact)
        bucket = self.by_name.setdefault(_name_firm(values), [])
        if contact not in bucket:
            bucket.append(contact)

    def match(
        self, values: Mapping[str, str], seen: set[int], by_name_in_file: bool
    ) -> _Contact | None:
        url = url_key(values.get("profile_url"))
        if url and url in self.by_url:
            return self.by_url[url]
        email = (values.get("email") or "").casefold()
        if email and email in self.by_email:
            return self.by_email[email]
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
        contact = index.match(row.values, seen, by_name_in_file)
        if contact is None:
            contact = _Contact(None, {**row.values, "source": parsed.format})
            new.append(contact)
            index.add(contact)
            summary.added += 1
        else:
            filled, differ = _merge(contact, row.values)
            if differ:
                who = contact.values.get("name", row.values["name"])
                summary.kept.append((row.line, f"{who}: kept " + "; ".join(differ)))
            if filled:
                summary.merged += 1
                if contact.id is not None:
                    updates.setdefault(contact.id, {}).update(filled)
                index.add(contact)  # it may now be findable by a new e-mail or URL
            else:
                summary.unchanged += 1
        seen.add(id(contact))
    return [c.values for c in new], updates
