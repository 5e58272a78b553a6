"""Fixtures of the reliability suite, and the figures it prints at the end of a run.

Tests record what they tried (``figures.add("import linkedin: cases", 1)``); the totals are
printed in the terminal summary, so a CI log shows how hard each part was pushed. Figures are
only printed, never asserted on: they vary with timing and with hypothesis.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from coachkit import Workbook, create_workbook

_FIGURES: Counter[str] = Counter()


class Figures:
    """A recorder of named counts shared by the whole run."""

    def add(self, name: str, amount: int = 1) -> None:
        """Add ``amount`` to the count called ``name``."""
        _FIGURES[name] += amount


@pytest.fixture(scope="session")
def figures() -> Figures:
    """The recorder of the suite's figures (session-wide, safe inside hypothesis tests)."""
    return Figures()


@pytest.fixture(scope="package", autouse=True)
def _isolated(tmp_path_factory) -> Iterator[None]:
    """Keep random values away from the real tree and settings (for this package only:
    the tests that run after it get their working directory and settings back).

    Forms and commands fed random text create folders at the paths typed (relative to the
    working directory) and remember a chosen workbook in ``$XDG_CONFIG_HOME``: both point
    into a scratch folder for the whole suite.
    """
    scratch = tmp_path_factory.mktemp("scratch")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CONFIG_HOME", str(scratch / "config"))
        patch.setenv("COACHKIT_WORKBOOK", str(scratch / "default-workbook"))
        patch.chdir(scratch)
        yield


@pytest.fixture
def filled(tmp_path: Path) -> Iterator[Workbook]:
    """A workbook with a few contacts, firms and activities (some text is hostile)."""
    with create_workbook(tmp_path / "filled", name="Ana Lima") as wb:
        wb.set_goals(industries=["Fintech"], roles=["Product"], locations=["Paris"])
        wb.tag_firm("Stripe, Inc.", industry="Fintech", location="Paris")
        first = wb.add_contact("Léa Martin", firm="Stripe, Inc.", position="Product Lead")
        second = wb.add_contact("Robert'); DROP TABLE contacts;--", firm="=cmd|' /C calc'!A0")
        wb.log_activity(first, "outreach", "2026-11-22", channel="email", notes="<b>hi</b>")
        wb.log_activity(second, "call", "2026-11-24", outcome="voicemail")
        yield wb


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the figures the reliability tests recorded (nothing when none ran)."""
    if not _FIGURES:
        return
    terminalreporter.section("reliability figures")
    width = max(len(name) for name in _FIGURES)
    for name in sorted(_FIGURES):
        terminalreporter.write_line(f"{name:<{width}}  {_FIGURES[name]:>8,d}")
