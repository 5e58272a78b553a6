"""Getting the bytes and text of a contacts file: zips (nested too), encodings, bad files."""

from __future__ import annotations

import codecs
import io
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..errors import ImportFormatError

__all__ = ["Source", "decode", "read_source"]

_MAX_BYTES = 200 * 1024 * 1024  # a contacts export is a few MB; refuse anything absurd
_MAX_ZIP_DEPTH = 3


@dataclass
class Source:
    """The bytes of the contacts file, and where they came from."""

    data: bytes
    member: str | None = None  # "outer.zip/inner.zip/Connections.csv" style, for messages


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
        if connections:
            best = min(connections, key=lambda i: i.filename.count("/"))
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
    """Return the text of ``data``: UTF-8 (with or without BOM), UTF-16 with a BOM, or a
    Windows/Latin-1 file that decodes cleanly; anything else is an error.

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
    else:
        if b"\x00" in data[:65536]:
            raise not_text
        text = _decode_guess(data)
        if text is None:
            raise ImportFormatError(
                path,
                f"cannot tell which text encoding {the_file} uses (it is not UTF-8, "
                "UTF-16 or Windows/Latin-1)",
                hint="open it in a spreadsheet and save it as 'CSV UTF-8', then import it again.",
            )
    sample = text[:65536]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n\f")
    if "\x00" in sample or controls > len(sample) // 200:
        raise not_text
    return text


def _decode_guess(data: bytes) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for encoding in ("cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        # Latin-1 decodes any byte: only trust it when no C1 control characters appear.
        if not any("\x80" <= ch <= "\x9f" for ch in text):
            return text
    return None
