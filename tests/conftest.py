"""Shared fixtures: fresh workbooks in temporary folders, and a fixed 'today'."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from coachkit import Workbook, create_workbook

# Reports and tests never call today(): this is the day the suite pretends it is
# (a Wednesday in ISO week 2026-W48).
TODAY = dt.date(2026, 11, 25)


@pytest.fixture
def today() -> dt.date:
    """The fixed date the tests treat as today."""
    return TODAY


@pytest.fixture
def workbook(tmp_path: Path) -> Iterator[Workbook]:
    """A new, empty workbook for one participant."""
    with create_workbook(tmp_path / "workbook", name="Test Participant") as wb:
        yield wb
