"""Drive every notebook form without a browser: set values, click, check the workbook.

Each form gets at least one test where valid input is saved and one where invalid input shows
its error under the right field and writes nothing.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import stat
from pathlib import Path

import ipywidgets as widgets
import pytest

from coachkit import Goals, Workbook
from coachkit import forms as f
from coachkit.errors import ValidationError

pytestmark = pytest.mark.functional

DATA = Path(__file__).resolve().parents[1] / "data" / "imports"


def upload(name: str, content: bytes) -> tuple[dict, ...]:
    """A FileUpload value as the browser sends it."""
    return (
        {
            "name": name,
            "type": "text/csv",
            "size": len(content),
            "content": memoryview(content),
            "last_modified": dt.datetime(2026, 11, 20, tzinfo=dt.UTC),
        },
    )


def field_box(form: f._Form, widget: widgets.Widget) -> widgets.Box:
    """The box that holds ``widget`` (to check an error label sits next to its field)."""
    stack = [form.widget]
    while stack:
        box = stack.pop()
        children = getattr(box, "children", ())
        if widget in children:
            return box
        stack.extend(children)
    raise AssertionError("widget not in form")


def assert_error_under(form: f._Form, name: str, widget: widgets.Widget, words: str) -> None:
    """The named field shows a red message holding ``words``, in the same box as its input."""
    label = form.error_labels[name]
    assert words in html.unescape(label.value)
    assert "coachkit-error" in label.value
    box = field_box(form, widget)
    if label not in box.children:  # an input sharing a row (HBox) with others
        box = field_box(form, box)
    assert label in box.children


def people(wb: Workbook) -> dict[str, int]:
    return {
        "Elena Okoye": wb.add_contact(
            "Elena Okoye", firm="Qonto", position="Product Manager", location="Paris",
            phone="+33 1 23 45 67 89",
        ),
        "Sam <b>Lee</b>": wb.add_contact(
            "Sam <b>Lee</b>", firm="Alan", position="Head of Operations", location="Paris"
        ),
        "Bob Baker": wb.add_contact("Bob Baker", firm="Bakery", position="Baker", location="Lyon"),
    }  # fmt: skip


# -- profile, import, contacts --------------------------------------------------------------------
@pytest.fixture
def config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private home and config folder, so no test reads or writes the real ones."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    return tmp_path / "config"


def test_resolve_workbook_prefers_given_then_chosen_then_default(
    config_home: Path, tmp_path: Path
) -> None:
    assert f.resolve_workbook("") == tmp_path / "home" / "coachkit-workbook"
    assert f.resolve_workbook(" ~/elsewhere ") == tmp_path / "home" / "elsewhere"
    f.chosen_workbook_file().parent.mkdir(parents=True)
    f.chosen_workbook_file().write_text(str(tmp_path / "chosen") + "\n")
    assert f.resolve_workbook("") == tmp_path / "chosen"
    assert f.resolve_workbook(tmp_path / "given") == tmp_path / "given"
    with f.open_or_create("") as wb:
        assert wb.folder == tmp_path / "chosen"


def test_open_workbook_form_switches_folder_and_remembers_it(
    workbook: Workbook, config_home: Path, tmp_path: Path
) -> None:
    card = f.workbook_card(workbook)
    form = f.OpenWorkbookForm(workbook, refresh=[card])
    form.folder.value = str(tmp_path / "synced" / "networking")
    form.save_button.click()
    assert form.errors == {}
    assert form.wb.folder == tmp_path / "synced" / "networking"
    assert (form.wb.folder / "workbook.sqlite").is_file()
    assert "synced/networking" in card.value  # the card describes the new workbook
    assert f.resolve_workbook("") == form.wb.folder  # the other notebooks follow
    assert stat.S_IMODE(f.chosen_workbook_file().stat().st_mode) == 0o600
    form.wb.close()


def test_open_workbook_form_refuses_a_file_and_a_damaged_workbook(
    workbook: Workbook, config_home: Path, tmp_path: Path
) -> None:
    form = f.OpenWorkbookForm(workbook)
    (tmp_path / "notes.txt").write_text("not a folder")
    form.folder.value = str(tmp_path / "notes.txt")
    form.save_button.click()
    assert_error_under(form, "folder", form.folder, "is a file, not a folder")
    damaged = tmp_path / "damaged"
    damaged.mkdir()
    (damaged / "workbook.sqlite").write_bytes(b"garbage" * 100)
    form.folder.value = str(damaged)
    form.save_button.click()
    assert_error_under(form, "folder", form.folder, "not a coachkit workbook")
    form.folder.value = "  "
    form.save_button.click()
    assert_error_under(form, "folder", form.folder, "write the folder")
    assert form.wb is workbook
    assert not f.chosen_workbook_file().exists()


def test_profile_form_saves_name_and_timezone(workbook: Workbook) -> None:
    form = f.ProfileForm(workbook)
    form.name.value = "  Ana Lima "
    form.timezone.value = "Europe/Paris"
    form.save_button.click()
    assert workbook.profile.name == "Ana Lima"
    assert workbook.profile.timezone == "Europe/Paris"
    assert form.errors == {}
    assert "Ana Lima" in form.status.value


def test_profile_form_refuses_unknown_timezone_and_writes_nothing(workbook: Workbook) -> None:
    form = f.ProfileForm(workbook)
    form.name.value = "Ana Lima"
    form.timezone.value = "Mars/Olympus"
    form.save_button.click()
    assert_error_under(form, "timezone", form.timezone, "is not a time zone")
    assert form.error_labels["name"].value == ""
    assert workbook.profile.name == "Test Participant"  # the name was not saved either
    assert workbook.profile.timezone == ""


def test_import_form_imports_a_linkedin_upload(workbook: Workbook) -> None:
    card = f.workbook_card(workbook)
    assert "Contacts: 0" in card.value
    form = f.ImportForm(workbook, refresh=[card])
    form.upload.value = upload("Connections.csv", (DATA / "linkedin_connections.csv").read_bytes())
    form.save_button.click()
    assert form.errors == {}
    contacts = workbook.contacts()
    assert len(contacts) > 0
    assert "Connections.csv" in form.summary.value
    assert f"{len(contacts)} new contact" in form.status.value
    assert f"Contacts: {len(contacts)}" in card.value
    assert form.upload.value == ()  # a second click cannot import the same file again


def test_import_form_shows_a_bad_file_under_the_upload_and_imports_nothing(
    workbook: Workbook,
) -> None:
    form = f.ImportForm(workbook)
    good = upload("Connections.csv", (DATA / "linkedin_connections.csv").read_bytes())
    bad = upload("notes.csv", b"this is not,a contacts file\n1,2\n")
    form.upload.value = good + bad  # the good file first: it must be rolled back too
    form.save_button.click()
    message = html.unescape(form.error_labels["upload"].value)
    assert "notes.csv" in message
    assert "coachkit-upload-" not in message  # the temporary copy's path is not shown
    assert len(workbook.contacts()) == 0


def test_import_form_without_a_file_asks_for_one(workbook: Workbook) -> None:
    form = f.ImportForm(workbook)
    form.save_button.click()
    assert_error_under(form, "upload", form.upload, "choose at least one file")


def test_contact_form_adds_a_person_and_clears_itself(workbook: Workbook) -> None:
    form = f.ContactForm(workbook)
    form.name.value = "Léa Martin"
    form.firm.value = "Doctolib"
    form.email.value = "lea@example.org"
    form.save_button.click()
    row = workbook.contacts().iloc[0]
    assert (row["name"], row["firm"], row["email"], row["source"]) == (
        "Léa Martin", "Doctolib", "lea@example.org", "manual",
    )  # fmt: skip
    assert form.name.value == ""


def test_contact_form_refuses_a_bad_email_and_a_missing_name(workbook: Workbook) -> None:
    form = f.ContactForm(workbook)
    form.email.value = "lea at example"
    form.save_button.click()
    assert_error_under(form, "name", form.name, "needs a name")
    assert_error_under(form, "email", form.email, "does not look like an email")
    assert workbook.contacts().empty


# -- goals ----------------------------------------------------------------------------------------
def test_goals_form_saves_ranked_goals(workbook: Workbook) -> None:
    form = f.GoalsForm(workbook)
    form.industries.value = "Fintech\n\n  HealthTech  \n"
    form.roles.value = "Product Manager"
    form.locations.value = "Paris\nRemote"
    form.save_button.click()
    assert workbook.goals == Goals(
        ("Fintech", "HealthTech"), ("Product Manager",), ("Paris", "Remote")
    )
    assert form.errors == {}
    assert "Goals saved" in form.status.value
    assert f.GoalsForm(workbook).industries.value == "Fintech\nHealthTech"  # reopened: kept


def test_goals_form_shows_each_error_next_to_its_field_and_writes_nothing(
    workbook: Workbook,
) -> None:
    workbook.set_goals(["Fintech"], ["Product"], ["Paris"])
    form = f.GoalsForm(workbook)
    form.industries.value = "Energy"  # valid on its own, but must not be saved alone
    form.roles.value = "Product\nproduct"
    form.locations.value = "\n".join(["Paris", "Lyon", "Lille", "Nantes", "Nice", "Brest"])
    form.save_button.click()
    assert_error_under(form, "roles", form.roles, "same entry twice")
    assert_error_under(form, "locations", form.locations, "6 entries")
    assert form.error_labels["industries"].value == ""
    assert set(form.errors) == {"roles", "locations"}
    assert workbook.goals == Goals(("Fintech",), ("Product",), ("Paris",))
    assert "Nothing was saved" in form.status.value


def test_goals_form_checks_a_list_as_it_is_typed_without_saving(workbook: Workbook) -> None:
    form = f.GoalsForm(workbook)
    form.roles.value = "Product\nproduct"
    assert_error_under(form, "roles", form.roles, "same entry twice")
    assert form.error_labels["industries"].value == ""  # empty fields are not flagged yet
    assert workbook.goals.is_empty()  # the check wrote nothing
    form.roles.value = "Product"
    assert form.error_labels["roles"].value == ""
    assert form.errors == {}
    assert workbook.goals.is_empty()


def test_goals_form_asks_for_at_least_one_of_each(workbook: Workbook) -> None:
    form = f.GoalsForm(workbook)
    form.industries.value = "Fintech"
    form.save_button.click()
    assert set(form.errors) == {"roles", "locations"}
    assert workbook.goals.is_empty()


def test_goals_form_refreshes_the_linked_shortlist(workbook: Workbook) -> None:
    people(workbook)
    shortlist = f.MentorView(workbook)
    assert shortlist.frame.empty
    form = f.GoalsForm(workbook, refresh=[shortlist])
    form.industries.value = "Banking"
    form.roles.value = "Product"
    form.locations.value = "Paris"
    form.save_button.click()
    assert shortlist.frame["name"].iloc[0] == "Elena Okoye"
    assert shortlist.chart.value.tobytes().startswith(b"\x89PNG")


# -- firms and mentors ----------------------------------------------------------------------------
def test_firm_tag_form_tags_a_firm_and_prefills_known_tags(workbook: Workbook) -> None:
    people(workbook)
    form = f.FirmTagForm(workbook)
    assert "Qonto" in form.firm.options
    form.firm.value = "Qonto"
    form.industry.value = "Fintech"
    form.location.value = "Paris"
    form.save_button.click()
    firms = workbook.firms().set_index("name")
    assert (firms.loc["Qonto", "industry"], firms.loc["Qonto", "location"]) == ("Fintech", "Paris")
    again = f.FirmTagForm(workbook)
    again.firm.value = "Qonto"
    assert (again.industry.value, again.location.value) == ("Fintech", "Paris")
    assert again.firm.options[-1] == "Qonto"  # tagged firms go after the untagged ones


def test_firm_tag_form_refuses_missing_firm_and_too_long_industry(workbook: Workbook) -> None:
    form = f.FirmTagForm(workbook)
    form.industry.value = "Fintech"
    form.save_button.click()
    assert_error_under(form, "firm", form.firm, "type or pick the firm")
    form.firm.value = "Qonto"
    form.industry.value = "x" * 201
    form.save_button.click()
    assert_error_under(form, "industry", form.industry, "longer than 200")
    assert workbook.firms().empty


def test_mentor_view_escapes_names_and_ranks_tagged_firms(workbook: Workbook) -> None:
    people(workbook)
    workbook.set_goals(["HealthTech"], ["Operations"], ["Paris"])
    workbook.tag_firm("Alan", industry="HealthTech")
    view = f.MentorView(workbook)
    assert view.frame["name"].iloc[0] == "Sam <b>Lee</b>"
    assert "Sam &lt;b&gt;Lee&lt;/b&gt;" in view.table.value
    assert "<b>Lee</b>" not in view.table.value


def test_mentor_view_without_goals_says_what_to_do(workbook: Workbook) -> None:
    view = f.MentorView(workbook)
    assert "Set your goals" in view.table.value
    assert view.chart.layout.display == "none"


def test_mosaic_view_lists_target_firms_without_a_contact_first(workbook: Workbook) -> None:
    ids = people(workbook)
    workbook.set_goals(["Fintech"], ["Product"], ["Paris"])
    workbook.tag_firm("Qonto", industry="Fintech", location="Paris")
    workbook.tag_firm("Revolut", industry="Fintech", location="Paris")
    workbook.log_activity(ids["Elena Okoye"], "meeting", "2026-11-20", channel="video")
    view = f.MosaicView(workbook)
    assert list(zip(view.frame["firm"], view.frame["status"], strict=True)) == [
        ("Revolut", "no contact yet"),
        ("Qonto", "covered"),
    ]
    assert "#fdecea" in view.table.value  # the gap is tinted
    assert view.chart.value.tobytes().startswith(b"\x89PNG")


# -- schedule -------------------------------------------------------------------------------------
def test_schedule_form_saves_every_setting(workbook: Workbook, today: dt.date) -> None:
    week = f.WeekView(workbook, today)
    form = f.ScheduleForm(workbook, refresh=[week])
    form.outreach_weekday.value = 5
    form.outreach_time.value = "18:30"
    form.follow_up_days.value = 7
    form.research_weekday.value = 4
    form.research_time.value = "09:00"
    form.call_time.value = "11:00"
    assert "Sunday works best" in form.advice.value  # advice, not an error
    form.save_button.click()
    p = workbook.profile
    assert (p.outreach_weekday, p.outreach_time, p.follow_up_days) == (5, "18:30", 7)
    assert (p.research_weekday, p.research_time, p.call_time) == (4, "09:00", "11:00")
    frame = week.plan.to_frame()
    outreach = frame[frame["kind"] == "outreach"].iloc[0]
    assert (outreach["day"], outreach["time"]) == (dt.date(2026, 11, 28), "18:30")  # Saturday


def test_schedule_form_refuses_bad_times_and_days(workbook: Workbook) -> None:
    form = f.ScheduleForm(workbook)
    form.outreach_time.value = "5pm"
    form.call_time.value = "25:00"
    form.follow_up_days.value = 0
    form.outreach_weekday.value = 0
    form.save_button.click()
    assert_error_under(form, "outreach_time", form.outreach_time, "write HH:MM")
    assert_error_under(form, "call_time", form.call_time, "is not a time")
    assert_error_under(form, "follow_up_days", form.follow_up_days, "from 1 to 60")
    p = workbook.profile
    assert (p.outreach_weekday, p.outreach_time, p.follow_up_days) == (6, "17:00", 9)


def test_calendar_form_writes_a_calendar_file_to_download(
    workbook: Workbook, today: dt.date
) -> None:
    form = f.CalendarForm(workbook, today)
    form.weeks.value = 2
    form.save_button.click()
    path = workbook.folder / "coachkit-plan.ics"
    text = path.read_text()
    assert text.count("BEGIN:VEVENT") == 4  # research + outreach, for each of 2 weeks
    assert 'download="coachkit-plan.ics"' in form.download.value
    encoded = form.download.value.split("base64,")[1].split('"')[0]
    assert base64.b64decode(encoded) == path.read_bytes()


def test_calendar_form_shared_leaves_phone_and_script_out(
    workbook: Workbook, today: dt.date
) -> None:
    bo = workbook.add_contact("Bo Chen", phone="+33 1 23 45 67 89")
    workbook.log_activity(bo, "outreach", today - dt.timedelta(days=8))  # call due tomorrow
    form = f.CalendarForm(workbook, today)
    form.weeks.value = 1
    form.save_button.click()
    path = workbook.folder / "coachkit-plan.ics"
    assert "+33 1 23 45 67 89" in path.read_bytes().decode().replace("\r\n ", "")
    form.shared.value = True
    form.save_button.click()  # twice in a row, as a person does
    text = path.read_bytes().decode().replace("\r\n ", "")
    assert "Call Bo Chen" in text
    assert "+33 1 23 45 67 89" not in text and "Hello Bo" not in text


def test_calendar_form_refuses_a_bad_number_of_weeks(workbook: Workbook, today: dt.date) -> None:
    form = f.CalendarForm(workbook, today)
    form.weeks.value = 0
    form.save_button.click()
    assert_error_under(form, "weeks", form.weeks, "from 1 to 104")
    assert not (workbook.folder / "coachkit-plan.ics").exists()
    assert form.download.value == ""


# -- targets --------------------------------------------------------------------------------------
def test_targets_form_changes_adds_and_removes_targets(workbook: Workbook, today: dt.date) -> None:
    progress = f.ProgressView(workbook, today)
    form = f.TargetsForm(workbook, refresh=[progress])
    form.amounts["new_contacts"].value = 3
    form.remove["calls"].value = True
    form.new_metric.value = "coffee_chats"
    form.new_label.value = "coffee chats"
    form.new_amount.value = 1
    form.new_period.value = "month"
    form.save_button.click()
    assert form.errors == {}
    targets = {t.metric: (t.amount, t.period, t.label) for t in workbook.targets}
    assert targets == {
        "new_contacts": (3, "week", "new contacts"),
        "meetings": (4, "month", "meetings"),
        "coffee_chats": (1, "month", "coffee chats"),
    }
    assert set(form.amounts) == set(targets)  # the rows were rebuilt
    assert form.new_metric.value == ""
    assert list(progress.frame["metric"]) == ["new_contacts", "meetings", "coffee_chats"]


def test_targets_form_refuses_negative_amounts_and_bad_names(workbook: Workbook) -> None:
    form = f.TargetsForm(workbook)
    form.amounts["calls"].value = -2
    form.amounts["new_contacts"].value = 8  # valid, but must not be saved alone
    form.new_metric.value = "2 many!"
    form.save_button.click()
    assert_error_under(form, "target calls", form.amounts["calls"], "0 to 1000")
    assert "letters, digits" in form.errors["new_metric"]
    assert {t.metric: t.amount for t in workbook.targets} == {
        "new_contacts": 5, "calls": 2, "meetings": 4,
    }  # fmt: skip


def test_targets_form_puts_a_bad_custom_amount_under_the_new_row(workbook: Workbook) -> None:
    form = f.TargetsForm(workbook)
    form.new_metric.value = "coffee_chats"
    form.new_amount.value = 5000
    form.save_button.click()
    assert "0 to 1000" in form.errors["new_amount"]
    assert "coffee_chats" not in {t.metric for t in workbook.targets}


# -- outreach scripts -----------------------------------------------------------------------------
def test_outreach_form_starts_on_the_best_unapproached_mentor(workbook: Workbook) -> None:
    ids = people(workbook)
    workbook.set_goals(["Fintech"], ["Product"], ["Paris"])
    form = f.OutreachForm(workbook, dt.date(2026, 11, 25))
    assert form.contact.value == ids["Elena Okoye"]
    assert "Elena" in form.body.value
    assert form.voicemail.value
    assert "seconds" in form.voicemail_check.value


def test_outreach_form_checks_the_voicemail_as_you_type(workbook: Workbook) -> None:
    people(workbook)
    form = f.OutreachForm(workbook, dt.date(2026, 11, 25))
    form.voicemail.value = "Hi Elena, I loved your talk."
    shown = html.unescape(form.voicemail_check.value)
    assert "6 words" in shown
    assert "missing the purpose" in shown and "missing the request" in shown
    assert "coachkit-error" in form.voicemail_check.value
    form.voicemail.value = (
        "Hello Elena, this is Ana. I am calling because I would like to learn how you got "
        "where you are. I loved your post on leadership. Would you have 20 minutes for a chat?"
    )
    assert "all there" in form.voicemail_check.value


def test_outreach_form_warns_about_a_job_request_in_the_email(workbook: Workbook) -> None:
    ids = people(workbook)
    form = f.OutreachForm(workbook, dt.date(2026, 11, 25))
    form.contact.value = ids["Bob Baker"]
    form.body.value = "Dear Bob, are you hiring? Could you give me a job?"
    assert "coachkit-warning" in form.body_advice.value


def test_outreach_form_saves_drafts_in_the_workbook_and_reloads_them(workbook: Workbook) -> None:
    ids = people(workbook)
    form = f.OutreachForm(workbook, dt.date(2026, 11, 25))
    form.contact.value = ids["Bob Baker"]
    form.subject.value = "Your path into baking"
    form.body.value = "Dear Bob, how did you get where you are?"
    form.voicemail.value = "Hello Bob."
    form.save_button.click()
    assert workbook.get_draft(ids["Bob Baker"])["subject"] == "Your path into baking"
    assert not (workbook.folder / "drafts").exists()  # nothing outside the workbook file
    again = f.OutreachForm(workbook, dt.date(2026, 11, 25))
    again.contact.value = ids["Bob Baker"]
    assert (again.subject.value, again.voicemail.value) == ("Your path into baking", "Hello Bob.")
    assert workbook.activities().empty  # saving drafts sends nothing


def test_outreach_form_refuses_an_overlong_subject_and_keeps_the_old_draft(
    workbook: Workbook,
) -> None:
    ids = people(workbook)
    workbook.save_draft(ids["Bob Baker"], subject="Kept", body="Dear Bob")
    form = f.OutreachForm(workbook, dt.date(2026, 11, 25))
    form.contact.value = ids["Bob Baker"]
    form.subject.value = "x" * 501
    form.save_button.click()
    assert "subject" in form.errors
    assert workbook.get_draft(ids["Bob Baker"])["subject"] == "Kept"


def test_outreach_form_logs_a_sent_email_and_plans_the_call(workbook: Workbook) -> None:
    ids = people(workbook)
    form = f.OutreachForm(workbook, dt.date(2026, 11, 25))
    form.contact.value = ids["Elena Okoye"]
    form.sent_on.value = dt.date(2026, 11, 22)
    form.sent_button.click()  # the email still holds the gap for the participant's sentence
    assert_error_under(form, "body", form.body, "the email still holds [Write one sentence")
    assert workbook.activities().empty
    form.admiration.value = "I loved your talk on discovery interviews"
    form.sent_button.click()
    acts = workbook.activities()
    assert list(zip(acts["kind"], acts["channel"], strict=True)) == [("outreach", "email")]
    assert "Tuesday 01 December" in form.sent_status.value  # 22 Nov + 9 days


def test_outreach_form_refuses_missing_parts_and_future_sends(workbook: Workbook) -> None:
    ids = people(workbook)
    form = f.OutreachForm(workbook, dt.date(2026, 11, 25))
    form.save_button.click()
    assert_error_under(form, "contact", form.contact, "pick the person")
    form.contact.value = ids["Elena Okoye"]
    form.subject.value = "   "
    form.save_button.click()
    assert_error_under(form, "subject", form.subject, "write a subject")
    form.subject.value = "Hello"
    form.sent_on.value = dt.date(2026, 11, 26)
    form.sent_button.click()
    assert_error_under(form, "sent_on", form.sent_on, "still to come")
    assert workbook.activities().empty


def test_typing_what_you_admire_fills_both_drafts_and_is_kept(workbook: Workbook) -> None:
    ids = people(workbook)
    workbook.update_profile(phone="+33 6 12 34 56 78")
    form = f.OutreachForm(workbook, dt.date(2026, 11, 25))
    form.contact.value = ids["Elena Okoye"]
    assert "[Write one sentence of your own" in form.body.value
    assert "still to fill in" in html.unescape(form.body_advice.value)
    assert "+33 6 12 34 56 78" in form.voicemail.value
    assert "email" not in form.voicemail.value.lower()  # the voicemail need not mention it
    form.admiration.value = "i loved your talk on discovery interviews"
    form.admiration.value = "I loved your post on discovery interviews"  # typed on: replaced
    sentence = "I loved your post on discovery interviews."
    assert form.body.value.count(sentence) == 1 and form.voicemail.value.count(sentence) == 1
    assert "[" not in form.body.value and "[" not in form.voicemail.value
    assert form.body_advice.value == ""
    assert "all there" in form.voicemail_check.value
    form.save_button.click()
    form.save_button.click()  # twice in a row: the same drafts
    assert workbook.get_draft(ids["Elena Okoye"])["admiration"] == sentence[:-1]
    again = f.OutreachForm(workbook, dt.date(2026, 11, 25))
    again.contact.value = ids["Elena Okoye"]
    assert again.admiration.value == sentence[:-1] and sentence in again.body.value
    again.admiration.value = ""  # cleared: the gap is back, never an invented sentence
    assert "[Write one sentence of your own" in again.body.value


def test_outreach_form_names_the_referrer_and_flags_a_generic_claim(workbook: Workbook) -> None:
    ids = people(workbook)
    cy = workbook.add_contact("Cy Dee", firm="Alan", referred_by=ids["Elena Okoye"])
    form = f.OutreachForm(workbook, dt.date(2026, 11, 25))
    form.contact.value = cy
    assert form.subject.value == "Elena Okoye suggested I write to you"
    assert form.body.value.startswith("Dear Cy,\n\nElena Okoye suggested I write to you.")
    assert "Elena Okoye suggested I call you." in form.voicemail.value
    form.admiration.value = "I have been following your work"
    assert "a generic claim" in html.unescape(form.body_advice.value)


def test_outreach_form_does_not_flag_a_recruiter_goal_as_a_job_ask(workbook: Workbook) -> None:
    ids = people(workbook)
    workbook.set_goals(roles=["Recruiter"], industries=["Recruitment"])
    form = f.OutreachForm(workbook, dt.date(2026, 11, 25))
    form.contact.value = ids["Bob Baker"]
    form.admiration.value = "Your opening keynote at the bakers' fair was a delight"
    assert "Recruiter" in form.body.value
    assert form.body_advice.value == ""
    form.body.value += "\nAre you hiring?"
    assert "asks for a job" in html.unescape(form.body_advice.value)


def test_profile_form_saves_the_call_back_number_and_refuses_a_bad_one(workbook: Workbook) -> None:
    form = f.ProfileForm(workbook)
    form.phone.value = "call me maybe"
    form.save_button.click()
    assert_error_under(form, "phone", form.phone, "is not a phone number")
    assert workbook.profile.phone == ""
    form.phone.value = " +33 6 12 34 56 78 "
    form.save_button.click()
    assert form.errors == {} and workbook.profile.phone == "+33 6 12 34 56 78"


# -- log and follow up ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("names", "flagged"),
    [(0, "no names from this conversation"), (2, None), (6, "6 names: more than 5")],
)
def test_log_form_flags_a_conversation_with_no_names_or_more_than_five(
    workbook: Workbook, names: int, flagged: str | None
) -> None:
    ids = people(workbook)
    form = f.LogForm(workbook, dt.date(2026, 11, 25))
    form.contact.value = ids["Bob Baker"]
    form.kind.value = "meeting"
    form.on_date.value = dt.date(2026, 11, 24)
    form.referrals.value = "\n".join(f"Person {n}" for n in range(1, names + 1))
    form.save_button.click()
    assert form.errors == {}
    shown = html.unescape(form.status.value)
    if flagged:
        assert flagged in shown
    else:
        assert "Note:" not in shown


def test_parse_referrals_reads_name_firm_role_and_email() -> None:
    text = "Sam Lee, Qonto, Head of Product\n\nMia Chen\nJo Park, jo@example.org, Alan"
    assert f.parse_referrals(text) == [
        {"name": "Sam Lee", "firm": "Qonto", "position": "Head of Product"},
        {"name": "Mia Chen"},
        {"name": "Jo Park", "firm": "Alan", "email": "jo@example.org"},
    ]
    with pytest.raises(ValidationError, match="line 2 has no name") as caught:
        f.parse_referrals("Sam Lee\n, Qonto")
    assert caught.value.field == "referrals"


def test_log_form_logs_a_reached_call_with_its_referrals(workbook: Workbook) -> None:
    ids = people(workbook)
    today = dt.date(2026, 11, 25)
    tree = f.ReferralView(workbook)
    form = f.LogForm(workbook, today, refresh=[tree])
    assert form.referrals_row.layout.display == "none"  # an outreach gives no names
    form.contact.value = ids["Elena Okoye"]
    form.kind.value = "call"
    form.outcome.value = "reached"
    # Reached, the call is a call; ticking "we had the conversation" makes it a meeting too,
    # and only then can it give names.
    assert form.talked_row.layout.display == ""
    assert form.referrals_row.layout.display == "none"
    form.talked.value = True
    assert form.referrals_row.layout.display == ""
    form.on_date.value = dt.date(2026, 11, 24)
    form.notes.value = "Talked 20 minutes about product at Qonto."
    form.referrals.value = "Sam Lee, Qonto, Head of Product\nMia Chen"
    form.save_button.click()
    assert form.errors == {}
    acts = workbook.activities()
    assert list(acts["kind"]) == ["call", "meeting", "referral", "referral"]
    assert acts["outcome"].iloc[0] == "reached"
    assert acts["channel"].iloc[1] == "call"  # the conversation was held on the phone
    meeting = int(acts["id"].iloc[1])
    assert acts["parent_id"].iloc[2:].tolist() == [meeting, meeting]
    assert "call, and the conversation on it as a meeting," in form.status.value
    assert form.talked.value is False  # ready for the next call
    new = workbook.contacts().set_index("name")
    assert new.loc["Sam Lee", "referred_by"] == ids["Elena Okoye"]
    assert new.loc["Sam Lee", "firm"] == "Qonto"
    assert (form.notes.value, form.referrals.value) == ("", "")
    assert "Sam Lee (Qonto)" in dict(form.contact.options)  # can be picked at once
    assert set(tree.frame["name"]) == {"Elena Okoye", "Sam Lee", "Mia Chen"}
    assert "2 name(s) given by 1 person" in tree.heading.value
    assert tree.chart.value.tobytes().startswith(b"\x89PNG")


def test_log_form_logs_a_meeting_with_its_channel(workbook: Workbook) -> None:
    ids = people(workbook)
    form = f.LogForm(workbook, dt.date(2026, 11, 25))
    form.contact.value = ids["Bob Baker"]
    form.kind.value = "meeting"
    assert form.channel.options[0] == ("call", "call")
    form.channel.value = "in_person"
    form.save_button.click()
    acts = workbook.activities()
    assert (acts["kind"].iloc[0], acts["channel"].iloc[0]) == ("meeting", "in_person")


def test_log_form_refuses_future_dates_and_names_without_a_conversation(
    workbook: Workbook,
) -> None:
    ids = people(workbook)
    form = f.LogForm(workbook, dt.date(2026, 11, 25))
    form.save_button.click()
    assert_error_under(form, "contact", form.contact, "pick who")
    form.contact.value = ids["Elena Okoye"]
    form.kind.value = "call"
    form.outcome.value = "voicemail"
    form.referrals.value = "Sam Lee, Qonto"
    form.on_date.value = dt.date(2026, 12, 1)
    form.save_button.click()
    assert_error_under(form, "date", form.on_date, "still to come")
    assert_error_under(form, "referrals", form.referrals, "names come from a conversation")
    form.on_date.value = None
    form.save_button.click()
    assert_error_under(form, "date", form.on_date, "does not exist, such as 30 February")
    assert workbook.activities().empty
    assert len(workbook.contacts()) == 3


def test_log_form_rolls_back_the_activity_when_a_referral_is_refused(workbook: Workbook) -> None:
    ids = people(workbook)
    form = f.LogForm(workbook, dt.date(2026, 11, 25))
    form.contact.value = ids["Elena Okoye"]
    form.kind.value = "meeting"
    form.referrals.value = "Sam Lee, " + "x" * 400  # a firm name too long for the workbook
    form.save_button.click()
    assert "referrals" in form.errors
    assert workbook.activities().empty
    assert len(workbook.contacts()) == 3


def test_follow_up_view_puts_overdue_calls_first_in_red(workbook: Workbook) -> None:
    ids = people(workbook)
    workbook.log_activity(ids["Elena Okoye"], "outreach", "2026-11-08", channel="email")
    workbook.log_activity(ids["Bob Baker"], "outreach", "2026-11-22", channel="email")
    view = f.FollowUpView(workbook, dt.date(2026, 11, 25))
    assert list(view.frame["contact"]) == ["Elena Okoye", "Bob Baker"]
    assert list(view.frame["status"]) == ["overdue", "open"]
    assert "#fdecea" in view.table.value  # the overdue row is tinted
    assert "2 follow-up call(s) to make, 1 overdue" in view.heading.value


def test_views_on_an_empty_workbook_say_what_to_do_next(workbook: Workbook) -> None:
    today = dt.date(2026, 11, 25)
    assert "No follow-up call" in f.FollowUpView(workbook, today).table.value
    assert "No referrals yet" in f.ReferralView(workbook).table.value
    week = f.WeekView(workbook, today)
    assert "2026-W48" in week.heading.value
    assert week.chart.value.tobytes().startswith(b"\x89PNG")
    progress = f.ProgressView(workbook, today)
    assert list(progress.frame["metric"]) == ["new_contacts", "calls", "meetings"]
    assert "Your workbook for Test Participant" in f.workbook_card(workbook).value


def test_factories_return_displayable_containers(workbook: Workbook) -> None:
    today = dt.date(2026, 11, 25)
    for container in (
        f.open_workbook_form(workbook),
        f.profile_form(workbook), f.import_form(workbook), f.contact_form(workbook),
        f.goals_form(workbook), f.firm_tags_form(workbook), f.schedule_form(workbook),
        f.targets_form(workbook), f.outreach_form(workbook, today), f.log_form(workbook, today),
    ):  # fmt: skip
        assert isinstance(container, widgets.VBox)
        assert container.children
