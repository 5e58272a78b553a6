"""Folding names so spellings of one firm or person agree, in any script."""

from __future__ import annotations

import pytest

from coachkit.firms import firm_key, fold_text, person_key

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("spelling", "key"),
    [
        ("Stripe, Inc.", "stripe"),
        ("STRIPE", "stripe"),
        ("Doctolib SAS", "doctolib"),
        ("The Boston Consulting Group", "boston consulting"),
        ("AT&T Inc.", "at and t"),
        ("The Company", "company"),
        ("Inc.", "inc"),
        ("  ", ""),
    ],
)
def test_firm_spellings(spelling, key):
    assert firm_key(spelling) == key


def test_names_in_any_script_keep_their_letters():
    assert fold_text("Zürich-Nord") == "zurich nord"
    assert person_key("王伟") == "王伟"
    assert person_key("Иван Петров") != person_key("Пётр Иванов")
    assert firm_key("Яндекс ООО") == "яндекс ооо"
    assert firm_key("AT&T Inc.") == "at and t"
