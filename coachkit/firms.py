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
_NON_WORD = re.compile(r"[^0-9a-z]+")


def fold_text(text: str) -> str:
    """Lower-case, strip accents and punctuation ("Zürich-Nord" becomes "zurich nord")."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", ascii_only.casefold().replace("&", " and ")).strip()


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
    # Drop legal suffixes from the end only, and never the whole name ("The Company").
    while len(words) > 1 and words[-1] in _LEGAL_SUFFIXES:
        words.pop()
    if len(words) > 1 and words[0] == "the":
        words.pop(0)
    return " ".join(words)


def person_key(name: str | None) -> str:
    """Return a folded person name for matching ("José  Díaz" and "jose diaz" agree)."""
    return fold_text(name or "")
