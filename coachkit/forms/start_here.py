"""Notebook 01, start here: choose the workbook folder, your name, import or add contacts."""

from __future__ import annotations

import html
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from ..workbook import Workbook, create_workbook
from ._base import _EMAIL, _WIDE, _Errors, _Form, _sentence, _write_private
from ._page import join, on_page
from ._workbook import chosen_workbook_file

__all__ = [
    "ContactForm",
    "ImportForm",
    "OpenWorkbookForm",
    "ProfileForm",
    "contact_form",
    "import_form",
    "open_workbook_form",
    "profile_form",
]


class OpenWorkbookForm(_Form):
    """Use another workbook folder (created if new); the other notebooks follow the choice.

    After a successful save, ``form.wb`` is the newly opened workbook.
    """

    save_text = "Use this folder"

    def __init__(self, wb: Workbook, refresh: Iterable[Any] = ()) -> None:
        self._views = list(refresh)
        super().__init__(wb, self._views)
        #: Called with the new workbook after a switch (the page makes its forms follow).
        self.on_switched: list[Callable[[Workbook], None]] = []
        self._opened: Workbook | None = None
        self.folder = widgets.Text(value=str(wb.folder), layout=_WIDE)
        self.widget = widgets.VBox(
            [
                self._row(
                    "folder", "Workbook folder", self.folder,
                    "an existing workbook, or a new folder to start one in",
                ),
                self._footer(),
            ]
        )  # fmt: skip

    def _write(self, errors: _Errors) -> str:
        text = self.folder.value.strip()
        if not text:
            errors.add("folder", "write the folder to keep your workbook in")
            return ""
        try:  # a NUL or a lone surrogate (broken paste) cannot name a folder
            text.encode("utf-8")
            if "\x00" in text:
                raise ValueError(text)
        except (UnicodeEncodeError, ValueError):
            errors.add("folder", "holds characters a folder name cannot have: please retype it")
            return ""
        folder = Path(text).expanduser()
        if folder.exists() and not folder.is_dir():
            errors.add("folder", f"{folder} is a file, not a folder: choose another name")
            return ""
        with errors.field("folder"):
            opened = create_workbook(folder, exist_ok=True)
        if errors:
            return ""
        _write_private(chosen_workbook_file(), str(opened.folder) + "\n")
        self._opened = opened
        if self.on_switched:
            return (
                f"Now using {opened.folder}: every form on this page saves there from now on. "
                "The other notebooks use it too (reload any page already open)."
            )
        return f"Now using {opened.folder}. The other notebooks use it too."

    def _after_save(self) -> None:
        opened, self._opened = self._opened, None
        if opened is None or opened is self.wb:
            return
        self.wb = opened
        for view in self._views:
            view.wb = opened  # the card (and views) now describe the chosen workbook
        for switch in self.on_switched:
            switch(opened)


class ProfileForm(_Form):
    """Your name (used to sign drafts), your call-back number (said in every voicemail) and
    your time zone (used by calendar files)."""

    def __init__(self, wb: Workbook, refresh: Iterable[Any] = ()) -> None:
        super().__init__(wb, refresh)
        profile = wb.profile
        self.name = widgets.Text(value=profile.name, placeholder="e.g. Ana Lima", layout=_WIDE)
        self.phone = widgets.Text(
            value=profile.phone, placeholder="e.g. +33 6 12 34 56 78", layout=_WIDE
        )
        self.timezone = widgets.Text(
            value=profile.timezone, placeholder="e.g. Europe/Paris (optional)", layout=_WIDE
        )
        self.widget = widgets.VBox(
            [
                self._row("name", "Your name", self.name, "how your messages are signed"),
                self._row(
                    "phone",
                    "Your phone number",
                    self.phone,
                    "your voicemails end with it, so people can call you back",
                ),
                self._row(
                    "timezone", "Your time zone", self.timezone, "leave empty for local time"
                ),
                self._footer(),
            ]
        )

    def reload(self) -> None:
        super().reload()
        profile = self.wb.profile
        for field in ("name", "phone", "timezone"):
            getattr(self, field).value = getattr(profile, field)

    def _write(self, errors: _Errors) -> str:
        if not self.name.value.strip():
            errors.add("name", "please write your name: it signs your email and voicemail drafts")
        for field in ("name", "phone", "timezone"):
            with errors.field(field):
                self.wb.update_profile(**{field: getattr(self, field).value})
        return "Saved. Hello, " + self.name.value.strip() + "!"


class ImportForm(_Form):
    """Upload contact exports (LinkedIn Connections.csv or .zip, Google or Outlook CSV,
    vCard, a spreadsheet saved as CSV or Unicode text)."""

    save_text = "Import"

    def __init__(self, wb: Workbook, refresh: Iterable[Any] = ()) -> None:
        super().__init__(wb, refresh)
        self.upload = widgets.FileUpload(
            accept=".csv,.txt,.zip,.vcf,.vcard",
            multiple=True,
            description="Choose files",
            tooltip="Choose your contact export: .csv, .txt, .zip or .vcf",  # never "null"
        )
        self.summary = widgets.HTML()
        self.widget = widgets.VBox(
            [
                self._row(
                    "upload",
                    "Your contacts file(s)",
                    self.upload,
                    "LinkedIn Connections.csv (or its .zip), Google or Outlook .csv, or .vcf",
                ),
                self._footer(),
                self.summary,
            ]
        )

    def _write(self, errors: _Errors) -> str:
        from ..importers import import_contacts

        files = list(self.upload.value)
        if not files:
            errors.add("upload", "choose at least one file first (button above)")
            return ""
        reports: list[str] = []
        added = 0
        with tempfile.TemporaryDirectory(prefix="coachkit-upload-") as folder:
            for item in files:
                # Keep the file's own name: its extension tells the importer the format.
                name = Path(str(item["name"])).name or "contacts.csv"
                path = Path(folder) / name
                path.write_bytes(bytes(item["content"]))
                found = _Errors()
                with found.field("upload"):
                    summary = import_contacts(self.wb, path)
                    reports.append(str(summary))
                    added += int(getattr(summary, "added", 0))
                for field, message in found.items():
                    # Name the file as the person knows it, not our temporary copy.
                    errors.add(field, message.replace(str(path), name))
        if errors:
            self.summary.value = ""
            return ""
        self.summary.value = f"<pre>{html.escape(chr(10).join(reports))}</pre>"
        self.upload.value = ()  # a second click must not import the same files again
        return f"Imported: {added} new contact(s) in your workbook."


class ContactForm(_Form):
    """Add one person by hand (someone you met, or a name a friend gave you)."""

    save_text = "Add contact"

    def __init__(self, wb: Workbook, refresh: Iterable[Any] = ()) -> None:
        super().__init__(wb, refresh)
        self.name = widgets.Text(placeholder="e.g. Léa Martin", layout=_WIDE)
        self.firm = widgets.Text(placeholder="e.g. Doctolib", layout=_WIDE)
        self.position = widgets.Text(placeholder="e.g. Product Manager", layout=_WIDE)
        self.location = widgets.Text(placeholder="e.g. Paris", layout=_WIDE)
        self.email = widgets.Text(placeholder="optional", layout=_WIDE)
        self.phone = widgets.Text(placeholder="optional: for the follow-up call", layout=_WIDE)
        self.widget = widgets.VBox(
            [
                self._row("name", "Name", self.name),
                self._row("firm", "Firm", self.firm),
                self._row("position", "Role or position", self.position),
                self._row("location", "Location", self.location),
                self._row("email", "Email", self.email),
                self._row("phone", "Phone", self.phone),
                self._footer(),
            ]
        )

    def _write(self, errors: _Errors) -> str:
        name = self.name.value.strip()
        if not name:
            errors.add("name", "a contact needs a name")
        email = self.email.value.strip()
        if email and not _EMAIL.match(email):
            errors.add("email", f"{email!r} does not look like an email address")
        if errors:
            return ""
        values = {
            f: getattr(self, f).value
            for f in ("firm", "position", "location", "email", "phone")
            if getattr(self, f).value.strip()
        }
        with errors.field():
            self.wb.add_contact(name, source="manual", **values)
        for field in ("name", "firm", "position", "location", "email", "phone"):
            getattr(self, field).value = ""
        return _sentence(f"Added {name}")


def open_workbook_form(wb: Workbook | None = None, refresh: Iterable[Any] = ()) -> widgets.VBox:
    """Choose the workbook folder (notebook 01)."""
    wb, page = on_page(wb)
    return join(page, OpenWorkbookForm(wb, refresh)).widget


def profile_form(wb: Workbook | None = None, refresh: Iterable[Any] = ()) -> widgets.VBox:
    """Your name and time zone (notebook 01)."""
    wb, page = on_page(wb)
    return join(page, ProfileForm(wb, refresh)).widget


def import_form(wb: Workbook | None = None, refresh: Iterable[Any] = ()) -> widgets.VBox:
    """Upload and import contact files (notebook 01)."""
    wb, page = on_page(wb)
    return join(page, ImportForm(wb, refresh)).widget


def contact_form(wb: Workbook | None = None, refresh: Iterable[Any] = ()) -> widgets.VBox:
    """Add one contact by hand (notebook 01)."""
    wb, page = on_page(wb)
    return join(page, ContactForm(wb, refresh)).widget
