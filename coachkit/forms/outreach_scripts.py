"""Notebook 06, outreach scripts: the first email and the voicemail, checked as you type."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import ipywidgets as widgets

from .. import _widgets as ui
from ..workbook import Workbook, check_not_future
from ._base import _NO_DATE, _TALL, _WIDE, _already_logged, _contact_options, _Errors, _Form
from ._page import join, on_page_today

__all__ = [
    "OutreachForm",
    "outreach_form",
]


class OutreachForm(_Form):
    """The first email and the voicemail script for one contact, checked as you type.

    ``admiration`` is the participant's own sentence on what they admire in this person's
    work: typing it fills the marked gap in both drafts (coachkit never writes that sentence
    for them). ``save_button`` keeps the drafts in the workbook; ``sent_button`` records the
    email as sent (an outreach on ``sent_on``), which plans the follow-up call, and refuses
    while the email still holds a gap.
    """

    save_text = "Save my drafts"

    def __init__(self, wb: Workbook, today: dt.date, refresh: Iterable[Any] = ()) -> None:
        super().__init__(wb, refresh)
        self.today = today
        options = _contact_options(wb, mentors_first=True)
        # With goals set, start on the best-matching person not written to yet: a draft is
        # on screen at once, which is less daunting than a blank page.
        start = options[1][1] if len(options) > 1 and not wb.goals.is_empty() else None
        self.contact = widgets.Dropdown(options=options, value=start, layout=_WIDE)
        self.admiration = widgets.Text(
            placeholder="e.g. I loved your blog post about team leadership", layout=_WIDE
        )
        # The text that stands for the sentence in each draft (the gap, or what was typed),
        # so that typing replaces it there and nowhere else.
        self._said: dict[str, str] = {}
        self._contact: dict[str, Any] = {}
        self.subject = widgets.Text(layout=_WIDE)
        self.body = widgets.Textarea(layout=widgets.Layout(width="95%", max_width="640px",
                                                           height="14em"))  # fmt: skip
        self.body_advice = widgets.HTML()
        self.voicemail = widgets.Textarea(layout=_TALL)
        self.voicemail_check = widgets.HTML()
        self.voicemail_check.add_class("coachkit-voicemail-check")
        self.sent_on = widgets.DatePicker(value=today)
        self.sent_button = widgets.Button(
            description="I sent it: log it", icon="paper-plane", layout=widgets.Layout(width="auto")
        )
        self.sent_button.on_click(lambda _b: self.mark_sent())
        self._last_sent: tuple[float, Any, Any, str] | None = None
        self.sent_status = widgets.HTML()  # under the button it is about
        self.sent_status.add_class("coachkit-status")
        self.contact.observe(lambda _c: self.load_drafts(), names="value")
        self.admiration.observe(lambda _c: self._fill_admiration(), names="value")
        self.subject.observe(lambda _c: self._check_body(), names="value")
        self.body.observe(lambda _c: self._check_body(), names="value")
        self.voicemail.observe(lambda _c: self.check_voicemail(), names="value")
        self.widget = widgets.VBox(
            [
                self._row("contact", "Who are you writing to?", self.contact,
                          "people from your shortlist you have not contacted yet come first"),
                self._row("admiration", "What do you admire in their work?", self.admiration,
                          "one sentence of your own: a post, a talk, a project"),
                self._row("subject", "Email subject", self.subject),
                self._row("body", "Email", self.body, "ask how they got where they are"),
                self.body_advice,
                self._row("voicemail", "Voicemail script", self.voicemail,
                          "purpose, appreciation, a request; about 30 seconds"),
                self.voicemail_check,
                self._footer(),
                self._row("sent_on", "Sent on", self.sent_on),
                self.sent_button,
                self.sent_status,
            ]
        )  # fmt: skip
        self.load_drafts()

    def reload(self) -> None:
        super().reload()
        self.sent_status.value = ""
        options = _contact_options(self.wb, mentors_first=True)
        start = options[1][1] if len(options) > 1 and not self.wb.goals.is_empty() else None
        with self.contact.hold_trait_notifications():
            self.contact.options = options
            self.contact.value = start
        self.load_drafts()

    def load_drafts(self) -> None:
        """Show the saved drafts for the chosen contact, or fresh ones from the method."""
        from ..scripts import (
            VOICEMAIL_ADMIRATION_GAP,
            admiration_placeholder,
            as_sentence,
            email_draft,
            voicemail_draft,
        )

        contact_id = self.contact.value
        self._loading = True
        try:
            if contact_id is None:
                self._contact, self._said = {}, {}
                self.admiration.value = ""
                self.subject.value = self.body.value = self.voicemail.value = ""
                self.check_voicemail()
                self._check_body()
                return
            contact = self._contact = self.wb.get_contact(contact_id)
            saved = self.wb.get_draft(contact_id)
            if saved is not None:
                self.admiration.value = saved.get("admiration", "")
                self.subject.value = saved.get("subject", "")
                self.body.value = saved.get("body", "")
                self.voicemail.value = saved.get("voicemail", "")
            else:
                self.admiration.value = ""
                draft = email_draft(self.wb, contact)
                self.subject.value, self.body.value = draft.subject, draft.body
                self.voicemail.value = voicemail_draft(self.wb, contact)
            sentence = as_sentence(self.admiration.value)
            self._said = {
                "body": sentence or admiration_placeholder(contact),
                "voicemail": sentence or VOICEMAIL_ADMIRATION_GAP,
            }
        finally:
            self._loading = False
        self.check_voicemail()
        self._check_body()

    def _fill_admiration(self) -> None:
        """Put the sentence being typed where the gap (or the previous sentence) stands."""
        from ..scripts import VOICEMAIL_ADMIRATION_GAP, admiration_placeholder, as_sentence

        if getattr(self, "_loading", False) or not self._contact:
            return
        sentence = as_sentence(self.admiration.value)
        fallback = {
            "body": admiration_placeholder(self._contact),
            "voicemail": VOICEMAIL_ADMIRATION_GAP,
        }
        for name, gap in fallback.items():
            new = sentence or gap
            box, old = getattr(self, name), self._said.get(name, gap)
            if old and old in box.value:  # an edited draft without it is left as written
                box.value = box.value.replace(old, new, 1)
                self._said[name] = new

    def _goal_roles(self) -> tuple[str, ...]:
        return self.wb.goals.roles

    def _check_body(self) -> None:
        from ..scripts import job_ask_warnings, sincerity_warnings

        if getattr(self, "_loading", False):
            return
        notes: list[str] = []
        if self.body.value:
            notes += job_ask_warnings(self.body.value, self._contact, goal_roles=self._goal_roles())
        if self.subject.value or self.body.value:
            notes += sincerity_warnings(self.subject.value + "\n" + self.body.value)
        self.body_advice.value = "".join(ui.warning_html(n) for n in notes)

    def check_voicemail(self) -> Any:
        """Count words and seconds and name the missing parts, live, under the script."""
        from ..scripts import check_voicemail

        if getattr(self, "_loading", False):
            return None
        if not self.voicemail.value.strip():
            self.voicemail_check.value = ""
            return None
        check = check_voicemail(self.voicemail.value, self._contact, goal_roles=self._goal_roles())
        parts = f"{check.words} words, about {check.seconds:.0f} seconds"
        lines = [ui.note_html(parts)]
        missing = [w for w in check.warnings if w.startswith("missing")]
        if check.missing:
            lines += [ui.error_html(w) for w in missing]
        else:
            lines.append(ui.ok_html("Purpose, appreciation and request are all there."))
        lines += [ui.warning_html(w) for w in check.warnings if w not in missing]
        self.voicemail_check.value = "".join(lines)
        return check

    def _write(self, errors: _Errors) -> str:
        if self.contact.value is None:
            errors.add("contact", "pick the person these drafts are for")
        if not self.subject.value.strip():
            errors.add("subject", "write a subject (it is what makes them open it)")
        if not self.body.value.strip():
            errors.add("body", "write the email (or pick a contact to get a draft)")
        for name in ("admiration", "subject", "body", "voicemail"):
            try:  # a lone surrogate (broken paste) cannot be saved as UTF-8
                getattr(self, name).value.encode("utf-8")
            except UnicodeEncodeError:
                errors.add(name, "holds characters that are not valid text: please retype it")
        if errors:
            return ""
        self.wb.save_draft(
            self.contact.value,
            subject=self.subject.value,
            body=self.body.value,
            voicemail=self.voicemail.value,
            admiration=self.admiration.value,
        )
        return f"Drafts saved for {self.contact.label}."

    def mark_sent(self) -> bool:
        """Save the drafts and record the email as sent: the follow-up call is then planned.

        Refused while the email still holds a gap to fill (``[...]``): what is sent in the
        participant's name is their own words. The button is disabled while it logs, and the
        same email logged twice in a row (a double-click) is refused with "already logged":
        one email, one outreach.
        """
        if self.sent_button.disabled:
            return False
        self.sent_button.disabled = True
        try:
            return self._mark_sent()
        finally:
            self.sent_button.disabled = False

    def _mark_sent(self) -> bool:
        from ..scripts import sincerity_warnings

        self.sent_status.value = ""
        if not self.save():
            self.sent_status.value = ui.error_html("Not logged: see what is marked in red above.")
            return False
        errors = _Errors()
        gaps = [
            w.removeprefix("still to fill in: ")
            for w in sincerity_warnings(self.subject.value + "\n" + self.body.value)
            if w.startswith("still to fill in")
        ]
        if gaps:
            errors.add(
                "body",
                f"the email still holds {gaps[0]}: write your own words in its place, in "
                "the email you send too",
            )
        if self.sent_on.value is None:
            errors.add("sent_on", _NO_DATE)
        else:
            with errors.field("sent_on"):  # a day still to come: the rule the CLI applies
                check_not_future(self.sent_on.value, self.today)
        if not errors:
            repeat = _already_logged(self.wb, self.contact.value, "outreach", self.sent_on.value,
                                     None)  # fmt: skip
            last = self._last_sent
            if (
                repeat
                and last is not None
                and last[1:3] == (self.contact.value, self.sent_on.value)
                and self._clock() - last[0] < self.repeat_window
            ):  # the second click of a double-click: the first one's message stays
                self.sent_status.value = ui.ok_html(last[3])
                return True
            if repeat:
                self.sent_status.value = ui.warning_html(repeat[0].upper() + repeat[1:])
                return False
            with errors.field("sent_on"):
                self.wb.log_activity(self.contact.value, "outreach", self.sent_on.value,
                                     channel="email", today=self.today)  # fmt: skip
        self.show_errors({self._where(f): m for f, m in errors.items()})
        if errors:
            self.sent_status.value = ui.error_html("Not logged: see what is marked in red above.")
            return False
        from ..schedule import follow_up_day

        due = follow_up_day(self.sent_on.value, self.wb.profile)
        message = (
            f"Logged: your email to {self.contact.label} on {self.sent_on.value:%d %B}. "
            f"Your follow-up call is planned for {due:%A %d %B}."
        )
        self.sent_status.value = ui.ok_html(message)
        self._last_sent = (self._clock(), self.contact.value, self.sent_on.value, message)
        for callback in self.on_saved:
            callback()
        self._publish()  # the outreach now counts on the board too
        return True


def outreach_form(
    wb: Workbook | None = None, today: dt.date | None = None, refresh: Iterable[Any] = ()
) -> widgets.VBox:
    """Email and voicemail drafts with live checks (notebook 06)."""
    wb, today, page = on_page_today(wb, today)
    return join(page, OutreachForm(wb, today, refresh)).widget
