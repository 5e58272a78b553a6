"""Weeks and months: how coachkit names and bounds the periods that targets count over.

A week runs Monday to Sunday (ISO 8601) and is named like ``2026-W48``. A workbook may set
another first day of the week (``profile.week_start``, 0 = Monday ... 6 = Sunday). A custom
week is named by the same rule ISO uses for its own weeks: **after the ISO week that holds its
Thursday**. So with weeks starting on Sunday, Sunday 22 November to Saturday 28 November 2026
is ``2026-W48`` (its Thursday, 26 November, is in ISO week 48), and every label still names
exactly one run of seven days. A month is the calendar month.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager

from .errors import ValidationError

__all__ = [
    "iter_weeks",
    "last_full_week",
    "month_range",
    "week_label",
    "week_range",
    "week_start_of",
]

_LABEL = re.compile(r"^\s*(\d{4})-?W(\d{1,2})\s*$", re.IGNORECASE)
_THURSDAY = 3


def _check_week_start(week_start: int) -> int:
    if isinstance(week_start, bool) or not isinstance(week_start, int) or not 0 <= week_start <= 6:
        raise ValidationError(
            "week_start", f"{week_start!r} is not a weekday number", hint="use 0 (Monday) to 6."
        )
    return week_start


def week_start_of(day: dt.date, week_start: int = 0) -> dt.date:
    """Return the first day of the week that holds ``day``.

    Parameters
    ----------
    day
        Any date.
    week_start
        The first day of the week: 0 = Monday (ISO 8601) ... 6 = Sunday.

    Examples
    --------
    >>> week_start_of(dt.date(2026, 11, 25))
    datetime.date(2026, 11, 23)
    >>> week_start_of(dt.date(2026, 11, 25), week_start=6)
    datetime.date(2026, 11, 22)
    """
    _check_week_start(week_start)
    with _in_range(day):
        return day - dt.timedelta(days=(day.weekday() - week_start) % 7)


@contextmanager
def _in_range(day: object) -> Iterator[None]:
    """Turn date arithmetic past year 1 or 9999 into a clear error about the date given."""
    try:
        yield
    except OverflowError:
        raise ValidationError(
            "date", f"{day} is too far in the past or the future", hint="use a real date."
        ) from None


def week_label(day: dt.date, week_start: int = 0) -> str:
    """Return the name of the week that holds ``day``, like ``"2026-W48"``.

    The week is named after the ISO week that holds its Thursday (see the module docstring),
    which for Monday weeks is the ISO week itself.

    Examples
    --------
    >>> week_label(dt.date(2026, 11, 22))
    '2026-W47'
    >>> week_label(dt.date(2026, 11, 22), week_start=6)
    '2026-W48'
    >>> week_label(dt.date(2027, 1, 1))
    '2026-W53'
    """
    with _in_range(day):
        thursday = week_start_of(day, week_start) + dt.timedelta(days=(_THURSDAY - week_start) % 7)
    iso = thursday.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def last_full_week(day: dt.date, week_start: int = 0) -> str:
    """Return the name of the week before the one that holds ``day`` (the last full week).

    Examples
    --------
    >>> last_full_week(dt.date(2026, 11, 25))
    '2026-W47'
    """
    with _in_range(day):
        return week_label(week_start_of(day, week_start) - dt.timedelta(days=7), week_start)


def week_range(label: str, week_start: int = 0) -> tuple[dt.date, dt.date]:
    """Return the first and last day (inclusive, seven days) of the week named ``label``.

    Raises
    ------
    ValidationError
        On field ``"week"`` when the label is not like ``2026-W48`` or names a week the year
        does not have (``2025-W53``).

    Examples
    --------
    >>> week_range("2026-W48")
    (datetime.date(2026, 11, 23), datetime.date(2026, 11, 29))
    >>> week_range("2026-W48", week_start=6)
    (datetime.date(2026, 11, 22), datetime.date(2026, 11, 28))
    """
    _check_week_start(week_start)
    match = _LABEL.match(str(label)) if isinstance(label, str) else None
    if match is None:
        raise ValidationError(
            "week", f"{label!r} is not a week name", hint="write it like 2026-W48 (ISO week)."
        )
    year, number = int(match.group(1)), int(match.group(2))
    if not 1 < year < 9999:  # the week's days must all be dates Python can hold
        raise ValidationError(
            "week", f"{label!r} is out of range", hint="use a year from 0002 to 9998."
        )
    try:
        thursday = dt.date.fromisocalendar(year, number, _THURSDAY + 1)
    except ValueError:
        weeks_in_year = dt.date(year, 12, 28).isocalendar().week
        raise ValidationError(
            "week",
            f"{label!r} does not exist: {year} has weeks 1 to {weeks_in_year}",
            hint="check the week number (e.g. with `date +%G-W%V`).",
        ) from None
    first = thursday - dt.timedelta(days=(_THURSDAY - week_start) % 7)
    return first, first + dt.timedelta(days=6)


def month_range(day: dt.date) -> tuple[dt.date, dt.date]:
    """Return the first and last day of the calendar month that holds ``day``.

    Examples
    --------
    >>> month_range(dt.date(2026, 2, 10))
    (datetime.date(2026, 2, 1), datetime.date(2026, 2, 28))
    """
    # calendar.monthrange, not "the 1st of next month minus a day": December 9999 has no
    # next month Python can hold.
    return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])


def iter_weeks(start: dt.date, count: int, week_start: int = 0) -> list[str]:
    """Return the labels of ``count`` consecutive weeks, from the week holding ``start``."""
    first = week_start_of(start, week_start)
    with _in_range(start):
        return [week_label(first + dt.timedelta(weeks=i), week_start) for i in range(count)]
