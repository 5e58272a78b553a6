"""`coachkit workshop users` on the hub's machine: real system accounts, made and removed.

Runs as root (it calls useradd and userdel); skipped otherwise, required under CI. Every
account it makes has a random name and is removed afterwards, whatever happens.
"""

from __future__ import annotations

import os
import pwd
import secrets
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from coachkit import open_workbook

from .conftest import REPO

pytestmark = pytest.mark.integration


def _coachkit(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "coachkit.cli", "workshop", *args],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


@pytest.fixture
def names():
    if os.geteuid() != 0:
        if os.environ.get("CI"):
            pytest.fail("the accounts test runs as root under CI")
        pytest.skip("making system accounts needs root")
    tag = secrets.token_hex(3)
    made = [f"ckt{tag}{suffix}" for suffix in ("a", "b", "x")]
    yield made
    for name in made:
        subprocess.run(["userdel", "--remove", name], capture_output=True)


def test_accounts_are_private_idempotent_and_never_adopted(names, tmp_path):
    a, b, stranger = names
    roster = tmp_path / "roster.csv"
    roster.write_text(f"name,username\nMaya Fournier,{a}\n", encoding="utf-8")
    done = _coachkit("users", str(roster))
    assert done.returncode == 0, done.stderr
    assert "1 account(s) created, 0 already there" in done.stdout
    home = Path(pwd.getpwnam(a).pw_dir)
    workbook = home / "coachkit-workbook"
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    assert stat.S_IMODE(workbook.stat().st_mode) == 0o700
    assert stat.S_IMODE((workbook / "workbook.sqlite").stat().st_mode) == 0o600
    assert (workbook / "workbook.sqlite").stat().st_uid == pwd.getpwnam(a).pw_uid
    pages = sorted(p.name for p in (home / "coachkit-notebooks").iterdir())
    assert pages[0] == "01_start_here.ipynb" and "08_my_weekly_report.ipynb" in pages
    assert "weekly_report.ipynb" not in pages  # the report's template is not a page
    with open_workbook(workbook) as wb:
        assert wb.profile.name == "Maya Fournier"
        wb.set_goals(roles=["Product"])  # Maya works...
    # ...and changed her notebook 01 in JupyterLab: a re-run keeps both.
    (home / "coachkit-notebooks" / "01_start_here.ipynb").write_text("{}", encoding="utf-8")
    before = (workbook / "workbook.sqlite").read_bytes()

    # A latecomer, and a row naming an account coachkit did not make: refused, nothing made.
    subprocess.run(["useradd", stranger], check=True)
    roster.write_text(
        f"name,username\nMaya Fournier,{a}\nTomas Reyes,{b}\nSomebody Else,{stranger}\n",
        encoding="utf-8",
    )
    refused = _coachkit("users", str(roster))
    assert refused.returncode == 1
    assert f"line 4: an account {stranger!r} already exists and was not made by coachkit" in (
        refused.stderr
    )
    with pytest.raises(KeyError):
        pwd.getpwnam(b)

    roster.write_text(f"name,username\nMaya Fournier,{a}\nTomas Reyes,{b}\n", encoding="utf-8")
    again = _coachkit("users", str(roster))
    assert again.returncode == 0, again.stderr
    assert "1 account(s) created, 1 already there" in again.stdout
    assert (workbook / "workbook.sqlite").read_bytes() == before
    assert (home / "coachkit-notebooks" / "01_start_here.ipynb").read_text() == "{}"

    # After the workshop: coachkit's accounts go, the stranger's stays.
    roster.write_text(
        f"name,username\nMaya Fournier,{a}\nTomas Reyes,{b}\nSomebody Else,{stranger}\n",
        encoding="utf-8",
    )
    removed = _coachkit("remove-users", str(roster), "--yes")
    assert removed.returncode == 0, removed.stderr
    assert f"2 account(s) removed: {a}, {b}" in removed.stdout
    assert not home.exists()
    assert pwd.getpwnam(stranger)  # never ours to remove
