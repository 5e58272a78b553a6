"""Benchmark `coachkit report` and `coachkit cohort report` against the naive pipeline.

The naive pipeline, measured in the same run on the same workbooks, is what a coach would
script by hand: the ``papermill`` command, then ``jupyter nbconvert --to html --no-input``,
one participant after another, each a fresh process. The targets (issue 5):

* one ``coachkit report``: at most 0.4 of the naive pipeline's time;
* a cohort of 20: ``coachkit cohort report`` at least 10 times faster than the naive loop.

Every figure is wall-clock time of whole commands (fresh processes), printed with the ratios
and PASS/MISS against the targets; nothing is asserted. Single reports are the median of
``--repeat`` runs; cohorts are run once each (the naive loop alone takes minutes).

Run: ``python benchmarks/bench_report.py [--participants 20] [--repeat 3] [--jobs N]``
(``--only single`` or ``--only cohort`` runs one part).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from coachkit.demo import build_demo_cohort
from coachkit.report import notebook_path

TODAY = dt.date(2026, 11, 25)
WEEK = "2026-W48"
SINGLE_TARGET = 0.4  # coachkit report / naive, at most
COHORT_TARGET = 10.0  # naive loop / coachkit cohort report, at least


def _bin(name: str) -> str:
    """The console script installed beside this Python (not a shim that adds start-up)."""
    path = Path(sys.executable).parent / name
    return str(path) if path.exists() else name


def _run(cmd: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def naive(workbook: Path, out: Path) -> float:
    """papermill CLI, then nbconvert CLI: the pipeline a coach would write by hand."""
    out.mkdir(parents=True, exist_ok=True)
    executed = out / "weekly_report.ipynb"
    seconds = _run(
        [_bin("papermill"), "--no-progress-bar", "-k", "python3", str(notebook_path()),
         str(executed), "-p", "workbook", str(workbook), "-p", "week", WEEK,
         "-p", "today", TODAY.isoformat(), "-p", "output_dir", str(out)]
    )  # fmt: skip
    seconds += _run([_bin("jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)])
    return seconds


def coachkit_report(workbook: Path, out: Path) -> float:
    return _run(
        [_bin("coachkit"), "report", str(workbook), "--week", WEEK, "--today",
         TODAY.isoformat(), "--out", str(out)]
    )  # fmt: skip


def coachkit_cohort(cohort: Path, out: Path, jobs: int | None) -> float:
    cmd = [_bin("coachkit"), "cohort", "report", str(cohort), "--week", WEEK, "--today",
           TODAY.isoformat(), "--out", str(out), "--quiet"]  # fmt: skip
    if jobs:
        cmd += ["--jobs", str(jobs)]
    return _run(cmd)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=None, help="cohort jobs (default: 2 per CPU)")
    parser.add_argument("--only", choices=("single", "cohort"), help="run one of the two parts")
    args = parser.parse_args(argv)

    root = Path(tempfile.mkdtemp(prefix="coachkit-bench-"))
    try:
        cohort = root / "cohort"
        folders = build_demo_cohort(cohort, TODAY, extra=max(0, args.participants - 3))
        folders = folders[: args.participants]
        for extra in sorted(cohort.iterdir()):
            if extra not in folders:
                shutil.rmtree(extra)
        print(f"coachkit report benchmark: {len(folders)} demo participants, week {WEEK}, "
              f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")  # fmt: skip

        if args.only != "cohort":
            _single(folders[0], root, args.repeat)
        if args.only != "single":
            _cohort(cohort, folders, root, args.jobs)
        print(f"\nload average at the end: {os.getloadavg()[0]:.2f}")
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _single(one: Path, root: Path, repeat: int) -> None:
    """One report, alternating the two pipelines so that both see the same load."""
    naive_times, fast_times = [], []
    for n in range(repeat):
        naive_times.append(naive(one, root / f"naive-one-{n}"))
        fast_times.append(coachkit_report(one, root / f"fast-one-{n}"))
    naive_one, fast_one = statistics.median(naive_times), statistics.median(fast_times)
    ratio = fast_one / naive_one
    print(f"\none report (median of {repeat}):")
    print(f"  naive papermill + nbconvert CLIs   {naive_one:7.2f} s   "
          f"({', '.join(f'{t:.2f}' for t in naive_times)})")  # fmt: skip
    print(f"  coachkit report                    {fast_one:7.2f} s   "
          f"({', '.join(f'{t:.2f}' for t in fast_times)})")  # fmt: skip
    verdict = "PASS" if ratio <= SINGLE_TARGET else "MISS"
    print(f"  ratio coachkit / naive             {ratio:7.2f}     "
          f"target <= {SINGLE_TARGET}: {verdict}")  # fmt: skip


def _cohort(cohort: Path, folders: list[Path], root: Path, jobs: int | None) -> None:
    """A cohort: the naive serial loop vs one `coachkit cohort report`."""
    started = time.perf_counter()
    for folder in folders:
        naive(folder, root / "naive-cohort" / folder.name)
    naive_cohort = time.perf_counter() - started
    fast_cohort = coachkit_cohort(cohort, root / "fast-cohort", jobs)
    speedup = naive_cohort / fast_cohort
    print(f"\na cohort of {len(folders)}:")
    print(f"  naive serial loop                  {naive_cohort:7.2f} s   "
          f"({naive_cohort / len(folders):.2f} s per report)")  # fmt: skip
    print(f"  coachkit cohort report             {fast_cohort:7.2f} s   "
          f"({fast_cohort / len(folders):.2f} s per report)")  # fmt: skip
    verdict = "PASS" if speedup >= COHORT_TARGET else "MISS"
    print(f"  speed-up naive / coachkit          {speedup:7.1f} x   "
          f"target >= {COHORT_TARGET:g}x: {verdict}")  # fmt: skip


if __name__ == "__main__":
    main()
