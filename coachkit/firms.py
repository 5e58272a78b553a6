"""Firm names: one firm, however a contact export spells it."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["firm_key", "fold_text", "person_key"]

# Legal-form suffixes that do not change which firm is meant ("Stripe, Inc." is "Stripe").
_LEGAL_SUFFIXES = {
    "inc", "incorporated", "llc", "llp", "lp", "ltd", "limited", "plc", "corp", "corporation",
    "co", "company", "gmbh", "ag", "sa", "sas", "sarl", "bv", "nv", "srl", "spa", "ab", "oy",
    "as", "pty", "pte", "kk", "kg", "se", "group", "holdings",
}  # fmt: skip
# Any run of non-letters and non-digits (Unicode-aware: Cyrillic or CJK names must not fold to "").
_NON_WORD = re.compile(r"[\W_]+")


def fold_text(text: str) -> str:
    """Lower-case, strip accents and punctuation ("Zürich-Nord" becomes "zurich nord")."""
    if not text.isascii():  # most names are ASCII: skip the costly decomposition
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", text.casefold().replace("&", " and ")).strip()


def firm_key(name: str | None) -> str:
    """Return the key under which a firm name is stored, so spellings of one firm agree.

    Parameters
    ----------
    name
        A firm name as typed or exported, e.g. ``"Stripe, Inc."``.

    Returns
    -------
    str
        The folded key (``"stripe"``); empty for an empty or missing name.

    Examples
    --------
    >>> firm_key("Stripe, Inc.") == firm_key("stripe") == "stripe"
    True
    >>> firm_key("Doctolib SAS")
    'doctolib'
    """
    if not name:
        return ""
    words = fold_text(name).split()
    # Drop a leading "the", then legal suffixes from the end only, never the whole name.
    if len(words) > 1 and words[0] == "the":
        words.pop(0)
    while len(words) > 1 and words[-1] in _LEGAL_SUFFIXES:
        words.pop()
    return " ".join(words)


def person_key(name: str | None) -> str:
    """Return a folded person name for matching ("José  Díaz" and "jose diaz" agree)."""
    return fold_text(name or "")
