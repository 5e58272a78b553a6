"""Start a throw-away PostgreSQL server (Debian's binaries) for a test, and stop it after.

PostgreSQL refuses to run as root: as root, the cluster belongs to ``nobody`` and the
server is started with ``runuser``. It listens on 127.0.0.1 on a free port, trust auth.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

USER = "coachkit"


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise RuntimeError(
            f"PostgreSQL's {name} is missing: apt-get install postgresql (.ci/run does)."
        )
    return found[-1]  # the newest version installed


def _as_owner(command: list[str]) -> list[str]:
    return ["runuser", "-u", "nobody", "--", *command] if os.geteuid() == 0 else command


@contextmanager
def postgres_server() -> Iterator[str]:
    """Run a PostgreSQL server; yield its SQLAlchemy URL (database ``postgres``)."""
    folder = Path(tempfile.mkdtemp(prefix="coachkit-pg-"))
    if os.geteuid() == 0:
        os.chown(folder, 65534, 65534)  # nobody
    data = folder / "data"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    try:
        initdb = [_bin("initdb"), "-D", str(data), "-U", USER, "--auth=trust", "--encoding=UTF8"]
        subprocess.run(_as_owner(initdb), check=True, capture_output=True, timeout=120)
        options = f"-h 127.0.0.1 -p {port} -k {folder}"
        pg_ctl = [_bin("pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w", "-t", "60"]
        subprocess.run(
            _as_owner([*pg_ctl, "-o", options, "start"]),
            check=True,
            capture_output=True,
            timeout=90,
        )
        yield f"postgresql+psycopg://{USER}@127.0.0.1:{port}/postgres"
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(
                _as_owner([_bin("pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]),
                capture_output=True,
                timeout=60,
            )
        shutil.rmtree(folder, ignore_errors=True)
