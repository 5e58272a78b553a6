"""vCard files (2.1, 3.0, 4.0) as phones and mail programs really write them.

vobject 0.9.9 reads clean vCard 3.0, but fails or loses data on much of what address books
export: it splits ``FN:Mr. John Richter, James Doe Sr.`` at the comma, loses 2.1 type
parameters (``TEL;CELL;PREF:``), refuses a second ``PROFILE``, and cannot decode
quoted-printable values with soft line breaks or a ``CHARSET``. So a pre-pass reads the
bytes first and hands vobject one clean vCard 3.0 text per card:

- the file's own encoding: UTF-8, UTF-16 with or without a byte-order mark, and 8-bit
  values with no charset (guessed with charset-normalizer once per file);
- line ends ``\\r\\n``, ``\\n``, ``\\r`` and iOS's ``\\r\\r\\n``; folded lines; quoted-printable
  soft breaks (``=`` at the end of a line) and ``=0A``; ``CHARSET=`` on a value (UTF-8,
  Shift_JIS, windows-125x, ISO-8859-x); base64 text values;
- photos, logos, sounds and keys (folded or not) are dropped: coachkit does not keep them;
- ``PROFILE:VCard`` (Lotus Notes) is dropped; grouped properties (``item1.EMAIL`` with
  ``item1.X-ABLabel``) keep their group so the label is found;
- every text value is escaped again, so an unescaped comma stays inside its value.

Then ``KIND:group`` cards (and Apple's ``X-ADDRESSBOOKSERVER-KIND:group``) are lists, not
people; ``KIND:org``, Apple's ``X-ABShowAs:COMPANY`` and a card with an empty name and only a
company are organisations: kept as firms, not contacts.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from .base import Document, Reader
from .common import Parsed, fold_firm, is_email, more_details, no_header, split_phones
from .sources import guess_encoding, utf16_without_bom

__all__ = ["READER", "looks_like_vcard", "normalise_cards"]

_BEGIN = b"BEGIN:VCARD"
_BINARY = {"PHOTO", "LOGO", "SOUND", "KEY"}  # values coachkit never keeps
_DROPPED = _BINARY | {"VERSION", "PROFILE", "AGENT", "PRODID", "REV"}
_STRUCTURED = {"N", "ADR", "ORG"}  # values of several ;-separated parts
_TYPE_WORD = re.compile(r"[^A-Za-z0-9_\-]")


def _vcard_bytes(data: bytes) -> tuple[bytes, bool] | None:
    """The file as ASCII-compatible bytes if it is a vCard, and whether it was transcoded
    (from UTF-16); None if it is not a vCard."""
    transcoded = False
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            data, transcoded = data.decode("utf-16").encode("utf-8"), True
        except UnicodeDecodeError:
            return None
    elif b"\x00" in data[:200]:
        text = utf16_without_bom(data)
        if text is None:
            return None
        data, transcoded = text.encode("utf-8"), True
    data = data.removeprefix(codecs.BOM_UTF8)
    if data.lstrip(b" \t\r\n")[: len(_BEGIN)].upper() != _BEGIN:
        return None
    return data, transcoded


def looks_like_vcard(data: bytes) -> bool:
    return _vcard_bytes(data) is not None


@dataclass
class _Property:
    """One property of a card, as the file wrote it."""

    line: int
    raw: bytearray
    quoted_printable: bool = False
    binary: bool = False
    name: str = ""


@dataclass
class _Card:
    line: int
    properties: list[_Property] = field(default_factory=list)
    complete: bool = False


def _split_outside_quotes(text: str, separator: str, limit: int = -1) -> list[str]:
    parts, current, quoted = [], [], False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        if ch == separator and not quoted and limit != 0:
            parts.append("".join(current))
            current = []
            limit -= 1
            continue
        current.append(ch)
    parts.append("".join(current))
    return parts


def _cards(data: bytes) -> Iterator[_Card]:
    """Split the bytes into cards of logical properties (unfolded, soft breaks joined)."""
    data = data.replace(b"\r\r\n", b"\n")
    card: _Card | None = None
    current: _Property | None = None
    for number, line in enumerate(re.split(rb"\r\n|\r|\n", data), start=1):
        upper = line.strip().upper()
        if upper == b"BEGIN:VCARD":
            if card is not None:
                yield card  # the previous card was cut short
            card, current = _Card(number), None
            continue
        if card is None:
            continue
        if upper == b"END:VCARD":
            card.complete = True
            yield card
            card, current = None, None
            continue
        if current is not None and current.quoted_printable and current.raw.endswith(b"="):
            current.raw[-1:] = line  # a quoted-printable soft line break
        elif line[:1] in (b" ", b"\t") and current is not None:
            # a folded line; 2.1 base64 continuation lines are indented the same way
            current.raw += line[1:] if not current.binary else line.strip()
        elif not line.strip():
            continue  # blank lines: the end of a 2.1 base64 block, or stray ones
        elif b":" not in line and current is not None:
            # an unfolded continuation: base64 photo data, or a note wrapped by hand
            current.raw += line.strip() if current.binary else b"\\n" + line
        else:
            head = line.split(b":", 1)[0].upper()
            name = head.split(b";", 1)[0].rsplit(b".", 1)[-1].decode("latin-1")
            current = _Property(
                number,
                bytearray(line),
                quoted_printable=b"QUOTED-PRINTABLE" in head,
                binary=name in _BINARY,
                name=name,
            )
            card.properties.append(current)
    if card is not None:
        yield card


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().strip('"')).name
    except LookupError:
        return None


def _unescape(text: str) -> str:
    """Undo vCard text escapes (``\\,`` ``\\;`` ``\\n`` ``\\\\``)."""
    return re.sub(r"\\(.)", lambda m: "\n" if m[1] in "nN" else m[1], text, flags=re.DOTALL)


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
        .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")
    )  # fmt: skip


def _clean_value(name: str, value: str) -> str:
    """The value escaped as vCard 3.0 wants it, whatever escaping the file used."""
    if name in _STRUCTURED:
        parts = re.split(r"(?<!\\);", value)
        return ";".join(_escape(_unescape(p)) for p in parts)
    return _escape(_unescape(value))


class _Decoder:
    """Turns one property's bytes into a clean vCard 3.0 line."""

    def __init__(self, data: bytes, transcoded: bool) -> None:
        self.data = data
        self.transcoded = transcoded
        self._fallback: str | None = None

    @property
    def fallback(self) -> str:
        """The file's encoding for 8-bit values with no charset, guessed once."""
        if self._fallback is None:
            self._fallback = guess_encoding(self.data) or "cp1252"
        return self._fallback

    def text(self, value: bytes, charset: str | None, encoded: bool) -> str:
        codec = _codec(charset) if (encoded or not self.transcoded) else None
        for candidate in (codec, "utf-8", self.fallback):
            if candidate:
                try:
                    return value.decode(candidate)
                except (UnicodeDecodeError, LookupError):
                    continue
        return value.decode("cp1252", errors="replace")

    def line(self, prop: _Property) -> str | None:
        """The property as a clean vCard 3.0 line, or None to leave it out."""
        if prop.name in _DROPPED or prop.binary:
            return None
        raw = bytes(prop.raw)
        head_text = raw.decode("latin-1")
        head, value_text = [*_split_outside_quotes(head_text, ":", 1), ""][:2]
        value = value_text.encode("latin-1")
        parts = _split_outside_quotes(head, ";")
        group_name = parts[0].strip()
        group, _, name = group_name.rpartition(".")
        name = name.upper()
        if not name or not re.fullmatch(r"[A-Za-z0-9\-]+", name):
            return None
        types: list[str] = []
        params: dict[str, str] = {}
        for param in parts[1:]:
            key, sep, param_value = param.partition("=")
            key = key.strip().upper()
            if not sep:  # vCard 2.1: a bare type ("TEL;CELL;PREF:")
                if key in ("QUOTED-PRINTABLE", "BASE64", "8BIT", "7BIT"):
                    params["ENCODING"] = key
                elif key:
                    types.append(key)
            elif key == "TYPE":
                types += [t.strip().strip('"') for t in param_value.split(",")]
            else:
                params[key] = param_value.strip().strip('"')
        encoding = params.get("ENCODING", "").upper()
        try:
            if encoding == "QUOTED-PRINTABLE":
                value = binascii.a2b_qp(value)
            elif encoding in ("B", "BASE64"):
                value = base64.b64decode(value + b"===", validate=False)
        except (binascii.Error, ValueError):
            pass
        text = self.text(
            value, params.get("CHARSET"), bool(encoding in ("QUOTED-PRINTABLE", "B", "BASE64"))
        )
        if encoding == "QUOTED-PRINTABLE":
            text = _escape(text) if name not in _STRUCTURED else text.replace("\n", "\\n")
        clean_types = [w for t in types if (w := _TYPE_WORD.sub("", t))]
        out = f"{group}." if group and re.fullmatch(r"[A-Za-z0-9\-]+", group) else ""
        out += name
        if clean_types:
            out += ";TYPE=" + ",".join(clean_types)
        if params.get("PREF", "").strip().isdigit():
            out += ";PREF=" + params["PREF"].strip()
        return f"{out}:{_clean_value(name, text)}"


def normalise_cards(data: bytes) -> Iterator[tuple[int, str | None]]:
    """Yield ``(first line, clean vCard 3.0 text)`` per card; None for a card cut short."""
    found = _vcard_bytes(data)
    if found is None:
        return
    data, transcoded = found
    decoder = _Decoder(data, transcoded)
    for card in _cards(data):
        if not card.complete:
            yield card.line, None
            continue
        lines = ["BEGIN:VCARD", "VERSION:3.0"]
        lines += [line for prop in card.properties if (line := decoder.line(prop)) is not None]
        lines.append("END:VCARD")
        yield card.line, "\r\n".join(lines) + "\r\n"


# -- from a parsed card to a contact -------------------------------------------------------------
def _joined(value: Any, separator: str = " ") -> str:
    if isinstance(value, list | tuple):
        return separator.join(str(v).strip() for v in value if str(v).strip())
    return str(value or "").strip()


def _types(entry: Any) -> list[str]:
    return [t.casefold() for t in entry.params.get("TYPE", [])]


def _first_value(card: Any, key: str) -> Any:
    entries = card.contents.get(key) or []
    for entry in entries:
        if "pref" in _types(entry) or entry.params.get("PREF"):
            return entry.value
    return entries[0].value if entries else None


def _labels(card: Any) -> dict[str, str]:
    """Group -> its ``X-ABLabel`` ("_$!<Mobile>!$_" -> "mobile")."""
    labels = {}
    for entry in card.contents.get("x-ablabel", []):
        if entry.group:
            text = str(entry.value).strip()
            labels[entry.group.casefold()] = re.sub(r"^_\$!<(.*)>!\$_$", r"\1", text).casefold()
    return labels


_FAMILY_FIRST = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_PHONE_RANK = (("cell", "mobile", "iphone"), ("work",), ("home",))


def _phones(card: Any, labels: Mapping[str, str]) -> list[tuple[str, str]]:
    """Every number as (label, number): mobile first, then work, then home, then the rest
    (faxes last), each in the file's order."""
    found = []
    for order, entry in enumerate(card.contents.get("tel", [])):
        number = str(entry.value).strip().removeprefix("tel:")
        words = [*_types(entry), labels.get((entry.group or "").casefold(), "")]
        words = [w for w in words if w and w not in ("voice", "pref", "internet")]
        rank = next((i for i, k in enumerate(_PHONE_RANK) if any(w in k for w in words)), 3)
        if "fax" in words:
            rank = 4
        found.append((rank, order, " ".join(dict.fromkeys(words)), number))
    return [(label, number) for _, _, label, number in sorted(found)]


def _emails(card: Any) -> list[str]:
    entries = card.contents.get("email", [])
    ordered = sorted(entries, key=lambda e: not ("pref" in _types(e) or e.params.get("PREF")))
    return list(
        dict.fromkeys(str(e.value).strip().lower() for e in ordered if str(e.value).strip())
    )


def _kind(card: Any) -> str:
    for key in ("kind", "x-addressbookserver-kind", "x-abshowas"):
        for entry in card.contents.get(key, []):
            value = str(entry.value).strip().casefold()
            if value == "group":
                return "group"
            if value in ("org", "organization", "company"):
                return "org"
    return "individual"


def _read_card(parsed: Parsed, line: int, card: Any) -> None:
    name_parts = _first_value(card, "n")
    given = _joined(getattr(name_parts, "given", ""))
    family = _joined(getattr(name_parts, "family", ""))
    additional = _joined(getattr(name_parts, "additional", ""))
    parts = (given, additional, family)
    if _FAMILY_FIRST.search(family + given):  # Chinese, Japanese, Korean: family name first
        parts = (family, given, additional)
    from_n = " ".join(p for p in parts if p)
    full = _joined(_first_value(card, "fn"))
    org = _first_value(card, "org")
    if isinstance(org, str):
        org = org.split(";")
    firm = _joined(org[0] if org else "")
    kind = _kind(card)
    if kind == "group":
        named = f" ({full!r})" if full else ""
        parsed.skipped.append((line, f"a group of contacts{named}, not a person"))
        return
    if kind == "org" or (firm and not from_n and (not full or fold_firm(full) == fold_firm(firm))):
        parsed.firms.append(firm or full)
        return
    name = full or from_n
    emails = [e for e in _emails(card) if is_email(e)]
    if not name:
        parsed.nameless(line, has_email=bool(emails))
        return
    address = _first_value(card, "adr")
    location = ", ".join(
        p for p in (_joined(getattr(address, k, "")) for k in ("city", "region", "country")) if p
    )
    phone, other_phones = split_phones(_phones(card, _labels(card)))
    profile = ""
    for key in ("url", "x-socialprofile"):
        for entry in card.contents.get(key, []):
            if "linkedin.com/" in str(entry.value).casefold():
                profile = str(entry.value).strip()
                break
    parsed.add(
        line,
        {
            "name": name,
            "first_name": given,
            "last_name": family,
            "firm": firm,
            "position": _joined(_first_value(card, "title")),
            "location": location,
            "email": emails[0] if emails else "",
            "phone": phone,
            "profile_url": profile,
            "notes": more_details(_joined(_first_value(card, "note")), other_phones, emails[1:]),
        },
        emails=emails,
        phones=[number for _, number in other_phones],
    )


def detect(doc: Document) -> bool:
    return looks_like_vcard(doc.data)


def read(doc: Document, mapping: Mapping[str, str] | None = None) -> Parsed:
    import vobject  # imported here: only vCard imports pay for it

    if not looks_like_vcard(doc.data):
        raise no_header(doc.path, doc.text, "vCard (.vcf)")
    parsed = Parsed("vcard")
    for line, block in normalise_cards(doc.data):
        if block is None:
            parsed.skipped.append((line, "the card is cut short (no END:VCARD)"))
            continue
        try:
            card = vobject.readOne(block)
        except Exception:  # vobject raises several types; the reason is ours to word
            parsed.skipped.append(
                (line, "cannot read this card: a line in it is damaged (export it again)")
            )
            continue
        _read_card(parsed, line, card)
    return parsed.finish()


READER = Reader("vcard", "vCard", detect, read)
