"""The guided notebooks: stored clean, and run top to bottom, unedited, on real workbooks.

* Every stored notebook carries no outputs and no execution counts, opens with coaching text
  and has a tagged ``parameters`` cell.
* nbval (``--nbval-lax``) runs all of them, in a pytest subprocess whose environment points
  the parameters cell at a fresh temporary workbook, then at a copy of the demo workbook; a
  cell that raises fails the run. Outputs are not compared (the stored notebooks have none):
  instead the tests assert what the runs did to the workbook.
* papermill runs the notebooks whose results matter most on the demo workbook, injecting the
  parameters, and the tests assert on what the views rendered (the widget state papermill
  stores in the executed notebook).
"""

from __future__ import annotations

import html
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import papermill
import pytest

from coachkit import open_workbook
from coachkit.mentors import rank_mentors
from coachkit.network import referral_tree
from coachkit.report import notebook_path

from .conftest import GUIDED, REPO, TODAY, notebook_env

pytestmark = pytest.mark.integration

EXPECTED = [
    "01_start_here.ipynb",
    "02_clarify_goals.ipynb",
    "03_find_mentors.ipynb",
    "04_build_schedule.ipynb",
    "05_set_targets.ipynb",
    "06_outreach_scripts.ipynb",
    "07_log_and_follow_up.ipynb",
    "08_my_weekly_report.ipynb",
]


def test_every_guided_notebook_is_there() -> None:
    assert [path.name for path in GUIDED] == EXPECTED


def test_the_participants_folder_holds_only_the_guided_notebooks() -> None:
    # The weekly report runs from the package (coachkit/notebooks/), not from a participant's
    # tree, where it would show up in Voila and JupyterLab and fail without a week.
    assert sorted(p.name for p in (REPO / "notebooks").glob("*.ipynb")) == EXPECTED


@pytest.mark.parametrize("path", GUIDED, ids=lambda p: p.stem)
def test_stored_notebook_is_clean_and_parameterised(path: Path) -> None:
    book = nbformat.read(path, as_version=4)
    nbformat.validate(book)
    code = [cell for cell in book.cells if cell.cell_type == "code"]
    assert all(cell.outputs == [] and cell.execution_count is None for cell in code), (
        f"{path.name} holds outputs: strip them (jupyter nbconvert --clear-output --inplace)"
    )
    assert book.cells[0].cell_type == "markdown" and book.cells[0].source.startswith("# ")
    tagged = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    assert 'workbook = os.environ.get("COACHKIT_WORKBOOK", "")' in tagged[0].source
    # Thin: markdown and a few calls into coachkit, no logic in the notebook.
    assert all(len(cell.source.splitlines()) <= 10 for cell in code)


REPORT = notebook_path()  # the report notebook, as the package ships it


def run_nbval(workbook: Path) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable, "-m", "pytest", "--nbval-lax", "--nbval-kernel-name", "python3",
        "--nbval-cell-timeout", "120", "-p", "no:cacheprovider", "-v",
        *[str(path) for path in GUIDED],
        str(REPORT),  # last: on a fresh workbook, notebook 01 creates it first
    ]  # fmt: skip
    return subprocess.run(
        command,
        cwd=REPO,
        env=notebook_env(workbook),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_nbval_runs_every_notebook_on_a_fresh_workbook(tmp_path: Path) -> None:
    workbook = tmp_path / "fresh" / "workbook"
    result = run_nbval(workbook)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and "failed" not in result.stdout
    assert "weekly_report::ipynb::Cell 6 PASSED" in result.stdout  # the report ran to the end
    with open_workbook(workbook) as wb:  # created by the first notebook, then reused
        assert wb.contacts().empty
        assert wb.goals.is_empty()
        assert [t.metric for t in wb.targets] == ["new_contacts", "calls", "meetings"]


def test_nbval_runs_every_notebook_on_the_demo_workbook(demo_workbook: Path) -> None:
    with open_workbook(demo_workbook) as wb:
        before = (len(wb.contacts()), len(wb.activities()), wb.goals)
    result = run_nbval(demo_workbook)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    with open_workbook(demo_workbook) as wb:  # showing the forms and views writes nothing
        assert (len(wb.contacts()), len(wb.activities()), wb.goals) == before


def widget_texts(book: nbformat.NotebookNode) -> str:
    """Every text a widget displayed in an executed notebook (from the stored widget state)."""
    state = book.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    values = [
        model["state"].get(key) for model in state.values() for key in ("value", "description")
    ]
    return html.unescape("\n".join(v for v in values if isinstance(v, str)))


def run_papermill(name: str, workbook: Path, tmp_path: Path) -> str:
    output = tmp_path / name
    papermill.execute_notebook(
        str(REPO / "notebooks" / name),
        str(output),
        parameters={"workbook": str(workbook), "today": TODAY.isoformat()},
        kernel_name="python3",
        execution_timeout=120,
        progress_bar=False,
        cwd=str(tmp_path),
    )
    book = nbformat.read(output, as_version=4)
    injected = [c for c in book.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and json.dumps(str(workbook)) in injected[0].source
    return widget_texts(book)


def test_papermill_mentors_notebook_shows_the_shortlist(
    demo_workbook: Path, tmp_path: Path
) -> None:
    shown = run_papermill("03_find_mentors.ipynb", demo_workbook, tmp_path)
    with open_workbook(demo_workbook) as wb:
        top = rank_mentors(wb, limit=3)
    for name, reason in zip(top["name"], top["reason"], strict=True):
        assert name in shown and reason in shown
    assert "Your workbook for" in shown


def test_papermill_targets_notebook_shows_progress(demo_workbook: Path, tmp_path: Path) -> None:
    shown = run_papermill("05_set_targets.ipynb", demo_workbook, tmp_path)
    assert "Your progress in 2026-W48" in shown
    assert "new contacts" in shown and "meetings" in shown


def test_papermill_log_notebook_shows_follow_ups_and_referrals(
    demo_workbook: Path, tmp_path: Path
) -> None:
    shown = run_papermill("07_log_and_follow_up.ipynb", demo_workbook, tmp_path)
    with open_workbook(demo_workbook) as wb:
        tree = referral_tree(wb)
    referred = tree[tree["referred_by"].notna()]
    assert len(referred) > 0
    assert all(name in shown for name in referred["name"])
    assert "Save to my log" in shown
