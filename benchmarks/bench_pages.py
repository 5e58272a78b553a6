"""Benchmark: how long a participant waits, in a real browser, for each page's forms.

Voilà serves ``notebooks/`` with the shipped ``jupyter-config`` and a demo workbook; headless
Chromium opens every guided notebook ``--repeat`` times and times the span from the request
to the moment the page's last button is on screen (the forms are usable). The baseline,
measured in the same run on the same server, is a page holding one button and nothing else:
what Voilà itself costs (a kernel, the page, the widget manager). The figures printed are
the median per notebook, the ratio to the baseline and PASS/MISS against the aim of the
issue (forms on screen within 1.5 s); nothing is asserted.

Run: ``python benchmarks/bench_pages.py [--repeat 3] [--preheat]``; ``--preheat`` measures
Voilà with a pool of one preheated kernel per notebook (``VoilaConfiguration.preheat_kernel``,
one Voilà per notebook); ``forms.open_page`` then waits for the request before it reads the
workbook, so a preheated page is never stale.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import nbformat

from coachkit.demo import build_demo_workbook

REPO = Path(__file__).resolve().parents[1]
TODAY = dt.date(2026, 11, 25)
AIM = 1.5  # seconds from request to forms, at most
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]  # fmt: skip


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"nothing listened on port {port}")


def baseline_notebook(folder: Path) -> Path:
    book = nbformat.v4.new_notebook()
    book.cells = [
        nbformat.v4.new_markdown_cell("# Baseline"),
        nbformat.v4.new_code_cell('import ipywidgets\n\nipywidgets.Button(description="Ready")'),
    ]
    book.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    path = folder / "00_baseline.ipynb"
    nbformat.write(book, path)
    return path


def time_page(browser, url: str) -> float:
    """Seconds from the request to the page's last button being visible."""
    page = browser.new_page(viewport={"width": 1100, "height": 1400})
    try:
        started = time.perf_counter()
        page.goto(url, timeout=120_000, wait_until="commit")
        page.wait_for_function(
            "(() => { const b = document.querySelectorAll('.widget-button'); "
            "return b.length > 0 && b[b.length - 1].getBoundingClientRect().height > 0; })()",
            timeout=120_000,
            polling=25,
        )
        return time.perf_counter() - started
    finally:
        page.close(run_before_unload=True)


POOL_REFILL = 8.0  # seconds for Voilà to preheat the next kernel of a pool


def serve(target: Path, root: Path, env: dict[str, str], preheat: bool) -> tuple[Any, str]:
    """Start Voilà on ``target`` (a folder, or one notebook when preheating); return it, URL."""
    port = free_port()
    extra = ["--VoilaConfiguration.preheat_kernel=True"] if preheat else []
    server = subprocess.Popen(
        [sys.executable, "-m", "voila", str(target), "--no-browser", f"--port={port}",
         "--Voila.ip=127.0.0.1", *extra],
        cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    wait_for_port(port)
    if preheat:
        time.sleep(3 * POOL_REFILL)  # the first kernel of the pool starts with the server
        return server, f"http://127.0.0.1:{port}/"
    return server, f"http://127.0.0.1:{port}/voila/render/"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--preheat", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="coachkit-bench-pages-") as tmp:
        root = Path(tmp)
        pages = root / "pages"
        pages.mkdir()
        baseline = baseline_notebook(pages)
        guided = sorted((REPO / "notebooks").glob("0[1-7]_*.ipynb"))
        for path in guided:
            (pages / path.name).write_bytes(path.read_bytes())
        build_demo_workbook(root / "workbook", "on_track", TODAY).close()
        env = {**os.environ, "COACHKIT_WORKBOOK": str(root / "workbook"),
               "COACHKIT_TODAY": TODAY.isoformat(), "XDG_CONFIG_HOME": str(root / "config"),
               "JUPYTER_CONFIG_PATH": str(REPO / "jupyter-config")}  # fmt: skip
        base = None
        results: dict[str, float] = {}
        # Preheated pools work per notebook: one Voilà per page (a pool of one kernel each).
        groups = [[p] for p in [baseline, *guided]] if args.preheat else [[baseline, *guided]]
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                for group in groups:
                    target = group[0] if args.preheat else pages
                    server, base = serve(target, root, env, args.preheat)
                    try:
                        if not args.preheat:
                            time_page(browser, base + baseline.name)  # warm the caches
                        for path in group:
                            url = base if args.preheat else base + path.name
                            runs = []
                            for _ in range(args.repeat):
                                runs.append(time_page(browser, url))
                                if args.preheat:
                                    time.sleep(POOL_REFILL)  # the pool refills between visits
                            results[path.stem] = statistics.median(runs)
                    finally:
                        server.terminate()
                        server.wait(timeout=20)
            finally:
                browser.close()

    mode = "preheated kernels" if args.preheat else "a new kernel per page"
    print(f"Page to forms in Voilà ({mode}), median of {args.repeat}, aim {AIM:.1f} s")
    reference = results["00_baseline"]
    print(f"{'page':<28}{'seconds':>9}{'x baseline':>12}  aim")
    for name, seconds in results.items():
        verdict = "PASS" if seconds <= AIM else "MISS"
        print(f"{name:<28}{seconds:>9.2f}{seconds / reference:>12.2f}  {verdict}")


if __name__ == "__main__":
    main()
