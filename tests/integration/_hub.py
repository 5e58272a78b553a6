"""Start a real JupyterHub (with configurable-http-proxy) on 127.0.0.1, with the coachkit board.

Used by tests/integration/test_workshop_hub.py and benchmarks/bench_board.py. The hub runs
the board exactly as :mod:`coachkit.workshop.hubconfig` tells a workshop's hub to; users log
in with JupyterHub's DummyAuthenticator (one shared password), and their "servers" are the
stand-in of ``_hub_server.py``, started by the hub with the hub's own token and environment.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

HERE = Path(__file__).resolve().parent
PASSWORD = "workshop-password"


def proxy_command() -> str:
    """configurable-http-proxy: the one on PATH (.ci/run installs it with npm -g), else one
    installed with npm into ``.cache/chp`` of the repository, so the README's test command
    works on a machine with node and npm alone."""
    found = shutil.which("configurable-http-proxy")
    if found:
        return found
    prefix = HERE.parents[1] / ".cache" / "chp"
    local = prefix / "node_modules" / ".bin" / "configurable-http-proxy"
    if not local.exists():
        npm = shutil.which("npm")
        if npm is None:
            raise RuntimeError(
                "configurable-http-proxy is needed for the JupyterHub tests: "
                "apt-get install nodejs npm && npm install -g configurable-http-proxy"
            )
        subprocess.run(
            [npm, "install", "--prefix", str(prefix), "--no-audit", "--no-fund", "--silent",
             "configurable-http-proxy@4"],
            check=True,
            timeout=600,
        )  # fmt: skip
    return str(local)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


_CONFIG = """
import sys
from coachkit.workshop import hubconfig

c = get_config()  # noqa: F821
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_api_port}"
c.ConfigurableHTTPProxy.command = [{proxy!r}]
c.JupyterHub.db_url = "sqlite:///{folder}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "{folder}/cookie_secret"
c.ConfigurableHTTPProxy.pid_file = "{folder}/proxy.pid"
c.JupyterHub.pid_file = "{folder}/hub.pid"
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = "{password}"
c.Authenticator.allowed_users = set({users!r})
c.Authenticator.admin_users = set()
c.JupyterHub.load_groups = {{"coaches": {{"users": {coaches!r}}}}}
c.JupyterHub.services = [
    hubconfig.service_entry(db_url={db_url!r}, port={service_port}, python=sys.executable),
    {{"name": "tester", "api_token": "{admin_token}"}},
]
c.JupyterHub.custom_scopes = hubconfig.custom_scopes()
c.JupyterHub.load_roles = hubconfig.load_roles(coach_group="coaches") + [
    {{"name": "tester", "scopes": ["admin:users", "admin:servers", "tokens"],
      "services": ["tester"]}},
]
c.JupyterHub.spawner_class = "simple"
c.Spawner.cmd = [sys.executable, "{stand_in}"]
c.Spawner.args = []
c.Spawner.environment = hubconfig.spawner_environment(port={service_port})
c.Spawner.start_timeout = 60
c.Spawner.http_timeout = 60
c.JupyterHub.api_page_max_limit = 500
c.JupyterHub.log_level = "INFO"
"""


@dataclass
class Hub:
    """A running hub: its public URL, the admin API token, the process."""

    url: str
    admin_token: str
    process: subprocess.Popen[bytes]
    folder: Path
    log: Path
    service_url: str = ""  # the board's own address (where servers publish, not the proxy)
    servers: dict[str, str] = field(default_factory=dict)  # username -> server URL

    def api(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = {"Authorization": f"token {self.admin_token}"}
        return requests.request(
            method, f"{self.url}/hub/api/{path}", headers=headers, timeout=30, **kwargs
        )

    def login(self, username: str) -> requests.Session:
        """A browser-like session logged in to the hub as ``username``."""
        session = requests.Session()
        page = session.get(f"{self.url}/hub/login", timeout=30)
        page.raise_for_status()
        xsrf = session.cookies.get("_xsrf", "")
        answer = session.post(
            f"{self.url}/hub/login?next=",
            data={"username": username, "password": PASSWORD, "_xsrf": xsrf},
            allow_redirects=False,
            timeout=30,
        )
        assert answer.status_code == 302, (answer.status_code, answer.text[:500])
        return session

    def start_server(self, username: str) -> str:
        """Have the hub start ``username``'s server; return its own (internal) URL."""
        answer = self.api("POST", f"users/{username}/server")
        assert answer.status_code in (201, 202), answer.text
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            model = self.api("GET", f"users/{username}").json()
            server = model.get("servers", {}).get("", {})
            if server.get("ready"):
                return f"{self.url}{server['url']}"
            time.sleep(0.3)
        raise AssertionError(f"{username}'s server did not start; hub log: {self.log}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)


def start_hub(
    folder: Path,
    *,
    users: list[str],
    coaches: list[str],
    db_url: str | None = None,
) -> Hub:
    """Write the configuration and start ``jupyterhub`` in ``folder``; wait until it answers."""
    proxy = proxy_command()
    folder.mkdir(parents=True, exist_ok=True)
    port, service_port, admin_token = free_port(), free_port(), secrets.token_hex(16)
    config = _CONFIG.format(
        port=port,
        hub_port=free_port(),
        proxy_api_port=free_port(),
        proxy=proxy,
        service_port=service_port,
        folder=folder,
        password=PASSWORD,
        users=sorted(users),
        coaches=sorted(coaches),
        db_url=db_url or str(folder / "board.sqlite"),
        admin_token=admin_token,
        stand_in=HERE / "_hub_server.py",
    )
    (folder / "jupyterhub_config.py").write_text(config, encoding="utf-8")
    log = folder / "hub.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTERHUB_", "COACHKIT_"))}
    bindir = str(Path(sys.executable).parent)  # jupyterhub of this venv
    env["PATH"] = bindir + os.pathsep + env.get("PATH", "")
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(Path(bindir) / "jupyterhub"), "-f", str(folder / "jupyterhub_config.py")],
            cwd=folder,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    hub = Hub(f"http://127.0.0.1:{port}", admin_token, process, folder, log)
    hub.service_url = f"http://127.0.0.1:{service_port}/services/coachkit/"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"jupyterhub exited:\n{log.read_text()[-3000:]}")
        try:
            ready = requests.get(f"{hub.url}/services/coachkit/api/health", timeout=2)
            if ready.status_code == 200 and hub.api("GET", "").status_code == 200:
                return hub
        except requests.RequestException:
            pass
        time.sleep(0.3)
    hub.stop()
    raise RuntimeError(f"jupyterhub did not answer in 90 s:\n{log.read_text()[-3000:]}")
