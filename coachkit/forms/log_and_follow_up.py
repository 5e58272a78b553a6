"""Notebook 07, log and follow up: what happened, the names it gave, the calls to make."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, ClassVar

import ipywidgets as widgets
import pandas as pd

from .. import _widgets as ui
from ..errors import ValidationError
from ..network import is_conversation
from ..workbook import ACTIVITY_KINDS, MEETING_CHANNELS, OUTREACH_CHANNELS, Workbook
from ._base import _EMAIL, _TALL, _WIDE, _contact_options, _Errors, _Form, _View

__all__ = [
    "FollowUpView",
    "LogForm",
    "ReferralView",
    "follow_up_view",
    "log_form",
    "parse_referrals",
    "referral_view",
]


def parse_referrals(text: str) -> list[dict[str, str]]:
    """Read the names a conversation produced: one per line, ``Name, Firm, Role``.

    Firm and role are optional; an email address anywhere on the line is kept as the email.

    Raises
    ------
    ValidationError
        On field ``"referrals"``, naming the line without a name.
    """
    people = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split(",")]
        email = next((p for p in parts if _EMAIL.match(p)), None)
        parts = [p for p in parts if p != email]
        if not parts or not parts[0]:
            raise ValidationError(
                "referrals", f"line {number} has no name", hint="write Name, Firm, Role."
            )
        person = {"name": parts[0]}
        for key, value in zip(("firm", "position"), parts[1:3], strict=False):
            if value:
                person[key] = value
        if email:
            person["email"] = email
        people.append(person)
    return people


class LogForm(_Form):
    """Record what happened: an outreach, a reply, a call, a meeting, and the names it gave."""

    save_text = "Save to my log"
    _KINDS: ClassVar[list[tuple[str, str]]] = [
        ("I wrote to them (outreach)", "outreach"),
        ("They replied", "reply"),
        ("I called them", "call"),
        ("We talked (meeting)", "meeting"),
    ]

    def __init__(self, wb: Workbook, today: dt.date, refresh: Iterable[Any] = ()) -> None:
        super().__init__(wb, refresh)
        self.today = today
        self.contact = widgets.Dropdown(options=_contact_options(wb), layout=_WIDE)
        self.kind = widgets.Dropdown(options=self._KINDS, value="outreach", layout=_WIDE)
        self.on_date = widgets.DatePicker(value=today)
        self.channel = widgets.Dropdown(layout=_WIDE)
        self.outcome = widgets.Dropdown(
            options=[("I reached them", "reached"), ("I left a voicemail", "voicemail"),
                     ("No answer", "no_answer")], value="voicemail", layout=_WIDE,
        )  # fmt: skip
        self.notes = widgets.Textarea(
            placeholder="what you learned, what you promised", layout=_TALL
        )
        self.referrals = widgets.Textarea(
            placeholder="one per line: Name, Firm, Role\ne.g. Sam Lee, Qonto, Head of Product",
            layout=_TALL,
        )
        self.channel_row = self._row("channel", "How", self.channel)
        self.outcome_row = self._row("outcome", "What happened", self.outcome)
        self.referrals_row = self._row(
            "referrals", "Names they gave you", self.referrals,
            "each becomes a contact, referred by this person",
        )  # fmt: skip
        self.kind.observe(lambda _c: self._adapt(), names="value")
        self.outcome.observe(lambda _c: self._adapt(), names="value")
        self.widget = widgets.VBox(
            [
                self._row("contact", "Who", self.contact),
                self._row("kind", "What", self.kind),
                self._row("date", "When", self.on_date),
                self.channel_row,
                self.outcome_row,
                self._row("notes", "Notes", self.notes),
                self.referrals_row,
                self._footer(),
            ]
        )
        self._aliases["parent_id"] = "form"
        self._adapt()

    def _adapt(self) -> None:
        """Show only the questions that apply to this kind of activity."""
        kind = self.kind.value
        channels = {"outreach": OUTREACH_CHANNELS, "meeting": MEETING_CHANNELS}.get(kind, ())
        self.channel.options = [(c.replace("_", " "), c) for c in channels]
        self.channel_row.layout.display = "" if channels else "none"
        self.outcome_row.layout.display = "" if kind == "call" else "none"
        conversation = is_conversation(kind, self.outcome.value)
        self.referrals_row.layout.display = "" if conversation else "none"

    def _write(self, errors: _Errors) -> str:
        kind = self.kind.value
        day = self.on_date.value
        if self.contact.value is None:
            errors.add("contact", "pick who it was with")
        if day is None:
            errors.add("date", "pick the day it happened")
        elif day > self.today:
            errors.add("date", f"{day:%d %B %Y} is still to come: log it once it has happened")
        conversation = is_conversation(kind, self.outcome.value)
        people: list[dict[str, str]] = []
        with errors.field("referrals"):
            people = parse_referrals(self.referrals.value)
        if people and not conversation:
            errors.add("referrals", "names come from a conversation: a meeting or a call that "
                       "reached them")  # fmt: skip
        if errors:
            return ""
        assert kind in ACTIVITY_KINDS
        channel = self.channel.value or None
        with errors.field():
            activity = self.wb.log_activity(
                self.contact.value, kind, day,
                channel=channel if kind in ("outreach", "meeting") else None,
                outcome=self.outcome.value if kind == "call" else None,
                notes=self.notes.value.strip() or None,
            )  # fmt: skip
            if people:
                from ..network import log_conversation_referrals

                with errors.field("referrals"):
                    log_conversation_referrals(self.wb, activity, people)
        if errors:
            return ""
        self.notes.value = self.referrals.value = ""
        extra = f" and {len(people)} new name(s)" if people else ""
        follow = ""
        if kind == "outreach":
            due = day + dt.timedelta(days=self.wb.profile.follow_up_days)
            follow = f" Follow-up call planned for {due:%A %d %B}."
        return f"Logged: {kind} with {self.contact.label} on {day:%d %B}{extra}.{follow}"

    def save(self) -> bool:
        """Save, then refresh the contact list so new referrals can be picked at once."""
        saved = super().save()
        if saved:
            current = self.contact.value
            self.contact.options = _contact_options(self.wb)
            self.contact.value = current
        return saved


class FollowUpView(_View):
    """The follow-up calls still to make, the overdue ones on top in red."""

    def __init__(self, wb: Workbook, today: dt.date) -> None:
        super().__init__(wb, "Follow-up calls to make")
        self.today = today
        self.refresh()

    def refresh(self) -> None:
        """Recompute the follow-ups as of ``today``."""
        from ..schedule import follow_ups

        frame = follow_ups(self.wb, self.today)
        frame = frame[frame["status"].isin(["open", "overdue"])]
        frame = frame.assign(_overdue=frame["status"] == "overdue").sort_values(
            ["_overdue", "due"], ascending=[False, True]
        )
        self.frame = frame.reset_index(drop=True)
        late = int(self.frame["_overdue"].sum())
        self._title(
            f"{len(self.frame)} follow-up call(s) to make"
            + (f", {late} overdue: those first" if late else "")
            if len(self.frame)
            else "Follow-up calls"
        )
        self.table.value = ui.table_html(
            self.frame,
            {
                "contact": "Who",
                "firm": "Firm",
                "phone": "Phone",
                "outreach_date": "Wrote on",
                "due": "Call on",
                "status": "Status",
                "days_overdue": "Days late",
            },
            empty="No follow-up call is waiting. Well done: breathe.",
            highlight="_overdue",
        )


class ReferralView(_View):
    """The referral tree: who gave you whose name."""

    def __init__(self, wb: Workbook) -> None:
        super().__init__(wb, "Your referral tree")
        self.refresh()

    def refresh(self) -> None:
        """Redraw the tree (after a conversation brings new names)."""
        from ..network import referral_tree

        tree = referral_tree(self.wb)
        self.frame = _referral_branches(tree)
        referred = self.frame[self.frame["referred_by"].notna()]
        names = dict(zip(tree["id"], tree["name"], strict=True))
        referred = referred.assign(by=[names.get(int(i), "") for i in referred["referred_by"]])
        givers = referred["referred_by"].nunique()
        self._title(
            f"Your referral tree: {len(referred)} name(s) given by {givers} "
            + ("person" if givers == 1 else "people")
            if len(referred)
            else "Your referral tree"
        )
        self._show_chart(ui.referral_chart(self.frame) if len(referred) else None)
        self.table.value = ui.table_html(
            referred.sort_values(["generation", "by", "name"]),
            {"name": "Name", "firm": "Firm", "by": "Name given by", "generation": "Generation"},
            empty="No referrals yet. Each conversation can give you 1 to 5 names: ask "
            "'Who else should I talk to?'",
        )


def _referral_branches(tree: pd.DataFrame) -> pd.DataFrame:
    """Keep the people in a referral chain: everyone referred, and whoever referred them."""
    parent = {
        int(i): (None if pd.isna(p) else int(p))
        for i, p in zip(tree["id"], tree["referred_by"], strict=True)
    }
    keep: set[int] = set()
    for node, up in parent.items():
        if up is None:
            continue
        keep.add(node)
        while up is not None and up not in keep and up in parent:
            keep.add(up)
            up = parent[up]
    return tree[tree["id"].isin(keep)].reset_index(drop=True)


def log_form(wb: Workbook, today: dt.date, refresh: Iterable[Any] = ()) -> widgets.VBox:
    """Log an activity and its referrals (notebook 07)."""
    return LogForm(wb, today, refresh).widget


def follow_up_view(wb: Workbook, today: dt.date) -> FollowUpView:
    """The follow-up calls to make (notebook 07)."""
    return FollowUpView(wb, today)


def referral_view(wb: Workbook) -> ReferralView:
    """The referral tree (notebook 07)."""
    return ReferralView(wb)
