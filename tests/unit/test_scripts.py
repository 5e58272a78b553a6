"""Outreach scripts: the informational email, the voicemail, and their checks.

Expected texts are written out in full by hand from the method (PROCESS.md, step 2): the
email asks how they got where they are, in the participant's words; the voicemail has a
purpose, an appreciation and a request, gives the call-back number and need not mention the
email.
"""

from __future__ import annotations

import itertools
import re

import pytest

from coachkit.scripts import (
    check_voicemail,
    email_draft,
    job_ask_warnings,
    sincerity_warnings,
    voicemail_draft,
)

pytestmark = pytest.mark.unit

BO = {"name": "Bo Chen", "firm": "Stripe", "position": "Head of Product"}
LOVED = "I loved your talk at Maddyness on pricing for small teams"  # typed without a full stop
PHONE = "+33 6 12 34 56 78"
TWENTY_MINUTES = (
    "Would you have 20 minutes for a short conversation in the coming weeks, by phone or over "
    "coffee? I would be glad to work around your schedule."
)


def test_email_in_full_with_the_participants_own_sentence(workbook):
    workbook.set_goals(industries=["Fintech"], roles=["Product Manager"], locations=["Paris"])
    draft = email_draft(workbook, BO, admiration=LOVED)
    assert draft.subject == "Your path as Head of Product at Stripe"
    assert draft.body == (
        "Dear Bo,\n\n"
        "I loved your talk at Maddyness on pricing for small teams.\n\n"
        "I am exploring a path towards Product Manager in Fintech, in Paris, and I would value "
        "your perspective as Head of Product at Stripe: how did you get where you are?\n\n"
        f"{TWENTY_MINUTES}\n\n"
        "Thank you,\nTest Participant"
    )
    assert draft.warnings == []


def test_without_the_sentence_the_email_holds_a_marked_gap_never_a_generic_claim(workbook):
    draft = email_draft(workbook, BO)
    gap = (
        "[Write one sentence of your own: what you admire in Bo's work as Head of Product at "
        "Stripe (a post, a talk, a project).]"
    )
    assert draft.body.split("\n\n")[1] == gap
    assert draft.warnings == [f"still to fill in: {gap}"]
    assert "following your work" not in draft.body and "admire what" not in draft.body


FIELDS = {
    "position": ["", "Head of Product"],
    "firm": ["", "Stripe, Inc."],
    "first_name": ["", "Bo"],
}


@pytest.mark.parametrize(
    ("position", "firm", "first_name", "goals"),
    [
        (*combo, goals)
        for combo in itertools.product(*FIELDS.values())
        for goals in ({}, {"roles": ["Recruiter"]}, {"industries": ["Fintech"]},
                      {"locations": ["Lyon"]})
    ],
)  # fmt: skip
def test_no_broken_phrase_whatever_is_missing(workbook, position, firm, first_name, goals):
    workbook.set_goals(**goals)
    contact = {"name": "Bo Chen", "position": position, "firm": firm, "first_name": first_name}
    draft = email_draft(workbook, contact, admiration="Your post on onboarding was so clear.")
    text = draft.subject + "\n" + draft.body
    for broken in ("your work in your work", "  ", " ,", " .", " :", "as at", "nan", "None",
                   "towards ,", "Dear ,", "..", "[", "]"):  # fmt: skip
        assert broken not in text, (broken, text)
    assert re.search(r"\b(\w+) \1\b", text) is None  # no doubled word
    assert draft.warnings == []
    script = voicemail_draft(workbook, contact, admiration="your post on onboarding was so clear")
    assert "  " not in script and " ." not in script and ".." not in script
    assert "Your post on onboarding was so clear." in script  # capitalised, one full stop


def test_goals_sentence_for_each_kind_of_goal(workbook):
    def line(**goals):
        workbook.set_goals(**goals)
        return email_draft(workbook, {"name": "Cy"}, admiration="x").body.split("\n\n")[2]

    assert line() == (
        "I am exploring my next step, and I would value your perspective: how did you get "
        "where you are?"
    )
    assert line(industries=["EdTech"]).startswith("I am exploring a path into EdTech, and")
    assert line(industries=[], locations=["Lyon"]).startswith(
        "I am exploring my next step, in Lyon, and"
    )


def test_a_referred_contacts_email_names_who_suggested_them_first(workbook):
    bo = workbook.add_contact("Bo Chen", firm="Stripe")
    cy = workbook.add_contact("Cy Dee", firm="Qonto", referred_by=bo)
    contact = workbook.get_contact(cy)
    draft = email_draft(workbook, contact, admiration="I enjoyed your Qonto engineering post.")
    assert draft.subject == "Bo Chen suggested I write to you"
    assert draft.body.startswith(
        "Dear Cy,\n\nBo Chen suggested I write to you. I enjoyed your Qonto engineering post.\n\n"
    )
    script = voicemail_draft(workbook, contact, admiration="I enjoyed your Qonto post.")
    assert script.startswith("Hello Cy, this is Test Participant. Bo Chen suggested I call you.")
    # Without a workbook to look the referrer up, the caller names them.
    assert email_draft(workbook.profile, contact, referrer="Bo").subject.startswith("Bo sugg")
    # A contact nobody referred gets no such line.
    assert "suggested" not in email_draft(workbook, workbook.get_contact(bo)).body


def test_voicemail_in_full_with_the_call_back_number(workbook):
    workbook.update_profile(phone=PHONE)
    script = voicemail_draft(workbook, BO, admiration=LOVED + ".")
    assert script == (
        "Hello Bo, this is Test Participant. "
        "I am calling because I would like to learn how you got where you are. "
        "I loved your talk at Maddyness on pricing for small teams. "
        "Would you have 20 minutes for a short conversation? "
        "You can reach me on +33 6 12 34 56 78; that is +33 6 12 34 56 78. Thank you."
    )
    assert "email" not in script.lower()  # the method: it need not mention the email
    check = check_voicemail(script)
    # Counted by hand: 6 + 15 + 11 + 9 + 11 ("You can reach me on" + 6 groups of digits)
    # + 8 ("that is" + 6 groups) + 2 = 62 words; 62 / 150 a minute = 24.8 seconds.
    assert (check.missing, check.words, check.seconds, check.warnings) == ((), 62, 24.8, [])


def test_voicemail_without_a_number_or_a_sentence_says_what_to_fill_in(workbook):
    script = voicemail_draft(workbook, BO)
    assert "[your phone number]" in script
    assert "[Say in one sentence what you admire in their work.]" in script
    check = check_voicemail(script)
    assert check.missing == ("appreciation",)  # the gap is not an appreciation yet
    assert any(w.startswith("no call-back number") for w in check.warnings)
    assert sum(w.startswith("still to fill in") for w in check.warnings) == 2


def test_the_phone_number_is_checked_when_saved(workbook):
    from coachkit import ValidationError

    assert workbook.update_profile(phone="  (555) 010-4477 ").phone == "(555) 010-4477"
    for bad in ("call me", "12 34", "+33 6 12 34 56 78 ext. 9"):
        with pytest.raises(ValidationError, match=r"phone: .* is not a phone number"):
            workbook.update_profile(phone=bad)
    assert workbook.profile.phone == "(555) 010-4477"  # unchanged by the refusals


@pytest.mark.parametrize(
    ("sentence", "generic"),
    [
        ("I have been following your work.", True),
        ("I've been following your career for years.", True),
        ("I really admire your work.", True),
        ("I admire your work at Stripe.", True),
        ("I am a big fan of your work!", True),
        ("I admire your work on payment retries at Stripe.", False),
        ("I loved your blog post about team leadership.", False),
        ("Your talk on pricing changed how I write proposals.", False),
    ],
)
def test_generic_claims_are_flagged(sentence, generic):
    assert bool(sincerity_warnings(sentence)) is generic
    draft = email_draft(
        __import__("coachkit").workbook.Profile(name="Ana"), BO, admiration=sentence
    )
    assert any("generic claim" in w for w in draft.warnings) is generic


@pytest.mark.parametrize(
    "role", ["Recruiter", "Talent Acquisition Partner", "Hiring Manager", "Jobs Programme Lead"]
)
def test_coachkits_own_template_never_trips_the_job_ask_check(workbook, role):
    workbook.set_goals(roles=[role], industries=["Recruitment"], locations=["Paris"])
    workbook.update_profile(phone=PHONE)
    for contact in (BO, {"name": "Di Eve", "firm": "Jobs Inc", "position": "Head of Hiring"},
                    {"name": "Ed"}):  # fmt: skip
        draft = email_draft(workbook, contact, admiration="I loved your keynote on openness.")
        assert draft.warnings == [], (role, contact)
        script = voicemail_draft(workbook, contact, admiration="I loved your opening keynote.")
        check = check_voicemail(script, contact, goal_roles=[role])
        assert check.warnings == [], (role, contact)


def test_the_contacts_own_title_is_not_a_job_ask():
    recruiter = {"name": "Di", "firm": "Acme", "position": "Head of Hiring, Jobs Board"}
    text = "I admire your work as Head of Hiring, Jobs Board at Acme. How did you get there?"
    assert job_ask_warnings(text, recruiter) == []
    # Without the contact, the same words are flagged.
    assert len(job_ask_warnings(text)) == 2
    # And a real ask to the same person still is.
    assert len(job_ask_warnings(text + " Are you hiring?", recruiter)) == 1


def test_voicemail_check_reports_missing_parts_and_time():
    check = check_voicemail("Hi Bo, I loved your blog post about team leadership.")
    assert check.missing == ("purpose", "request")
    assert check.words == 10
    assert check.seconds == 4.0  # 10 words at 150 a minute
    assert check.warnings[0].startswith("missing the purpose")


def test_voicemail_longer_than_30_seconds_warns():
    text = (
        "I am calling to ask how you got where you are. I admire your work on onboarding. "
        "Would you have 20 minutes for a conversation? Call me on 06 12 34 56 78. "
        + "More detail here. "
        * 20
    )
    check = check_voicemail(text)
    assert check.missing == ()
    # 11 + 6 + 8 + 3 ("Call me on") + 5 digit groups = 33 words, then 3 x 20 = 60 more:
    # 93 words at 150 a minute = 37.2 seconds.
    assert check.words == 33 + 60
    assert check.seconds == 37.2
    assert check.warnings == [
        "93 words take about 37 seconds: keep it under 30 seconds (about 75 words)"
    ]


def test_drafts_from_a_stored_contact_with_missing_details(workbook):
    contact = workbook.get_contact(workbook.add_contact("Gil Ho"))  # no firm, no position
    assert email_draft(workbook, contact).body.startswith("Dear Gil,")
    script = voicemail_draft(workbook, contact)
    assert "nan" not in script and "None" not in script


def test_a_sentence_ending_in_a_firm_with_a_full_stop_is_not_doubled(workbook):
    script = voicemail_draft(workbook, BO, admiration="I admired the launch at Stripe, Inc.")
    assert "I admired the launch at Stripe, Inc. Would you" in script
    assert ".." not in script
