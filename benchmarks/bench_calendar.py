"""Benchmark the calendar export on a large workbook: 30,000 contacts, 100,000 activities.

Times ``write_calendar`` for 4 and for 104 weeks, first export and re-export (the second
compares every event with what the workbook kept of the first and cancels what vanished),
against a baseline measured in the same run: ``weekly_plan`` for each of the same weeks,
which is what ``coachkit plan`` computes for one week. Timings are the best of ``--repeat``.

Run: ``python benchmarks/bench_calendar.py [--contacts 30000] [--activities 100000]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_engine import TODAY, build

from coachkit.ics import write_calendar
from coachkit.schedule import weekly_plan
from coachkit.weeks import iter_weeks


def best(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        run()
        times.append(time.perf_counter() - began)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=30_000)
    parser.add_argument("--activities", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        wb = build(Path(tmp) / "wb", args.contacts, args.activities)
        wb.update_profile(timezone="Europe/Paris")
        print(f"workbook: {args.contacts} contacts, {args.activities} activities; today {TODAY}")
        for weeks in (4, 104):
            labels = iter_weeks(TODAY, weeks, wb.profile.week_start)
            out = Path(tmp) / f"plan-{weeks}.ics"

            def plans(labels=labels) -> None:
                for label in labels:
                    weekly_plan(wb, label)

            def export(weeks=weeks, out=out) -> None:
                write_calendar(wb, out, TODAY, weeks, today=TODAY, dtstamp=dt.datetime.now(dt.UTC))

            baseline = best(plans, args.repeat)
            first = best(export, 1)  # the first export records every event
            again = best(export, args.repeat)  # re-exports: compared with what was kept
            events = out.read_bytes().count(b"BEGIN:VEVENT")
            print(
                f"{weeks:>3} weeks ({events} events): weekly_plan x{weeks} {baseline:.3f} s; "
                f"export first {first:.3f} s ({first / baseline:.2f}x), "
                f"re-export {again:.3f} s ({again / baseline:.2f}x)"
            )
        wb.close()


if __name__ == "__main__":
    main()
