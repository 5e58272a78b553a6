"""The suite's own yardstick: the workbook comparison catches what it must catch."""

from __future__ import annotations

from pathlib import Path

import pytest

from coachkit import create_workbook, open_workbook

from ._support import state_of

pytestmark = pytest.mark.reliability


def test_the_state_comparison_sees_a_committed_change_and_refuses_an_open_wal(tmp_path: Path):
    folder = tmp_path / "wb"
    with create_workbook(folder) as wb:
        wb.add_contact("Léa")
    before = state_of(folder)
    assert state_of(folder) == before  # reading it changes nothing

    wb = open_workbook(folder)
    wb.update_contact(1, notes="x")
    # While a connection is open the change may sit in the WAL only: the comparison must
    # refuse to judge rather than compare a stale main file.
    with pytest.raises(AssertionError, match="left behind"):
        state_of(folder)
    wb.close()
    after = state_of(folder)
    assert after.dump != before.dump and after.digest != before.digest


def test_a_rolled_back_transaction_leaves_the_file_bytes_as_they_were(tmp_path: Path) -> None:
    folder = tmp_path / "wb"
    create_workbook(folder).close()
    before = state_of(folder)
    with open_workbook(folder) as wb:
        with pytest.raises(RuntimeError), wb.transaction():
            wb.add_contacts({"name": f"P{i}", "notes": "n" * 5000} for i in range(3000))
            raise RuntimeError("changed my mind")  # big enough to spill pages into the WAL
    assert state_of(folder) == before
