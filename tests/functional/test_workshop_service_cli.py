"""Starting the board service by hand: clear refusals instead of tracebacks."""

from __future__ import annotations

import socket

import pytest

from coachkit.workshop.service import main

pytestmark = pytest.mark.functional


def test_outside_a_hub_it_says_what_to_do(monkeypatch, capsys):
    monkeypatch.delenv("JUPYTERHUB_API_TOKEN", raising=False)
    assert main([]) == 2
    assert "let JupyterHub start the board as a service" in capsys.readouterr().err


def test_a_database_that_is_down_is_named_without_its_password(monkeypatch, capsys):
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "token-from-the-hub")
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"postgresql+psycopg://board:s3cret-pw@127.0.0.1:{port}/board"
    assert main(["--db-url", url]) == 1
    err = capsys.readouterr().err
    assert f"cannot open the store 'postgresql+psycopg://board:***@127.0.0.1:{port}/board'" in err
    assert "s3cret-pw" not in err
    assert "check --db-url or $COACHKIT_BOARD_DB" in err


def test_a_roster_without_usernames_is_refused(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "token-from-the-hub")
    roster = tmp_path / "roster.csv"
    roster.write_text("name,email\nAna,ana@example.org\n", encoding="utf-8")
    assert main(["--roster", str(roster), "--db-url", str(tmp_path / "b.sqlite")]) == 2
    assert "needs the columns name and username" in capsys.readouterr().err
    assert not (tmp_path / "b.sqlite").exists()  # nothing made before the refusal
