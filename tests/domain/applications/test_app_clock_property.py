"""The clock never runs backwards: days_used is monotone non-decreasing in `today`."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from vatspilot.domain.applications import (
    ClockEvent,
    ClockEventKind,
    ClockSettings,
    ClockStart,
    DayUnit,
    UnknownCalendarYear,
    clock_status,
)

FIRST = date(2025, 1, 1)
HOLIDAYS = frozenset(date(2025, 10, day) for day in range(1, 9))
MAKEUP = frozenset({date(2025, 9, 28), date(2025, 10, 11)})


class _Calendar:
    def is_working_day(self, d: date) -> bool:
        if d.year != 2025:
            raise UnknownCalendarYear(d.year)
        return d in MAKEUP or (d.weekday() < 5 and d not in HOLIDAYS)


dates = st.integers(min_value=0, max_value=364).map(lambda n: FIRST + timedelta(days=n))
events = st.lists(st.builds(ClockEvent, st.sampled_from(list(ClockEventKind)), dates), max_size=8)
settings = st.builds(
    ClockSettings,
    period_days=st.integers(min_value=1, max_value=80),
    unit=st.sampled_from(list(DayUnit)),
    start=st.sampled_from(list(ClockStart)),
)


@given(events=events, settings=settings, earlier=dates, later=dates)
def test_days_used_never_decreases(
    events: list[ClockEvent], settings: ClockSettings, earlier: date, later: date
) -> None:
    earlier, later = min(earlier, later), max(earlier, later)
    before = clock_status(events, settings, _Calendar(), earlier).days_used
    after = clock_status(events, settings, _Calendar(), later).days_used
    if before is not None and after is not None:
        assert before <= after


@given(events=events, settings=settings, today=dates)
def test_days_left_is_the_period_less_the_days_used(
    events: list[ClockEvent], settings: ClockSettings, today: date
) -> None:
    status = clock_status(events, settings, _Calendar(), today)
    if status.days_used is not None:
        assert status.days_left == settings.period_days - status.days_used
