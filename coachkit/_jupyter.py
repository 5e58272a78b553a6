"""Keep the guided notebooks clean when JupyterLab saves them (a Jupyter server hook).

JupyterLab saves a notebook with its outputs, autosave included. For a guided notebook those
outputs are widget views whose models live only in the kernel that drew them: opened the
next day, each shows "Error displaying widget: model not found". Nothing in them is worth
keeping either, since every form writes to the workbook the moment it is saved. So when the
server saves a guided notebook (one whose metadata carries ``coachkit``), this hook drops its
outputs, execution counts and widget state; any other notebook is saved untouched.

``jupyter-config/jupyter_server_config.json`` in the repository sets it as
``ContentsManager.pre_save_hook``; start JupyterLab with ``JUPYTER_CONFIG_PATH=jupyter-config``
(docs/notebooks.md) for it to apply.
"""

from __future__ import annotations

from typing import Any

__all__ = ["GUIDED_KEY", "strip_guided_notebook"]

#: The notebook metadata key that marks a guided notebook.
GUIDED_KEY = "coachkit"


def strip_guided_notebook(model: dict[str, Any], **_context: Any) -> None:
    """Drop outputs, execution counts and widget state from a guided notebook being saved.

    Called by the Jupyter server as ``hook(model=..., path=..., contents_manager=...)``;
    ``model["content"]`` is the notebook as a dict, changed in place.
    """
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    notebook = model["content"]
    metadata = notebook.get("metadata") or {}
    if GUIDED_KEY not in metadata:
        return
    metadata.pop("widgets", None)
    for cell in notebook.get("cells") or []:
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
