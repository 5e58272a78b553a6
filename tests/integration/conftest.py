"""Fixtures for the notebook runs (nbval, papermill) and the real-browser test."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from coachkit.demo import build_demo_workbook

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
GUIDED = sorted(NOTEBOOKS.glob("0[1-8]_*.ipynb"))
TODAY = dt.date(2026, 11, 25)
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo workbook (persona on_track, today 2026-11-25), built once per session."""
    folder = tmp_path_factory.mktemp("demo") / "workbook"
    build_demo_workbook(folder, "on_track", TODAY).close()
    return folder


@pytest.fixture
def demo_workbook(demo_template: Path, tmp_path: Path) -> Path:
    """A private copy of the demo workbook that a test may change."""
    folder = tmp_path / "demo-workbook"
    shutil.copytree(demo_template, folder)
    return folder


def notebook_env(workbook: Path) -> dict[str, str]:
    """The environment under which every guided notebook uses ``workbook`` and 'today'."""
    return {**os.environ, "COACHKIT_WORKBOOK": str(workbook), "COACHKIT_TODAY": TODAY.isoformat()}


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, timeout: float) -> None:
    # Only connect: a GET of the page would make Voilà start a kernel for nothing.
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited early with code {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"nothing listened on port {port} within {timeout:.0f} s")


@pytest.fixture
def voila_goals(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """Voilà serving the goals notebook on 127.0.0.1, its workbook a fresh temporary one.

    Yields the page URL and the workbook folder; the server is always stopped afterwards.
    """
    workbook = tmp_path / "browser-workbook"
    port = free_port()
    log = (tmp_path / "voila.log").open("w")
    command = [
        sys.executable, "-m", "voila", str(NOTEBOOKS / "02_clarify_goals.ipynb"),
        "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1",
        "--VoilaConfiguration.show_tracebacks=True",
    ]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=tmp_path, env=notebook_env(workbook), stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_for_port(port, process, timeout=60)
        yield url, workbook
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()


@pytest.fixture
def voila_outreach(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """Voilà serving notebook 06 on a workbook with goals, a call-back number and one
    potential mentor (Bo Chen, Head of Product at Stripe, never written to yet).

    Yields the page URL and the workbook folder; the server is always stopped afterwards.
    """
    from coachkit import create_workbook

    workbook = tmp_path / "outreach-workbook"
    with create_workbook(workbook, name="Ana Lima", phone="+33 6 12 34 56 78") as wb:
        wb.set_goals(industries=["Fintech"], roles=["Product"], locations=["Paris"])
        wb.tag_firm("Stripe", industry="Fintech", location="Paris")
        wb.add_contact("Bo Chen", firm="Stripe", position="Head of Product", location="Paris")
    port = free_port()
    log = (tmp_path / "voila.log").open("w")
    command = [
        sys.executable, "-m", "voila", str(NOTEBOOKS / "06_outreach_scripts.ipynb"),
        "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1",
        "--VoilaConfiguration.show_tracebacks=True",
    ]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=tmp_path, env=notebook_env(workbook), stdout=log, stderr=subprocess.STDOUT
    )
    try:
        _wait_for_port(port, process, timeout=60)
        yield f"http://127.0.0.1:{port}/", workbook
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()
