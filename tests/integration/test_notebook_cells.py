"""JupyterLab, cell by cell: every code cell of a guided notebook runs on its own.

After a kernel restart a participant may run just the form they need. Each cell is run here
in a kernel whose names were all cleared first (``%reset -f``) and whose coachkit page was
forgotten, as after a restart: no cell may need a name another cell defined.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from jupyter_client.manager import start_new_kernel

from coachkit import open_workbook

from .conftest import GUIDED, notebook_env

pytestmark = pytest.mark.integration

FORGET = "%reset -f\nimport coachkit.forms._page as _p\n_p._current = None\ndel _p"


def _run(client, code: str) -> list[dict]:
    """Execute ``code``; return the error outputs it produced."""
    errors: list[dict] = []

    def collect(msg: dict) -> None:
        if msg["msg_type"] == "error":
            errors.append(msg["content"])

    reply = client.execute_interactive(code, timeout=120, output_hook=collect)
    if reply["content"]["status"] != "ok" and not errors:
        errors.append(reply["content"])
    return errors


@pytest.mark.parametrize("notebook", GUIDED, ids=[p.stem for p in GUIDED])
def test_each_code_cell_runs_alone_after_a_restart(
    notebook: Path, demo_workbook: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = nbformat.read(notebook, as_version=4)
    code = [c for c in book.cells if c.cell_type == "code"]
    assert all(c.metadata.get("jupyter", {}).get("source_hidden") for c in code)
    for key, value in notebook_env(demo_workbook).items():
        monkeypatch.setenv(key, value)
    manager, client = start_new_kernel(kernel_name="python3")
    try:
        for cell in reversed(code):  # the last cell first: nothing ran before it
            assert _run(client, FORGET) == []
            errors = _run(client, cell.source)
            assert errors == [], f"{notebook.name}: {cell.source!r} failed alone: {errors}"
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    with open_workbook(demo_workbook) as wb:  # the cells used the notebook's workbook
        assert wb.profile.name
