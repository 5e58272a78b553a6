"""Which workbook a page uses, and the card that shows it (the first cell of every notebook)."""

from __future__ import annotations

import html
import os
from pathlib import Path

import ipywidgets as widgets

from ..workbook import Workbook, create_workbook

__all__ = [
    "DEFAULT_WORKBOOK",
    "WorkbookCard",
    "chosen_workbook_file",
    "open_or_create",
    "resolve_workbook",
    "workbook_card",
]


class WorkbookCard(widgets.HTML):
    """A short card saying where the workbook lives and what it holds (``refresh()`` updates)."""

    def __init__(self, wb: Workbook) -> None:
        super().__init__()
        self.wb = wb
        self.add_class("coachkit-card")
        self.refresh()

    def refresh(self) -> None:
        """Count again (after an import, a new contact, new goals)."""
        with self.wb.snapshot():
            contacts = len(self.wb.contacts())
            goals = self.wb.goals
            name = self.wb.profile.name
        who = f" for {html.escape(name)}" if name else ""
        goal_text = "set" if not goals.is_empty() else "not set yet (notebook 02)"
        self.value = (
            '<div style="border-left:4px solid #1f77b4;padding:6px 12px">'
            f"<b>Your workbook{who}</b><br>"
            f"Folder: <code>{html.escape(str(self.wb.folder))}</code><br>"
            f"Contacts: {contacts} &middot; Goals: {goal_text}<br>"
            f"{_where_it_goes()}"
            "</div>"
        )


def _where_it_goes() -> str:
    """Say truthfully where a save goes: a laptop keeps it all; a workshop hub shares figures."""
    from ..workshop.participant import on_hub

    if on_hub():
        return (
            "Everything you save goes straight into this folder, in your own space on the "
            "workshop server, which only you can open: closing the tab loses nothing. Your "
            "coach's board receives figures only (how many contacts, whether your goals are "
            "set), never a name, an e-mail or a note."
        )
    return (
        "Everything you save goes straight into this folder, on your computer: closing "
        "the tab loses nothing, and nothing is sent anywhere."
    )


def workbook_card(wb: Workbook) -> WorkbookCard:
    """A short card saying where the workbook lives and what it holds."""
    return WorkbookCard(wb)


DEFAULT_WORKBOOK = "~/coachkit-workbook"


def chosen_workbook_file() -> Path:
    """Where notebook 01 remembers the folder a participant chose (``$XDG_CONFIG_HOME``)."""
    config = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(config) / "coachkit" / "workbook-folder"


def resolve_workbook(workbook: str | os.PathLike[str] = "") -> Path:
    """The workbook folder a notebook should use.

    The folder given (the notebook's ``workbook`` parameter or ``COACHKIT_WORKBOOK``) wins;
    without one, the folder chosen in notebook 01; without that, ``~/coachkit-workbook``.
    """
    if str(workbook).strip():
        return Path(str(workbook).strip()).expanduser()
    remembered = chosen_workbook_file()
    if remembered.is_file():
        text = remembered.read_text(encoding="utf-8").strip()
        if text:
            return Path(text).expanduser()
    return Path(DEFAULT_WORKBOOK).expanduser()


def open_or_create(workbook: str | os.PathLike[str] = "") -> Workbook:
    """Open the notebook's workbook (see :func:`resolve_workbook`), creating it if new."""
    return create_workbook(resolve_workbook(workbook), exist_ok=True)
