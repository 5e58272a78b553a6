"""Every CLI command fed random values ends in a result or a clear error: exit code 0, or a
non-zero exit code with a message on stderr; never a traceback. A command that fails leaves
the workbook as it was."""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coachkit import create_workbook
from coachkit.cli import build_parser, main

from ._mutations import DATA
from ._support import state_of

pytestmark = pytest.mark.reliability

EXAMPLES = int(os.environ.get("COACHKIT_RELIABILITY_EXAMPLES", "40"))


def _subcommands(
    parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()
) -> dict[str, argparse.ArgumentParser]:
    """Every leaf command, as "cohort report" -> its parser (nested subcommands too)."""
    found: dict[str, argparse.ArgumentParser] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.update(_subcommands(sub, (*prefix, name)) or {" ".join((*prefix, name)): sub})
    return found


COMMANDS = _subcommands(build_parser())
assert COMMANDS, "the CLI has no commands"
# Commands that run a notebook (papermill) take seconds each: fewer cases, same checks.
SLOW = {"report": 4, "cohort report": 3, "demo": 2}
if os.environ.get("COACHKIT_RELIABILITY_EXAMPLES"):  # a longer hunt: slow commands too
    SLOW = {name: max(count, EXAMPLES // 10) for name, count in SLOW.items()}

# Text a person might type: hostile, odd, or plausible. No NUL: a command line cannot hold it.
typed_text = st.one_of(
    st.sampled_from(
        (
            "", " ", "-", "--", "-x", "2026-11-25", "2026-02-30", "2026-W48", "2026-W54", "0",
            "-1", "999999999999", "1e9", "NaN", "Ana Lima", "Robert'); DROP TABLE contacts;--",
            "=1+1", "<b>x</b>", "a|b|c", "||", "name=Full name", "=", "firm=", "\udcff",
            "\u202e", "x" * 5000, "call", "email", "reached", "Léa Martin", "1",
        )
    ),
    st.text(st.characters(exclude_characters="\x00"), max_size=30),
)  # fmt: skip


# Plausible values per option, so that most cases get past argparse and reach coachkit.
PLAUSIBLE = {
    "date": ("2026-11-25", "2026-11-01", "1999-12-31", "2026-13-01", "25/11/2026"),
    "today": ("2026-11-25", "2030-01-01", "1900-01-01", "tomorrow", "9999-12-31", "0001-01-01"),
    "start": ("2026-11-25", "2026-11-30", "2026-W48", "9999-12-31", "0001-01-01"),
    "week": ("2026-W48", "2026-W01", "2020-W53", "2026-W00", "2026-48", "w48", "9999-W52"),
    "contact": ("1", "Léa Martin", "léa", "2", "0", "-1", "Nobody"),
    "channel": ("email", "linkedin", "coffee", "video", "fax"),
    "referral": ("Tom|Stripe|PM", "Tom", "|||", "Tom||", "=1|<b>|x"),
    "limit": ("1", "0", "-3", "100000"),
    "weeks": ("1", "4", "0", "-1", "520", "100000"),
    "map": ("name=Full name", "firm=Org", "name=", "bogus=Org", "name=Nope"),
    "name": ("Ana Lima", "x" * 201),
    "metric": ("calls", "new_contacts", "meetings", "coffee chats", "x" * 61, " "),
    "amount": ("2", "0", "-1", "1001", "3.5", "1e3"),
    "label": ("calls", "<b>calls</b>", ""),
    "period": ("week", "month"),
}
# Where a path argument points, weighted towards the cases that reach coachkit.
PATHS = {
    "workbook": ("workbook",) * 6 + ("missing", "file", "dir", "wbfile"),
    "file": ("seed",) * 5 + ("missing", "file", "dir", "wbfile", "workbook"),
    "out": ("new",) * 5 + ("file", "dir", "wbfile", "workbook", "missing"),
    "cohort": ("dir",) * 3 + ("missing", "file", "workbook"),  # dir: holds the workbook
}


@st.composite
def _path(draw, tmp: Path, workbook: Path, dest: str = "out") -> str:
    choice = draw(st.sampled_from(PATHS.get(dest, PATHS["out"])))
    if choice == "workbook":
        return str(workbook)
    if choice == "wbfile":
        return str(workbook / "workbook.sqlite")
    if choice == "seed":
        return str(DATA / draw(st.sampled_from(sorted(p.name for p in DATA.iterdir()))))
    if choice == "file":
        return str(tmp / "a-file.txt")
    if choice == "dir":
        return str(tmp)
    name = draw(st.text(st.characters(codec="utf-8", exclude_characters="/\x00"), max_size=20))
    if name in ("", ".", ".."):
        name = "x"
    return str(tmp / ("missing" if choice == "missing" else "new") / name)


@st.composite
def argv_for(draw, command: str, tmp: Path, workbook: Path) -> list[str]:
    """A command line for ``command``: its arguments, some left out, values random or odd."""
    argv = command.split()
    for action in COMMANDS[command]._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        path_like = action.type is Path or action.dest in ("workbook", "file", "out")
        if action.option_strings:
            if not action.required and not draw(st.integers(0, 3)):  # most given, some not
                continue
            argv.append(draw(st.sampled_from(action.option_strings)))
            if action.nargs == 0:
                continue
        if path_like:
            argv.append(draw(_path(tmp, workbook, action.dest)))
        elif action.choices and draw(st.integers(0, 7)):
            argv.append(str(draw(st.sampled_from(list(action.choices)))))
        elif action.dest in PLAUSIBLE and draw(st.integers(0, 7)):
            argv.append(draw(st.sampled_from(PLAUSIBLE[action.dest])))
        else:
            argv.append(draw(typed_text))
    if not draw(st.integers(0, 19)):
        argv.append(draw(typed_text))  # a stray extra argument
    return argv


def run_cli(argv: list[str]) -> tuple[int, str, str]:
    """Run ``coachkit argv`` in this process; return (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def playground(tmp_path_factory) -> tuple[Path, Path]:
    # Importing IPython (reports) lets jedi raise the recursion limit to 3000; do it first,
    # or hypothesis warns that the limit changed during a test.
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 3000))
    tmp = tmp_path_factory.mktemp("cli")
    workbook = tmp / "wb"
    with create_workbook(workbook, name="Ana Lima") as wb:
        wb.set_goals(industries=["Fintech"], roles=["Product"], locations=["Paris"])
        wb.tag_firm("Stripe", industry="Fintech", location="Paris")
        cid = wb.add_contact("Léa Martin", firm="Stripe", position="Product Lead")
        wb.log_activity(cid, "outreach", "2026-11-15", channel="email")
    (tmp / "a-file.txt").write_text("not a workbook\n")
    return tmp, workbook


@pytest.mark.parametrize("command", sorted(set(COMMANDS) - set(SLOW)))
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(case=st.data())
def test_random_values_give_a_result_or_a_clear_error(command, case, playground, figures):
    check_command(command, case, playground, figures)


@pytest.mark.parametrize("command", sorted(set(SLOW) & set(COMMANDS)))
def test_random_values_for_slow_commands(command, playground, figures):
    @settings(
        max_examples=SLOW[command],
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
        database=None,
    )
    @given(case=st.data())
    def run(case):
        check_command(command, case, playground, figures)

    run()


def check_command(command: str, case, playground: tuple[Path, Path], figures) -> None:
    """Run one random command line and check it ends in a result or a clear error."""
    tmp, workbook = playground
    argv = case.draw(argv_for(command, tmp, workbook), label="argv")
    before = state_of(workbook)
    cwd = os.getcwd()
    scratch = tempfile.mkdtemp(dir=tmp)
    os.chdir(scratch)  # relative paths land in a scratch folder
    try:
        code, _, err = run_cli(argv)
    finally:
        os.chdir(cwd)
        shutil.rmtree(scratch, ignore_errors=True)
    figures.add(f"bad input: CLI {command} cases tried", 1)
    assert isinstance(code, int)
    assert "Traceback" not in err
    if code != 0:
        figures.add(f"bad input: CLI {command} cases refused cleanly", 1)
        assert err.strip(), f"exit code {code} without a message"
        assert state_of(workbook) == before, "a failed command changed the workbook"
