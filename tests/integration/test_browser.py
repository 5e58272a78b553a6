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
