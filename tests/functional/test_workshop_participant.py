"""The participant side of a workshop hub: every form save publishes figures, never waits.

The board here is a real HTTP server on 127.0.0.1 that records what it receives
(:mod:`tests.board_double`); the forms are the real ones, driven as the notebooks do.
"""

from __future__ import annotations

import time

import pytest

from coachkit import forms
from coachkit.workshop import participant
from tests.board_double import board_double

pytestmark = pytest.mark.functional


@pytest.fixture
def on_hub(monkeypatch):
    """The environment JupyterHub gives a participant's server (token, board address)."""

    def enter(url: str) -> None:
        monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "server-token-of-ana")
        monkeypatch.setenv("COACHKIT_BOARD_URL", url)
        monkeypatch.setenv("COACHKIT_TODAY", "2026-11-25")

    return enter


def _wait_for_senders(timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    import threading

    for thread in threading.enumerate():
        if thread.name == "coachkit-publish":
            thread.join(max(0.0, deadline - time.monotonic()))


def test_each_save_sends_the_figures_with_the_servers_token(workbook, on_hub):
    with board_double() as (url, board):
        on_hub(url)
        profile = forms.ProfileForm(workbook)
        profile.name.value = "Ana Lima"
        assert profile.save()
        goals = forms.GoalsForm(workbook)
        goals.industries.value = "Fintech"
        goals.roles.value = "Product Manager"
        goals.locations.value = "Lyon"
        assert goals.save()
        assert goals.save()  # the same click twice: "Already saved", nothing sent again
        _wait_for_senders()
    assert len(board.posts) == 2
    path, token, body = board.posts[-1]
    assert path == "/services/coachkit/api/publish"
    assert token == "token server-token-of-ana"
    assert body["kind"] == "live"
    # Worked by hand: an empty workbook with one goal set, in 2026-W48 (25 Nov 2026 is a Wed).
    assert body["figures"]["goals_set"] is True
    assert body["figures"]["contacts"] == 0
    assert body["figures"]["week"] == "2026-W48"
    assert body["figures"] == {**board.posts[0][2]["figures"], "goals_set": True}
    assert "Ana Lima" not in repr(board.posts)  # figures only: not even her own name


def test_a_slow_or_absent_board_never_delays_or_fails_a_save(workbook, on_hub, tmp_path):
    with board_double(delay=4) as (url, board):
        on_hub(url)
        form = forms.ProfileForm(workbook)
        form.name.value = "Ana Lima"
        started = time.monotonic()
        assert form.save()
        assert time.monotonic() - started < 2  # the 4 s board is not waited for
        assert workbook.profile.name == "Ana Lima"
        _wait_for_senders()
        assert len(board.posts) == 1
    on_hub("http://127.0.0.1:9/nothing-listens-here")
    form.name.value = "Ana Lima-Souza"
    assert form.save()
    _wait_for_senders()
    assert workbook.profile.name == "Ana Lima-Souza"
    assert "Saved" in form.status.value or "saved" in form.status.value


def test_off_the_hub_nothing_is_sent(workbook, monkeypatch):
    monkeypatch.delenv("JUPYTERHUB_API_TOKEN", raising=False)
    with board_double() as (url, board):
        monkeypatch.setenv("COACHKIT_BOARD_URL", url)
        form = forms.ProfileForm(workbook)
        form.name.value = "Ana Lima"
        assert form.save()
        assert participant.publish_after_save(workbook) is None
        _wait_for_senders()
    assert board.posts == []


def test_a_refused_save_sends_nothing(workbook, on_hub):
    with board_double() as (url, board):
        on_hub(url)
        goals = forms.GoalsForm(workbook)
        goals.industries.value = "Fintech"
        goals.roles.value = "Product\nproduct"  # the same entry twice: refused
        goals.locations.value = "Lyon"
        assert not goals.save()
        _wait_for_senders()
    assert board.posts == []
