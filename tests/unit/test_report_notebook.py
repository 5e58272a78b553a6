"""The report notebook as shipped, and the papermill engine's one-kernel-one-report rule."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from coachkit.report import notebook_path

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]


def test_the_report_notebook_ships_in_the_package_not_in_the_participants_tree() -> None:
    # coachkit/notebooks/ is the one copy (package data): in notebooks/ it showed up in a
    # participant's Voila and JupyterLab tree, where it fails without a week to report on.
    assert notebook_path().parent == ROOT / "coachkit" / "notebooks"
    assert notebook_path().is_file()
    assert not (ROOT / "notebooks" / "weekly_report.ipynb").exists()


def test_parameters_cell_is_tagged_and_plain() -> None:
    import papermill as pm

    params = pm.inspect_notebook(str(notebook_path()))
    assert {name: p["default"] for name, p in params.items()} == {
        "workbook": '""',
        "week": '""',
        "today": '""',
        "output_dir": '""',
    }


def test_notebook_is_thin_and_has_no_outputs_or_widgets() -> None:
    nb = nbformat.read(notebook_path(), as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    assert all(len(c.source.splitlines()) <= 20 for c in code)
    source = "\n".join(c.source for c in code)
    assert "ipywidgets" not in source
    assert "def " not in source  # logic lives in coachkit.report
    assert nb.metadata.kernelspec.name == "python3"


def test_engine_refuses_a_kernel_that_already_ran_a_report() -> None:
    from coachkit._warm import WarmEngine

    class UsedKernel:
        used = True

    with pytest.raises(RuntimeError, match="one report only"):
        WarmEngine.execute_managed_notebook(None, "python3", km=UsedKernel())


def test_engine_is_registered_with_papermill() -> None:
    from papermill.engines import papermill_engines

    from coachkit import _warm

    _warm.register()
    assert papermill_engines.get_engine("coachkit") is _warm.WarmEngine
