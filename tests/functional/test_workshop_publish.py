"""Publishing figures from a participant's server: it reaches the board, or fails quietly."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from coachkit.workshop import board_url, publish

pytestmark = pytest.mark.functional

FIGURES = {"contacts": 3, "goals_set": True, "week": "2026-W48"}


class _Board(BaseHTTPRequestHandler):
    """A stand-in board: records each request, answers with the status it is told."""

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        self.server.seen.append(  # type: ignore[attr-defined]
            (self.path, dict(self.headers), json.loads(self.rfile.read(length)))
        )
        time.sleep(self.server.delay)  # type: ignore[attr-defined]
        self.send_response(self.server.status)  # type: ignore[attr-defined]
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def board() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Board)
    server.seen, server.status, server.delay = [], 200, 0  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _env(server: ThreadingHTTPServer) -> dict[str, str]:
    host, port = server.server_address[:2]
    return {
        "COACHKIT_BOARD_URL": f"http://{host}:{port}/services/coachkit/api/publish",
        "JUPYTERHUB_API_TOKEN": "server-token-of-ana",
    }


def test_figures_reach_the_board_with_the_servers_token(board):
    assert publish(FIGURES, kind="live", env=_env(board)) is True
    assert publish({"verdict": "on track"}, kind="weekly", week="2026-W47", env=_env(board))
    (path, headers, body), (_, _, weekly) = board.seen
    assert path == "/services/coachkit/api/publish"
    assert headers["Authorization"] == "token server-token-of-ana"
    assert headers["Content-Type"] == "application/json"
    assert body == {"kind": "live", "figures": FIGURES}
    assert weekly == {"kind": "weekly", "figures": {"verdict": "on track"}, "week": "2026-W47"}


def test_a_refusal_or_a_board_that_is_down_returns_false(board, caplog):
    caplog.set_level("INFO", logger="coachkit.workshop.publish")
    board.status = 403
    assert publish(FIGURES, kind="live", env=_env(board)) is False
    assert "HTTP 403" in caplog.text
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        free = s.getsockname()[1]
    env = _env(board) | {"COACHKIT_BOARD_URL": f"http://127.0.0.1:{free}/x"}
    assert publish(FIGURES, kind="live", env=env) is False
    assert "unreachable" in caplog.text


def test_a_slow_board_does_not_hold_the_save(board):
    board.delay = 10  # far longer than the timeout, so that a loaded machine cannot blur it
    started = time.monotonic()
    assert publish(FIGURES, kind="live", env=_env(board), timeout=0.3) is False
    assert time.monotonic() - started < 5


def test_off_the_hub_nothing_is_sent(board):
    assert publish(FIGURES, kind="live", env={}) is False
    no_token = _env(board)
    del no_token["JUPYTERHUB_API_TOKEN"]
    assert publish(FIGURES, kind="live", env=no_token) is False
    file_url = _env(board) | {"COACHKIT_BOARD_URL": "file:///etc/passwd"}
    assert publish(FIGURES, kind="live", env=file_url) is False
    assert board.seen == []


def test_bad_calls_are_programming_errors():
    with pytest.raises(ValueError, match="kind 'daily'"):
        publish(FIGURES, kind="daily", env={})
    with pytest.raises(ValueError, match="needs the week"):
        publish(FIGURES, kind="weekly", env={})


def test_the_board_url_comes_from_the_hub_when_not_given():
    assert board_url({"JUPYTERHUB_BASE_URL": "https://hub.example.org/"}) == (
        "https://hub.example.org/services/coachkit/api/publish"
    )
    both = {"JUPYTERHUB_BASE_URL": "/workshop/", "JUPYTERHUB_PUBLIC_URL": "https://h.example/"}
    assert board_url(both) == "https://h.example/workshop/services/coachkit/api/publish"
    assert board_url({"JUPYTERHUB_BASE_URL": "/"}) is None  # only a path: no host to reach
