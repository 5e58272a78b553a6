"""The Jupyter server hook that keeps guided notebooks free of widget outputs and state."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from coachkit._jupyter import strip_guided_notebook

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[2]


def saved_model(guided: bool) -> dict:
    """What JupyterLab sends on save after Run All: widget views as outputs, widget state."""
    view = {"model_id": "4f2a", "version_major": 2, "version_minor": 0}
    book = nbformat.v4.new_notebook()
    book.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    if guided:
        book.metadata["coachkit"] = {"guided": True}
    cell = nbformat.v4.new_code_cell("from coachkit import forms\n\nforms.goals_form()")
    cell.execution_count = 3
    cell.outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={"application/vnd.jupyter.widget-view+json": view, "text/plain": "VBox()"},
        )
    ]
    book.cells = [nbformat.v4.new_markdown_cell("# 2"), cell]
    return {"type": "notebook", "format": "json", "content": json.loads(nbformat.writes(book))}


def test_a_guided_notebook_is_saved_without_outputs_counts_or_widget_state() -> None:
    model = saved_model(guided=True)
    strip_guided_notebook(model=model, path="notebooks/02.ipynb", contents_manager=None)
    book = model["content"]
    assert "widgets" not in book["metadata"]
    assert book["cells"][1]["outputs"] == [] and book["cells"][1]["execution_count"] is None
    assert book["cells"][0]["source"] == ["# 2"]  # the text cell is kept
    nbformat.validate(nbformat.from_dict(book))  # still a valid notebook for nbformat


def test_any_other_notebook_is_saved_untouched() -> None:
    model = saved_model(guided=False)
    before = json.dumps(model, sort_keys=True)
    strip_guided_notebook(model=model, path="mine.ipynb", contents_manager=None)
    assert json.dumps(model, sort_keys=True) == before
    text = {"type": "file", "format": "text", "content": "hello"}
    strip_guided_notebook(model=text, path="notes.txt", contents_manager=None)
    assert text["content"] == "hello"


def test_every_guided_notebook_is_marked_and_the_hook_is_configured() -> None:
    for path in sorted((REPO / "notebooks").glob("0[1-8]_*.ipynb")):
        assert json.loads(path.read_text(encoding="utf-8"))["metadata"]["coachkit"]["guided"]
    config = json.loads((REPO / "jupyter-config/jupyter_server_config.json").read_text())
    hook = config["ContentsManager"]["pre_save_hook"]
    module, name = hook.rsplit(".", 1)
    assert getattr(__import__(module, fromlist=[name]), name) is strip_guided_notebook
