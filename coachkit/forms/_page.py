"""One notebook page: its workbook, its "today", and every form and view shown on it.

The first code cell of a notebook opens the page (:func:`open_page`); every later cell calls
``forms.goals_form()`` and the like without arguments, so each cell can run on its own (after
a kernel restart, a participant may run just the cell they need: the page then opens itself
with the notebook's defaults). The page ties its forms and views together:

* after any form saves, every view and the workbook card on the page refresh;
* when notebook 01 switches to another workbook folder, every form and view on the page
  follows at once, so Save and Import write into the folder the card shows.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import ipywidgets as widgets

from ..errors import ValidationError
from ..workbook import Workbook
from ._base import _Form
from ._workbook import WorkbookCard, open_or_create

__all__ = ["Page", "current_page", "join", "on_page", "on_page_today", "open_page"]

_current: Page | None = None


class Page(widgets.VBox):
    """The page's workbook card (what the first cell shows) and the members that follow it."""

    def __init__(self, wb: Workbook, today: dt.date) -> None:
        self.wb = wb
        self.today = today
        self.card = WorkbookCard(wb)
        self.members: list[Any] = []
        super().__init__([self.card])

    def add(self, member: Any) -> Any:
        """Let ``member`` (a form or a view) follow the page; return it."""
        self.members.append(member)
        if isinstance(member, _Form):
            member.on_saved.append(self.refresh)
        for hook in ("on_switched", "on_changed"):
            hooks = getattr(member, hook, None)
            if hooks is not None:
                hooks.append(self.switch if hook == "on_switched" else self.refresh)
        return member

    def refresh(self) -> None:
        """Redraw the card and every view (after a form wrote to the workbook)."""
        self.card.refresh()
        for member in self.members:
            if not isinstance(member, _Form) and hasattr(member, "refresh"):
                member.refresh()

    def switch(self, wb: Workbook) -> None:
        """Make every form and view of the page use ``wb`` (the folder chosen in 01)."""
        self.wb = self.card.wb = wb
        self.card.refresh()
        for member in self.members:
            if member.wb is wb:
                continue  # the form that made the switch
            member.wb = wb
            if isinstance(member, _Form):
                member.reload()
            else:
                member.refresh()


def _today(today: str | dt.date) -> dt.date:
    if isinstance(today, dt.date):
        return today
    text = str(today).strip()
    if not text:
        return dt.date.today()  # the page's one clock read: "today" left empty means now
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            "today", f"{text!r} is not a date", hint="write it as YYYY-MM-DD, or leave it empty."
        ) from None


def open_page(
    workbook: str | os.PathLike[str] | None = None, today: str | dt.date | None = None
) -> Page:
    """Open the notebook's workbook (created if new) and make it the page of later cells.

    Parameters
    ----------
    workbook
        The workbook folder; empty: the folder chosen in notebook 01, else
        ``~/coachkit-workbook`` (see :func:`resolve_workbook`). None: the notebook's
        default, ``COACHKIT_WORKBOOK`` (empty when unset).
    today
        ``YYYY-MM-DD`` or a date; empty means the real date. None: the notebook's default,
        ``COACHKIT_TODAY`` (empty when unset).

    Returns
    -------
    Page
        A widget showing the workbook card; forms made without a workbook join it.
    """
    global _current
    _wait_for_voila_request()
    if workbook is None:
        workbook = os.environ.get("COACHKIT_WORKBOOK", "")
    if today is None:
        today = os.environ.get("COACHKIT_TODAY", "")
    _current = Page(open_or_create(workbook), _today(today))
    return _current


def _wait_for_voila_request() -> None:
    """In a kernel Voilà preheated, wait here until a participant asks for the page.

    With ``--VoilaConfiguration.preheat_kernel=True`` Voilà starts a kernel and runs the
    notebook before anyone asks for it, so the page opens without waiting for Python,
    pandas and coachkit to start. Everything that reads the workbook (or the date) must
    still happen when the page is asked for, or it would show the workbook as it was when
    the kernel was preheated: the page opens after this call. Elsewhere it returns at once.
    """
    if os.environ.get("VOILA_PREHEAT", "False") != "True":
        return
    from voila.utils import wait_for_request

    wait_for_request()


def current_page() -> Page:
    """The page opened last; without one, open it with the notebook defaults.

    The defaults are the parameters cell's (``COACHKIT_WORKBOOK`` and ``COACHKIT_TODAY``),
    so a cell run on its own after a restart shows the same page.
    """
    return _current if _current is not None else open_page()


def on_page(wb: Workbook | None) -> tuple[Workbook, Page | None]:
    """The workbook a form should use, and the page it joins (None when ``wb`` is given)."""
    if wb is not None:
        return wb, None
    page = current_page()
    return page.wb, page


def on_page_today(
    wb: Workbook | None, today: dt.date | None
) -> tuple[Workbook, dt.date, Page | None]:
    """Like :func:`on_page`, with the page's "today" unless one is given."""
    wb, page = on_page(wb)
    if today is None:
        if page is None:
            raise TypeError("pass today with the workbook (nothing here reads the clock)")
        today = page.today
    return wb, today, page


def join(page: Page | None, member: Any) -> Any:
    """Add ``member`` to ``page`` (when there is one); return it."""
    return member if page is None else page.add(member)
