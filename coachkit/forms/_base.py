"""The machinery every form and view shares: field rows, errors under their fields, one save.

Private to :mod:`coachkit.forms`: each notebook step's module builds its forms on
:class:`_Form` (input widgets, a save button, a status line, one transaction per save) and its
results panels on :class:`_View` (a heading, a chart, a table, ``refresh()``).
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar

import ipywidgets as widgets
import pandas as pd

from .. import _widgets as ui
from ..errors import CoachkitError, ValidationError
from ..workbook import Workbook

__all__ = [
    "_EMAIL",
    "_NO_DATE",
    "_TALL",
    "_WIDE",
    "_Errors",
    "_Form",
    "_Rollback",
    "_View",
    "_already_logged",
    "_contact_options",
    "_escape",
    "_explain",
    "_label",
    "_lines",
    "_sentence",
    "_week_of",
    "_write_private",
]

_WIDE = widgets.Layout(width="95%", max_width="640px")

_TALL = widgets.Layout(width="95%", max_width="640px", height="8em")

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class _Rollback(Exception):
    """Raised inside a transaction to undo it when any field was refused."""


def _explain(exc: CoachkitError) -> str:
    """The words to show next to a field: the reason, then what to do."""
    text = exc.reason if isinstance(exc, ValidationError) else exc.message
    hint = (exc.hint or "").strip().rstrip(".")  # "(write it as HH:MM)", not "(... HH:MM.)"
    return f"{text} ({hint})" if hint else text


def _sentence(text: str) -> str:
    """``text`` ended by one full stop ("Saved Stripe, Inc.", never "Inc..")."""
    text = text.rstrip()
    return text if text.endswith((".", "!", "?")) else text + "."


#: Shown under a date left empty: a browser also empties a date that does not exist.
_NO_DATE = "no date: pick one (a day that does not exist, such as 30 February, is left empty)"


def _label(title: str, help_text: str = "") -> widgets.HTML:
    extra = f' <span style="color:#666">{html.escape(help_text)}</span>' if help_text else ""
    return widgets.HTML(f"<b>{html.escape(title)}</b>{extra}")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _escape(text: object) -> str:
    return html.escape(str(text))


class _Form:
    """What every form shares: field rows with error labels, a save button, a status line."""

    save_text = "Save"
    #: A second click on an unchanged form within this many seconds of a successful save is
    #: the same click twice (a double-click arrives as two clicks): it writes nothing again.
    repeat_window = 3.0
    _clock: ClassVar[Callable[[], float]] = staticmethod(time.monotonic)

    def __init__(self, wb: Workbook, refresh: Iterable[Any] = ()) -> None:
        self.wb = wb
        self.widget: widgets.Box = widgets.VBox()
        self._busy = False
        self._last_save: tuple[float, tuple[Any, ...], str] | None = None
        self._message = ""
        self.errors: dict[str, str] = {}
        self.error_labels: dict[str, widgets.HTML] = {}
        self.on_saved: list[Callable[[], None]] = [view.refresh for view in refresh]
        self.save_button = widgets.Button(
            description=self.save_text,
            button_style="primary",
            icon="check",
            layout=widgets.Layout(width="auto"),
        )
        self.save_button.on_click(lambda _button: self.save())
        self.status = widgets.HTML()
        self.status.add_class("coachkit-status")
        self._aliases: dict[str, str] = {}

    # -- layout ---------------------------------------------------------------------------------
    def _row(
        self, name: str, title: str, widget: widgets.Widget, help_text: str = ""
    ) -> widgets.VBox:
        """A field: its title, the input, and the (usually empty) red error line under it."""
        error = widgets.HTML()
        error.add_class("coachkit-error-label")
        self.error_labels[name] = error
        row = widgets.VBox([_label(title, help_text), widget, error])
        row.add_class(f"coachkit-field-{name}")  # for a browser (and its tests) to find it
        return row

    def _footer(self) -> widgets.VBox:
        self.error_labels.setdefault("form", widgets.HTML())
        return widgets.VBox(
            [widgets.HBox([self.save_button]), self.error_labels["form"], self.status]
        )

    # -- saving ---------------------------------------------------------------------------------
    def _write(self, errors: _Errors) -> str:
        """Validate and write every field (inside a transaction); return a success message."""
        raise NotImplementedError

    def _where(self, field: str) -> str:
        field = self._aliases.get(field, field)
        return field if field in self.error_labels else "form"

    def save(self) -> bool:
        """Validate the form and write it to the workbook in one transaction.

        The save button is disabled while it saves. A click on an unchanged form right after
        a successful save (a double-click) writes nothing and says so.

        Returns
        -------
        bool
            True when saved (or already saved by the click just before); False when a field
            was refused (then nothing was written, and each refused field shows why in red
            right under it).
        """
        if self._busy:
            return False
        values = self.values()
        last = self._last_save
        if last is not None and last[1] == values and self._clock() - last[0] < self.repeat_window:
            self.status.value = ui.ok_html(f"Already saved: {last[2]}")
            return True
        self._busy = True
        self.save_button.disabled = True
        try:
            saved = self._save_once()
        finally:
            self.save_button.disabled = False
            self._busy = False
        self._last_save = (self._clock(), self.values(), self._message) if saved else None
        return saved

    def values(self) -> tuple[Any, ...]:
        """What the person has entered in every input of the form, in screen order."""
        return tuple(_input_value(w) for w in _inputs(self.widget))

    def _after_save(self) -> None:
        """Bring the form up to date after a successful save (before the views refresh)."""

    def reload(self) -> None:
        """Show the values of ``self.wb`` again (after the page switched workbooks)."""
        self._last_save = None
        self.status.value = ""
        self.show_errors({})

    def _save_once(self) -> bool:
        errors = _Errors()
        message = ""
        try:
            with self.wb.transaction():
                message = self._write(errors)
                if errors:
                    raise _Rollback
        except _Rollback:
            pass
        except ValidationError as exc:
            errors.add(exc.field, _explain(exc))
        except CoachkitError as exc:
            errors.add("form", _explain(exc))
        except OSError as exc:  # a full disk or a folder made read-only: say so, calmly
            where = exc.filename or self.wb.folder
            errors.add("form", f"could not write to {where}: {exc.strerror or exc}")
        self.show_errors({self._where(f): m for f, m in errors.items()})
        if self.errors:
            self.status.value = ui.error_html(
                "Nothing was saved yet: please fix what is marked in red, then save again."
            )
            return False
        self._message = message or "Saved to your workbook."
        self._after_save()
        self.status.value = ui.ok_html(self._message)
        for callback in self.on_saved:
            callback()
        self._publish()
        return True

    def _publish(self) -> None:
        """On a workshop hub, send the workbook's figures to the coach's board (never waits)."""
        from ..workshop.participant import publish_after_save

        publish_after_save(self.wb, getattr(self, "today", None))

    def show_errors(self, errors: dict[str, str]) -> None:
        """Put each message under its field and clear the other fields' messages."""
        self.errors = dict(errors)
        for name, label in self.error_labels.items():
            label.value = ui.error_html(errors.get(name, ""))


_OUTPUTS = (widgets.HTML, widgets.HTMLMath, widgets.Label, widgets.Image, widgets.Output)


def _inputs(root: widgets.Widget) -> list[widgets.Widget]:
    """Every input widget under ``root`` (depth first), leaving out the ones that only show."""
    found: list[widgets.Widget] = []
    stack = [root]
    while stack:
        widget = stack.pop(0)
        if isinstance(widget, widgets.Box):
            stack[:0] = list(widget.children)
        elif isinstance(widget, widgets.ValueWidget) and not isinstance(widget, _OUTPUTS):
            found.append(widget)
    return found


def _input_value(widget: widgets.Widget) -> Any:
    if isinstance(widget, widgets.FileUpload):  # the files' identity, not their bytes
        return tuple((f.get("name"), f.get("size"), f.get("last_modified")) for f in widget.value)
    return widget.value


class _Errors(dict[str, str]):
    """Field -> message, collecting several refusals in one save (the first per field wins)."""

    def add(self, field: str, message: str) -> None:
        self.setdefault(field, message)

    @contextmanager
    def field(self, name: str | None = None) -> Iterator[None]:
        """Catch a refusal of one field and record it (under ``name`` or the error's field)."""
        try:
            yield
        except ValidationError as exc:
            self.add(name or exc.field, _explain(exc))
        except CoachkitError as exc:
            self.add(name or "form", _explain(exc))


class _View(widgets.VBox):
    """A results panel: a heading, a table and a chart, rebuilt by ``refresh()``."""

    def __init__(self, wb: Workbook, title: str) -> None:
        self.wb = wb
        self.heading = widgets.HTML(f"<h4 style='margin:8px 0 4px'>{title}</h4>")
        self.table = widgets.HTML()
        self.table.add_class("coachkit-view-table")
        self.chart = widgets.Image(format="png")
        self.chart.layout.max_width = "760px"
        self.chart.layout.display = "none"
        super().__init__([self.heading, self.chart, self.table])

    def _show_chart(self, figure: Any | None) -> None:
        if figure is None:
            self.chart.value = b""
            self.chart.layout.display = "none"
        else:
            self.chart.value = ui.figure_png(figure)
            self.chart.layout.display = ""

    def _title(self, text: str) -> None:
        self.heading.value = f"<h4 style='margin:8px 0 4px'>{html.escape(text)}</h4>"

    def refresh(self) -> None:  # pragma: no cover - every view overrides it
        raise NotImplementedError


def _already_logged(
    wb: Workbook, contact_id: int | None, kind: str, day: dt.date | None, outcome: str | None
) -> str:
    """Why logging this would repeat the contact's last entry ("" when it would not).

    The same activity (contact, kind, date, outcome) twice in a row is a double-click or a
    second try, never two events worth counting: the targets would count it twice.
    """
    if contact_id is None or day is None:
        return ""
    logged = wb.activities(contact_id)
    logged = logged[logged["kind"] != "referral"]  # names given follow their conversation
    if logged.empty:
        return ""
    last = logged.sort_values("id").iloc[-1]
    last_outcome = None if pd.isna(last["outcome"]) else str(last["outcome"])
    if last["kind"] != kind or last["date"].date() != day or last_outcome != outcome:
        return ""
    what = kind if outcome is None else f"{kind} ({outcome.replace('_', ' ')})"
    return (
        f"already logged: {what} with {last['contact']} on {day:%d %B %Y} is the last entry "
        "for them, so nothing was added. If it was a mistake, remove it under "
        "'Your recent log' in notebook 07."
    )


def _week_of(wb: Workbook, today: dt.date) -> str:
    from ..weeks import week_label

    return week_label(today, wb.profile.week_start)


def _write_private(path: Path, text: str) -> None:
    """Write a file readable only by its owner, replacing the old one in one step."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = path.with_name(path.name + ".partial")
    fd = os.open(partial, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(partial, path)


def _contact_options(wb: Workbook, mentors_first: bool = False) -> list[tuple[str, int | None]]:
    contacts = wb.contacts()
    options: list[tuple[str, int | None]] = [("(choose a person)", None)]
    if contacts.empty:
        return options
    if mentors_first and not wb.goals.is_empty():
        # The shortlist's people not written to yet come first: the natural next messages.
        from ..mentors import rank_mentors

        ranked = rank_mentors(wb)
        fresh = ranked[~ranked["approached"].astype(bool)]["contact_id"].astype(int).tolist()
        order = {cid: i for i, cid in enumerate(fresh)}
        contacts = contacts.assign(
            _rank=[order.get(int(i), len(order)) for i in contacts["id"]]
        ).sort_values(["_rank", "name"], kind="stable")
    else:
        contacts = contacts.sort_values("name", key=lambda s: s.str.casefold(), kind="stable")
    return options + ui.column_options(contacts, ["name", "firm"])
