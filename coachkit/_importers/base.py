"""The one small interface every format's reader follows.

A reader is a module under ``coachkit/_importers/`` that defines ``READER``: its name, how a
person calls the format, ``detect(document)`` (is this file mine?) and
``read(document, mapping)`` (the people in it, and its problems, as a
:class:`~coachkit._importers.common.Parsed`). :mod:`~coachkit._importers.formats` lists the
readers in the order auto-detection tries them: a new format is one new module and one line
there.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .common import Parsed
from .sources import decode

__all__ = ["Document", "Reader"]


@dataclass
class Document:
    """A contacts file being imported: its bytes, and its text once decoded (cached)."""

    path: Path
    data: bytes
    member: str | None = None
    cache: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def text(self) -> str:
        """The decoded text (UTF-8, UTF-16, cp1252, Mac Roman...); raises ImportFormatError
        for a file that is not text."""
        if "text" not in self.cache:
            self.cache["text"] = decode(self.path, self.data, self.member)
        return self.cache["text"]


@dataclass(frozen=True)
class Reader:
    """One format: ``detect`` says whether a document is in it, ``read`` reads it."""

    name: str
    label: str
    detect: Callable[[Document], bool]
    read: Callable[[Document, Mapping[str, str] | None], Parsed]
    takes_mapping: bool = False
