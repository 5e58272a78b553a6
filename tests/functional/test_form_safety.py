"""Use every button as a person does: twice in a row, after switching workbooks, cell by cell.

A double-click reaches the kernel as two clicks, one after the other: the tests click twice.
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

import pandas as pd
import pytest

from coachkit import Workbook, create_workbook, open_workbook
from coachkit import forms as f
from coachkit.errors import ValidationError
from coachkit.forms import _page

from .test_forms import DATA, people, upload

pytestmark = pytest.mark.functional

TODAY = dt.date(2026, 11, 25)  # a Wednesday
VCARD = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Sam Lee\r\nN:Lee;Sam;;;\r\nORG:Alan\r\nEND:VCARD\r\n"


@pytest.fixture
def config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private home and config folder, and no page left over from another test."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("COACHKIT_WORKBOOK", raising=False)
    monkeypatch.delenv("COACHKIT_TODAY", raising=False)
    monkeypatch.setattr(_page, "_current", None)
    return tmp_path


def text(widget) -> str:
    return html.unescape(widget.value)


class FakeClock:
    """A monotonic clock the test moves by hand (the double-click window is 3 s)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# -- double-clicks ------------------------------------------------------------------------------
def test_log_form_double_click_logs_one_meeting(workbook: Workbook) -> None:
    ids = people(workbook)
    form = f.LogForm(workbook, TODAY)
    form.contact.value = ids["Elena Okoye"]
    form.kind.value = "meeting"
    form.notes.value = "Talked about her path from consulting to product"
    form.save_button.click()
    form.save_button.click()
    acts = workbook.activities()
    assert list(acts["kind"]) == ["meeting"]
    assert acts["notes"].iloc[0].startswith("Talked about")
    assert "Already saved: Logged: meeting with Elena Okoye" in text(form.status)
    assert not form.save_button.disabled  # usable again once the save is over


def test_log_form_refuses_the_same_activity_twice_in_a_row_even_later(
    workbook: Workbook,
) -> None:
    """Past the double-click window, the same (contact, kind, date, outcome) is refused."""
    ids = people(workbook)
    clock = FakeClock()
    form = f.LogForm(workbook, TODAY)
    form._clock = clock
    form.contact.value = ids["Elena Okoye"]
    form.kind.value = "call"
    form.outcome.value = "voicemail"
    assert form.save()
    clock.now += 60
    form.notes.value = "left a second message?"
    assert not form.save()
    assert "already logged: call (voicemail) with Elena Okoye on 25 November 2026" in text(
        form.error_labels["form"]
    )
    assert len(workbook.activities()) == 1
    # A different outcome the same day is a new event: logged.
    form.outcome.value = "reached"
    assert form.save()
    assert list(workbook.activities()["outcome"]) == ["voicemail", "reached"]


def test_log_form_how_is_never_empty(workbook: Workbook) -> None:
    ids = people(workbook)
    form = f.LogForm(workbook, TODAY)
    assert form.channel.value == "email"  # outreach: the first channel
    form.kind.value = "meeting"
    assert form.channel.value == "call"
    form.channel.value = "coffee"
    form.contact.value = ids["Bob Baker"]
    form.save_button.click()
    assert list(workbook.activities()["channel"]) == ["coffee"]


def test_outreach_sent_double_click_logs_one_outreach_and_says_so_under_the_button(
    workbook: Workbook,
) -> None:
    ids = people(workbook)
    clock = FakeClock()
    form = f.OutreachForm(workbook, TODAY)
    form._clock = clock
    form.contact.value = ids["Elena Okoye"]
    form.admiration.value = "I loved your talk on discovery interviews"  # no gap left to fill
    form.sent_on.value = dt.date(2026, 11, 22)
    form.sent_button.click()
    form.sent_button.click()
    acts = workbook.activities()
    assert list(acts["kind"]) == ["outreach"]
    assert "Logged: your email to Elena Okoye" in text(form.sent_status)  # the first click's
    clock.now += 60  # a minute later, on purpose: refused, and said so
    form.sent_button.click()
    assert len(workbook.activities()) == 1
    assert "Already logged: outreach with Elena Okoye on 22 November 2026" in text(form.sent_status)
    # the message sits right under the button it is about
    children = list(form.widget.children)
    assert children.index(form.sent_status) == children.index(form.sent_button) + 1


def test_contact_form_double_click_adds_one_contact_and_no_error(workbook: Workbook) -> None:
    form = f.ContactForm(workbook)
    form.name.value = "Léa Martin"
    form.save_button.click()
    form.save_button.click()
    assert list(workbook.contacts()["name"]) == ["Léa Martin"]
    assert form.errors == {}
    assert "Already saved: Added Léa Martin." in text(form.status)


def test_import_double_click_shows_the_success_only(workbook: Workbook) -> None:
    form = f.ImportForm(workbook)
    form.upload.value = upload("Connections.csv", (DATA / "linkedin_connections.csv").read_bytes())
    form.save_button.click()
    imported = len(workbook.contacts())
    form.save_button.click()
    assert imported > 0 and len(workbook.contacts()) == imported
    assert form.errors == {}
    assert form.error_labels["upload"].value == ""
    assert f"Already saved: Imported: {imported} new contact(s)" in text(form.status)


def test_an_unchanged_form_is_saved_again_after_the_window(workbook: Workbook) -> None:
    """Only a repeat within 3 s is a double-click: a later deliberate click saves again."""
    clock = FakeClock()
    form = f.ContactForm(workbook)
    form._clock = clock
    form.name.value = "Ana"
    assert form.save()
    clock.now += 10
    assert not form.save()  # the emptied form, clicked on purpose: its error shows
    assert "needs a name" in text(form.error_labels["name"])


def test_save_button_is_disabled_while_saving(workbook: Workbook) -> None:
    seen: list[bool] = []
    form = f.ProfileForm(workbook)
    original = form._write

    def spying_write(errors):
        seen.append(form.save_button.disabled)
        return original(errors)

    form._write = spying_write
    form.name.value = "Ana Lima"
    form.save_button.click()
    assert seen == [True]
    assert form.save_button.disabled is False


# -- the recent log -----------------------------------------------------------------------------
def test_recent_log_lists_newest_first_and_removes_the_chosen_entry(workbook: Workbook) -> None:
    ids = people(workbook)
    workbook.log_activity(ids["Elena Okoye"], "outreach", "2026-11-15", channel="email")
    workbook.log_activity(ids["Bob Baker"], "call", "2026-11-24", outcome="no_answer")
    mistake = workbook.log_activity(ids["Bob Baker"], "meeting", "2026-11-24", channel="coffee")
    view = f.RecentLogView(workbook)
    labels = [label for label, _ in view.entry.options]
    assert labels == [
        "(choose an entry)",
        "24 Nov · meeting · Bob Baker (coffee)",
        "24 Nov · call · Bob Baker (no answer)",
        "15 Nov · outreach · Elena Okoye (email)",
    ]
    changed: list[bool] = []
    view.on_changed.append(lambda: changed.append(True))
    view.entry.value = mistake
    view.remove_button.click()
    view.remove_button.click()  # a second click removes nothing more
    assert list(workbook.activities()["kind"]) == ["outreach", "call"]
    assert "Choose the entry to remove first" in text(view.status)
    assert changed == [True]


def test_recent_log_removal_keeps_the_names_a_meeting_gave(workbook: Workbook) -> None:
    ids = people(workbook)
    form = f.LogForm(workbook, TODAY)
    form.contact.value = ids["Elena Okoye"]
    form.kind.value = "meeting"
    form.referrals.value = "Mia Chen, Qonto"
    assert form.save()
    view = f.RecentLogView(workbook)
    assert len(view.entry.options) == 2  # the meeting; its referral is not an entry of its own
    view.entry.value = view.entry.options[1][1]
    assert view.remove()
    assert "Mia Chen" in set(workbook.contacts()["name"])
    assert "meeting" not in set(workbook.activities()["kind"])


# -- pages: each cell on its own, every form follows the workbook ---------------------------------
def test_a_form_cell_run_alone_opens_the_page_with_the_notebook_defaults(
    config_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = config_home / "wb"
    monkeypatch.setenv("COACHKIT_WORKBOOK", str(folder))
    monkeypatch.setenv("COACHKIT_TODAY", "2026-11-25")
    form_widget = f.log_form()  # no earlier cell ran: no NameError, the page opens itself
    page = f.current_page()
    assert page.wb.folder == folder and page.today == TODAY
    assert form_widget in [m.widget for m in page.members]


def test_switching_the_workbook_in_01_switches_every_form_on_the_page(config_home: Path) -> None:
    old = create_workbook(config_home / "old")
    old.update_profile(name="Old Name", phone="+33 1 00 00 00 00")
    page = f.open_page(old.folder, "2026-11-25")
    switch = page.members  # filled as the notebook's cells run, in order
    f.open_workbook_form()
    f.profile_form()
    f.import_form()
    f.contact_form()
    opener, profile, importer, contact = switch
    assert profile.name.value == "Old Name"

    opener.folder.value = str(config_home / "new")
    opener.save_button.click()
    assert "every form on this page saves there" in text(opener.status)
    assert "Run All" not in text(opener.status)
    assert page.card.wb.folder == config_home / "new"
    assert str(config_home / "new") in text(page.card)
    assert profile.name.value == "" and profile.phone.value == ""  # the new workbook's

    profile.name.value = "Ana Lima"
    profile.save_button.click()
    contact.name.value = "Léa Martin"
    contact.save_button.click()
    importer.upload.value = upload("contacts.vcf", VCARD)
    importer.save_button.click()
    with open_workbook(config_home / "new") as new, open_workbook(config_home / "old") as before:
        assert new.profile.name == "Ana Lima"
        assert sorted(new.contacts()["name"]) == ["Léa Martin", "Sam Lee"]  # + the vCard
        assert before.profile.name == "Old Name"
        assert before.contacts().empty
    assert "Contacts: 2" in text(page.card)  # the card counted after each save


def test_a_save_refreshes_every_view_and_the_card_on_the_page(config_home: Path) -> None:
    wb = create_workbook(config_home / "wb")
    ids = people(wb)
    page = f.open_page(wb.folder, "2026-11-25")
    log = f.log_form()
    follow_up = f.follow_up_view()  # created after the form: still refreshed by it
    recent = f.recent_log_view()
    form = page.members[0]
    form.contact.value = ids["Elena Okoye"]
    form.on_date.value = dt.date(2026, 11, 22)
    form.save_button.click()
    assert len(follow_up.frame) == 1
    assert len(recent.entry.options) == 2
    assert log is form.widget
    form.kind.value = "meeting"
    form.contact.value = ids["Elena Okoye"]
    form.referrals.value = "Mia Chen, Qonto"
    form.save_button.click()
    assert "Contacts: 4" in text(page.card)  # the card is not stale after referrals


def test_page_today_must_be_a_date(config_home: Path) -> None:
    with pytest.raises(ValidationError, match="not a date") as err:
        f.open_page(config_home / "wb", "2026-02-30")
    assert "2026-02-30" in str(err.value)


# -- smaller stumbles ---------------------------------------------------------------------------
def test_a_refused_time_reads_as_one_sentence(workbook: Workbook) -> None:
    form = f.ScheduleForm(workbook)
    form.call_time.value = "25:00"
    assert not form.save()
    message = text(form.error_labels["call_time"])
    assert "'25:00'" in message and ".)" not in message  # "(write it as HH:MM)", one stop


def test_a_firm_ending_in_a_full_stop_gets_one(workbook: Workbook) -> None:
    form = f.FirmTagForm(workbook)
    form.firm.value = "Stripe, Inc."
    form.industry.value = "Fintech"
    assert form.save()
    assert "Saved Stripe, Inc. The shortlist" in text(form.status)


def test_the_upload_button_says_what_to_choose(workbook: Workbook) -> None:
    form = f.ImportForm(workbook)
    assert form.upload.tooltip and "null" not in form.upload.tooltip


def test_an_empty_or_impossible_date_is_named_under_its_field(workbook: Workbook) -> None:
    """The browser empties 2026-02-30 (no such day): the message says so, under "When"."""
    ids = people(workbook)
    form = f.LogForm(workbook, TODAY)
    form.contact.value = ids["Bob Baker"]
    form.on_date.value = None
    assert not form.save()
    assert "such as 30 February" in text(form.error_labels["date"])
    assert workbook.activities().empty


def read_table(markup: str) -> tuple[list[str], list[list[str]]]:
    """Headings and rows of the first table, read with the standard library's HTML parser."""
    from html.parser import HTMLParser

    class Reader(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.headings: list[str] = []
            self.rows: list[list[str]] = []
            self.cell: str | None = None

        def handle_starttag(self, tag: str, attrs) -> None:
            if tag == "tr":
                self.rows.append([])
            if tag in ("th", "td"):
                self.cell = ""

        def handle_data(self, data: str) -> None:
            if self.cell is not None:
                self.cell += data

        def handle_endtag(self, tag: str) -> None:
            if tag == "th":
                self.headings.append(self.cell.strip())
            elif tag == "td":
                self.rows[-1].append(self.cell.strip())
            if tag in ("th", "td"):
                self.cell = None

    reader = Reader()
    reader.feed(markup)
    return reader.headings, [row for row in reader.rows if row]


def test_progress_table_starts_with_the_targets_name_and_says_what_is_kept_by_hand(
    workbook: Workbook,
) -> None:
    workbook.set_target("coffee_chats", 1, "month", "coffee chats")
    view = f.ProgressView(workbook, TODAY)
    table = text(view.table)
    headings, cells = read_table(view.table.value)
    assert headings[0] == "Target" and headings[2] == "Aim"
    assert cells[0][0] == "new contacts"  # a name, not an amount
    assert "Kept by hand: coffee chats" in table


def test_charts_draw_whole_counts_and_non_latin_names_without_warnings(
    workbook: Workbook,
) -> None:
    """With warnings as errors (pytest config), a missing glyph would fail this test."""
    from coachkit import _widgets as ui

    frame = pd.DataFrame(
        {"label": ["meetings"], "metric": ["meetings"], "period": ["month"], "target": [4],
         "actual": [1], "on_target": [False]}
    )  # fmt: skip
    figure = ui.progress_chart(frame)
    ticks = figure.axes[0].get_xticks()
    assert all(float(t).is_integer() for t in ticks)
    tree = pd.DataFrame({"id": [1, 2], "name": ["Ana Lima", "李 伟"], "referred_by": [None, 1]})
    assert ui.figure_png(ui.referral_chart(tree)).startswith(b"\x89PNG")


def test_a_preheated_voila_kernel_opens_the_workbook_only_when_the_page_is_asked_for(
    config_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Voilà's preheat runs the notebook early: the workbook must be read at request time."""
    import voila.utils

    folder = config_home / "wb"
    seen: list[bool] = []
    monkeypatch.setattr(voila.utils, "wait_for_request", lambda: seen.append(folder.exists()))
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    f.open_page(folder, "2026-11-25")
    assert seen == [False]  # waited before the workbook was opened (here: created)
    monkeypatch.setenv("VOILA_PREHEAT", "False")
    f.open_page(folder, "2026-11-25")
    assert seen == [False]  # not preheated: no wait
