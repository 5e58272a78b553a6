"""A workshop's roster: who takes part, their workbooks, start links and system accounts.

A roster is the CSV a coach keeps in a spreadsheet, one participant a row, with the columns
``name``, ``username`` and, optionally, ``email`` (headers in any case and order)::

    name,username,email
    Ana Lima,ana,ana@example.org
    Bruno Costa,bruno,

The username is the participant's login on the workshop's JupyterHub and, on a one-machine
hub, a system account: it must be safe as both (lower-case letters, digits, ``-`` and ``_``,
starting with a letter, at most 32 characters, and not a name the system keeps for itself).

Three things are made from it, each idempotent (running it again adds the new rows and
changes nothing else):

- :func:`init_cohort`: a coach-held cohort folder, one named workbook per participant
  (``DIR/<username>/``), as ``coachkit cohort report`` reads;
- :func:`start_links`: each participant's own link to notebook 01 on the hub;
- :func:`create_accounts`: on the hub's machine (as root), a system user per participant
  with a private home (0700) holding the guided notebooks and their named workbook.
"""

from __future__ import annotations

import csv
import grp
import io
import os
import pwd
import re
import shutil
import subprocess
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .._importers.sources import decode
from ..errors import CoachkitError, ValidationError
from ..workbook import WORKBOOK_FILE, create_workbook

__all__ = [
    "NOTEBOOKS_FOLDER",
    "PARTICIPANTS_GROUP",
    "REPORTS_FOLDER",
    "START_NOTEBOOK",
    "WORKBOOK_FOLDER",
    "AccountsResult",
    "InitResult",
    "Participant",
    "create_accounts",
    "init_cohort",
    "parse_roster",
    "read_roster",
    "remove_accounts",
    "start_links",
    "unsafe_username",
]

# Where things live in a participant's home on the hub. The guided notebooks find the
# workbook there without any setting (it is coachkit's default folder).
WORKBOOK_FOLDER = "coachkit-workbook"
NOTEBOOKS_FOLDER = "coachkit-notebooks"
REPORTS_FOLDER = "coachkit-reports"
START_NOTEBOOK = "01_start_here.ipynb"
# Accounts coachkit made carry this group: it never adopts or removes anybody else's account.
PARTICIPANTS_GROUP = "coachkit-participants"

_USERNAME = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
# Names a system or a hub keeps for itself: a participant called "root" or "jupyterhub"
# would be somebody else.
_RESERVED = frozenset(
    """root daemon bin sys sync games man lp mail news uucp proxy www-data backup list irc gnats
    nobody nogroup systemd-network systemd-resolve systemd-timesync messagebus sshd postgres
    admin administrator jupyter jupyterhub hub coachkit user users staff adm sudo wheel shadow
    operator guest ubuntu debian""".split()
)
_COLUMNS = ("name", "username", "email")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class Participant:
    """One roster row: the participant's name, hub username, e-mail, and the row's line."""

    name: str
    username: str
    email: str = ""
    line: int = 0


def unsafe_username(username: str) -> str | None:
    """Why ``username`` cannot be a workshop login (and system account), or None if it can."""
    if not username:
        return "is empty"
    if username != username.strip():
        return f"{username!r} has spaces around it"
    if not _USERNAME.match(username):
        if (
            username.lower() != username
            and _USERNAME.match(username.lower())
            and username.lower() not in _RESERVED
        ):
            return f"{username!r} has capital letters (logins are lower-case: {username.lower()})"
        return (
            f"{username!r} is not a safe login: use lower-case letters, digits, '-' and '_', "
            "starting with a letter, at most 32 characters"
        )
    if username in _RESERVED:
        return f"{username!r} is a name the system keeps for itself"
    return None


def parse_roster(text: str, source: str = "roster") -> list[Participant]:
    """Read a roster's CSV text; every refusal names ``source``, the line and the column.

    Raises
    ------
    ValidationError
        On a missing column, an empty name, an unsafe or duplicate username (the message
        names both lines), or an e-mail that is not one.
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for cells in reader:
            rows.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ValidationError(
            f"{source}, line {start}", f"this is not a well-formed CSV file ({exc})",
            hint="a quote is probably not closed; save the roster from the spreadsheet again.",
        ) from exc  # fmt: skip
    rows = [(line, cells) for line, cells in rows if any(cell.strip() for cell in cells)]
    if not rows:
        raise ValidationError(
            source, "the roster is empty", hint="one header row (name,username,email), then "
            "one row a participant."
        )  # fmt: skip
    header_line, header = rows[0]
    columns = {cell.replace("\ufeff", "").strip().casefold(): i for i, cell in enumerate(header)}
    for needed in ("name", "username"):
        if needed not in columns:
            raise ValidationError(
                f"{source}, line {header_line}",
                f"no {needed!r} column (found: {', '.join(repr(c) for c in header)})",
                hint="the first row names the columns: name,username and optionally email.",
            )
    participants: list[Participant] = []
    seen: dict[str, int] = {}
    for line, cells in rows[1:]:

        def cell(column: str, cells: list[str] = cells) -> str:
            index = columns.get(column)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        where = f"{source}, line {line}"
        name = cell("name")
        raw_username = cells[columns["username"]] if columns["username"] < len(cells) else ""
        username = raw_username.strip()
        email = cell("email")
        if not name:
            raise ValidationError(f"{where}, name", "is empty", hint="give the participant's name.")
        if len(name) > 200:
            raise ValidationError(f"{where}, name", "is longer than 200 characters")
        reason = unsafe_username(username)
        if reason:
            raise ValidationError(
                f"{where}, username", reason, hint="choose another login for this participant."
            )
        if username in seen:
            raise ValidationError(
                f"{where}, username",
                f"{username!r} is already used on line {seen[username]}",
                hint="every participant needs a login of their own.",
            )
        if email and not _EMAIL.match(email):
            raise ValidationError(
                f"{where}, email", f"{email!r} is not an e-mail address",
                hint="correct it, or leave the cell empty.",
            )  # fmt: skip
        seen[username] = line
        participants.append(Participant(name, username, email, line))
    if not participants:
        raise ValidationError(
            source, "the roster names nobody", hint="add one row a participant under the header."
        )
    return participants


def read_roster(path: str | os.PathLike[str]) -> list[Participant]:
    """Read the roster CSV at ``path`` (UTF-8, with or without BOM, or Windows/Latin-1)."""
    roster = Path(path).expanduser()
    if not roster.is_file():
        raise ValidationError(str(roster), "no such roster file", hint="check the path.")
    return parse_roster(decode(roster, roster.read_bytes()), str(roster))


@dataclass
class InitResult:
    """What :func:`init_cohort` did: workbooks created, and those already there (unchanged)."""

    created: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)


def _ensure_workbook(folder: Path, name: str) -> bool:
    """Create a workbook named ``name`` in ``folder`` unless one is there; True if created."""
    if (folder / WORKBOOK_FILE).exists():
        return False
    create_workbook(folder, name=name).close()
    return True


def init_cohort(participants: Sequence[Participant], cohort: str | os.PathLike[str]) -> InitResult:
    """Create one named workbook per participant in ``cohort/<username>/``.

    Idempotent: a workbook already there is left exactly as it is (even if the roster now
    spells the name differently), so running it again only adds the roster's new rows.
    """
    root = Path(cohort).expanduser()
    root.mkdir(parents=True, exist_ok=True)
    result = InitResult()
    for person in participants:
        folder = root / person.username
        if _ensure_workbook(folder, person.name):
            result.created.append(folder)
        else:
            result.kept.append(folder)
    return result


def start_links(
    participants: Sequence[Participant], hub_url: str, notebook: str = START_NOTEBOOK
) -> list[tuple[Participant, str]]:
    """Each participant's own link to ``notebook`` in Voilà on the hub at ``hub_url``.

    The link names the participant's server (``/user/<username>/voila/render/...``): opened
    before logging in it leads to the hub's login page, then straight to their notebook 01.
    """
    parsed = urllib.parse.urlsplit(hub_url.strip())
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ValidationError(
            "--hub-url", f"{hub_url!r} is not a web address",
            hint="give the hub's address, like https://workshop.example.org/",
        )  # fmt: skip
    base = hub_url.strip().rstrip("/")
    page = urllib.parse.quote(f"{NOTEBOOKS_FOLDER}/{notebook}")
    return [
        (person, f"{base}/user/{urllib.parse.quote(person.username)}/voila/render/{page}")
        for person in participants
    ]


# -- system accounts on a one-machine hub (run as root) -------------------------------------------
@dataclass
class AccountsResult:
    """What :func:`create_accounts` did, by username."""

    created: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


Runner = Callable[[Sequence[str]], None]


def _run(command: Sequence[str]) -> None:
    done = subprocess.run(list(command), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise CoachkitError(
            f"`{' '.join(command)}` failed: {(done.stderr or done.stdout).strip()}",
            hint="run `coachkit workshop users` as root on the hub's machine.",
        )


def _account(username: str) -> pwd.struct_passwd | None:
    try:
        return pwd.getpwnam(username)
    except KeyError:
        return None


def _in_group(username: str, group: str) -> bool:
    try:
        entry = grp.getgrnam(group)
    except KeyError:
        return False
    account = _account(username)
    return username in entry.gr_mem or (account is not None and account.pw_gid == entry.gr_gid)


def _chown_tree(path: Path, uid: int, gid: int) -> None:
    os.chown(path, uid, gid, follow_symlinks=False)
    for root, dirs, files in os.walk(path):
        for name in dirs + files:
            os.chown(Path(root) / name, uid, gid, follow_symlinks=False)


def create_accounts(
    participants: Sequence[Participant],
    notebooks: str | os.PathLike[str],
    *,
    run: Runner = _run,
) -> AccountsResult:
    """Give every participant a system account, a private home, the notebooks and a workbook.

    For each participant: the account (``useradd``, no login shell, in the
    ``coachkit-participants`` group) unless it exists; the home made private (0700); the
    guided notebooks copied into ``~/coachkit-notebooks/`` (files already there are kept: a
    participant's own changes survive); a workbook named after them in
    ``~/coachkit-workbook/`` (0700, its file 0600) unless there is one. Everything is owned
    by the participant. Idempotent.

    Raises
    ------
    CoachkitError
        If an account of that name exists but coachkit did not make it (a person's or the
        system's own account is never adopted), or a system command fails.
    """
    source = Path(notebooks).expanduser()
    pages = sorted(source.glob("[0-9][0-9]_*.ipynb"))  # the guided pages, not the report
    if not any(page.name == START_NOTEBOOK for page in pages):
        raise ValidationError(
            "--notebooks", f"{source} holds no {START_NOTEBOOK}",
            hint="give coachkit's notebooks/ folder.",
        )  # fmt: skip
    for person in participants:  # check every row before changing the machine
        account = _account(person.username)
        if account is not None and not _in_group(person.username, PARTICIPANTS_GROUP):
            raise CoachkitError(
                f"line {person.line}: an account {person.username!r} already exists and was not "
                f"made by coachkit (uid {account.pw_uid}); nothing was changed.",
                hint="choose another username for this participant in the roster.",
            )
    try:
        grp.getgrnam(PARTICIPANTS_GROUP)
    except KeyError:
        run(["groupadd", "--system", PARTICIPANTS_GROUP])
    result = AccountsResult()
    for person in participants:
        if _account(person.username) is None:
            comment = re.sub(r"[:,=\n\r]", " ", person.name)  # GECOS separators out
            useradd = ["useradd", "--create-home", "--shell", "/usr/sbin/nologin"]
            run([*useradd, "--user-group", "--groups", PARTICIPANTS_GROUP, "--comment", comment,
                 person.username])  # fmt: skip
            result.created.append(person.username)
        else:
            result.kept.append(person.username)
        account = _account(person.username)
        assert account is not None  # just made, or found
        home = Path(account.pw_dir)
        home.mkdir(mode=0o700, exist_ok=True)
        os.chown(home, account.pw_uid, account.pw_gid)
        os.chmod(home, 0o700)
        notebooks_dir = home / NOTEBOOKS_FOLDER
        notebooks_dir.mkdir(mode=0o700, exist_ok=True)
        for page in pages:
            target = notebooks_dir / page.name
            if not target.exists():
                shutil.copyfile(page, target)
                os.chmod(target, 0o600)
        _chown_tree(notebooks_dir, account.pw_uid, account.pw_gid)
        workbook = home / WORKBOOK_FOLDER
        _ensure_workbook(workbook, person.name)
        _chown_tree(workbook, account.pw_uid, account.pw_gid)
    return result


def remove_accounts(participants: Sequence[Participant], *, run: Runner = _run) -> list[str]:
    """Remove the accounts (and homes, workbooks included) that coachkit made for the roster.

    Accounts coachkit did not make are left alone. Returns the usernames removed. This
    deletes the participants' workbooks: have them export or back up first.
    """
    removed = []
    for person in participants:
        if _account(person.username) is not None and _in_group(person.username, PARTICIPANTS_GROUP):
            run(["userdel", "--remove", person.username])
            removed.append(person.username)
    return removed
