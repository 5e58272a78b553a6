"""The forms and views of the guided notebooks (ipywidgets), testable without a browser.

Each step of the method has a small form class: its input widgets are attributes, ``save()``
is bound to ``save_button``, and it writes to the workbook at once, in one transaction, so a
kernel restart or a closed tab loses nothing. A value the workbook refuses is shown in red
right under the field it is about (``form.error_labels[field]``, ``form.errors``) and nothing
is written. Views (mentor shortlist, week plan, progress, follow-ups, referral tree) are
``VBox`` widgets with a ``refresh()`` that forms call after saving.

The notebooks only call the ``*_form`` / ``*_view`` functions below; tests drive the
classes::

    form = GoalsForm(wb)
    form.industries.value = "Fintech\\nHealthTech"
    form.save_button.click()
    assert wb.goals.industries == ("Fintech", "HealthTech")

"today" is always passed in (the notebook's ``today`` parameter); nothing here reads the
clock.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar

import ipywidgets as widgets
import pandas as pd

from . import _widgets as ui
from .errors import CoachkitError, ValidationError
from .network import is_conversation
from .workbook import (
    ACTIVITY_KINDS,
    MAX_GOALS,
    MEETING_CHANNELS,
    OUTREACH_CHANNELS,
    WEEKDAYS,
    Workbook,
    create_workbook,
)

__all__ = [
    "CalendarForm",
    "ContactForm",
    "FirmTagForm",
    "FollowUpView",
    "GoalsForm",
    "ImportForm",
    "LogForm",
    "MentorView",
    "MosaicView",
    "OpenWorkbookForm",
    "OutreachForm",
    "ProfileForm",
    "ProgressView",
    "ReferralView",
    "ScheduleForm",
    "TargetsForm",
    "WeekView",
    "WorkbookCard",
    "calendar_form",
    "contact_form",
    "firm_tags_form",
    "follow_up_view",
    "goals_form",
    "import_form",
    "log_form",
    "mentor_view",
    "mosaic_view",
    "open_or_create",
    "open_workbook_form",
    "outreach_form",
    "parse_referrals",
    "profile_form",
    "progress_view",
    "referral_view",
    "resolve_workbook",
    "schedule_form",
    "targets_form",
    "week_view",
    "workbook_card",
]

_WIDE = widgets.Layout(width="95%", max_width="640px")
_TALL = widgets.Layout(width="95%", max_width="640px", height="8em")
_CONVERSATION_KINDS = ("call", "meeting")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class _Rollback(Exception):
    """Raised inside a transaction to undo it when any field was refused."""


def _explain(exc: CoachkitError) -> str:
    """The words to show next to a field: the reason, then what to do."""
    text = exc.reason if isinstance(exc, ValidationError) else exc.message
    return f"{text} ({exc.hint})" if exc.hint else text


def _label(title: str, help_text: str = "") -> widgets.HTML:
    extra = f' <span style="color:#666">{html.escape(help_text)}</span>' if help_text else ""
    return widgets.HTML(f"<b>{html.escape(title)}</b>{extra}")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class _Form:
    """What every form shares: field rows with error labels, a save button, a status line."""

    save_text = "Save"

    def __init__(self, wb: Workbook, refresh: Iterable[Any] = ()) -> None:
        self.wb = wb
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
        return widgets.VBox([_label(title, help_text), widget, error])

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

        Returns
        -------
        bool
            True when saved; False when a field was refused (then nothing was written, and
            each refused field shows why in red right under it).
        """
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
        self.status.value = ui.ok_html(message or "Saved to your workbook.")
        for callback in self.on_saved:
            callback()
        return True

    def show_errors(self, errors: dict[str, str]) -> None:
        """Put each message under its field and clear the other fields' messages."""
        self.errors = dict(errors)
        for name, label in self.error_labels.items():
            label.value = ui.error_html(errors.get(name, ""))


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


# -- start here -----------------------------------------------------------------------------------
class WorkbookCard(widgets.HTML):
    """A short card saying where the workbook lives and what it holds (``refresh()`` updates)."""

    def __init__(self, wb: Workbook) -> None:
        super().__init__()
        self.wb = wb
        self.add_class("coachkit-card")
        self.refresh()

    def refresh(self) -> None:
        """Count again (after an import, a new contact, new goals)."""
        with self.wb.snapshot():
            contacts = len(self.wb.contacts())
            goals = self.wb.goals
            name = self.wb.profile.name
        who = f" for {html.escape(name)}" if name else ""
        goal_text = "set" if not goals.is_empty() else "not set yet (notebook 02)"
        self.value = (
            '<div style="border-left:4px solid #1f77b4;padding:6px 12px">'
            f"<b>Your workbook{who}</b><br>"
            f"Folder: <code>{html.escape(str(self.wb.folder))}</code><br>"
            f"Contacts: {contacts} &middot; Goals: {goal_text}<br>"
            "Everything you save goes straight into this folder, on your computer: closing "
            "the tab loses nothing, and nothing is sent anywhere."
            "</div>"
        )


def workbook_card(wb: Workbook) -> WorkbookCard:
    """A short card saying where the workbook lives and what it holds."""
    return WorkbookCard(wb)


DEFAULT_WORKBOOK = "~/coachkit-workbook"


def chosen_workbook_file() -> Path:
    """Where notebook 01 remembers the folder a participant chose (``$XDG_CONFIG_HOME``)."""
    config = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(config) / "coachkit" / "workbook-folder"


def resolve_workbook(workbook: str | os.PathLike[str] = "") -> Path:
    """The workbook folder a notebook should use.

    The folder given (the notebook's ``workbook`` parameter or ``COACHKIT_WORKBOOK``) wins;
    without one, the folder chosen in notebook 01; without that, ``~/coachkit-workbook``.
    """
    if str(workbook).strip():
        return Path(str(workbook).strip()).expanduser()
    remembered = chosen_workbook_file()
    if remembered.is_file():
        text = remembered.read_text(encoding="utf-8").strip()
        if text:
            return Path(text).expanduser()
    return Path(DEFAULT_WORKBOOK).expanduser()


def open_or_create(workbook: str | os.PathLike[str] = "") -> Workbook:
    """Open the notebook's workbook (see :func:`resolve_workbook`), creating it if new."""
    return create_workbook(resolve_workbook(workbook), exist_ok=True)


class OpenWorkbookForm(_Form):
    """Use another workbook folder (created if new); the other notebooks follow the choice.

    After a successful save, ``form.wb`` is the newly opened workbook.
    """

    save_text = "Use this folder"

    def __init__(self, wb: Workbook, refresh: Iterable[Any] = ()) -> None:
        self._views = list(refresh)
        super().__init__(wb, self._views)
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
        self.wb = opened
        for view in self._views:
            view.wb = opened  # the card (and views) now describe the chosen workbook
        return (
            f"Now using {opened.folder}. The other notebooks use it too; reload this page "
            "(or Run All Cells) to import into it."
        )


class ProfileForm(_Form):
    """Your name (used to sign drafts) and your time zone (used by calendar files)."""

    def __init__(self, wb: Workbook, refresh: Iterable[Any] = ()) -> None:
        super().__init__(wb, refresh)
        profile = wb.profile
        self.name = widgets.Text(value=profile.name, placeholder="e.g. Ana Lima", layout=_WIDE)
        self.timezone = widgets.Text(
            value=profile.timezone, placeholder="e.g. Europe/Paris (optional)", layout=_WIDE
        )
        self.widget = widgets.VBox(
            [
                self._row("name", "Your name", self.name, "how your messages are signed"),
                self._row(
                    "timezone", "Your time zone", self.timezone, "leave empty for local time"
                ),
                self._footer(),
            ]
        )

    def _write(self, errors: _Errors) -> str:
        if not self.name.value.strip():
            errors.add("name", "please write your name: it signs your email and voicemail drafts")
        for field in ("name", "timezone"):
            with errors.field(field):
                self.wb.update_profile(**{field: getattr(self, field).value})
        return "Saved. Hello, " + self.name.value.strip() + "!"


class ImportForm(_Form):
    """Upload contact exports (LinkedIn Connections.csv or .zip, Google CSV, vCard)."""

    save_text = "Import"

    def __init__(self, wb: Workbook, refresh: Iterable[Any] = ()) -> None:
        super().__init__(wb, refresh)
        self.upload = widgets.FileUpload(
            accept=".csv,.zip,.vcf,.vcard", multiple=True, description="Choose files"
        )
        self.summary = widgets.HTML()
        self.widget = widgets.VBox(
            [
                self._row(
                    "upload",
                    "Your contacts file(s)",
                    self.upload,
                    "LinkedIn Connections.csv (or its .zip), Google Contacts .csv, or .vcf",
                ),
                self._footer(),
                self.summary,
            ]
        )

    def _write(self, errors: _Errors) -> str:
        from .importers import import_contacts

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
        return f"Added {name}."


# -- step 1: goals --------------------------------------------------------------------------------
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


# -- find mentors ---------------------------------------------------------------------------------
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
        return f"Saved {name}. The shortlist below is updated."


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


class MentorView(_View):
    """The mentor shortlist: contacts ranked by how many of your goals they match."""

    def __init__(self, wb: Workbook, limit: int = 15) -> None:
        super().__init__(wb, "Your mentor shortlist")
        self.limit = limit
        self.frame = pd.DataFrame()
        self.refresh()

    def refresh(self) -> None:
        """Rank again (after goals or firm tags change)."""
        from .mentors import rank_mentors

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
        from .mentors import target_firms

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


# -- step 2: schedule -----------------------------------------------------------------------------
_TIME = re.compile(r"^\d{1,2}:\d{2}$")


class ScheduleForm(_Form):
    """Step 2: when research, outreach and follow-up calls happen."""

    save_text = "Save my schedule"
    _DAYS: ClassVar[list[tuple[str, int]]] = [(day, index) for index, day in enumerate(WEEKDAYS)]

    def __init__(self, wb: Workbook, refresh: Iterable[Any] = ()) -> None:
        super().__init__(wb, refresh)
        p = wb.profile
        self.week_start = widgets.Dropdown(options=self._DAYS, value=p.week_start)
        self.outreach_weekday = widgets.Dropdown(options=self._DAYS, value=p.outreach_weekday)
        self.outreach_time = widgets.Text(value=p.outreach_time, placeholder="HH:MM")
        self.follow_up_days = widgets.IntText(value=p.follow_up_days)
        self.call_time = widgets.Text(value=p.call_time, placeholder="HH:MM")
        self.research_weekday = widgets.Dropdown(options=self._DAYS, value=p.research_weekday)
        self.research_time = widgets.Text(value=p.research_time, placeholder="HH:MM")
        self.advice = widgets.HTML()
        self.outreach_weekday.observe(lambda _c: self._advise(), names="value")
        self.follow_up_days.observe(lambda _c: self._advise(), names="value")
        self.widget = widgets.VBox(
            [
                self._row("outreach_weekday", "Outreach day", self.outreach_weekday,
                          "the method: Sunday, when inboxes are quiet"),
                self._row("outreach_time", "Outreach time", self.outreach_time, "HH:MM"),
                self._row("follow_up_days", "Follow-up call after (days)", self.follow_up_days,
                          "the method: 9 (a Sunday email gives a Tuesday call)"),
                self._row("call_time", "Call time", self.call_time, "HH:MM"),
                self._row("research_weekday", "Research day", self.research_weekday,
                          "find the people to write to"),
                self._row("research_time", "Research time", self.research_time, "HH:MM"),
                self._row("week_start", "My week starts on", self.week_start),
                self.advice,
                self._footer(),
            ]
        )  # fmt: skip
        self._advise()

    def _advise(self) -> None:
        notes = []
        if self.outreach_weekday.value != 6:
            notes.append(
                "Emails sent early in the week drown in daily business, and Thursday or Friday "
                "ones are forgotten over the weekend: Sunday works best."
            )
        if self.follow_up_days.value != 9:
            notes.append("The method calls 9 days after the first message.")
        self.advice.value = "".join(ui.warning_html(n) for n in notes)

    def _write(self, errors: _Errors) -> str:
        for field in ("outreach_time", "call_time", "research_time"):
            if not _TIME.match(getattr(self, field).value.strip()):
                errors.add(field, f"{getattr(self, field).value!r} is not a time: write HH:MM")
        fields = ("week_start", "outreach_weekday", "outreach_time", "follow_up_days",
                  "call_time", "research_weekday", "research_time")  # fmt: skip
        for field in fields:
            value = getattr(self, field).value
            with errors.field(field):
                self.wb.update_profile(
                    **{field: value.strip() if isinstance(value, str) else value}
                )
        p = self.wb.profile
        return (
            f"Schedule saved: outreach on {WEEKDAYS[p.outreach_weekday]}s at {p.outreach_time}, "
            f"calls {p.follow_up_days} days later at {p.call_time}."
        )


def _week_of(wb: Workbook, today: dt.date) -> str:
    from .weeks import week_label

    return week_label(today, wb.profile.week_start)


class WeekView(_View):
    """This week's plan: research, the outreach session and the calls due."""

    def __init__(self, wb: Workbook, today: dt.date) -> None:
        super().__init__(wb, "This week's plan")
        self.today = today
        self.refresh()

    def refresh(self) -> None:
        """Plan the week that holds ``today`` again (after the schedule changes)."""
        from .schedule import weekly_plan

        plan = weekly_plan(self.wb, _week_of(self.wb, self.today))
        self.plan = plan
        frame = plan.to_frame()
        self.heading.value = (
            f"<h4 style='margin:8px 0 4px'>This week's plan: {plan.week} "
            f"({plan.start:%d %b} to {plan.end:%d %b})</h4>"
        )
        self._show_chart(ui.week_chart(frame, plan.start))
        overdue = ""
        if len(plan.overdue):
            overdue = ui.warning_html(
                f"{len(plan.overdue)} follow-up call(s) are overdue: make them first "
                "(notebook 07 lists them)."
            )
        readable = frame.assign(day=[f"{d:%a %d %b}" for d in frame["day"]])
        self.table.value = overdue + ui.table_html(
            readable,
            {"day": "Day", "time": "Time", "kind": "What", "title": "Session", "status": "Status"},
            empty="Nothing planned this week.",
        )


class CalendarForm(_Form):
    """Put the schedule in your calendar: an .ics file for the next weeks, to download."""

    save_text = "Make my calendar file"
    FILE_NAME = "coachkit-plan.ics"

    def __init__(self, wb: Workbook, today: dt.date, refresh: Iterable[Any] = ()) -> None:
        super().__init__(wb, refresh)
        self.today = today
        self.weeks = widgets.IntText(value=4, layout=widgets.Layout(width="7em"))
        self.download = widgets.HTML()
        self.widget = widgets.VBox(
            [
                self._row("weeks", "How many weeks", self.weeks, "from this week on; 1 to 104"),
                self._footer(),
                self.download,
            ]
        )

    def _write(self, errors: _Errors) -> str:
        import base64

        from .ics import write_calendar

        path = self.wb.folder / self.FILE_NAME
        with errors.field("weeks"):
            write_calendar(self.wb, path, self.today, int(self.weeks.value))
        if errors:
            self.download.value = ""
            return ""
        # A data link downloads in JupyterLab and in Voilà alike (no file server needed).
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        self.download.value = (
            f'<a download="{self.FILE_NAME}" href="data:text/calendar;base64,{data}" '
            'style="font-weight:bold">Download your calendar file</a> and open it with Google '
            "Calendar, Outlook or Apple Calendar. Importing it again later updates the events "
            "instead of duplicating them."
        )
        return f"Calendar file written to {path}."


# -- step 3: targets ------------------------------------------------------------------------------
class TargetsForm(_Form):
    """Step 3: how many of each thing per week or month (and targets of your own)."""

    save_text = "Save my targets"

    def __init__(self, wb: Workbook, refresh: Iterable[Any] = ()) -> None:
        super().__init__(wb, refresh)
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
        labels = {t.metric: t.label for t in self.wb.targets}
        for metric, amount in self.amounts.items():
            if self.remove[metric].value:
                with errors.field(f"target {metric}"):
                    self.wb.remove_target(metric)
                continue
            with errors.field(f"target {metric}"):
                self.wb.set_target(metric, amount.value, self.periods[metric].value, labels[metric])
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
                        self.new_label.value.strip() or metric,
                    )  # fmt: skip
        if errors:
            return ""
        return f"Targets saved ({len(self.wb.targets)})."

    def save(self) -> bool:
        """Save, then rebuild the rows so that an added or removed target shows at once."""
        saved = super().save()
        if saved:
            errors = dict(self.errors)
            self._build_rows()
            self.show_errors(errors)
            self.new_metric.value = self.new_label.value = ""
        return saved


class ProgressView(_View):
    """Progress against every target, this week and this month."""

    def __init__(self, wb: Workbook, today: dt.date) -> None:
        super().__init__(wb, "Your progress")
        self.today = today
        self.refresh()

    def refresh(self) -> None:
        """Count again (after targets change or activities are logged)."""
        from .progress import progress, verdict

        week = _week_of(self.wb, self.today)
        frame = progress(self.wb, week)
        self.frame = frame
        self.heading.value = (
            f"<h4 style='margin:8px 0 4px'>Your progress in {week}: {_escape(verdict(frame))}</h4>"
        )
        self._show_chart(ui.progress_chart(frame) if len(frame) else None)
        self.table.value = ui.table_html(
            frame,
            {
                "label": "Target",
                "period": "Per",
                "target": "Target",
                "actual": "Done",
                "remaining": "Still to do",
                "streak": "Weeks in a row on target",
            },
            empty="No targets: add one above.",
        )


def _escape(text: object) -> str:
    return html.escape(str(text))


# -- outreach scripts -----------------------------------------------------------------------------
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
            ]
        )  # fmt: skip
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
            from .scripts import email_draft, voicemail_draft

            contact = self.wb.get_contact(contact_id)
            draft = email_draft(self.wb, contact)
            self.subject.value, self.body.value = draft.subject, draft.body
            self.voicemail.value = voicemail_draft(self.wb, contact)
        self.check_voicemail()
        self._check_body()

    def _check_body(self) -> None:
        from .scripts import job_ask_warnings

        notes = job_ask_warnings(self.body.value) if self.body.value else []
        self.body_advice.value = "".join(ui.warning_html(n) for n in notes)

    def check_voicemail(self) -> Any:
        """Count words and seconds and name the missing parts, live, under the script."""
        from .scripts import check_voicemail

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
        """Save the drafts and record the email as sent: the follow-up call is then planned."""
        if not self.save():
            return False
        errors = _Errors()
        if self.sent_on.value is None:
            errors.add("sent_on", "pick the day you sent it")
        elif self.sent_on.value > self.today:
            errors.add("sent_on", "that day is still to come: log it once it is sent")
        else:
            with errors.field("sent_on"):
                self.wb.log_activity(self.contact.value, "outreach", self.sent_on.value,
                                     channel="email")  # fmt: skip
        self.show_errors({self._where(f): m for f, m in errors.items()})
        if errors:
            self.status.value = ui.error_html("Not logged: see the date above.")
            return False
        due = self.sent_on.value + dt.timedelta(days=self.wb.profile.follow_up_days)
        self.status.value = ui.ok_html(
            f"Logged. Your follow-up call to {self.contact.label} is planned for {due:%A %d %B}."
        )
        for callback in self.on_saved:
            callback()
        return True


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
        from .mentors import rank_mentors

        ranked = rank_mentors(wb)
        fresh = ranked[~ranked["approached"].astype(bool)]["contact_id"].astype(int).tolist()
        order = {cid: i for i, cid in enumerate(fresh)}
        contacts = contacts.assign(
            _rank=[order.get(int(i), len(order)) for i in contacts["id"]]
        ).sort_values(["_rank", "name"], kind="stable")
    else:
        contacts = contacts.sort_values("name", key=lambda s: s.str.casefold(), kind="stable")
    return options + ui.column_options(contacts, ["name", "firm"])


# -- log and follow up ----------------------------------------------------------------------------
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
                from .network import log_conversation_referrals

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
        from .schedule import follow_ups

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
        from .network import referral_tree

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


# -- what the notebooks call ----------------------------------------------------------------------
def profile_form(wb: Workbook, refresh: Iterable[Any] = ()) -> widgets.VBox:
    """Your name and time zone (notebook 01)."""
    return ProfileForm(wb, refresh).widget


def import_form(wb: Workbook, refresh: Iterable[Any] = ()) -> widgets.VBox:
    """Upload and import contact files (notebook 01)."""
    return ImportForm(wb, refresh).widget


def contact_form(wb: Workbook, refresh: Iterable[Any] = ()) -> widgets.VBox:
    """Add one contact by hand (notebook 01)."""
    return ContactForm(wb, refresh).widget


def goals_form(wb: Workbook, refresh: Iterable[Any] = ()) -> widgets.VBox:
    """The ranked goals (notebook 02)."""
    return GoalsForm(wb, refresh).widget


def mentor_view(wb: Workbook, limit: int = 15) -> MentorView:
    """The mentor shortlist, table and chart (notebooks 02 and 03)."""
    return MentorView(wb, limit)


def firm_tags_form(wb: Workbook, refresh: Iterable[Any] = ()) -> widgets.VBox:
    """Tag firms with industry and location (notebook 03)."""
    return FirmTagForm(wb, refresh).widget


def schedule_form(wb: Workbook, refresh: Iterable[Any] = ()) -> widgets.VBox:
    """The schedule settings (notebook 04)."""
    return ScheduleForm(wb, refresh).widget


def week_view(wb: Workbook, today: dt.date) -> WeekView:
    """This week's plan (notebook 04)."""
    return WeekView(wb, today)


def targets_form(wb: Workbook, refresh: Iterable[Any] = ()) -> widgets.VBox:
    """The targets (notebook 05)."""
    return TargetsForm(wb, refresh).widget


def progress_view(wb: Workbook, today: dt.date) -> ProgressView:
    """Progress against targets (notebooks 05 and 07)."""
    return ProgressView(wb, today)


def outreach_form(wb: Workbook, today: dt.date, refresh: Iterable[Any] = ()) -> widgets.VBox:
    """Email and voicemail drafts with live checks (notebook 06)."""
    return OutreachForm(wb, today, refresh).widget


def log_form(wb: Workbook, today: dt.date, refresh: Iterable[Any] = ()) -> widgets.VBox:
    """Log an activity and its referrals (notebook 07)."""
    return LogForm(wb, today, refresh).widget


def follow_up_view(wb: Workbook, today: dt.date) -> FollowUpView:
    """The follow-up calls to make (notebook 07)."""
    return FollowUpView(wb, today)


def referral_view(wb: Workbook) -> ReferralView:
    """The referral tree (notebook 07)."""
    return ReferralView(wb)


def mosaic_view(wb: Workbook) -> MosaicView:
    """The firms in the target space and their coverage (notebook 03)."""
    return MosaicView(wb)


def calendar_form(wb: Workbook, today: dt.date) -> widgets.VBox:
    """Download the schedule as a calendar file (notebook 04)."""
    return CalendarForm(wb, today).widget


def open_workbook_form(wb: Workbook, refresh: Iterable[Any] = ()) -> widgets.VBox:
    """Choose the workbook folder (notebook 01)."""
    return OpenWorkbookForm(wb, refresh).widget
