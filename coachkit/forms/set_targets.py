"""Notebook 05, set your targets: how many of each thing per week or month, and progress."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

import ipywidgets as widgets

from .. import _widgets as ui
from ..workbook import Workbook
from ..workshop.figures import mark_saved
from ._base import _Errors, _escape, _Form, _label, _View, _week_of
from ._page import join, on_page, on_page_today

__all__ = [
    "ProgressView",
    "TargetsForm",
    "progress_view",
    "targets_form",
]


class TargetsForm(_Form):
    """Step 3: how many of each thing per week or month (and targets of your own)."""

    save_text = "Save my targets"

    def __init__(
        self, wb: Workbook, today: dt.date | None = None, refresh: Iterable[Any] = ()
    ) -> None:
        super().__init__(wb, refresh)
        # A change applies from the period that holds today (None: as if always so).
        self.today = today
        self.rows_box = widgets.VBox()
        self.new_metric = widgets.Text(placeholder="e.g. coffee_chats")
        self.new_label = widgets.Text(placeholder="e.g. coffee chats")
        self.new_amount = widgets.IntText(value=1)
        self.new_period = widgets.Dropdown(options=["week", "month"], value="week")
        new_row = widgets.VBox(
            [
                _label("Add a target of your own", "a short name, what it counts, how many"),
                widgets.HBox([self.new_metric, self.new_label]),
                self._error_slot("new_metric"),
                widgets.HBox([self.new_amount, self.new_period]),
                self._error_slot("new_amount"),
            ]
        )
        self.widget = widgets.VBox([self.rows_box, new_row, self._footer()])
        self._build_rows()

    def reload(self) -> None:
        super().reload()
        self._build_rows()
        self.show_errors({})

    def _error_slot(self, name: str) -> widgets.HTML:
        label = widgets.HTML()
        label.add_class("coachkit-error-label")
        self.error_labels[name] = label
        return label

    def _build_rows(self) -> None:
        self.amounts: dict[str, widgets.IntText] = {}
        self.periods: dict[str, widgets.Dropdown] = {}
        self.remove: dict[str, widgets.Checkbox] = {}
        rows = []
        for target in self.wb.targets:
            amount = widgets.IntText(value=target.amount, layout=widgets.Layout(width="7em"))
            period = widgets.Dropdown(
                options=["week", "month"], value=target.period, layout=widgets.Layout(width="8em")
            )
            remove = widgets.Checkbox(value=False, description="remove", indent=False)
            self.amounts[target.metric] = amount
            self.periods[target.metric] = period
            self.remove[target.metric] = remove
            name = f"target {target.metric}"
            self._aliases[target.metric] = name
            rows.append(
                widgets.VBox(
                    [
                        _label(target.label or target.metric, f"({target.metric})"),
                        widgets.HBox([amount, widgets.HTML("&nbsp;per&nbsp;"), period, remove]),
                        self._error_slot(name),
                    ]
                )
            )
        self.rows_box.children = rows

    def _write(self, errors: _Errors) -> str:
        # A change applies from the week (or month) that holds today: past periods keep the
        # target they had, so only what changed is recorded.
        current = {t.metric: t for t in self.wb.targets}
        for metric, amount in self.amounts.items():
            if self.remove[metric].value:
                with errors.field(f"target {metric}"):
                    self.wb.remove_target(metric, today=self.today)
                continue
            was = current[metric]
            if (amount.value, self.periods[metric].value) == (was.amount, was.period):
                continue
            with errors.field(f"target {metric}"):
                self.wb.set_target(
                    metric, amount.value, self.periods[metric].value, was.label, today=self.today
                )
        metric = self.new_metric.value.strip()
        if metric:
            if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_ ]{0,59}", metric):
                errors.add("new_metric", "use letters, digits and _ only, starting with a letter")
            elif metric in self.amounts:
                errors.add("new_metric", f"{metric!r} is already a target: change it above")
            else:
                self._aliases[f"target {metric}"] = "new_amount"
                self._aliases["metric"] = "new_metric"
                with errors.field():
                    self.wb.set_target(
                        metric, self.new_amount.value, self.new_period.value,
                        self.new_label.value.strip() or metric, today=self.today,
                    )  # fmt: skip
        if errors:
            return ""
        mark_saved(self.wb, "targets")  # the defaults exist: only a save says "set"
        return f"Targets saved ({len(self.wb.targets)})."

    def _after_save(self) -> None:
        """Rebuild the rows so that an added or removed target shows at once."""
        errors = dict(self.errors)
        self._build_rows()
        self.show_errors(errors)
        self.new_metric.value = self.new_label.value = ""


class ProgressView(_View):
    """Progress against every target, this week and this month."""

    def __init__(self, wb: Workbook, today: dt.date) -> None:
        super().__init__(wb, "Your progress")
        self.today = today
        self.refresh()

    def refresh(self) -> None:
        """Count again (after targets change or activities are logged)."""
        from ..progress import calls_not_due_note, period_name, progress, verdict

        week = _week_of(self.wb, self.today)
        frame = progress(self.wb, week, today=self.today)
        self.frame = frame
        note = calls_not_due_note(frame)
        self.heading.value = (
            f"<h4 style='margin:8px 0 4px'>Your progress in {week}: {_escape(verdict(frame))}</h4>"
            + (f"<p>{_escape(note)}</p>" if note else "")
        )
        # Each calendar month the week touches has its own row: "November (final)".
        shown = frame.assign(period=[period_name(r) for r in frame.to_dict("records")])
        self._show_chart(ui.progress_chart(shown) if len(frame) else None)
        by_hand = ""
        if len(frame) and "counted" in frame and not frame["counted"].all():
            names = ", ".join(str(x) for x in frame.loc[~frame["counted"], "label"])
            by_hand = ui.note_html(
                f"Kept by hand: {names}. coachkit counts outreach, replies, calls, meetings, "
                "referrals and new contacts from your log; a target of your own stays at 0 "
                "here, so tick it off yourself."
            )
        self.table.value = by_hand + ui.table_html(
            shown,
            {
                "label": "Target",  # the target's name first, then its numbers
                "period": "Per",
                "target": "Aim",
                "actual": "Done",
                "remaining": "Still to do",
                "streak": "Periods in a row on target",
            },
            empty="No targets: add one above.",
        )


def targets_form(
    wb: Workbook | None = None, today: dt.date | None = None, refresh: Iterable[Any] = ()
) -> widgets.VBox:
    """The targets (notebook 05); a change applies from the week or month holding ``today``
    (the page's today when none is given)."""
    wb, page = on_page(wb)
    if today is None and page is not None:
        today = page.today
    return join(page, TargetsForm(wb, today, refresh)).widget


def progress_view(wb: Workbook | None = None, today: dt.date | None = None) -> ProgressView:
    """Progress against targets (notebooks 05 and 07)."""
    wb, today, page = on_page_today(wb, today)
    return join(page, ProgressView(wb, today))
