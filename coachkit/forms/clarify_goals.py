"""Notebook 02, clarify your goals: ranked industries, roles and locations."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

import ipywidgets as widgets

from .. import _widgets as ui
from ..errors import CoachkitError
from ..workbook import MAX_GOALS, Workbook
from ._base import _Errors, _Form, _lines, _Rollback
from ._page import join, on_page

__all__ = [
    "GoalsForm",
    "goals_form",
]


class GoalsForm(_Form):
    """Step 1: ranked target industries, roles and locations (one per line, best first)."""

    save_text = "Save my goals"
    _EXAMPLES: ClassVar[dict[str, str]] = {
        "industries": "Fintech\nHealthTech",
        "roles": "Product Manager\nOperations",
        "locations": "Paris\nRemote",
    }
    _TITLES: ClassVar[dict[str, tuple[str, str]]] = {
        "industries": ("Industries", "one per line, the one you want most first"),
        "roles": ("Roles or functions", "one per line, best first"),
        "locations": ("Locations", "one per line, best first ('Remote' is fine)"),
    }

    def __init__(self, wb: Workbook, refresh: Iterable[Any] = ()) -> None:
        super().__init__(wb, refresh)
        goals = wb.goals
        rows = []
        for kind, (title, help_text) in self._TITLES.items():
            area = widgets.Textarea(
                value="\n".join(getattr(goals, kind)),
                placeholder="e.g.\n" + self._EXAMPLES[kind],
                layout=widgets.Layout(width="95%", max_width="480px", height="7em"),
                continuous_update=False,  # checked when the person leaves the field
            )
            area.add_class(f"coachkit-goals-{kind}")
            area.observe(lambda _change, kind=kind: self.check(kind), names="value")
            setattr(self, kind, area)
            rows.append(self._row(kind, title, area, help_text))
        self.widget = widgets.VBox([*rows, self._footer()])

    def reload(self) -> None:
        super().reload()
        goals = self.wb.goals
        for kind in self._TITLES:
            getattr(self, kind).value = "\n".join(getattr(goals, kind))
        self.show_errors({})

    def check(self, kind: str) -> str:
        """Check one list as soon as it is typed, without saving; return the error shown.

        The workbook's own rules are applied in a transaction that is always rolled back, so
        the live check and the save can never disagree. An empty list is not flagged here:
        nobody should see red before they have started.
        """
        found = _Errors()
        items = _lines(getattr(self, kind).value)
        if len(items) > MAX_GOALS:
            found.add(kind, f"{len(items)} entries: keep the {MAX_GOALS} that matter most")
        try:
            with self.wb.transaction():
                with found.field(kind):
                    self.wb.set_goals(**{kind: items})
                raise _Rollback
        except _Rollback:
            pass
        except CoachkitError:
            return ""  # the workbook is busy: the save will tell
        message = found.get(kind, "")
        self.error_labels[kind].value = ui.error_html(message)
        if message:
            self.errors[kind] = message
        else:
            self.errors.pop(kind, None)
        return message

    industries: widgets.Textarea
    roles: widgets.Textarea
    locations: widgets.Textarea

    def _write(self, errors: _Errors) -> str:
        chosen = {kind: _lines(getattr(self, kind).value) for kind in self._TITLES}
        for kind, items in chosen.items():
            if not items:
                title = self._TITLES[kind][0].lower()
                errors.add(kind, f"add at least one (of {title}): you can change it any time")
            elif len(items) > MAX_GOALS:
                errors.add(
                    kind,
                    f"{len(items)} entries: keep the {MAX_GOALS} that matter most, best first",
                )
            with errors.field(kind):
                self.wb.set_goals(**{kind: items})
        ranked = " | ".join(", ".join(v) for v in chosen.values())
        return f"Goals saved: {ranked}. The mentor shortlist now follows them."


def goals_form(wb: Workbook | None = None, refresh: Iterable[Any] = ()) -> widgets.VBox:
    """The ranked goals (notebook 02)."""
    wb, page = on_page(wb)
    return join(page, GoalsForm(wb, refresh)).widget
