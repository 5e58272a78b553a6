"""`coachkit mentors WB | head`: a reader that stops early ends the command quietly."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from coachkit.cli import CLOSED_PIPE_EXIT
from coachkit.demo import build_demo_workbook

pytestmark = pytest.mark.functional


def run_into_closed_pipe(args: list[str]) -> subprocess.CompletedProcess[bytes]:
    """Run ``coachkit ARGS`` with stdout a pipe nobody reads any more (``head`` has exited).

    The read end is closed before the command starts, so its first write fails with EPIPE
    every time (with ``| head`` it depends on timing: the tests must not).
    """
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return subprocess.run(
            [sys.executable, "-c", "import sys; from coachkit.cli import main; sys.exit(main())",
             *args],
            stdout=write_end, stderr=subprocess.PIPE, timeout=120, check=False,
        )  # fmt: skip
    finally:
        os.close(write_end)


def test_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    workbook = tmp_path / "wb"
    build_demo_workbook(workbook, "on_track", dt.date(2026, 11, 25)).close()
    result = run_into_closed_pipe(["mentors", str(workbook)])
    assert result.stderr == b""  # no "Broken pipe", no "check the path exists", no traceback
    assert result.returncode == CLOSED_PIPE_EXIT == 141


def test_with_a_reader_the_same_command_succeeds(tmp_path: Path) -> None:
    workbook = tmp_path / "wb"
    build_demo_workbook(workbook, "on_track", dt.date(2026, 11, 25)).close()
    result = subprocess.run(
        [sys.executable, "-m", "coachkit.cli", "mentors", str(workbook)],
        capture_output=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0 and result.stdout.strip()
