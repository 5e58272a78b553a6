"""Outreach scripts: the informational email, the job-ask check, the voicemail check."""

from __future__ import annotations

import pytest

from coachkit.scripts import check_voicemail, email_draft, job_ask_warnings, voicemail_draft

pytestmark = pytest.mark.unit

BO = {"name": "Bo Chen", "firm": "Stripe", "position": "Head of Product"}


def test_email_is_personalised_from_contact_and_goals(workbook):
    workbook.set_goals(industries=["Fintech"], roles=["Product Manager"], locations=["Paris"])
    draft = email_draft(workbook, BO)
    assert draft.subject == "Your path as Head of Product at Stripe"
    assert draft.body.startswith("Dear Bo,")
    assert "as Head of Product at Stripe" in draft.body
    assert "Product Manager in Fintech in Paris" in draft.body
    assert "how did you get where you are?" in draft.body
    assert draft.body.endswith("Test Participant")
    assert draft.warnings == []


def test_email_without_details_still_reads(workbook):
    draft = email_draft(workbook.profile, {"name": "Cy"})
    assert draft.subject == "How did you get where you are?"
    assert "the path you have taken" in draft.body


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("Are you hiring at the moment?", "hiring"),
        ("Is there a position open in your team?", "position open"),
        ("Could you refer me for the analyst role?", "refer me for"),
        ("Please hire me.", "hire me"),
        ("Do you have any openings?", "openings"),
        ("I saw the vacancy on your site.", "vacancy"),
        ("I am looking for a job in fintech.", "looking for a job"),
        ("Any job ideas for me?", "job"),
    ],
)
def test_job_asks_are_flagged(text, phrase):
    warnings = job_ask_warnings(text)
    assert len(warnings) == 1
    assert f'"{phrase}"' in warnings[0]


def test_the_contacts_own_title_is_not_a_job_ask():
    recruiter = {"name": "Di", "firm": "Acme", "position": "Head of Hiring, Jobs Board"}
    text = "I admire your work as Head of Hiring, Jobs Board at Acme. How did you get there?"
    assert job_ask_warnings(text, recruiter) == []
    # Without the contact, the same words are flagged.
    assert len(job_ask_warnings(text)) == 2
    # And a real ask to the same person still is.
    assert len(job_ask_warnings(text + " Are you hiring?", recruiter)) == 1


def test_email_draft_checks_the_contacts_title(workbook):
    draft = email_draft(workbook, {"name": "Ed", "firm": "Jobs Inc", "position": "Hiring Lead"})
    assert draft.warnings == []


def test_voicemail_draft_has_all_three_parts_and_fits_30_seconds(workbook):
    script = voicemail_draft(workbook, BO)
    assert "Hello Bo, this is Test Participant" in script
    assert "Stripe" in script
    check = check_voicemail(script)
    assert check.missing == ()
    assert check.words <= 75
    assert check.seconds <= 30
    assert check.warnings == []


def test_voicemail_check_reports_missing_parts_and_time():
    check = check_voicemail("Hi Bo, I loved your blog post about team leadership.")
    assert check.missing == ("purpose", "request")
    assert check.words == 10
    assert check.seconds == 4.0  # 10 words at 150 a minute
    assert check.warnings[0].startswith("missing the purpose")


def test_voicemail_longer_than_30_seconds_warns():
    text = (
        "I am calling to ask how you got where you are. I admire your work. "
        "Would you have 20 minutes for a conversation? " + "More detail here. " * 20
    )
    check = check_voicemail(text)
    assert check.missing == ()
    assert check.words == 23 + 60
    assert check.seconds == 33.2
    assert any("under 30 seconds (about 75 words)" in w for w in check.warnings)


def test_drafts_from_a_stored_contact_with_missing_details(workbook):
    contact = workbook.get_contact(workbook.add_contact("Gil Ho"))  # no firm, no position
    assert email_draft(workbook, contact).body.startswith("Dear Gil,")
    script = voicemail_draft(workbook, contact)
    assert "admire your work." in script and "nan" not in script


def test_voicemail_ends_one_sentence_once_after_a_firm_ending_in_a_period(workbook):
    from coachkit.scripts import voicemail_draft

    script = voicemail_draft(workbook, {"name": "Jane Doe", "firm": "Stripe, Inc."})
    assert "I really admire your work at Stripe, Inc. Would you" in script
    assert ".." not in script
