"""Getting the bytes and text of a contacts file: zips (nested too), encodings, bad files."""

from __future__ import annotations

import codecs
import io
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..errors import ImportFormatError

__all__ = ["Source", "decode", "guess_encoding", "read_source", "utf16_without_bom"]

_MAX_BYTES = 200 * 1024 * 1024  # a contacts export is a few MB; refuse anything absurd
_MAX_ZIP_DEPTH = 3


@dataclass
class Source:
    """The bytes of the contacts file, and where they came from."""

    data: bytes
    member: str | None = None  # "outer.zip/inner.zip/Connections.csv" style, for messages
    address_book: str | None = None  # LinkedIn's "Imported Contacts.csv" beside Connections


#: What LinkedIn's zip calls the participant's own address book, once uploaded to LinkedIn.
ADDRESS_BOOK = "imported contacts.csv"


_MAGIC = (
    (b"%PDF", "a PDF document", "export the contacts as CSV or vCard instead."),
    (b"\x89PNG", "an image", "export the contacts as CSV or vCard instead."),
    (b"\xff\xd8\xff", "an image", "export the contacts as CSV or vCard instead."),
    (b"GIF8", "an image", "export the contacts as CSV or vCard instead."),
    (
        b"\xd0\xcf\x11\xe0",
        "an old Excel (.xls) or Word file",
        "open it in a spreadsheet and save it as 'CSV UTF-8'.",
    ),
    (
        b"SQLite format 3\x00",
        "a database (perhaps a coachkit workbook itself)",
        "give the contacts export, not the workbook.",
    ),
)


def read_source(path: Path) -> Source:
    """Read the file (or the ``Connections.csv`` inside a zip), refusing what is not a file."""
    if not path.exists():
        raise ImportFormatError(path, "there is no such file", hint="check the name and folder.")
    if path.is_dir():
        raise ImportFormatError(path, "this is a folder, not a file", hint="name the file itself.")
    try:
        size = path.stat().st_size
        if size > _MAX_BYTES:
            raise ImportFormatError(
                path,
                f"the file is {size // 2**20} MB, far larger than any contacts export",
                hint="check that you picked the right file.",
            )
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFormatError(path, f"cannot read the file ({exc.strerror})") from exc
    if data[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return _from_zip(path, data, [path.name], 0)
    return Source(data)


class _NoContactsInZip(Exception):
    def __init__(self, names: list[str]) -> None:
        super().__init__()
        self.names = names


def _from_zip(path: Path, data: bytes, trail: list[str], depth: int) -> Source:
    """Find ``Connections.csv`` in a zip (or in a zip inside it) and return its bytes."""
    where = " > ".join(trail)
    damaged = (
        "download the export again: the file is damaged or was not fully downloaded "
        "(LinkedIn: Settings > Data privacy > Get a copy of your data)."
    )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    # NotImplementedError: a (damaged) header asking for a newer zip version than Python's
    except (
        zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError,
        NotImplementedError,
    ) as exc:  # fmt: skip
        raise ImportFormatError(
            path, f"{where} is a damaged or incomplete zip file ({exc})", hint=damaged
        ) from exc
    with archive:
        files = [i for i in archive.infolist() if not i.is_dir()]
        names = [i.filename for i in files]
        if "[Content_Types].xml" in names:
            raise ImportFormatError(
                path,
                f"{where} is an Excel or Word document, not a contacts export",
                hint="open it in a spreadsheet and save it as 'CSV UTF-8', then import the CSV.",
            )

        def read(info: zipfile.ZipInfo) -> bytes:
            if info.file_size > _MAX_BYTES:
                raise ImportFormatError(path, f"{info.filename} in {where} is far too large")
            try:
                return archive.read(info)
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
                raise ImportFormatError(
                    path, f"{info.filename} in {where} is damaged ({exc})", hint=damaged
                ) from exc
            except (RuntimeError, NotImplementedError) as exc:  # encrypted, odd compression
                raise ImportFormatError(
                    path, f"{info.filename} in {where} cannot be unpacked ({exc})", hint=damaged
                ) from exc

        connections = [i for i in files if PurePosixPath(i.filename).name == "Connections.csv"]
        connections += [
            i
            for i in files
            if PurePosixPath(i.filename).name.casefold() == "connections.csv"
            and i not in connections
        ]
        books = [i for i in files if PurePosixPath(i.filename).name.casefold() == ADDRESS_BOOK]
        if connections:
            best = min(connections, key=lambda i: i.filename.count("/"))
            book = min(books, key=lambda i: i.filename.count("/")) if books else None
            return Source(
                read(best),
                "/".join([*trail[1:], best.filename]),
                "/".join([*trail[1:], book.filename]) if book else None,
            )
        if books:  # an export of the address book alone
            best = min(books, key=lambda i: i.filename.count("/"))
            return Source(read(best), "/".join([*trail[1:], best.filename]))
        nested = [i for i in files if i.filename.casefold().endswith(".zip")]
        if depth < _MAX_ZIP_DEPTH:
            for info in nested:
                try:
                    return _from_zip(path, read(info), [*trail, info.filename], depth + 1)
                except _NoContactsInZip:
                    continue
        if depth:
            raise _NoContactsInZip(names)
    shown = ", ".join(names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")
    raise ImportFormatError(
        path,
        f"this zip has no Connections.csv inside (it holds: {shown or 'nothing'})",
        hint="use the zip LinkedIn sends ('Get a copy of your data', with Connections "
        "ticked), or unzip it yourself and import the contacts file.",
    )


def _declared_encoding(data: bytes) -> tuple[str, str] | None:
    """The (codec, name) a byte-order mark declares, or None when there is none."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", "UTF-16"
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", "UTF-8"
    return None


def decode(path: Path, data: bytes, member: str | None = None) -> str:
    """Return the text of ``data``: UTF-8 or UTF-16 (with or without a byte-order mark), or
    the encoding charset-normalizer finds (Windows cp1252, Mac Roman, ...).

    ``member`` names the file inside a zip that ``data`` came from, for the messages.
    """
    the_file = f"{PurePosixPath(member).name} inside the zip" if member else "the file"
    if not data.strip(b" \t\r\n\x00" + codecs.BOM_UTF8):
        raise ImportFormatError(
            path, f"{the_file} is empty", hint="export your contacts again and import that file."
        )
    for magic, what, hint in _MAGIC:
        if data.startswith(magic):
            raise ImportFormatError(path, f"this is {what}, not a contacts export", hint=hint)
    not_text = ImportFormatError(
        path,
        "this is not a text file that coachkit can read (it looks binary)",
        hint="import LinkedIn's Connections.csv (or its zip), a Google Contacts CSV, "
        "a vCard (.vcf) or a CSV spreadsheet.",
    )
    declared = _declared_encoding(data)
    if declared is not None:
        codec, label = declared
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as exc:
            raise ImportFormatError(
                path,
                f"{the_file} says it is {label} but is damaged at byte {exc.start}",
                hint="export it again, or save it from a spreadsheet as 'CSV UTF-8'.",
            ) from exc
    elif b"\x00" in data[:65536]:
        text = utf16_without_bom(data)
        if text is None:
            raise not_text
    else:
        text = _decode_guess(data)
        if text is None:
            raise ImportFormatError(
                path,
                f"cannot tell which text encoding {the_file} uses",
                hint="open it in a spreadsheet and save it as 'CSV UTF-8', then import it again.",
            )
    sample = text[:65536]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n\f")
    if "\x00" in sample or controls > len(sample) // 200:
        raise not_text
    return text


# Spreadsheets in Western Europe and the Americas save cp1252 (Windows) or Mac Roman; when
# charset-normalizer finds them as plausible as a neighbour (cp1250 reads "Muñoz" as
# "Muńoz"), they win.
_PREFERRED = ("cp1252", "mac_roman")


def guess_encoding(data: bytes) -> str | None:
    """ "utf-8" if the bytes are UTF-8, else the codec charset-normalizer finds most
    plausible (cp1252 or Mac Roman when they are as plausible as a neighbour); None when
    nothing fits."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    from charset_normalizer import from_bytes  # imported here: UTF-8 files never need it

    matches = from_bytes(data)
    best = matches.best()
    if best is None:
        return None
    close = [m for m in matches if m.chaos <= best.chaos + 0.02]
    for preferred in _PREFERRED:
        for match in close:
            if match.encoding == preferred or preferred in match.could_be_from_charset:
                return preferred
    return best.encoding


def _decode_guess(data: bytes) -> str | None:
    encoding = guess_encoding(data)
    return None if encoding is None else data.decode(encoding, errors="replace")


def utf16_without_bom(data: bytes) -> str | None:
    """The text of UTF-16 bytes with no byte-order mark, told by where the NUL bytes fall
    (ASCII letters are ``x\x00`` in little-endian order); None if it is not that."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    for codec, zeros, other in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if zeros > half * 0.3 and other < zeros * 0.1:
            try:
                return data[: len(data) // 2 * 2].decode(codec)
            except UnicodeDecodeError:
                return None
    return None
