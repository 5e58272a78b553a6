"""The coachkit board as a service of a real JupyterHub 6 (and configurable-http-proxy).

One hub for the module: a coach (group ``coaches``) and two participants, ana and bo, log in
with the hub's own login form; the participants' servers are started by the hub and publish
with the token the hub gave them. What is checked: the coach sees the board through the
hub's OAuth, a participant gets 403, and a server publishes for its own user only.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from ._hub import PASSWORD, Hub, start_hub

pytestmark = pytest.mark.integration

BOARD = "/services/coachkit/"
WEEKLY = {
    "on_track": False, "verdict": "two calls short", "days_left": 0,
    "targets": [{"metric": "calls", "period": "week", "target": 2, "actual": 0,
                 "on_target": False, "streak": 0}],
    "week": {"outreach": 5, "replies": 1, "calls": 0, "calls_reached": 0, "voicemails": 0,
             "meetings": 1, "referrals": 2},
    "month": {"outreach": 9, "replies": 2, "calls": 1, "calls_reached": 1, "voicemails": 0,
              "meetings": 2, "referrals": 3},
    "calls_due": 1, "overdue": 0,
    "network": {"size": 14, "names_not_contacted": 1, "conversations": 2, "referrals": 3,
                "referral_yield": 1.5,
                "target_firms": 6, "firms_with_contact": 4, "firms_with_conversation": 2,
                "projected_size": 20},
    "stuck": [],
}  # fmt: skip


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    folder = tmp_path_factory.mktemp("hub")
    running = start_hub(folder, users=["coach", "ana", "bo"], coaches=["coach"])
    try:
        running.servers.update({u: running.start_server(u) for u in ("ana", "bo")})
        yield running
    finally:
        running.stop()


def _publish(hub: Hub, user: str, contacts: int) -> bool:
    """Ask ``user``'s server to publish, as it does after a save."""
    answer = requests.get(f"{hub.servers[user]}publish?contacts={contacts}", timeout=30)
    assert answer.json()["user"] == user
    return answer.json()["published"]


def _board(session: requests.Session, hub: Hub) -> dict:
    answer = session.get(f"{hub.url}{BOARD}api/board", timeout=30)
    assert answer.status_code == 200, answer.text[:300]
    return answer.json()


def test_the_coach_sees_a_participants_figures_and_totals(hub):
    assert _publish(hub, "ana", 3)
    coach = hub.login("coach")
    page = coach.get(f"{hub.url}{BOARD}", timeout=30)  # the hub's OAuth, through the proxy
    assert page.status_code == 200
    assert page.url == f"{hub.url}{BOARD}"
    # The page's script may run, but only its own (nonce) and fetching only its own API.
    csp = page.headers["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    assert page.text.count(f'nonce="{nonce}"') == 2 and "<script src" not in page.text
    assert "connect-src 'self'" in csp and "default-src 'none'" in csp
    row = re.search(r"<tr><th scope='row'>ana</th>(.*?)</tr>", page.text).group(1)
    assert re.findall(r"<td>(.*?)</td>", row) == ["3", "✔", "2", "3", "–", "✔", "1", "2"]
    assert "<b>1 of 2</b> have imported their contacts" in page.text  # bo has not yet
    typed = coach.get(f"{hub.url}{BOARD.rstrip('/')}", timeout=30)  # without the last /
    assert (typed.status_code, typed.url) == (200, f"{hub.url}{BOARD}")
    data = _board(coach, hub)
    by_user = {r["username"]: r for r in data["rows"]}
    assert sorted(by_user) == ["ana", "bo"]  # the coach is no participant
    assert by_user["ana"]["figures"]["contacts"] == 3
    assert by_user["bo"]["figures"] is None
    assert data["totals"]["goals_set"] == 1 and data["totals"]["participants"] == 2

    # A new save shows on the next refresh (the page polls api/board).
    assert _publish(hub, "ana", 5)
    assert {r["username"]: r for r in _board(coach, hub)["rows"]}["ana"]["figures"]["contacts"] == 5


def test_a_participant_gets_403_from_every_page(hub):
    bo = hub.login("bo")
    for path in ("", "api/board", "weekly/", "weekly/2026-W48"):
        answer = bo.get(f"{hub.url}{BOARD}{path}", timeout=30)
        assert answer.status_code == 403, (path, answer.status_code)
        assert "ana" not in answer.text
    # bo's own API token (all of bo's permissions) does not open the board either.
    token = hub.api("POST", "users/bo/tokens", json={"note": "bo's own"}).json()["token"]
    answer = requests.get(
        f"{hub.url}{BOARD}api/board", headers={"Authorization": f"token {token}"}, timeout=30
    )
    assert answer.status_code == 403


def test_a_server_publishes_for_its_own_user_only(hub):
    assert _publish(hub, "ana", 4)
    assert _publish(hub, "bo", 7)
    rows = {r["username"]: r["figures"] for r in _board(hub.login("coach"), hub)["rows"]}
    assert (rows["ana"]["contacts"], rows["bo"]["contacts"]) == (4, 7)

    url = f"{hub.url}{BOARD}api/publish"
    figures = {"kind": "live", "figures": rows["bo"] | {"contacts": 99}}
    bo_token = hub.api("POST", "users/bo/tokens", json={"note": "bo"}).json()["token"]
    # Naming someone else in the body is refused, not obeyed.
    named = requests.post(
        url, json=figures | {"user": "ana"}, headers={"Authorization": f"token {bo_token}"},
        timeout=30,
    )  # fmt: skip
    assert named.status_code == 400
    # A token without the publish scope, no token, or a coach's browser cookie: refused.
    narrow = hub.api(
        "POST", "users/bo/tokens", json={"scopes": ["read:users:name!user=bo"]}
    ).json()["token"]
    assert (
        requests.post(
            url, json=figures, headers={"Authorization": f"token {narrow}"}, timeout=30
        ).status_code
        == 403
    )
    assert requests.post(url, json=figures, timeout=30).status_code == 401
    assert hub.login("coach").post(url, json=figures, timeout=30).status_code == 401
    rows = {r["username"]: r["figures"] for r in _board(hub.login("coach"), hub)["rows"]}
    assert (rows["ana"]["contacts"], rows["bo"]["contacts"]) == (4, 7)  # nothing changed
    # Text where figures belong is refused with the field named.
    bad = requests.post(
        url, json={"kind": "live", "figures": rows["bo"] | {"drafts": "Ana Ortiz"}},
        headers={"Authorization": f"token {bo_token}"}, timeout=30,
    )  # fmt: skip
    assert bad.status_code == 400 and "drafts" in bad.json()["error"]


def test_weekly_summary_from_published_reports(hub):
    answer = requests.get(
        f"{hub.servers['ana']}publish-weekly",
        params={"week": "2026-W48", "figures": json.dumps(WEEKLY)},
        timeout=30,
    )
    assert answer.json()["published"] is True
    coach = hub.login("coach")
    index = coach.get(f"{hub.url}{BOARD}weekly/", timeout=30)
    assert index.status_code == 200 and 'href="2026-W48"' in index.text
    page = coach.get(f"{hub.url}{BOARD}weekly/2026-W48", timeout=30)
    assert page.status_code == 200
    assert "Cohort summary: week 2026-W48" in page.text and "<script" not in page.text
    summary = coach.get(f"{hub.url}{BOARD}weekly/2026-W48?format=json", timeout=30).json()
    assert [p["participant"] for p in summary["participants"]] == ["ana"]
    assert summary["totals"]["week"]["outreach"] == 5
    assert [f["participant"] for f in summary["failures"]] == ["bo"]  # no report yet


def test_the_store_holds_figures_and_usernames_only(hub):
    store = Path(hub.folder) / "board.sqlite"
    with sqlite3.connect(store) as db:
        live = db.execute("SELECT username, figures FROM coachkit_live ORDER BY 1").fetchall()
    assert [u for u, _ in live] == ["ana", "bo"]
    for _, figures in live:
        assert set(json.loads(figures)) == {
            "contacts", "goals_set", "firms_tagged", "shortlist", "schedule_saved",
            "targets_set", "drafts", "outreach_this_week", "week",
        }  # fmt: skip


@pytest.mark.browser
def test_the_board_page_refreshes_itself_in_a_real_browser(hub):
    """Chromium logs in as the coach through the hub's form, opens the board, and sees a
    participant's new save appear without reloading: the page's own script, under its CSP."""
    from playwright.sync_api import sync_playwright

    from .conftest import CHROMIUM, CHROMIUM_ARGS

    assert _publish(hub, "ana", 11)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.set_default_timeout(30_000)
            refused: list[str] = []
            page.on("console", lambda m: refused.append(m.text) if m.type == "error" else None)
            page.goto(f"{hub.url}/hub/login?next={BOARD}")
            page.fill("input[name=username]", "coach")
            page.fill("input[name=password]", PASSWORD)
            page.click("#login_submit")
            page.wait_for_url(f"{hub.url}{BOARD}")
            ana = page.locator("#rows tr", has_text="ana")
            assert ana.locator("td").first.inner_text() == "11"
            page.evaluate("window.loadedOnce = true")  # gone if the page reloaded
            assert _publish(hub, "ana", 12)
            ana.locator("td").first.filter(has_text="12").wait_for(timeout=15_000)
            assert page.evaluate("window.loadedOnce") is True  # redrawn in place
            totals = page.locator("#totals li").first.inner_text()
            assert totals.startswith(("1 of 2", "2 of 2"))
            assert refused == []  # no script or style blocked by the page's own CSP
        finally:
            browser.close()


def test_after_the_service_dies_the_hub_restarts_it_and_nothing_is_lost(hub):
    """The hub restarts a managed service that exits; the figures are in the store, and the
    coach's next refresh logs in again by itself (the new process has a new cookie secret)."""
    import time

    import psutil

    coach = hub.login("coach")
    before = {r["username"]: r["figures"] for r in _board(coach, hub)["rows"]}
    (service,) = [
        p
        for p in psutil.Process(hub.process.pid).children(recursive=True)
        if "coachkit.workshop.service" in " ".join(p.cmdline())
    ]
    service.kill()
    try:  # not our child: it is gone once the hub has reaped it (a zombie until then)
        while service.status() != psutil.STATUS_ZOMBIE:
            time.sleep(0.1)
    except psutil.NoSuchProcess:
        pass
    deadline = time.monotonic() + 60
    while True:
        try:
            answer = coach.get(f"{hub.url}{BOARD}api/board", timeout=10)
            if answer.status_code == 200:
                break
        except requests.RequestException:
            pass
        assert time.monotonic() < deadline, "the board did not come back within 60 s"
        time.sleep(0.5)
    assert {r["username"]: r["figures"] for r in answer.json()["rows"]} == before
    assert _publish(hub, "bo", 8)  # servers publish to the new process at the same address
    assert {r["username"]: r for r in _board(coach, hub)["rows"]}["bo"]["figures"]["contacts"] == 8
