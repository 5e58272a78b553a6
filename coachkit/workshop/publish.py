"""Send a participant's figures to the coach's board, from the participant's own server.

The call is authenticated by the hub: it carries the single-user server's own API token
(``JUPYTERHUB_API_TOKEN``), and the board files the figures under that token's owner, so
nobody can publish for somebody else. A participant's save must never fail because the
board is down or slow: :func:`publish` never raises for the network, it returns False and
logs one quiet line.
"""

from __future__ import annotations

import http.client
import json
import logging
import os
import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import Any

__all__ = ["BOARD_URL_ENV", "PUBLISH_PATH", "board_url", "publish"]

log = logging.getLogger(__name__)

BOARD_URL_ENV = "COACHKIT_BOARD_URL"
SERVICE_NAME = "coachkit"
PUBLISH_PATH = f"services/{SERVICE_NAME}/api/publish"
KINDS = ("live", "weekly")


def board_url(env: Mapping[str, str] = os.environ) -> str | None:
    """Where to publish: ``COACHKIT_BOARD_URL``, else the hub's base URL + the service path.

    ``JUPYTERHUB_BASE_URL`` is often only a path ("/"): then ``JUPYTERHUB_PUBLIC_URL``
    (JupyterHub 4+) gives the host. Returns None when neither gives a full URL.
    """
    if env.get(BOARD_URL_ENV):
        return env[BOARD_URL_ENV]
    base = env.get("JUPYTERHUB_BASE_URL", "")
    if "://" not in base:
        public = env.get("JUPYTERHUB_PUBLIC_URL", "")
        if "://" not in public:
            return None
        base = public.rstrip("/") + "/" + base.lstrip("/")
    return base.rstrip("/") + "/" + PUBLISH_PATH


def publish(
    figures: Mapping[str, Any],
    *,
    kind: str,
    week: str | None = None,
    env: Mapping[str, str] = os.environ,
    timeout: float = 5,
) -> bool:
    """POST ``figures`` to the board; True when the board stored them.

    Parameters
    ----------
    figures
        :func:`coachkit.workshop.participant_figures` (``kind="live"``) or
        :func:`coachkit.workshop.weekly_figures` (``kind="weekly"``).
    kind
        ``"live"`` or ``"weekly"``.
    week
        The report's week, like ``"2026-W48"`` (required for ``"weekly"``).
    env
        Where ``COACHKIT_BOARD_URL``, ``JUPYTERHUB_BASE_URL`` and ``JUPYTERHUB_API_TOKEN``
        are read.
    timeout
        Seconds to wait for the board.

    Returns
    -------
    bool
        False when not on a hub, or the board is down, slow or refused the figures (logged
        at INFO: the participant's work is saved whatever happens here).

    Raises
    ------
    ValueError
        Only for a programming error: an unknown ``kind`` or a weekly call with no week.
    """
    if kind not in KINDS:
        raise ValueError(f"kind {kind!r} is not one of {KINDS}")
    if kind == "weekly" and not week:
        raise ValueError("a weekly publish needs the week")
    url = board_url(env)
    token = env.get("JUPYTERHUB_API_TOKEN", "")
    if url is None or not token:
        log.debug("coachkit board: not on a hub, figures not published")
        return False
    if not url.startswith(("http://", "https://")):  # urllib would open file: URLs too
        log.info("coachkit board: %s=%r is not an http(s) URL", BOARD_URL_ENV, url)
        return False
    body = {"kind": kind, "figures": dict(figures)}
    if week is not None:
        body["week"] = week
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode("utf-8"),
        method="POST",
        headers={"Authorization": f"token {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return 200 <= response.status < 300
    except urllib.error.HTTPError as exc:
        log.info("coachkit board refused the figures: HTTP %s", exc.code)
    except (OSError, ValueError, http.client.HTTPException) as exc:  # down, slow, bad URL
        log.info("coachkit board unreachable (%s): figures not published", exc)
    return False
