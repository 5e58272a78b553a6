"""Benchmark the coach's board with a room of simulated publishers, on a real JupyterHub.

Starts JupyterHub 6 + configurable-http-proxy on 127.0.0.1 with the coachkit service (as
tests/integration does), creates ``--participants`` users (200) and a coach, and gives each
participant a token with the scope their server's token has (``custom:coachkit:publish``).
Then, measured in the same run:

* publish: every participant publishes ``--rounds`` times, ``--concurrency`` at once,
  straight to the service as participants' servers do (the first publish of a token asks the
  hub who owns it; later ones are answered from the service's cache);
* board: the coach's refresh (``api/board``, which the page polls, and the page itself)
  through the proxy, idle and while the room publishes;
* baseline: the service's ``api/health`` through the proxy (no authentication, no store),
  and the board built in-process from the store (no HTTP).

Aim: the board's refresh under 1 s with 200 participants (PASS/FAIL printed, never asserted).

Run: ``python benchmarks/bench_board.py [--participants 200] [--rounds 3] [--postgres]``
(``--postgres`` starts a PostgreSQL server as tests/integration does; ``--db-url`` names one).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/integration/_hub.py

from coachkit.workshop.board import board, render_board
from coachkit.workshop.store import BoardStore
from tests.integration._hub import start_hub

GOAL = 1.0  # seconds for a board refresh


def figures(n: int, round_: int) -> dict:
    return {
        "contacts": 10 * n + round_, "goals_set": n % 3 != 0, "firms_tagged": n % 7,
        "shortlist": n % 11, "schedule_saved": n % 2 == 0, "targets_set": n % 5 != 0,
        "drafts": round_, "outreach_this_week": n % 4, "week": "2026-W48",
    }  # fmt: skip


def timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def summary(name: str, seconds: list[float], baseline: float | None = None) -> str:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    line = (
        f"{name:<44} n={len(ordered):<4} median {statistics.median(ordered) * 1000:7.1f} ms"
        f"   p95 {p95 * 1000:7.1f} ms   max {ordered[-1] * 1000:7.1f} ms"
    )
    if baseline:
        line += f"   x{statistics.median(ordered) / baseline:5.1f} baseline"
    return line


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--participants", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--refreshes", type=int, default=30)
    parser.add_argument("--db-url", default=None, help="the board's store (default: SQLite)")
    parser.add_argument(
        "--postgres", action="store_true", help="keep figures in a PostgreSQL server started here"
    )
    args = parser.parse_args()
    if args.postgres:
        from tests.integration._postgres import postgres_server

        with postgres_server() as url:
            args.db_url = url
            return run(args)
    return run(args)


def run(args: argparse.Namespace) -> int:

    users = [f"p{n:03d}" for n in range(args.participants)]
    with tempfile.TemporaryDirectory(prefix="coachkit-bench-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        hub = start_hub(folder, users=[*users, "coach"], coaches=["coach"], db_url=args.db_url)
        print(f"hub, proxy and board started in {time.perf_counter() - started:.1f} s")
        try:
            tokens = {}
            for user in users:
                answer = hub.api(
                    "POST", f"users/{user}/tokens", json={"scopes": ["custom:coachkit:publish"]}
                )
                answer.raise_for_status()
                tokens[user] = answer.json()["token"]
            coach_token = hub.api("POST", "users/coach/tokens", json={}).json()["token"]
            coach = {"Authorization": f"token {coach_token}"}
            local = threading.local()

            def session() -> requests.Session:
                if not hasattr(local, "session"):
                    local.session = requests.Session()
                return local.session

            def publish(user_round: tuple[int, int]) -> float:
                n, round_ = user_round
                body = {"kind": "live", "figures": figures(n, round_)}
                headers = {"Authorization": f"token {tokens[users[n]]}"}

                def post() -> None:
                    answer = session().post(
                        f"{hub.service_url}api/publish", json=body, headers=headers, timeout=30
                    )
                    answer.raise_for_status()

                return timed(post)

            def get(path: str, headers: dict | None = None) -> float:
                def fetch() -> None:
                    answer = session().get(
                        f"{hub.url}/services/coachkit/{path}", headers=headers, timeout=30
                    )
                    answer.raise_for_status()

                return timed(fetch)

            # Baseline: the same proxy and service, no authentication and no store.
            get("api/health")
            baseline = [get("api/health") for _ in range(args.refreshes)]
            base = statistics.median(baseline)

            first: list[float] = []
            later: list[float] = []
            with ThreadPoolExecutor(args.concurrency) as pool:
                first = list(pool.map(publish, [(n, 0) for n in range(len(users))]))
                for round_ in range(1, args.rounds):
                    later += list(pool.map(publish, [(n, round_) for n in range(len(users))]))

            get("api/board", coach)  # the coach's token is now known to the service
            idle_api = [get("api/board", coach) for _ in range(args.refreshes)]
            idle_page = [get("", coach) for _ in range(args.refreshes)]
            rows = requests.get(
                f"{hub.url}/services/coachkit/api/board", headers=coach, timeout=30
            ).json()["rows"]
            published = sum(r["figures"] is not None for r in rows)

            # Refreshes while the whole room publishes again.
            busy: list[float] = []
            busy_publish: list[float] = []
            with ThreadPoolExecutor(args.concurrency) as pool:
                future = pool.submit(
                    lambda: busy_publish.extend(
                        ThreadPoolExecutor(args.concurrency).map(
                            publish, [(n, args.rounds) for n in range(len(users))]
                        )
                    )
                )
                while not future.done():
                    busy.append(get("api/board", coach))
                future.result()

            # In-process: the store's read and the page built, no HTTP at all.
            store = BoardStore(args.db_url or folder / "board.sqlite")
            in_process = [
                timed(
                    lambda: render_board(
                        board(store.live(), today=dt.date(2026, 11, 25), participants=users),
                        nonce="x",
                    )
                )
                for _ in range(args.refreshes)
            ]
            store.close()
        finally:
            hub.stop()

    store_name = "PostgreSQL" if args.db_url and "postgresql" in args.db_url else "SQLite"
    print(f"participants {len(users)}, rows on the board {len(rows)}, published {published}")
    print(f"store: {store_name}")
    print(summary("baseline: api/health through the proxy", baseline))
    print(summary("publish, first (hub checks the token)", first, base))
    print(summary("publish, again (token cached)", later, base))
    print(summary("publish, while the coach refreshes", busy_publish, base))
    print(summary("board refresh: api/board, idle", idle_api, base))
    print(summary("board page (HTML), idle", idle_page, base))
    print(summary("board refresh: api/board, room publishing", busy, base))
    print(summary("board built in-process (store + render)", in_process, base))
    worst = max(sorted(x)[round(0.95 * (len(x) - 1))] for x in (idle_api, idle_page, busy))
    verdict = "PASS" if worst < GOAL and published == len(users) else "FAIL"
    print(f"{verdict}: board refresh p95 {worst * 1000:.0f} ms (goal < {GOAL * 1000:.0f} ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
