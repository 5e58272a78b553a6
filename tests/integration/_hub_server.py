"""A stand-in single-user server, spawned by a real JupyterHub for tests/integration.

It runs with exactly what the hub gives a participant's server (its environment, its own
``JUPYTERHUB_API_TOKEN``), answers the hub's start-up check, and on
``GET <prefix>publish?contacts=N`` publishes figures to the board the way a participant's
server does, with :func:`coachkit.workshop.publish`. A real Jupyter server needs a system
user and a kernel; what is tested here is the token the hub issues and what it may do.
"""

from __future__ import annotations

import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from coachkit.workshop import publish

FIGURES = {
    "contacts": 0, "goals_set": True, "firms_tagged": 2, "shortlist": 3, "schedule_saved": False,
    "targets_set": True, "drafts": 1, "outreach_this_week": 2, "week": "2026-W48",
}  # fmt: skip


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        url = urlparse(self.path)
        answer: dict[str, object] = {"user": os.environ["JUPYTERHUB_USER"]}
        query = parse_qs(url.query)
        if url.path.endswith("/publish"):
            figures = FIGURES | {"contacts": int(query.get("contacts", ["0"])[0])}
            answer["published"] = publish(figures, kind="live")
        elif url.path.endswith("/publish-weekly"):
            figures = json.loads(query["figures"][0])
            answer["published"] = publish(figures, kind="weekly", week=query["week"][0])
        body = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


if __name__ == "__main__":
    bind = urlparse(os.environ["JUPYTERHUB_SERVICE_URL"])
    server = ThreadingHTTPServer((bind.hostname or "127.0.0.1", bind.port or 0), Handler)
    print(
        f"stand-in server for {os.environ['JUPYTERHUB_USER']} on {bind.geturl()}", file=sys.stderr
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:  # the hub stops its servers with SIGINT
        pass
