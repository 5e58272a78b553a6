"""vCard 3.0 and 4.0 files (FN, N, EMAIL, TEL, ORG, TITLE, ADR, NOTE, URL), read with vobject."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .common import LINE_BREAK, Parsed, no_header

__all__ = ["looks_like_vcard", "parse_vcard"]


def looks_like_vcard(text: str) -> bool:
    return text.lstrip("\ufeff \t\r\n")[:11].upper() == "BEGIN:VCARD"


def _vcard_blocks(text: str) -> Iterable[tuple[int, str | None]]:
    """Yield (first line, card text) per card; card text None for a card cut short."""
    start: int | None = None
    lines: list[str] = []
    for number, line in enumerate(LINE_BREAK.split(text), start=1):
        upper = line.strip().upper()
        if upper == "BEGIN:VCARD":
            if start is not None:
                yield start, None
            start, lines = number, [line]
        elif start is not None:
            lines.append(line)
            if upper == "END:VCARD":
                yield start, "\r\n".join(lines) + "\r\n"
                start, lines = None, []
    if start is not None:
        yield start, None


def _joined(value: Any, separator: str = " ") -> str:
    if isinstance(value, list | tuple):
        return separator.join(str(v).strip() for v in value if str(v).strip())
    return str(value or "").strip()


def _first_value(card: Any, key: str, prefer: str = "pref") -> Any:
    entries = card.contents.get(key) or []
    for entry in entries:
        types = [t.casefold() for t in entry.params.get("TYPE", [])]
        if prefer in types or entry.params.get("PREF"):
            return entry.value
    return entries[0].value if entries else None


def _vcard_values(card: Any) -> dict[str, str]:
    name_parts = _first_value(card, "n")
    given = _joined(getattr(name_parts, "given", ""))
    family = _joined(getattr(name_parts, "family", ""))
    additional = _joined(getattr(name_parts, "additional", ""))
    name = _joined(_first_value(card, "fn")) or " ".join(
        p for p in (given, additional, family) if p
    )
    org = _first_value(card, "org")
    if isinstance(org, str):
        org = org.split(";")
    address = _first_value(card, "adr")
    location = ", ".join(
        p for p in (_joined(getattr(address, k, "")) for k in ("city", "region", "country")) if p
    )
    phone = _joined(_first_value(card, "tel"))
    profile = ""
    for key in ("url", "x-socialprofile"):
        for entry in card.contents.get(key, []):
            if "linkedin.com/" in str(entry.value).casefold():
                profile = str(entry.value).strip()
                break
    return {
        "name": name,
        "first_name": given,
        "last_name": family,
        "firm": _joined(org[0] if org else ""),
        "position": _joined(_first_value(card, "title")),
        "location": location,
        "email": _joined(_first_value(card, "email")),
        "phone": phone.removeprefix("tel:"),
        "profile_url": profile,
        "notes": _joined(_first_value(card, "note")),
    }


def parse_vcard(path: Path, text: str) -> Parsed:
    import vobject  # imported here: only vCard imports pay for it

    if not looks_like_vcard(text):
        raise no_header(path, text, "vCard (.vcf)")
    parsed = Parsed("vcard")
    for line, block in _vcard_blocks(text):
        if block is None:
            parsed.skipped.append((line, "the card is cut short (no END:VCARD)"))
            continue
        try:
            card = vobject.readOne(block)
            values = _vcard_values(card)
        except Exception as exc:  # vobject raises several types for a malformed card
            reason = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
            parsed.skipped.append((line, f"cannot read this card ({reason})"))
            continue
        if not values["name"]:
            reason = "no name (only an e-mail address)" if values["email"] else "no name"
            parsed.skipped.append((line, reason))
            continue
        parsed.add(line, values)
    return parsed
