"""Coach-led workshops on JupyterHub: the figures participants publish, and the coach's board.

A participant's own server publishes figures (never names) with :func:`publish`; the board,
a JupyterHub service (``python -m coachkit.workshop.service``), keeps them in
:class:`coachkit.workshop.store.BoardStore` and shows them to the coaches group only.
:mod:`coachkit.workshop.hubconfig` gives ``jupyterhub_config.py`` the service's entry and roles.

This package imports no JupyterHub or SQLAlchemy code itself: a participant's kernel can
use :func:`participant_figures` and :func:`publish` with coachkit's own dependencies.
"""

from __future__ import annotations

from .figures import check_live, check_weekly, mark_saved, participant_figures, weekly_figures
from .hubconfig import custom_scopes, load_roles, service_entry, spawner_environment
from .participant import make_weekly_report, on_arrival, publish_after_save, weekly_report_page
from .publish import board_url, publish
from .roster import (
    Participant,
    create_accounts,
    init_cohort,
    parse_roster,
    read_roster,
    remove_accounts,
    start_links,
    unsafe_username,
)

__all__ = [
    "Participant",
    "board_url",
    "check_live",
    "check_weekly",
    "create_accounts",
    "custom_scopes",
    "init_cohort",
    "load_roles",
    "make_weekly_report",
    "mark_saved",
    "on_arrival",
    "parse_roster",
    "participant_figures",
    "publish",
    "publish_after_save",
    "read_roster",
    "remove_accounts",
    "service_entry",
    "spawner_environment",
    "start_links",
    "unsafe_username",
    "weekly_figures",
    "weekly_report_page",
]
