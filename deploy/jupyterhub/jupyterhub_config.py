"""JupyterHub configuration for a one-machine coachkit workshop server.

Start it as root (it starts each participant's server as their own system user), from the
folder where the hub keeps its state (``jupyterhub.sqlite``, the cookie secret, the board)::

    cd /srv/coachkit && jupyterhub -f /path/to/coachkit/deploy/jupyterhub/jupyterhub_config.py

Everything that changes from one workshop to the next comes from the environment (see the
README beside this file):

=============================  ==============================================================
``COACHKIT_ROSTER``            the roster CSV (name, username, email): who may log in
``COACHKIT_COACHES``           the coaches' usernames, comma-separated
``COACHKIT_PASSWORD``          the participants' shared password (8 characters or more)
``COACHKIT_COACH_PASSWORD``    the coaches' password: it puts them in the ``coaches`` group
``COACHKIT_ENV``               the participants' environment (default ``/opt/coachkit-env``)
``COACHKIT_HUB_URL``           where the hub listens (default ``http://0.0.0.0:8000``)
``COACHKIT_BOARD_DB``          the board's SQLAlchemy URL (default: SQLite in this folder)
``COACHKIT_PORTS``             three free ports for hub API, proxy API and board (tests)
=============================  ==============================================================
"""

# ruff: noqa: F821 -- `c` is the config object JupyterHub hands to this file

from __future__ import annotations

import os
import sys
from pathlib import Path

from coachkit.workshop import hubconfig
from coachkit.workshop.roster import (
    NOTEBOOKS_FOLDER,
    START_NOTEBOOK,
    read_roster,
    unsafe_username,
)

COACH_GROUP = "coaches"


def _required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        sys.exit(f"jupyterhub_config.py: set {name} (see deploy/jupyterhub/README.md)")
    return value


roster = read_roster(_required("COACHKIT_ROSTER"))
participants = {person.username for person in roster}
coaches = {name.strip() for name in _required("COACHKIT_COACHES").split(",") if name.strip()}
for coach in sorted(coaches):
    if reason := unsafe_username(coach):
        sys.exit(f"jupyterhub_config.py: COACHKIT_COACHES: {reason}")
if coaches & participants:
    sys.exit(
        "jupyterhub_config.py: a coach is also in the roster: "
        f"{', '.join(sorted(coaches & participants))} (give the coach another username)"
    )
participant_env = Path(os.environ.get("COACHKIT_ENV", "/opt/coachkit-env"))
if not (participant_env / "bin" / "jupyterhub-singleuser").is_file():
    sys.exit(
        f"jupyterhub_config.py: no {participant_env}/bin/jupyterhub-singleuser: "
        "run deploy/jupyterhub/build-env.sh first"
    )

# -- where the hub listens ------------------------------------------------------------------------
c.JupyterHub.bind_url = os.environ.get("COACHKIT_HUB_URL", "http://0.0.0.0:8000")
board_port = hubconfig.DEFAULT_PORT
if os.environ.get("COACHKIT_PORTS"):  # several hubs on one machine (the tests)
    hub_port, proxy_port, board_port = (int(p) for p in os.environ["COACHKIT_PORTS"].split(","))
    c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{hub_port}"
    c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{proxy_port}"

# -- who may log in: the roster, and the coaches --------------------------------------------------
# One shared password for the participants (JupyterHub's built-in shared-password
# authenticator); the coaches log in with their own password, which puts them in the
# coaches group. Nobody is an admin: coaches see figures, never participants' files.
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = _required("COACHKIT_PASSWORD")
c.SharedPasswordAuthenticator.allowed_users = participants | coaches
c.SharedPasswordAuthenticator.manage_groups = True
c.SharedPasswordAuthenticator.password_groups = {
    _required("COACHKIT_COACH_PASSWORD"): [COACH_GROUP]
}
c.SharedPasswordAuthenticator.admin_users = set()

# -- the coach's board: a hub service, open to the coaches group ----------------------------------
c.JupyterHub.services = [
    hubconfig.service_entry(
        db_url=os.environ.get("COACHKIT_BOARD_DB") or None,
        port=board_port,
        coach_group=COACH_GROUP,
        roster=os.environ["COACHKIT_ROSTER"],
    )
]
c.JupyterHub.custom_scopes = hubconfig.custom_scopes()
c.JupyterHub.load_roles = hubconfig.load_roles(coach_group=COACH_GROUP)


def _landing(handler) -> str:
    """Coaches land on the board; participants on their own server (notebook 01)."""
    user = handler.current_user
    if user is not None and any(group.name == COACH_GROUP for group in user.groups):
        return f"{handler.base_url}services/{hubconfig.SERVICE_NAME}/"
    return ""  # the hub's default: start the participant's server and go there


c.JupyterHub.default_url = _landing

# -- each participant's own server ----------------------------------------------------------------
# LocalProcessSpawner (the default): the server runs as the participant's system user
# (`coachkit workshop users` made it), in their private home, from the shared environment.
c.Spawner.cmd = [str(participant_env / "bin" / "jupyterhub-singleuser")]
c.Spawner.notebook_dir = "~"
c.Spawner.default_url = f"/voila/render/{NOTEBOOKS_FOLDER}/{START_NOTEBOOK}"
c.Spawner.environment = {
    **hubconfig.spawner_environment(port=board_port),
    "PATH": f"{participant_env}/bin:/usr/local/bin:/usr/bin:/bin",
}
c.Spawner.args = [
    # Voila 0.5 keeps a page's kernel after the tab closes: cull idle kernels.
    "--MappingKernelManager.cull_idle_timeout=1800",
    "--MappingKernelManager.cull_interval=300",
]
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 90
# A personal start link (`coachkit workshop links`) starts the server by itself.
c.JupyterHub.implicit_spawn_seconds = 1
