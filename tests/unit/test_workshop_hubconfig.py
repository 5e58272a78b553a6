"""What jupyterhub_config.py gets from coachkit.workshop.hubconfig (the defaults run in
tests/integration/test_workshop_hub.py against a real hub)."""

from __future__ import annotations

import pytest

from coachkit.workshop import hubconfig
from coachkit.workshop.service import _parser

pytestmark = pytest.mark.unit


def test_the_service_entry_starts_the_service_with_its_options():
    entry = hubconfig.service_entry(
        db_url="postgresql+psycopg://board@db/board", host="hub", port=10102,
        python="/opt/coachkit/bin/python", coach_group="trainers", roster="/srv/roster.csv",
        listen_ip="0.0.0.0",
    )  # fmt: skip
    assert entry["name"] == "coachkit" and entry["url"] == "http://hub:10102"
    assert entry["oauth_no_confirm"] is True
    python, dash_m, module, *argv = entry["command"]
    assert (python, dash_m, module) == (
        "/opt/coachkit/bin/python",
        "-m",
        "coachkit.workshop.service",
    )
    args = _parser().parse_args(argv)  # every option the entry passes is one the service takes
    assert (args.db_url, args.coach_group, args.roster, args.ip) == (
        "postgresql+psycopg://board@db/board", "trainers", "/srv/roster.csv", "0.0.0.0",
    )  # fmt: skip
    plain = _parser().parse_args(hubconfig.service_entry()["command"][3:])
    assert (plain.db_url, plain.roster, plain.ip, plain.coach_group) == (
        None,
        None,
        None,
        "coaches",
    )


def test_roles_give_coaches_the_board_and_servers_the_publish_scope():
    roles = {r["name"]: r for r in hubconfig.load_roles(coach_group="trainers")}
    assert roles["coachkit-coach"] == {
        "name": "coachkit-coach",
        "description": "Open the coachkit board and weekly summaries",
        "scopes": ["access:services!service=coachkit"],
        "groups": ["trainers"],
    }
    assert roles["user"]["scopes"] == ["self", "custom:coachkit:publish"]
    assert "custom:coachkit:publish" in roles["server"]["scopes"]
    # The hub's own server scopes are kept: activity reports and access to one's server.
    assert {"users:activity!user", "access:servers!server"} <= set(roles["server"]["scopes"])
    assert roles["coachkit-service"]["services"] == ["coachkit"]
    only = {r["name"]: r for r in hubconfig.load_roles(participant_group="cohort-12")}
    assert "user" not in only  # the hub's default user role is left alone
    assert only["coachkit-participant"]["groups"] == ["cohort-12"]
    assert set(hubconfig.custom_scopes()) == {"custom:coachkit:publish"}


def test_servers_publish_straight_to_the_service():
    assert hubconfig.spawner_environment(host="hub", port=10102) == {
        "COACHKIT_BOARD_URL": "http://hub:10102/services/coachkit/api/publish"
    }
