"""The seven pages in a real browser, in Voilà and in JupyterLab, used as a person does.

Headless Debian Chromium through Playwright (skipped locally without it, required under CI):

* Voilà serves ``notebooks/`` with the shipped ``jupyter-config``; every page is opened and
  photographed into ``artifacts/``; the buttons that add a row are double-clicked and store
  one row; switching the workbook in 01 and then adding a contact writes into the new one.
* JupyterLab runs as a participant's would (isolated config, data and runtime folders, the
  shipped ``jupyter-config``) on a copy of the notebooks: code is folded away, every page
  renders, a double-click adds one contact, saving keeps no outputs in the file, and the page
  opened again after a kernel restart shows no widget error.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from coachkit import create_workbook, open_workbook

from .conftest import CHROMIUM_ARGS, GUIDED, REPO, TODAY, _wait_for_port, free_port
from .test_browser import ARTIFACTS, _chromium_or_skip

pytestmark = [pytest.mark.integration, pytest.mark.browser]

CONFIG = REPO / "jupyter-config"
TIMEOUT_MS = 90_000


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def chromium() -> Iterator:
    path = _chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(path), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def env_for(workbook: Path, home: Path) -> dict[str, str]:
    return {
        **os.environ,
        "COACHKIT_WORKBOOK": str(workbook),
        "COACHKIT_TODAY": TODAY.isoformat(),
        "JUPYTER_CONFIG_PATH": str(CONFIG),
        "XDG_CONFIG_HOME": str(home / "config"),  # where 01 remembers a chosen folder
        "JUPYTER_CONFIG_DIR": str(home / "jupyter-config"),
        "JUPYTER_DATA_DIR": str(home / "jupyter-data"),
        "JUPYTER_RUNTIME_DIR": str(home / "jupyter-runtime"),
        "HOME": str(home),
    }


def seeded_workbook(folder: Path) -> Path:
    """A small workbook: a profile, goals, two contacts (invented people)."""
    with create_workbook(folder) as wb:
        wb.update_profile(name="Ana Lima")
        wb.set_goals(industries=["Fintech"], roles=["Product Manager"], locations=["Paris"])
        wb.add_contact("Elena Okoye", firm="Qonto", position="Product Manager", location="Paris")
        wb.add_contact("Bob Baker", firm="Bakery", position="Baker", location="Lyon")
    return folder


# -- Voilà ----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def voila(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, Path]]:
    """Voilà serving notebooks/ on 127.0.0.1: yields base URL, workbook and private home."""
    home = tmp_path_factory.mktemp("voila-home")
    workbook = seeded_workbook(home / "workbook")
    port = free_port()
    log = (home / "voila.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "voila", str(REPO / "notebooks"), "--no-browser",
         f"--port={port}", "--Voila.ip=127.0.0.1"],
        cwd=home, env=env_for(workbook, home), stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        _wait_for_port(port, process, timeout=60)
        yield f"http://127.0.0.1:{port}/voila/render/", workbook, home
    finally:
        stop(process)
        log.close()


def open_voila(browser, url: str):
    page = browser.new_page(viewport={"width": 1100, "height": 1400})
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(url, timeout=TIMEOUT_MS)
    page.locator(".coachkit-card").wait_for(state="visible")
    return page


def test_every_page_renders_in_voila_without_errors(chromium, voila) -> None:
    base, _, _ = voila
    ARTIFACTS.mkdir(exist_ok=True)
    for notebook in GUIDED:
        page = open_voila(chromium, base + notebook.name)
        try:
            page.locator(".widget-button").first.wait_for(state="visible")
            text = page.inner_text("body")
            assert "Traceback" not in text and "Error" not in text, notebook.name
            page.screenshot(path=str(ARTIFACTS / f"voila-{notebook.stem}.png"), full_page=True)
        finally:
            page.close(run_before_unload=True)


def test_double_clicks_in_voila_store_one_row_each(chromium, voila) -> None:
    base, workbook, _ = voila
    page = open_voila(chromium, base + "01_start_here.ipynb")
    try:
        page.locator(".coachkit-field-name input").last.fill("Léa Martin")
        page.get_by_role("button", name="Add contact").dblclick()
        page.locator(".coachkit-ok", has_text="Léa Martin").first.wait_for(state="visible")
    finally:
        page.close(run_before_unload=True)

    page = open_voila(chromium, base + "06_outreach_scripts.ipynb")
    try:  # the participant's own sentence first: an email with a gap is never logged as sent
        admiration = page.locator(".coachkit-field-admiration").locator("input, textarea")
        admiration.fill("I loved your talk on discovery interviews")
        admiration.press("Tab")  # the drafts take the sentence when the field is left
        page.wait_for_timeout(500)
        page.get_by_role("button", name="I sent it: log it").dblclick()
        page.locator(".coachkit-ok", has_text="follow-up call is planned").wait_for()
        page.wait_for_timeout(1000)  # the second click is handled after the first
    finally:
        page.close(run_before_unload=True)

    page = open_voila(chromium, base + "07_log_and_follow_up.ipynb")
    try:
        page.locator(".coachkit-field-kind select").select_option(label="We talked (meeting)")
        page.locator(".coachkit-field-contact select").select_option(label="Bob Baker (Bakery)")
        page.get_by_role("button", name="Save to my log").dblclick()
        page.locator(".coachkit-ok", has_text="Logged: meeting with Bob Baker").wait_for()
        page.wait_for_timeout(1000)
        assert page.locator(".coachkit-error").count() == 0
    finally:
        page.close(run_before_unload=True)

    with open_workbook(workbook) as wb:
        names = list(wb.contacts()["name"])
        acts = wb.activities()
    assert names.count("Léa Martin") == 1
    assert list(acts["kind"]).count("outreach") == 1
    assert list(acts["kind"]).count("meeting") == 1
    assert acts.loc[acts["kind"] == "meeting", "channel"].tolist() == ["call"]  # never empty


def test_switching_the_workbook_in_voila_moves_every_form_of_the_page(chromium, voila) -> None:
    base, workbook, home = voila
    other = home / "second-workbook"
    page = open_voila(chromium, base + "01_start_here.ipynb")
    try:
        page.locator(".coachkit-field-folder input").fill(str(other))
        page.get_by_role("button", name="Use this folder").click()
        page.locator(".coachkit-ok", has_text="every form on this page saves there").wait_for()
        assert str(other) in page.locator(".coachkit-card").inner_text()
        page.locator(".coachkit-field-name input").last.fill("Sam Lee")
        page.get_by_role("button", name="Add contact").click()
        page.locator(".coachkit-ok", has_text="Added Sam Lee").wait_for()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "voila-01-switched.png"), full_page=True)
    finally:
        page.close(run_before_unload=True)
    with open_workbook(other) as wb:
        assert list(wb.contacts()["name"]) == ["Sam Lee"]
    with open_workbook(workbook) as wb:
        assert "Sam Lee" not in set(wb.contacts()["name"])


# -- JupyterLab -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, Path]]:
    """JupyterLab on 127.0.0.1 over a copy of the notebooks; yields URL, folder, workbook."""
    home = tmp_path_factory.mktemp("lab-home")
    folder = home / "notebooks"
    shutil.copytree(REPO / "notebooks", folder)
    workbook = seeded_workbook(home / "workbook")
    token = secrets.token_hex(16)
    port = free_port()
    log = (home / "lab.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--allow-root", "--no-browser",
         f"--ServerApp.token={token}", f"--port={port}", "--ServerApp.ip=127.0.0.1",
         f"--ServerApp.root_dir={folder}", "--LabApp.expose_app_in_browser=True",
         "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        cwd=home, env=env_for(workbook, home), stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        _wait_for_port(port, process, timeout=90)
        # ?reset: a fresh workspace, so no tab of the test before comes back
        yield f"http://127.0.0.1:{port}/lab/tree/{{}}?reset&token={token}", folder, workbook
    finally:
        stop(process)
        log.close()


def open_lab(browser, url: str):
    page = browser.new_page(viewport={"width": 1280, "height": 1400})
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(url, timeout=TIMEOUT_MS)
    page.wait_for_function("window.jupyterapp && window.jupyterapp.shell.currentWidget")
    page.wait_for_function(
        "(() => { const k = window.jupyterapp.shell.currentWidget.sessionContext?.session?.kernel;"
        " return k && k.status == 'idle' && k.connectionStatus == 'connected'; })()"
    )
    page.wait_for_timeout(500)  # the widget manager attaches to the new kernel
    return page


def run_all(page) -> None:
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.locator(".coachkit-card").wait_for(state="visible")
    page.wait_for_function(
        "window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status == 'idle'"
    )


def test_every_page_is_calm_in_jupyterlab(chromium, lab) -> None:
    url, _, _ = lab
    ARTIFACTS.mkdir(exist_ok=True)
    for notebook in GUIDED:
        page = open_lab(chromium, url.format(notebook.name))
        try:
            run_all(page)
            page.locator(".widget-button").first.wait_for(state="visible")
            cells = page.locator(".jp-CodeCell")
            hidden = page.locator(".jp-CodeCell .jp-InputPlaceholder")
            assert hidden.count() == cells.count() > 0  # every code cell folded away
            body = page.inner_text(".jp-NotebookPanel")  # what is on screen
            assert "from coachkit" not in body and "forms." not in body  # no code shows
            assert "Traceback" not in body and "Error displaying widget" not in body
            page.screenshot(path=str(ARTIFACTS / f"lab-{notebook.stem}.png"), full_page=True)
        finally:
            page.evaluate("window.jupyterapp.commands.execute('kernelmenu:shutdown')")
            page.close()


def test_jupyterlab_double_click_saves_once_and_the_page_reopens_cleanly(chromium, lab) -> None:
    url, folder, workbook = lab
    name = "01_start_here.ipynb"
    page = open_lab(chromium, url.format(name))
    try:
        run_all(page)
        page.locator(".coachkit-field-name input").last.fill("Mia Chen")
        page.get_by_role("button", name="Add contact").dblclick()
        page.locator(".coachkit-ok", has_text="Mia Chen").first.wait_for(state="visible")
        page.wait_for_timeout(1000)
        # Autosave (every 5 s, shipped setting) leaves nothing unsaved: closing asks nothing.
        page.wait_for_function(
            "!window.jupyterapp.shell.currentWidget.context.model.dirty", timeout=20_000
        )
        page.evaluate("window.jupyterapp.commands.execute('kernelmenu:shutdown')")
    finally:
        page.close()
    with open_workbook(workbook) as wb:
        assert list(wb.contacts()["name"]).count("Mia Chen") == 1
    saved = json.loads((folder / name).read_text(encoding="utf-8"))
    assert "widgets" not in saved["metadata"]
    assert all(c.get("outputs", []) == [] for c in saved["cells"] if c["cell_type"] == "code")

    # The next day: open it again (a new kernel) before running anything.
    page = open_lab(chromium, url.format(name))
    try:
        page.wait_for_timeout(1500)
        assert "model not found" not in page.inner_text(".jp-NotebookPanel")
        run_all(page)
        assert "Error displaying widget" not in page.inner_text(".jp-NotebookPanel")
        assert "Contacts: 3" in page.locator(".coachkit-card").inner_text()
    finally:
        page.evaluate("window.jupyterapp.commands.execute('kernelmenu:shutdown')")
        page.close()
