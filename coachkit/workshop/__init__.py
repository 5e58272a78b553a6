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
from .publish import board_url, publish

__all__ = [
    "board_url",
    "check_live",
    "check_weekly",
    "custom_scopes",
    "load_roles",
    "mark_saved",
    "participant_figures",
    "publish",
    "service_entry",
    "spawner_environment",
    "weekly_figures",
]
