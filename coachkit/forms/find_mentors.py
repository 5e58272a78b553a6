"""Notebook 03, find mentors: the shortlist, the mosaic of firms, and tagging firms."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import ipywidgets as widgets
import pandas as pd

from .. import _widgets as ui
from ..workbook import Workbook
from ._base import _WIDE, _Errors, _Form, _sentence, _View
from ._page import join, on_page

__all__ = [
    "FirmTagForm",
    "MentorView",
    "MosaicView",
    "firm_tags_form",
    "mentor_view",
    "mosaic_view",
]


class FirmTagForm(_Form):
    """Tag a firm with its industry and location (contact exports carry neither)."""

    save_text = "Save firm"

    def __init__(self, wb: Workbook, refresh: Iterable[Any] = ()) -> None:
        super().__init__(wb, refresh)
        self.firm = widgets.Combobox(
            placeholder="type or pick a firm", ensure_option=False, layout=_WIDE
        )
        self.industry = widgets.Text(placeholder="e.g. Fintech", layout=_WIDE)
        self.location = widgets.Text(placeholder="e.g. Paris", layout=_WIDE)
        self.firms_table = widgets.HTML()
        self.firm.observe(self._fill_from_firm, names="value")
        self.on_saved.append(self.refresh)
        self.widget = widgets.VBox(
            [
                self._row("firm", "Firm", self.firm, "untagged firms with most contacts first"),
                self._row("industry", "Its industry", self.industry, "several: comma-separated"),
                self._row("location", "Its location", self.location),
                self._footer(),
                self.firms_table,
            ]
        )
        self.refresh()

    def reload(self) -> None:
        super().reload()
        self.refresh()

    def refresh(self) -> None:
        """Reload the firm list and the table of firms."""
        firms = self.wb.firms()
        if not firms.empty:
            untagged = firms["industry"].isna() & firms["location"].isna()
            firms = firms.assign(_untagged=untagged).sort_values(
                ["_untagged", "contacts", "name"], ascending=[False, False, True]
            )
        self._firms = firms
        self.firm.options = tuple(str(n) for n in firms.get("name", []))
        self.firms_table.value = ui.table_html(
            firms.head(25),
            {
                "name": "Firm",
                "industry": "Industry",
                "location": "Location",
                "contacts": "Contacts",
            },
            empty="No firms yet: import contacts in notebook 01, or type a firm above.",
        )

    def _fill_from_firm(self, change: dict[str, Any]) -> None:
        match = self._firms[self._firms["name"] == change["new"]] if len(self._firms) else None
        if match is not None and len(match):
            row = match.iloc[0]
            self.industry.value = "" if pd.isna(row["industry"]) else str(row["industry"])
            self.location.value = "" if pd.isna(row["location"]) else str(row["location"])

    def _write(self, errors: _Errors) -> str:
        name = self.firm.value.strip()
        if not name:
            errors.add("firm", "type or pick the firm to tag")
            return ""
        if not (self.industry.value.strip() or self.location.value.strip()):
            errors.add("industry", "give the firm an industry, a location, or both")
            return ""
        with errors.field():
            self.wb.tag_firm(name, industry=self.industry.value, location=self.location.value)
        return _sentence(f"Saved {name}") + " The shortlist below is updated."


class MentorView(_View):
    """The mentor shortlist: contacts ranked by how many of your goals they match."""

    def __init__(self, wb: Workbook, limit: int = 15) -> None:
        super().__init__(wb, "Your mentor shortlist")
        self.limit = limit
        self.frame = pd.DataFrame()
        self.refresh()

    def refresh(self) -> None:
        """Rank again (after goals or firm tags change)."""
        from ..mentors import rank_mentors

        if self.wb.goals.is_empty():
            self.frame = pd.DataFrame()
            self._show_chart(None)
            self.table.value = ui.note_html(
                "Set your goals in notebook 02 first: the shortlist is the people who match them."
            )
            return
        self.frame = rank_mentors(self.wb, limit=self.limit)
        fresh = int((~self.frame["approached"].astype(bool)).sum()) if len(self.frame) else 0
        self._title(
            f"Your mentor shortlist: the {len(self.frame)} closest matches, "
            f"{fresh} not contacted yet"
        )
        self._show_chart(ui.mentor_chart(self.frame) if len(self.frame) else None)
        self.table.value = ui.table_html(
            self.frame,
            {
                "name": "Name",
                "firm": "Firm",
                "position": "Position",
                "location": "Location",
                "reason": "Why",
                "approached": "Contacted",
            },
            empty="Nobody matches your goals yet: import contacts (notebook 01), tag firms "
            "above, or widen a goal.",
        )


class MosaicView(_View):
    """The firms in your target space, and whether you know someone there yet."""

    def __init__(self, wb: Workbook) -> None:
        super().__init__(wb, "Your mosaic of firms")
        self.refresh()

    def refresh(self) -> None:
        """Recompute coverage (after goals, tags or conversations change)."""
        from ..mentors import target_firms

        frame = target_firms(self.wb)
        order = {"no contact yet": 0, "no conversation yet": 1, "covered": 2}
        if len(frame):
            frame = frame.assign(
                _order=frame["status"].map(order), _gap=frame["status"] == "no contact yet"
            ).sort_values(["_order", "firm"])
        self.frame = frame.reset_index(drop=True)
        covered = int((self.frame["status"] == "covered").sum()) if len(self.frame) else 0
        self._title(
            f"Your mosaic: {len(self.frame)} firms in your target space, "
            f"{covered} with a conversation already"
            if len(self.frame)
            else "Your mosaic of firms"
        )
        self._show_chart(ui.mosaic_chart(self.frame) if len(self.frame) else None)
        self.table.value = ui.table_html(
            self.frame,
            {
                "firm": "Firm",
                "industry": "Industry",
                "location": "Location",
                "contacts": "Contacts",
                "conversations": "Conversations",
                "status": "Status",
            },
            empty="No firm is in your target space yet: tag firms with an industry above.",
            highlight="_gap",
        )


def firm_tags_form(wb: Workbook | None = None, refresh: Iterable[Any] = ()) -> widgets.VBox:
    """Tag firms with industry and location (notebook 03)."""
    wb, page = on_page(wb)
    return join(page, FirmTagForm(wb, refresh)).widget


def mentor_view(wb: Workbook | None = None, limit: int = 15) -> MentorView:
    """The mentor shortlist, table and chart (notebooks 02 and 03)."""
    wb, page = on_page(wb)
    return join(page, MentorView(wb, limit))


def mosaic_view(wb: Workbook | None = None) -> MosaicView:
    """The firms in the target space and their coverage (notebook 03)."""
    wb, page = on_page(wb)
    return join(page, MosaicView(wb))
