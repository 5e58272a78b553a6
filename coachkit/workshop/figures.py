"""What a participant's server tells the coach's board: figures only, never names.

:func:`participant_figures` reads one workbook (in the participant's own server) and returns
counts and yes/no answers: how far along the method they are. :func:`weekly_figures` strips a
weekly report's ``summary.json`` down to the figures the cohort summary shows. Neither returns
a contact's name, e-mail, firm or note, nor the participant's own name: the board knows the
hub user who published, and nothing else.

:func:`check_live` and :func:`check_weekly` are the same allow-lists seen from the receiving
end: the service refuses anything else, so a changed or hostile publisher cannot slip text in.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from ..errors import ValidationError
from ..workbook import Profile, Target, Workbook

__all__ = [
    "LIVE_FIELDS",
    "SCHEDULE_SAVED_KEY",
    "TARGETS_SAVED_KEY",
    "check_live",
    "check_weekly",
    "mark_saved",
    "participant_figures",
    "weekly_figures",
]

# The board's columns, in order, with their types (the allow-list both ends share).
LIVE_FIELDS: dict[str, type] = {
    "contacts": int,
    "goals_set": bool,
    "firms_tagged": int,
    "shortlist": int,
    "schedule_saved": bool,
    "targets_set": bool,
    "drafts": int,
    "outreach_this_week": int,
    "week": str,
}

# Meta keys the schedule and targets forms write when the participant saves them: the
# schedule and the targets have defaults from the method, so only a save says "done".
SCHEDULE_SAVED_KEY = "schedule_saved_at"
TARGETS_SAVED_KEY = "targets_saved_at"
_STEPS = {"schedule": SCHEDULE_SAVED_KEY, "targets": TARGETS_SAVED_KEY}
# The method's default targets (the schema's first version inserts them).
_DEFAULT_TARGETS = (
    Target("new_contacts", "week", 5, "new contacts"),
    Target("calls", "week", 2, "calls"),
    Target("meetings", "month", 4, "meetings"),
)
_SCHEDULE_FIELDS = (
    "week_start", "outreach_weekday", "follow_up_days", "research_weekday", "research_time",
    "outreach_time", "call_time",
)  # fmt: skip
WEEK_PATTERN = re.compile(r"^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$")
_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
_MAX_COUNT = 10_000_000


def mark_saved(wb: Workbook, step: str, when: dt.datetime | None = None) -> None:
    """Record that the participant saved a step ("schedule" or "targets").

    Call it inside the form's transaction, so the mark and the values are kept together.
    """
    key = _STEPS.get(step)
    if key is None:
        raise ValueError(f"step {step!r} is not one of {sorted(_STEPS)}")
    stamp = (when or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    wb.meta_set(key, stamp)


def participant_figures(wb: Workbook, *, today: dt.date) -> dict[str, Any]:
    """The live board's figures for one workbook, as of ``today``.

    Parameters
    ----------
    wb
        The participant's workbook.
    today
        The day: it picks the week whose outreach is counted.

    Returns
    -------
    dict
        ``contacts`` (contacts in the workbook), ``goals_set`` (at least one goal),
        ``firms_tagged`` (firms with an industry or a location), ``shortlist`` (contacts
        matching at least one goal: the ranked mentor shortlist), ``schedule_saved``,
        ``targets_set`` (saved with the form or the CLI, or changed from the method's
        defaults), ``drafts`` (contacts with a saved e-mail or voicemail draft),
        ``outreach_this_week`` (outreach messages logged in the week holding ``today``) and
        ``week`` (that week's name, in the workbook's own week).
    """
    from ..mentors import rank_mentors
    from ..progress import count_activities
    from ..weeks import week_label, week_range

    with wb.snapshot():
        profile = wb.profile
        week = week_label(today, profile.week_start)
        start, end = week_range(week, profile.week_start)
        counts = wb.step_counts()
        saved = wb.meta_values((SCHEDULE_SAVED_KEY, TARGETS_SAVED_KEY))
        targets = wb.targets
        goals_set = not profile.goals.is_empty()
        shortlist = len(rank_mentors(wb)) if goals_set and counts["contacts"] else 0
        outreach = count_activities(wb, start, end)["outreach"]
    defaults = Profile()
    schedule_changed = any(
        getattr(profile, name) != getattr(defaults, name) for name in _SCHEDULE_FIELDS
    )
    return {
        "contacts": counts["contacts"],
        "goals_set": goals_set,
        "firms_tagged": counts["firms_tagged"],
        "shortlist": int(shortlist),
        "schedule_saved": SCHEDULE_SAVED_KEY in saved or schedule_changed,
        "targets_set": TARGETS_SAVED_KEY in saved or tuple(targets) != _DEFAULT_TARGETS,
        "drafts": counts["drafts"],
        "outreach_this_week": int(outreach),
        "week": week,
    }


def weekly_figures(summary: Mapping[str, Any]) -> dict[str, Any]:
    """Strip a weekly report's ``summary.json`` down to the cohort summary's figures.

    The same allow-list as ``coachkit cohort report`` (verdict, targets, this week's and this
    month's funnel, calls due, network figures, why the participant looks stuck), without the
    participant's name and report link: the board names the hub user who published. The
    week's name is not in it either: :func:`coachkit.workshop.publish` sends it beside.
    """
    from ..cohort import _participant_figures

    figures = _participant_figures(summary, "")
    del figures["participant"], figures["report"]
    return check_weekly(figures)


# -- the receiving end's checks ------------------------------------------------------------------
def _count(value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= _MAX_COUNT:
        raise ValidationError(field, f"{value!r} is not a count")
    return value


def _week(value: Any, field: str = "week") -> str:
    if not isinstance(value, str) or not WEEK_PATTERN.match(value):
        raise ValidationError(field, f"{value!r} is not a week like 2026-W48")
    return value


def check_live(figures: Any) -> dict[str, Any]:
    """Return ``figures`` if it is exactly the live board's figures, else raise.

    Raises
    ------
    ValidationError
        Naming the first field missing, unexpected or of the wrong type.
    """
    if not isinstance(figures, Mapping):
        raise ValidationError("figures", "must be an object")
    extra = sorted(set(figures) - set(LIVE_FIELDS))
    if extra:
        raise ValidationError(extra[0], "is not one of the board's figures")
    clean: dict[str, Any] = {}
    for name, kind in LIVE_FIELDS.items():
        if name not in figures:
            raise ValidationError(name, "is missing")
        value = figures[name]
        if kind is bool:
            if not isinstance(value, bool):
                raise ValidationError(name, f"{value!r} is not true or false")
            clean[name] = value
        elif kind is int:
            clean[name] = _count(value, name)
        else:
            clean[name] = _week(value, name)
    return clean


def _text(value: Any, field: str, limit: int) -> str:
    if not isinstance(value, str) or len(value) > limit:
        raise ValidationError(field, f"must be text of at most {limit} characters")
    return value


def _object(value: Any, field: str, keys: tuple[str, ...]) -> Mapping[str, Any]:
    if not isinstance(value, Mapping) or set(value) != set(keys):
        raise ValidationError(field, f"must hold exactly {', '.join(keys)}")
    return value


def check_weekly(figures: Any) -> dict[str, Any]:
    """Return ``figures`` if it has the shape :func:`weekly_figures` makes, else raise.

    Every string is bounded: a verdict and reasons in coachkit's own words, target names.

    Raises
    ------
    ValidationError
        Naming the first field that does not fit.
    """
    from ..cohort import _FUNNEL, _NETWORK

    keys = ("on_track", "verdict", "days_left", "targets", "week", "month", "calls_due",
            "overdue", "network", "stuck")  # fmt: skip
    f = _object(figures, "figures", keys)
    if not isinstance(f["on_track"], bool):
        raise ValidationError("on_track", f"{f['on_track']!r} is not true or false")
    targets = f["targets"]
    if not isinstance(targets, list) or len(targets) > 100:
        raise ValidationError("targets", "must be a list of at most 100 targets")
    clean_targets = []
    for i, t in enumerate(targets):
        # A monthly target has one row per calendar month the week touches, named by
        # "month" ("2026-11"); a weekly one has month None.
        keys = ("metric", "period", "target", "actual", "on_target", "streak")
        t = _object(t, f"targets[{i}]", (*keys, "month") if "month" in t else keys)
        if t["period"] not in ("week", "month") or not isinstance(t["on_target"], bool):
            raise ValidationError(f"targets[{i}]", "has a bad period or on_target")
        month = t.get("month")
        if month is not None and not (isinstance(month, str) and _MONTH.fullmatch(month)):
            raise ValidationError(f"targets[{i}].month", f"{month!r} is not a month like 2026-11")
        clean_targets.append(
            {
                "metric": _text(t["metric"], f"targets[{i}].metric", 60),
                "period": t["period"],
                "month": month,
                "target": _count(t["target"], f"targets[{i}].target"),
                "actual": _count(t["actual"], f"targets[{i}].actual"),
                "on_target": t["on_target"],
                "streak": _count(t["streak"], f"targets[{i}].streak"),
            }
        )
    network: dict[str, Any] = {}
    for key, value in _object(f["network"], "network", _NETWORK).items():
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise ValidationError(f"network.{key}", f"{value!r} is not a number")
        network[key] = value
    stuck = f["stuck"]
    if not isinstance(stuck, list) or len(stuck) > 10:
        raise ValidationError("stuck", "must be a list of at most 10 reasons")
    funnels = {
        period: {
            k: _count(v, f"{period}.{k}") for k, v in _object(f[period], period, _FUNNEL).items()
        }
        for period in ("week", "month")
    }
    return {
        "on_track": f["on_track"],
        "verdict": _text(f["verdict"], "verdict", 300),
        "days_left": _count(f["days_left"], "days_left"),
        "targets": clean_targets,
        "week": funnels["week"],
        "month": funnels["month"],
        "calls_due": _count(f["calls_due"], "calls_due"),
        "overdue": _count(f["overdue"], "overdue"),
        "network": network,
        "stuck": [_text(s, "stuck", 200) for s in stuck],
    }
