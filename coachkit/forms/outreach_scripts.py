"""Notebook 06, outreach scripts: the first email and the voicemail, checked as you type."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import ipywidgets as widgets

from .. import _widgets as ui
from ..workbook import Workbook
from ._base import _TALL, _WIDE, _already_logged, _contact_options, _Errors, _Form
from ._page import join, on_page_today

__all__ = [
    "OutreachForm",
    "outreach_form",
]


class OutreachForm(_Form):
    """The first email and the voicemail script for one contact, checked as you type.

    ``save_button`` keeps the drafts in the workbook; ``sent_button``
    records the email as sent (an outreach on ``sent_on``), which plans the follow-up call.
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
        self.sent_status = widgets.HTML()  # under the button it is about
        self.sent_status.add_class("coachkit-status")
        self.contact.observe(lambda _c: self.load_drafts(), names="value")
        self.body.observe(lambda _c: self._check_body(), names="value")
        self.voicemail.observe(lambda _c: self.check_voicemail(), names="value")
        self.widget = widgets.VBox(
            [
                self._row("contact", "Who are you writing to?", self.contact,
                          "people from your shortlist you have not contacted yet come first"),
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
        contact_id = self.contact.value
        if contact_id is None:
            self.subject.value = self.body.value = self.voicemail.value = ""
            self.check_voicemail()
            return
        saved = self.wb.get_draft(contact_id)
        if saved is not None:
            self.subject.value = saved.get("subject", "")
            self.body.value = saved.get("body", "")
            self.voicemail.value = saved.get("voicemail", "")
        else:
            from ..scripts import email_draft, voicemail_draft

            contact = self.wb.get_contact(contact_id)
            draft = email_draft(self.wb, contact)
            self.subject.value, self.body.value = draft.subject, draft.body
            self.voicemail.value = voicemail_draft(self.wb, contact)
        self.check_voicemail()
        self._check_body()

    def _check_body(self) -> None:
        from ..scripts import job_ask_warnings

        notes = job_ask_warnings(self.body.value) if self.body.value else []
        self.body_advice.value = "".join(ui.warning_html(n) for n in notes)

    def check_voicemail(self) -> Any:
        """Count words and seconds and name the missing parts, live, under the script."""
        from ..scripts import check_voicemail

        if not self.voicemail.value.strip():
            self.voicemail_check.value = ""
            return None
        check = check_voicemail(self.voicemail.value)
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
        for name in ("subject", "body", "voicemail"):
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
        )
        return f"Drafts saved for {self.contact.label}."

    def mark_sent(self) -> bool:
        """Save the drafts and record the email as sent: the follow-up call is then planned.

        The button is disabled while it logs, and the same email logged twice in a row (a
        double-click) is refused with "already logged": one email, one outreach.
        """
        if self.sent_button.disabled:
            return False
        self.sent_button.disabled = True
        try:
            return self._mark_sent()
        finally:
            self.sent_button.disabled = False

    def _mark_sent(self) -> bool:
        self.sent_status.value = ""
        if not self.save():
            self.sent_status.value = ui.error_html("Not logged: see what is marked in red above.")
            return False
        errors = _Errors()
        if self.sent_on.value is None:
            errors.add("sent_on", "pick the day you sent it")
        elif self.sent_on.value > self.today:
            errors.add("sent_on", "that day is still to come: log it once it is sent")
        else:
            repeat = _already_logged(self.wb, self.contact.value, "outreach", self.sent_on.value,
                                     None)  # fmt: skip
            if repeat:
                self.sent_status.value = ui.warning_html(repeat[0].upper() + repeat[1:])
                return False
            with errors.field("sent_on"):
                self.wb.log_activity(self.contact.value, "outreach", self.sent_on.value,
                                     channel="email")  # fmt: skip
        self.show_errors({self._where(f): m for f, m in errors.items()})
        if errors:
            self.sent_status.value = ui.error_html("Not logged: see the date above.")
            return False
        due = self.sent_on.value + dt.timedelta(days=self.wb.profile.follow_up_days)
        self.sent_status.value = ui.ok_html(
            f"Logged: your email to {self.contact.label} on {self.sent_on.value:%d %B}. "
            f"Your follow-up call is planned for {due:%A %d %B}."
        )
        for callback in self.on_saved:
            callback()
        return True


def outreach_form(
    wb: Workbook | None = None, today: dt.date | None = None, refresh: Iterable[Any] = ()
) -> widgets.VBox:
    """Email and voicemail drafts with live checks (notebook 06)."""
    wb, today, page = on_page_today(wb, today)
    return join(page, OutreachForm(wb, today, refresh)).widget
