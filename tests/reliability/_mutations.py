"""Mutations of real contact exports, for the bad-input tests (hypothesis strategies)."""

from __future__ import annotations

import io
import zipfile

from hypothesis import strategies as st

from tests.samples import DATA, SHEET_MAPPING

__all__ = ["DATA", "SEEDS", "mutated_export", "zipped"]


#: format -> (seed files, the arguments import_contacts takes for them)
SEEDS: dict[str, tuple[tuple[str, ...], dict]] = {
    "linkedin": (("linkedin_connections.csv", "linkedin_old_header.csv"), {"format": "linkedin"}),
    "google": (("google_contacts.csv", "google_contacts_old.csv"), {"format": "google"}),
    "vcard": (("contacts_v3.vcf", "contacts_v4.vcf"), {"format": "vcard"}),
    "csv": (("spreadsheet.csv",), {"mapping": SHEET_MAPPING}),
    "auto": (
        (
            "linkedin_connections.csv",
            "google_contacts_old.csv",
            "contacts_v4.vcf",
            "linkedin_old_header.csv",
        ),
        {},
    ),
}

ENCODINGS = ("latin-1", "cp1252", "utf-16", "utf-16-be", "utf-32", "shift_jis", "cp037", "ascii")


def zipped(data: bytes, member: str = "Connections.csv") -> bytes:
    """Return ``data`` as the single member of a zip (as LinkedIn sends it)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(member, data)
    return buffer.getvalue()


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True)


@st.composite
def _mutate(draw, data: bytes) -> tuple[str, bytes]:
    kind = draw(
        st.sampled_from(
            (
                "truncate",
                "encoding",
                "binary",
                "huge field",
                "drop column",
                "extra column",
                "shuffle lines",
                "zip",
                "random bytes in zip",
                "zip header field",
                "random",
                "empty lines",
            )
        )
    )
    lines = _lines(data)
    if kind == "truncate":
        return kind, data[: draw(st.integers(0, len(data)))]
    if kind == "encoding":
        codec = draw(st.sampled_from(ENCODINGS))
        return kind, data.decode("utf-8", "replace").encode(codec, "replace")
    if kind == "binary":
        at = draw(st.integers(0, len(data)))
        return kind, data[:at] + draw(st.binary(min_size=1, max_size=64)) + data[at:]
    if kind == "huge field":
        at = draw(st.integers(0, len(data)))
        size = draw(st.sampled_from((10_000, 100_000, 2_000_000)))
        filler = draw(st.sampled_from((b"x", b",", b'"', b"\n", b"\xe9", b"=")))
        return kind, data[:at] + filler * size + data[at:]
    if kind in ("drop column", "extra column"):
        column = draw(st.integers(0, 8))
        out = []
        for line in lines:
            cells = line.rstrip(b"\r\n").split(b",")
            ending = line[len(line.rstrip(b"\r\n")) :]
            if kind == "drop column" and column < len(cells):
                del cells[column]
            elif kind == "extra column":
                cells.insert(min(column, len(cells)), draw(st.binary(max_size=12)))
            out.append(b",".join(cells) + ending)
        return kind, b"".join(out)
    if kind == "shuffle lines":
        return kind, b"".join(draw(st.permutations(lines))) if lines else data
    if kind == "zip":
        member = draw(st.sampled_from(("Connections.csv", "contacts.vcf", "x/../../evil.csv")))
        inner = zipped(data, member)
        return kind, zipped(inner, "inner.zip") if draw(st.booleans()) else inner
    if kind == "random bytes in zip":
        archive = bytearray(zipped(data))
        for _ in range(draw(st.integers(1, 8))):
            archive[draw(st.integers(0, len(archive) - 1))] = draw(st.integers(0, 255))
        return kind, bytes(archive)
    if kind == "zip header field":
        # One field of the zip's headers set to any value: version, flags, compression,
        # sizes, name length, offset (local header at 0, central directory entry after).
        archive = bytearray(zipped(data))
        central = archive.find(b"PK\x01\x02")
        offset = draw(
            st.sampled_from(
                (4, 6, 8, 18, 22, 26, *(central + k for k in (4, 6, 8, 10, 20, 24, 28, 30, 42)))
            )
        )
        width = 4 if offset in (18, 22, central + 20, central + 24, central + 42) else 2
        value = draw(st.integers(0, 256**width - 1))
        archive[offset : offset + width] = value.to_bytes(width, "little")
        return kind, bytes(archive)
    if kind == "empty lines":
        at = draw(st.integers(0, len(lines)))
        filler = draw(st.sampled_from((b"\n", b",,,,,,\n", b'"\n', b"\r", b"\x00\n")))
        return kind, b"".join(lines[:at]) + filler * draw(st.integers(1, 50)) + b"".join(lines[at:])
    return kind, draw(st.binary(max_size=2000))


@st.composite
def mutated_export(draw, fmt: str) -> tuple[str, str, bytes]:
    """Draw ``(seed name, mutation kind, bytes)`` from a real export of format ``fmt``.

    One or two mutations are stacked.
    """
    seed = draw(st.sampled_from(SEEDS[fmt][0]))
    data = (DATA / seed).read_bytes()
    kinds = []
    for _ in range(draw(st.integers(1, 2))):
        kind, data = draw(_mutate(data))
        kinds.append(kind)
    return seed, "+".join(kinds), data
