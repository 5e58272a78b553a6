"""Every format coachkit reads, in the order auto-detection tries them.

vCard first (its first line says so), then the CSV kinds by their header row: LinkedIn's
connections, LinkedIn's imported address book, Google, Outlook, and last a spreadsheet
whose columns are named like coachkit's fields.
"""

from __future__ import annotations

from . import google, linkedin, linkedin_contacts, mapped, outlook, vcard
from .base import Reader

__all__ = ["READERS", "by_name"]

READERS: tuple[Reader, ...] = (
    vcard.READER,
    linkedin.READER,
    linkedin_contacts.READER,
    google.READER,
    outlook.READER,
    mapped.READER,
)


def by_name() -> dict[str, Reader]:
    return {reader.name: reader for reader in READERS}
