"""The coachkit board: a JupyterHub service (``python -m coachkit.workshop.service``).

The hub starts it (see :mod:`coachkit.workshop.hubconfig`) with its API token, URL and OAuth
client in the environment. Pages, under the service's prefix (``/services/coachkit/``):

* ``/``: the live board the coach projects; ``/api/board``: the same as JSON;
* ``/weekly/``: the weeks with reports; ``/weekly/<week>``: that week's cohort summary;
* ``POST /api/publish``: a participant's server sends its figures, with its own API token.

The pages are for the coaches group only: the hub's OAuth checks the user holds
``access:services!service=coachkit``, and anyone else gets 403. A publish is filed under the
owner of the token that made it, which must hold ``custom:coachkit:publish``: nobody
publishes for somebody else. The service never opens a workbook; it keeps what it is sent,
once checked to be figures only.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import datetime as dt
import html
import json
import logging
import os
import secrets
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlencode

from jupyterhub.services.auth import HubOAuth, HubOAuthCallbackHandler, HubOAuthenticated
from jupyterhub.utils import url_path_join
from sqlalchemy.exc import SQLAlchemyError
from tornado import web
from tornado.httpclient import AsyncHTTPClient, HTTPRequest

from ..errors import CoachkitError, ValidationError
from .board import board, render_board, weekly_summary
from .figures import WEEK_PATTERN, check_live, check_weekly
from .hubconfig import PUBLISH_SCOPE
from .store import BOARD_DB_ENV, BoardStore, database_url

__all__ = ["main", "make_app"]

log = logging.getLogger("coachkit.workshop.service")

_BODY_LIMIT = 64 * 1024  # a publish is a few hundred bytes; refuse anything large
_HUB_USERS_TTL = 30.0  # seconds the hub's list of users is reused


class _HubUsers:
    """The hub's users and who is a coach, asked of the hub's API, reused for a while."""

    def __init__(self, hub_auth: HubOAuth, coach_group: str) -> None:
        self.hub_auth = hub_auth
        self.coach_group = coach_group
        self._fetched = -_HUB_USERS_TTL
        self._participants: frozenset[str] = frozenset()
        self._coaches: frozenset[str] = frozenset()
        self._lock = asyncio.Lock()

    async def get(self) -> tuple[frozenset[str], frozenset[str]]:
        async with self._lock:
            if time.monotonic() - self._fetched >= _HUB_USERS_TTL:
                try:
                    users = await self._fetch()
                except Exception as exc:  # the board still shows who published
                    log.warning("could not list the hub's users: %s", exc)
                else:
                    coaches = {u["name"] for u in users if self.coach_group in u.get("groups", [])}
                    self._coaches = frozenset(coaches)
                    self._participants = frozenset(u["name"] for u in users) - self._coaches
                self._fetched = time.monotonic()
            return self._participants, self._coaches

    async def _fetch(self) -> list[dict[str, Any]]:
        client = AsyncHTTPClient()
        users: list[dict[str, Any]] = []
        offset = 0
        while True:
            url = (
                url_path_join(self.hub_auth.api_url, "users")
                + "?"
                + urlencode({"offset": offset, "limit": 200, "include_stopped_servers": 1})
            )
            response = await client.fetch(
                HTTPRequest(
                    url,
                    headers={
                        "Authorization": f"token {self.hub_auth.api_token}",
                        "Accept": "application/jupyterhub-pagination+json",
                    },
                    request_timeout=10,
                )
            )
            page = json.loads(response.body)
            users.extend(page["items"])
            following = page["_pagination"]["next"]
            if not following:
                return users
            offset = following["offset"]


class _Page(HubOAuthenticated, web.RequestHandler):
    """A coaches-only page: the hub's OAuth, then the service's access scope (403 if not)."""

    def set_default_headers(self) -> None:
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Referrer-Policy", "same-origin")
        self.set_header("Cache-Control", "no-store")

    @property
    def store(self) -> BoardStore:
        return self.settings["store"]

    def today(self) -> dt.date:
        return self.settings["clock"]()

    async def hub_users(self) -> tuple[frozenset[str], frozenset[str]]:
        return await self.settings["hub_users"].get()

    async def in_thread(self, function: Callable[..., Any], *args: Any) -> Any:
        # The store's calls block (SQLite, psycopg): keep the event loop free for others.
        return await asyncio.get_running_loop().run_in_executor(None, function, *args)

    async def board_data(self) -> dict[str, Any]:
        participants, coaches = await self.hub_users()
        live = await self.in_thread(self.store.live)
        return board(
            live,
            today=self.today(),
            participants=participants,
            coaches=coaches,
            names=self.settings["names"],
        )


class BoardPage(_Page):
    @web.authenticated
    async def get(self) -> None:
        nonce = secrets.token_urlsafe(16)
        self.set_header(
            "Content-Security-Policy",
            f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; "
            "connect-src 'self'; base-uri 'none'; form-action 'none'",
        )
        data = await self.board_data()
        xsrf = self.xsrf_token
        self.finish(
            render_board(
                data,
                nonce=nonce,
                refresh=self.settings["refresh"],
                xsrf=xsrf.decode("ascii") if isinstance(xsrf, bytes) else str(xsrf),
            )
        )


class BoardAPI(_Page):
    @web.authenticated
    async def get(self) -> None:
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps(await self.board_data()))


_WEEKLY_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'"


class WeeklyIndex(_Page):
    @web.authenticated
    async def get(self) -> None:
        from ..report import _PAGE

        weeks = await self.in_thread(self.store.weeks)
        items = "".join(f'<li><a href="{html.escape(w)}">{html.escape(w)}</a></li>' for w in weeks)
        body = "<h1>Weekly summaries</h1>" + (
            f"<ul>{items}</ul>" if items else "<p>No weekly report has been published yet.</p>"
        )
        self.set_header("Content-Security-Policy", _WEEKLY_CSP)
        self.finish(_PAGE.format(title="Weekly summaries", body=body))


class WeeklyPage(_Page):
    @web.authenticated
    async def get(self, week: str) -> None:
        from ..cohort import render_cohort

        if not WEEK_PATTERN.match(week):
            raise web.HTTPError(404, "no such week")
        participants, coaches = await self.hub_users()
        rows = await self.in_thread(self.store.weekly, week)
        summary = weekly_summary(
            rows,
            week,
            today=self.today(),
            participants=participants,
            coaches=coaches,
            names=self.settings["names"],
        )
        if self.get_argument("format", "") == "json":
            self.set_header("Content-Type", "application/json; charset=utf-8")
            self.finish(json.dumps(summary))
            return
        self.set_header("Content-Security-Policy", _WEEKLY_CSP)
        self.finish(render_cohort(summary))


class PublishAPI(web.RequestHandler):
    """``POST`` figures with a server's own token: filed under that token's owner."""

    def check_xsrf_cookie(self) -> None:
        pass  # token-authenticated only: a cookie never authenticates a publish

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps({"error": self._reason}))

    async def post(self) -> None:
        hub_auth: HubOAuth = self.settings["hub_auth"]
        header = self.request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() not in ("token", "bearer") or not token.strip():
            raise web.HTTPError(401, reason="publish with your server's API token")
        model = await hub_auth.user_for_token(token.strip(), sync=False)
        if not model or model.get("kind", "user") != "user":
            raise web.HTTPError(403, reason="not a hub user's token")
        if not hub_auth.check_scopes({PUBLISH_SCOPE}, model):
            raise web.HTTPError(403, reason=f"the token lacks the scope {PUBLISH_SCOPE}")
        if len(self.request.body) > _BODY_LIMIT:
            raise web.HTTPError(413, reason="too large for figures")
        try:
            body = json.loads(self.request.body)
            kind = body["kind"] if isinstance(body, dict) else None
            extra = sorted(set(body) - {"kind", "figures", "week"}) if kind else []
            if extra:  # e.g. a "user": the publisher is the token's owner, nobody else
                raise ValidationError(extra[0], "is not part of a publish")
            if kind == "live":
                figures = check_live(body["figures"])
            elif kind == "weekly":
                week = body.get("week")
                if not isinstance(week, str) or not WEEK_PATTERN.match(week):
                    raise ValidationError("week", f"{week!r} is not a week like 2026-W48")
                figures = check_weekly(body["figures"])
            else:
                raise ValidationError("kind", "must be live or weekly")
        except (ValueError, KeyError) as exc:  # ValidationError is a ValueError
            reason = str(exc) if isinstance(exc, ValidationError) else f"bad figures: {exc!r}"
            raise web.HTTPError(400, reason=reason.replace("\n", " ")) from None
        store: BoardStore = self.settings["store"]
        loop = asyncio.get_running_loop()
        if kind == "live":
            await loop.run_in_executor(None, store.put_live, model["name"], figures)
        else:
            await loop.run_in_executor(None, store.put_weekly, model["name"], week, figures)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps({"stored": kind, "user": model["name"]}))


class Health(web.RequestHandler):
    """No authentication, no store: the benchmark's baseline and a liveness probe."""

    def get(self) -> None:
        self.finish({"ok": True})


def read_roster_names(path: str | os.PathLike[str]) -> dict[str, str]:
    """Username -> display name from a roster CSV (columns ``name`` and ``username``)."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        fields = {f.strip().lower(): f for f in reader.fieldnames or []}
        if "name" not in fields or "username" not in fields:
            raise ValidationError(
                str(path), "the roster needs the columns name and username", hint="see --roster"
            )
        return {
            row[fields["username"]].strip(): row[fields["name"]].strip()
            for row in reader
            if (row.get(fields["username"]) or "").strip()
        }


def make_app(
    store: BoardStore,
    *,
    hub_auth: HubOAuth | None = None,
    coach_group: str = "coaches",
    names: dict[str, str] | None = None,
    clock: Callable[[], dt.date] = dt.date.today,
    refresh: float = 3,
    cookie_secret: bytes | None = None,
) -> web.Application:
    """The board's tornado application, its routes under the service's prefix."""
    hub_auth = hub_auth or HubOAuth(cache_max_age=60)
    prefix = hub_auth.base_url  # JUPYTERHUB_SERVICE_PREFIX, e.g. /services/coachkit/
    routes = [
        (prefix.rstrip("/"), web.RedirectHandler, {"url": prefix}),  # a typed address
        (prefix, BoardPage),
        (url_path_join(prefix, "api/board"), BoardAPI),
        (url_path_join(prefix, "api/publish"), PublishAPI),
        (url_path_join(prefix, "api/health"), Health),
        (url_path_join(prefix, "weekly/"), WeeklyIndex),
        (url_path_join(prefix, r"weekly/([^/]+)"), WeeklyPage),
        (url_path_join(prefix, "oauth_callback"), HubOAuthCallbackHandler),
    ]
    return web.Application(
        routes,  # type: ignore[arg-type]
        hub_auth=hub_auth,
        store=store,
        hub_users=_HubUsers(hub_auth, coach_group),
        names=names or {},
        clock=clock,
        refresh=refresh,
        cookie_secret=cookie_secret or secrets.token_bytes(32),
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m coachkit.workshop.service",
        description="The coachkit board, run by JupyterHub as a service.",
    )
    parser.add_argument(
        "--db-url",
        default=None,
        help="an SQLAlchemy URL (postgresql+psycopg://...) or an SQLite file "
        "(default: $COACHKIT_BOARD_DB, else coachkit-board.sqlite)",
    )
    parser.add_argument("--coach-group", default="coaches", help="the hub group of coaches")
    parser.add_argument("--roster", default=None, help="roster CSV (name, username) for names")
    parser.add_argument("--refresh", type=float, default=3, help="board refresh, in seconds")
    parser.add_argument(
        "--ip", default=None, help="address to listen on (default: JUPYTERHUB_SERVICE_URL's host)"
    )
    return parser


def _shown(url: str) -> str:
    """The URL with its password hidden, for messages and logs."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not even a URL: no password to hide in a message about that
        return url


def main(argv: Sequence[str] | None = None) -> int:
    """Start the service where the hub says (``JUPYTERHUB_SERVICE_URL``)."""
    from urllib.parse import urlparse

    from tornado.httpserver import HTTPServer

    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="[coachkit board %(levelname)s] %(message)s")
    if not os.environ.get("JUPYTERHUB_API_TOKEN"):
        print(
            "coachkit board: JUPYTERHUB_API_TOKEN is not set.\n  What to do: let JupyterHub "
            "start the board as a service (coachkit.workshop.hubconfig.service_entry).",
            file=sys.stderr,
        )
        return 2
    url = urlparse(os.environ.get("JUPYTERHUB_SERVICE_URL", "http://127.0.0.1:10101"))
    try:
        names = read_roster_names(args.roster) if args.roster else {}
        store = BoardStore(args.db_url)
    except (CoachkitError, OSError) as exc:
        print(f"coachkit board: {exc}", file=sys.stderr)
        return getattr(exc, "exit_code", 1)
    except SQLAlchemyError as exc:  # a wrong URL, a database that is down or refuses us
        print(
            f"coachkit board: cannot open the store {_shown(database_url(args.db_url))!r}: "
            f"{getattr(exc, 'orig', None) or exc}\n  What to do: check --db-url or "
            f"${BOARD_DB_ENV}, and that the database server is running.",
            file=sys.stderr,
        )
        return 1
    secret = os.environ.get("COACHKIT_BOARD_COOKIE_SECRET", "")
    app = make_app(
        store,
        coach_group=args.coach_group,
        names=names,
        refresh=args.refresh,
        cookie_secret=bytes.fromhex(secret) if secret else None,
    )

    async def serve() -> None:
        server = HTTPServer(app, xheaders=True)
        server.listen(url.port or 80, args.ip or url.hostname or "127.0.0.1")
        log.info("board on %s, figures in %s", url.geturl(), store.engine.url.render_as_string())
        await asyncio.Event().wait()

    try:
        asyncio.run(serve())
    except KeyboardInterrupt:
        pass
    finally:
        store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
