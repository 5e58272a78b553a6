"""Week names and boundaries: ISO weeks, custom week starts, calendar months."""

from __future__ import annotations

import datetime as dt

import pytest

from coachkit import ValidationError
from coachkit.weeks import iter_weeks, month_range, week_label, week_range, week_start_of

pytestmark = pytest.mark.unit

D = dt.date


def test_iso_week_runs_monday_to_sunday():
    assert week_range("2026-W48") == (D(2026, 11, 23), D(2026, 11, 29))
    assert week_label(D(2026, 11, 23)) == "2026-W48"
    assert week_label(D(2026, 11, 29)) == "2026-W48"
    # The Sunday outreach day belongs to the week it ends.
    assert week_label(D(2026, 11, 22)) == "2026-W47"
    assert week_label(D(2026, 11, 30)) == "2026-W49"


def test_year_boundary_follows_iso():
    # 2026 has 53 ISO weeks; 1 January 2027 (a Friday) is in 2026-W53.
    assert week_label(D(2027, 1, 1)) == "2026-W53"
    assert week_range("2026-W53") == (D(2026, 12, 28), D(2027, 1, 3))
    assert week_label(D(2027, 1, 4)) == "2027-W01"


def test_custom_week_start_is_named_after_its_thursday():
    # Sunday-start weeks: Sunday 22 to Saturday 28 November holds Thursday 26 (ISO W48).
    assert week_start_of(D(2026, 11, 25), week_start=6) == D(2026, 11, 22)
    assert week_label(D(2026, 11, 22), week_start=6) == "2026-W48"
    assert week_label(D(2026, 11, 28), week_start=6) == "2026-W48"
    assert week_label(D(2026, 11, 29), week_start=6) == "2026-W49"
    assert week_range("2026-W48", week_start=6) == (D(2026, 11, 22), D(2026, 11, 28))
    # Friday-start weeks: Fri 27 Nov .. Thu 3 Dec holds Thursday 3 December (ISO W49).
    assert week_range("2026-W49", week_start=4) == (D(2026, 11, 27), D(2026, 12, 3))


@pytest.mark.parametrize("week_start", range(7))
def test_label_and_range_are_inverse_for_every_week_start(week_start):
    day = D(2026, 12, 20)
    for offset in range(60):
        current = day + dt.timedelta(days=offset)
        first, last = week_range(week_label(current, week_start), week_start)
        assert first <= current <= last
        assert (last - first).days == 6
        assert first.weekday() == week_start


def test_month_range_is_the_calendar_month():
    assert month_range(D(2026, 11, 25)) == (D(2026, 11, 1), D(2026, 11, 30))
    assert month_range(D(2028, 2, 3)) == (D(2028, 2, 1), D(2028, 2, 29))
    assert month_range(D(2026, 12, 31)) == (D(2026, 12, 1), D(2026, 12, 31))


def test_iter_weeks():
    assert iter_weeks(D(2026, 11, 25), 3) == ["2026-W48", "2026-W49", "2026-W50"]


@pytest.mark.parametrize("label", ["2026-48", "W48", "2026-W00", "2025-W53", "2026-W54", ""])
def test_bad_week_names_are_refused(label):
    with pytest.raises(ValidationError, match=r"^week: ") as info:
        week_range(label)
    assert info.value.field == "week"


def test_lenient_spellings_are_accepted():
    assert week_range("2026w48") == week_range("2026-W48")


def test_last_full_week_is_the_week_before_and_refuses_year_one():
    from coachkit.weeks import last_full_week

    assert last_full_week(dt.date(2026, 11, 25)) == "2026-W47"
    assert last_full_week(dt.date(2026, 11, 23)) == "2026-W47"  # a Monday
    assert last_full_week(dt.date(2027, 1, 4)) == "2026-W53"
    assert last_full_week(dt.date(2026, 11, 25), week_start=6) == "2026-W47"  # Sun 15-Sat 21
    with pytest.raises(ValidationError, match="too far in the past"):
        last_full_week(dt.date(1, 1, 1))
