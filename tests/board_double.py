"""A stand-in for the coach's board in tests of the participant side: it records each POST.

It is a real HTTP server on 127.0.0.1 (``http.server``), so what is tested is what a
participant's server really sends: the URL, the token header and the JSON body.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    """What the board got: one (path, token header, JSON body) per POST."""

    posts: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    arrived: threading.Event = field(default_factory=threading.Event)


@contextmanager
def board_double(status: int = 200, delay: float = 0.0) -> Iterator[tuple[str, Received]]:
    """Yield the publish URL of a board that answers ``status`` after ``delay`` seconds."""
    received = Received()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length) or b"{}")
            if delay:
                threading.Event().wait(delay)
            received.posts.append((self.path, self.headers.get("Authorization", ""), body))
            received.arrived.set()
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:  # keep the test output clean
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/services/coachkit/api/publish", received
    finally:
        server.shutdown()
        server.server_close()
