"""Voilà on a shared server: pages opened and closed do not leave their kernels running.

Voilà 0.5 asks for a page's kernel to shut down when the tab closes, but its request is
refused for want of an ``_xsrf`` cookie the page never sets (voila-dashboards/voila#1458):
after 21 pages, 21 kernels stayed alive (2.9 GB). The shipped ``jupyter-config/voila.json``
lets that request through and culls any kernel whose page is gone and which has been idle;
these tests start Voilà with exactly that configuration (``JUPYTER_CONFIG_PATH``) and count
the kernel processes Voilà started, in a real browser.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

from .conftest import CHROMIUM_ARGS, REPO, _wait_for_port, free_port
from .test_browser import _chromium_or_skip

pytestmark = [pytest.mark.integration, pytest.mark.browser]

CONFIG = REPO / "jupyter-config"
PAGES = 30
HANDFUL = 3


def kernels_of(pid: int) -> list[int]:
    """The ipykernel processes whose parent is ``pid`` (Voilà starts each page's kernel)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid and b"ipykernel" in cmdline:
            found.append(int(entry.name))
    return found


def settle(pid: int, at_most: int, timeout: float) -> int:
    """Wait until at most ``at_most`` kernels are left (or ``timeout``); return the count."""
    deadline = time.monotonic() + timeout
    count = len(kernels_of(pid))
    while count > at_most and time.monotonic() < deadline:
        time.sleep(0.25)
        count = len(kernels_of(pid))
    return count


@pytest.fixture
def small_page(tmp_path: Path) -> Path:
    """A page with one widget: Voilà's widget manager (which sends the shutdown) loads."""
    book = nbformat.v4.new_notebook()
    book.cells = [
        nbformat.v4.new_markdown_cell("# A page"),
        nbformat.v4.new_code_cell(
            'import ipywidgets\n\nipywidgets.Button(description="Ready", layout={"width": "auto"})'
        ),
    ]
    book.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    path = tmp_path / "page.ipynb"
    nbformat.write(book, path)
    return path


def start_voila(notebook: Path, tmp_path: Path, *extra: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "JUPYTER_CONFIG_PATH": str(CONFIG)}
    with (tmp_path / "voila.log").open("w") as log:  # the child keeps its own copy
        process = subprocess.Popen(
            [sys.executable, "-m", "voila", str(notebook), "--no-browser", f"--port={port}",
             "--Voila.ip=127.0.0.1", *extra],
            cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    _wait_for_port(port, process, timeout=60)
    return process, f"http://127.0.0.1:{port}/"


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@pytest.fixture
def browser() -> Iterator:
    chromium = _chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def open_and_close(browser, url: str, before_unload: bool) -> None:
    """Open the page, wait for its widget, close the tab (running its unload handlers or not)."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(url, timeout=60_000)
        page.get_by_role("button", name="Ready").wait_for(state="visible", timeout=60_000)
        if before_unload:  # closing returns at once: wait until the tab is really gone
            with page.expect_event("close", timeout=30_000):
                page.close(run_before_unload=True)
        else:
            page.close()
    finally:
        context.close()


def test_the_shipped_voila_configuration_culls_and_lets_the_shutdown_through() -> None:
    config = json.loads((CONFIG / "voila.json").read_text())
    culling = config["MappingKernelManager"]
    assert 60 <= culling["cull_idle_timeout"] <= 3600  # minutes, not seconds nor days
    assert culling["cull_interval"] <= culling["cull_idle_timeout"]
    assert culling["cull_connected"] is False  # a page still open keeps its kernel
    assert config["Voila"]["tornado_settings"]["disable_check_xsrf"] is True


def test_thirty_pages_opened_and_closed_leave_a_handful_of_kernels(
    small_page: Path, tmp_path: Path, browser
) -> None:
    process, url = start_voila(small_page, tmp_path)
    try:
        most = 0
        for _ in range(PAGES):
            open_and_close(browser, url, before_unload=True)
            most = max(most, len(kernels_of(process.pid)))
        left = settle(process.pid, at_most=0, timeout=15)
        log = (tmp_path / "voila.log").read_text()
        assert log.count("Kernel started") == PAGES  # every page had its own kernel
        assert left == 0, f"{left} kernels left after {PAGES} pages"
        assert most <= HANDFUL, f"{most} kernels alive at once"
        assert "403 POST /voila/api/shutdown" not in log
    finally:
        stop(process)


def test_kernels_of_pages_that_vanished_without_a_word_are_culled(
    small_page: Path, tmp_path: Path, browser
) -> None:
    """A crashed browser sends no shutdown: the culler (shipped keys, short times) ends them."""
    process, url = start_voila(
        small_page, tmp_path,
        "--MappingKernelManager.cull_idle_timeout=3", "--MappingKernelManager.cull_interval=1",
    )  # fmt: skip
    try:
        for _ in range(3):
            open_and_close(browser, url, before_unload=False)  # no beforeunload: no request
        assert settle(process.pid, at_most=0, timeout=30) == 0
        log = (tmp_path / "voila.log").read_text()
        assert log.count("Kernel started") == 3
        assert log.count("Culling 'idle' kernel") == 3  # the culler, not a page, ended them
    finally:
        stop(process)
