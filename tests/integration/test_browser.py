"""A real browser fills the goals form in Voilà, and the goals land in the workbook.

Needs Debian's headless Chromium (``/usr/bin/chromium``) driven by Python Playwright. Without
it the test is skipped locally, but fails under CI (``CI`` set), where it must run.
A screenshot of the filled form is kept in ``artifacts/`` (gitignored, a CI artefact).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from coachkit import Goals, open_workbook

from .conftest import CHROMIUM, CHROMIUM_ARGS, REPO

pytestmark = [pytest.mark.integration, pytest.mark.browser]

ARTIFACTS = REPO / "artifacts"
TIMEOUT_MS = 60_000  # first render runs the notebook in a new kernel: allow a slow CI box


def _chromium_or_skip() -> Path:
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    message = f"headless Chromium not found at {CHROMIUM} (apt-get install chromium)"
    if os.environ.get("CI"):
        pytest.fail(message + ": it is required under CI")
    pytest.skip(message)


def test_goals_form_in_voila_saves_to_the_workbook(voila_goals: tuple[str, Path]) -> None:
    chromium = _chromium_or_skip()
    from playwright.sync_api import sync_playwright

    url, workbook = voila_goals
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 1400})
            page.set_default_timeout(TIMEOUT_MS)
            page.goto(url, timeout=TIMEOUT_MS)
            industries = page.locator(".coachkit-goals-industries textarea")
            industries.wait_for(state="visible")
            roles = page.locator(".coachkit-goals-roles textarea")
            save = page.get_by_role("button", name="Save my goals")
            # First a mistake: the error appears in red right under the roles field.
            industries.fill("Fintech\nHealthTech")
            roles.fill("Product Manager\nproduct manager")
            page.locator(".coachkit-goals-locations textarea").fill("Paris\nRemote")
            save.click()
            error = page.locator(".coachkit-error", has_text="same entry twice")
            error.wait_for(state="visible")
            roles_box = roles.bounding_box()
            error_box = error.bounding_box()
            assert roles_box and error_box
            assert 0 <= error_box["y"] - (roles_box["y"] + roles_box["height"]) < 40
            # Then the fix, and the save goes through.
            roles.fill("Product Manager")
            save.click()
            page.locator(".coachkit-ok", has_text="Goals saved").wait_for(state="visible")
            assert page.locator(".coachkit-error", has_text="same entry twice").count() == 0
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "goals-form.png"), full_page=True)
        finally:
            browser.close()

    with open_workbook(workbook) as wb:
        assert wb.goals == Goals(
            ("Fintech", "HealthTech"), ("Product Manager",), ("Paris", "Remote")
        )


def test_outreach_form_in_voila_takes_the_participants_own_sentence(
    voila_outreach: tuple[str, Path],
) -> None:
    """Notebook 06 in a real browser: the draft holds a gap, 'I sent it' is refused until the
    participant writes their sentence; typing it fills the email and the voicemail, which
    ends with the call-back number; then the email is logged."""
    chromium = _chromium_or_skip()
    import re

    from playwright.sync_api import expect, sync_playwright

    url, workbook = voila_outreach
    sentence = "I loved your post on pricing pages for small teams."
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 1800})
            page.set_default_timeout(TIMEOUT_MS)
            page.goto(url, timeout=TIMEOUT_MS)
            body, voicemail = page.locator("textarea").nth(0), page.locator("textarea").nth(1)
            expect(body).to_have_value(re.compile(r"^Dear Bo,"), timeout=TIMEOUT_MS)
            expect(body).to_have_value(re.compile(r"\[Write one sentence of your own"))
            expect(voicemail).to_have_value(re.compile(r"\+33 6 12 34 56 78\. Thank you\.$"))
            page.locator(".coachkit-warning", has_text="still to fill in").first.wait_for()
            sent = page.get_by_role("button", name="I sent it: log it")
            sent.click()
            page.locator(".coachkit-error", has_text="the email still holds").wait_for()
            page.get_by_placeholder("e.g. I loved your blog post").fill(sentence[:-1])
            expect(body).to_have_value(re.compile(re.escape(sentence)))
            expect(voicemail).to_have_value(re.compile(re.escape(sentence)))
            assert "[" not in body.input_value()
            sent.click()
            page.locator(".coachkit-ok", has_text="Logged: your email to").wait_for()
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "outreach-form.png"), full_page=True)
        finally:
            browser.close()

    with open_workbook(workbook) as wb:
        acts = wb.activities()
        assert list(acts["kind"]) == ["outreach"]
        (contact_id,) = acts["contact_id"]
        draft = wb.get_draft(int(contact_id))
        assert draft["admiration"] == sentence[:-1] and sentence in draft["body"]
