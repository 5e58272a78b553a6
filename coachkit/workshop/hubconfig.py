"""What ``jupyterhub_config.py`` needs to run the coachkit board as a hub service.

Use it from the hub's configuration (one machine or Kubernetes alike)::

    from coachkit.workshop import hubconfig

    c.JupyterHub.services = [hubconfig.service_entry(db_url="sqlite:////srv/coachkit/board.sqlite")]
    c.JupyterHub.custom_scopes = hubconfig.custom_scopes()
    c.JupyterHub.load_roles = hubconfig.load_roles(coach_group="coaches")
    c.Spawner.environment.update(hubconfig.spawner_environment())

Who may do what (checked against a real JupyterHub 6 in tests/integration/test_workshop_hub.py):

* coaches (a hub group) hold ``access:services!service=coachkit``: they open the board and
  the weekly summaries through the hub's OAuth; nobody else does (403);
* every user holds the custom scope ``custom:coachkit:publish``, and so does the API token of
  their single-user server (``JUPYTERHUB_API_TOKEN``: the hub gives a server token the scopes
  of the ``server`` role that its owner holds). The board files what a token publishes under
  the token's owner, so nobody can publish for somebody else;
* the service's own token may list users and their groups, so that the board can show the
  participants who have not published anything yet.
"""

from __future__ import annotations

import sys
from typing import Any

from .publish import SERVICE_NAME

__all__ = [
    "ACCESS_SCOPE",
    "DEFAULT_PORT",
    "PUBLISH_SCOPE",
    "SERVICE_NAME",
    "custom_scopes",
    "load_roles",
    "service_entry",
    "service_url",
    "spawner_environment",
]

DEFAULT_PORT = 10101
PUBLISH_SCOPE = "custom:coachkit:publish"
ACCESS_SCOPE = f"access:services!service={SERVICE_NAME}"
# The hub's default "server" role (JupyterHub 4 to 6), which server tokens are made from.
_SERVER_SCOPES = ["users:activity!user", "access:servers!server"]


def service_url(host: str = "127.0.0.1", port: int = DEFAULT_PORT) -> str:
    """The address the service listens on (the hub's proxy forwards to it)."""
    return f"http://{host}:{port}"


def service_entry(
    *,
    db_url: str | None = None,
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    python: str = sys.executable,
    coach_group: str = "coaches",
    roster: str | None = None,
    listen_ip: str | None = None,
    environment: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The entry for ``c.JupyterHub.services``: the hub starts and stops the board.

    Parameters
    ----------
    db_url
        Where figures are kept: an SQLAlchemy URL (``postgresql+psycopg://...``) or an SQLite
        file path; default ``coachkit-board.sqlite`` in the hub's working folder.
    host, port
        Where the service is reached (the proxy routes ``/services/coachkit/`` to it, and
        participants' servers publish there).
    python
        The Python that has coachkit installed (default: the hub's own).
    coach_group
        The hub group whose members are coaches (left off the board's participant rows).
    roster
        Optional roster CSV (``name``, ``username``): shows names instead of usernames.
    listen_ip
        The address to listen on when it is not ``host`` (on Kubernetes: ``host="hub"``,
        the hub pod's name, and ``listen_ip="0.0.0.0"``).
    environment
        More environment variables for the service.
    """
    command = [python, "-m", "coachkit.workshop.service", "--coach-group", coach_group]
    if db_url:
        command += ["--db-url", db_url]
    if roster:
        command += ["--roster", roster]
    if listen_ip:
        command += ["--ip", listen_ip]
    return {
        "name": SERVICE_NAME,
        "url": service_url(host, port),
        "command": command,
        "display": True,  # listed in the hub's Services menu, for the coaches
        "oauth_no_confirm": True,  # coaches are not asked to confirm access to their own board
        "environment": dict(environment or {}),
    }


def custom_scopes() -> dict[str, dict[str, str]]:
    """The entry for ``c.JupyterHub.custom_scopes``: the permission to publish figures."""
    return {
        PUBLISH_SCOPE: {
            "description": "Publish your own workbook figures to the coachkit board.",
        }
    }


def load_roles(
    coach_group: str = "coaches", participant_group: str | None = None
) -> list[dict[str, Any]]:
    """The entries for ``c.JupyterHub.load_roles``.

    Parameters
    ----------
    coach_group
        Members of this hub group may open the board.
    participant_group
        Only members of this group may publish; by default every user may (the publish
        scope is added to the hub's ``user`` role).
    """
    publishers: dict[str, Any]
    if participant_group:
        publishers = {
            "name": "coachkit-participant",
            "description": "Publish your own figures to the coachkit board",
            "scopes": [PUBLISH_SCOPE],
            "groups": [participant_group],
        }
    else:  # the hub's default "user" role, plus the right to publish
        publishers = {
            "name": "user",
            "description": "Standard user privileges, and publishing to the coachkit board",
            "scopes": ["self", PUBLISH_SCOPE],
        }
    return [
        {
            "name": "coachkit-coach",
            "description": "Open the coachkit board and weekly summaries",
            "scopes": [ACCESS_SCOPE],
            "groups": [coach_group],
        },
        publishers,
        {
            # Server tokens get the scopes of this role that their owner holds.
            "name": "server",
            "description": "Post activity, and publish figures to the coachkit board",
            "scopes": [*_SERVER_SCOPES, PUBLISH_SCOPE],
        },
        {
            "name": "coachkit-service",
            "description": "The coachkit board lists users and their groups",
            "scopes": ["list:users", "read:users:name", "read:users:groups"],
            "services": [SERVICE_NAME],
        },
    ]


def spawner_environment(host: str = "127.0.0.1", port: int = DEFAULT_PORT) -> dict[str, str]:
    """For ``c.Spawner.environment``: where participants' servers publish (straight to the
    service, not through the public proxy, which a server may not know the address of)."""
    from .publish import BOARD_URL_ENV, PUBLISH_PATH

    return {BOARD_URL_ENV: f"{service_url(host, port)}/{PUBLISH_PATH}"}
