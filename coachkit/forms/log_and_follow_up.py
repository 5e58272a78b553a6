"""Notebook 07, log and follow up: what happened, the names it gave, the calls to make."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

import ipywidgets as widgets
import pandas as pd

from .. import _widgets as ui
from ..errors import CoachkitError, ValidationError
from ..workbook import (
    ACTIVITY_KINDS,
    MEETING_CHANNELS,
    OUTREACH_CHANNELS,
    Workbook,
    check_not_future,
    is_conversation,
)
from ._base import (
    _EMAIL,
    _NO_DATE,
    _TALL,
    _WIDE,
    _already_logged,
    _contact_options,
    _Errors,
    _explain,
    _Form,
    _label,
    _View,
)
from ._page import join, on_page, on_page_today

__all__ = [
    "FollowUpView",
    "LogForm",
    "RecentLogView",
    "ReferralView",
    "follow_up_view",
    "log_form",
    "parse_referrals",
    "recent_log_view",
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
                     ("I left a message with their assistant", "assistant"),
                     ("No answer (no message left)", "no_answer")],
            value="voicemail", layout=_WIDE,
        )  # fmt: skip
        # A reached call is a call; the conversation, if they had it there and then, is a
        # meeting too: one tick records both.
        self.talked = widgets.Checkbox(
            value=False, description="We had the conversation on this call", indent=False,
            layout=_WIDE,
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
        self.talked_row = self._row(
            "conversation", "", self.talked,
            "leave it unticked if you only set a time to talk: that call is not a meeting",
        )  # fmt: skip
        self.referrals_row = self._row(
            "referrals", "Names they gave you", self.referrals,
            "each becomes a contact, referred by this person",
        )  # fmt: skip
        self.kind.observe(lambda _c: self._adapt(), names="value")
        self.outcome.observe(lambda _c: self._adapt(), names="value")
        self.talked.observe(lambda _c: self._adapt(), names="value")
        self.widget = widgets.VBox(
            [
                self._row("contact", "Who", self.contact),
                self._row("kind", "What", self.kind),
                self._row("date", "When", self.on_date),
                self.channel_row,
                self.outcome_row,
                self.talked_row,
                self._row("notes", "Notes", self.notes),
                self.referrals_row,
                self._footer(),
            ]
        )
        self._aliases["parent_id"] = "form"
        self._adapt()

    def reload(self) -> None:
        super().reload()
        self.contact.options = _contact_options(self.wb)
        self.contact.value = None

    def _adapt(self) -> None:
        """Show only the questions that apply to this kind of activity."""
        kind = self.kind.value
        channels = {"outreach": OUTREACH_CHANNELS, "meeting": MEETING_CHANNELS}.get(kind, ())
        current = self.channel.value
        self.channel.options = [(c.replace("_", " "), c) for c in channels]
        # Never "How" left empty: keep the choice if it still applies, else the first one.
        self.channel.value = current if current in channels else (channels[0] if channels else None)
        self.channel_row.layout.display = "" if channels else "none"
        self.outcome_row.layout.display = "" if kind == "call" else "none"
        reached = kind == "call" and self.outcome.value == "reached"
        self.talked_row.layout.display = "" if reached else "none"
        self.referrals_row.layout.display = "" if self._conversation() else "none"

    def _conversation(self) -> bool:
        """A meeting, or a reached call on which they had the conversation (ticked)."""
        kind = self.kind.value
        on_the_call = kind == "call" and self.outcome.value == "reached" and self.talked.value
        return is_conversation(kind) or on_the_call

    def _write(self, errors: _Errors) -> str:
        kind = self.kind.value
        day = self.on_date.value
        if self.contact.value is None:
            errors.add("contact", "pick who it was with")
        if day is None:
            errors.add("date", _NO_DATE)
        else:
            with errors.field("date"):
                check_not_future(day, self.today)  # the rule the CLI applies too
        conversation = self._conversation()
        on_the_call = conversation and kind == "call"
        people: list[dict[str, str]] = []
        with errors.field("referrals"):
            people = parse_referrals(self.referrals.value)
        if people and not conversation:
            errors.add("referrals", "names come from a conversation: a meeting, or a call on "
                       "which you had the conversation (tick the box)")  # fmt: skip
        if errors:
            return ""
        outcome = self.outcome.value if kind == "call" else None
        repeat = _already_logged(self.wb, self.contact.value, kind, day, outcome)
        if repeat:
            errors.add("form", repeat)
            return ""
        assert kind in ACTIVITY_KINDS
        channel = self.channel.value or None
        from ..network import log_conversation_referrals

        source = None
        with errors.field():  # save() holds one transaction: all of this, or none of it
            if kind == "call":
                activity, meeting = self.wb.log_call(
                    self.contact.value, day, self.outcome.value, conversation=on_the_call,
                    notes=self.notes.value.strip() or None, today=self.today,
                )  # fmt: skip
                source = meeting
            else:
                activity = source = self.wb.log_activity(
                    self.contact.value, kind, day,
                    channel=channel if kind in ("outreach", "meeting") else None,
                    notes=self.notes.value.strip() or None, today=self.today,
                )  # fmt: skip
        if people and source is not None:
            with errors.field("referrals"):
                log_conversation_referrals(self.wb, source, people)
        if errors:
            return ""
        self.notes.value = self.referrals.value = ""
        self.talked.value = False
        extra = f" and {len(people)} new name(s)" if people else ""
        what = "call, and the conversation on it as a meeting," if on_the_call else kind
        follow = ""
        if kind == "outreach":
            from ..schedule import follow_ups

            started = follow_ups(self.wb, day)
            started = started[started["outreach_id"] == activity]
            if len(started):
                due = started.iloc[0]["due"]
                follow = f" Follow-up call planned for {due:%A %d %B}."
        flag = ""
        if conversation:
            from ..network import flag_names

            note = flag_names(len(people))  # the method: 1 to 5 names a conversation
            flag = f" Note: {note}." if note else ""
        return f"Logged: {what} with {self.contact.label} on {day:%d %B}{extra}.{follow}{flag}"

    def _after_save(self) -> None:
        """Refresh the contact list so new referrals can be picked at once."""
        current = self.contact.value
        self.contact.options = _contact_options(self.wb)
        self.contact.value = current


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


class RecentLogView(_View):
    """The last entries of the log, newest first, and a way to remove a mistaken one.

    Removing asks for the entry by name (nothing is pre-selected), so a second click on
    "Remove" after a removal removes nothing more. Names an entry brought stay contacts.
    """

    SHOWN = 8

    def __init__(self, wb: Workbook) -> None:
        super().__init__(wb, "Your recent log")
        self.entry = widgets.Dropdown(options=[("(choose an entry)", None)], layout=_WIDE)
        self.remove_button = widgets.Button(
            description="Remove this entry", icon="trash", layout=widgets.Layout(width="auto")
        )
        self.remove_button.on_click(lambda _b: self.remove())
        self.status = widgets.HTML()
        self.status.add_class("coachkit-status")
        #: Called after an entry was removed (the page refreshes its other views).
        self.on_changed: list[Callable[[], None]] = []
        self.children = (
            *self.children,
            _label("Logged something by mistake?", "pick it, then remove it"),
            widgets.HBox([self.entry, self.remove_button]),
            self.status,
        )
        self.refresh()

    def refresh(self) -> None:
        """List the latest entries again (after a save or a removal)."""
        logged = self.wb.activities()
        logged = logged[logged["kind"] != "referral"].sort_values(["date", "id"])
        recent = logged.tail(self.SHOWN).iloc[::-1].reset_index(drop=True)
        details = [
            _entry_detail(kind, channel, outcome)
            for kind, channel, outcome in zip(
                recent["kind"], recent["channel"], recent["outcome"], strict=True
            )
        ]
        self.frame = recent.assign(detail=details)
        self._title(
            f"Your recent log: the last {len(recent)} of {len(logged)} entries"
            if len(recent)
            else "Your recent log"
        )
        self.table.value = ui.table_html(
            self.frame,
            {"date": "When", "contact": "Who", "kind": "What", "detail": "How", "notes": "Notes"},
            empty="Nothing logged yet.",
        )
        labels = [
            (f"{date:%d %b} · {kind} · {who}" + (f" ({detail})" if detail else ""), int(i))
            for date, kind, who, detail, i in zip(
                self.frame["date"], self.frame["kind"], self.frame["contact"],
                self.frame["detail"], self.frame["id"], strict=True,
            )
        ]  # fmt: skip
        self.entry.options = [("(choose an entry)", None), *labels]
        self.entry.value = None

    def remove(self) -> bool:
        """Remove the chosen entry; return True when one was removed."""
        chosen = self.entry.value
        if chosen is None:
            self.status.value = ui.error_html("Choose the entry to remove first (list above).")
            return False
        label = self.entry.label
        try:
            self.wb.delete_activity(chosen)
        except CoachkitError as exc:
            self.status.value = ui.error_html(_explain(exc))
            return False
        self.refresh()
        self.status.value = ui.ok_html(f"Removed: {label}.")
        for callback in self.on_changed:
            callback()
        return True


def _entry_detail(kind: str, channel: object, outcome: object) -> str:
    if kind == "call" and isinstance(outcome, str):
        return outcome.replace("_", " ")
    return channel.replace("_", " ") if isinstance(channel, str) else ""


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


def log_form(
    wb: Workbook | None = None, today: dt.date | None = None, refresh: Iterable[Any] = ()
) -> widgets.VBox:
    """Log an activity and its referrals (notebook 07)."""
    wb, today, page = on_page_today(wb, today)
    return join(page, LogForm(wb, today, refresh)).widget


def follow_up_view(wb: Workbook | None = None, today: dt.date | None = None) -> FollowUpView:
    """The follow-up calls to make (notebook 07)."""
    wb, today, page = on_page_today(wb, today)
    return join(page, FollowUpView(wb, today))


def recent_log_view(wb: Workbook | None = None) -> RecentLogView:
    """The last log entries, with a way to remove a mistaken one (notebook 07)."""
    wb, page = on_page(wb)
    return join(page, RecentLogView(wb))


def referral_view(wb: Workbook | None = None) -> ReferralView:
    """The referral tree (notebook 07)."""
    wb, page = on_page(wb)
    return join(page, ReferralView(wb))
