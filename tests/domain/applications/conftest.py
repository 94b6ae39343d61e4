"""A small fake of the official calendar, so domain tests pin their own holidays."""

from __future__ import annotations

from datetime import date

import pytest

from vatspilot.domain.applications import UnknownCalendarYear


class FakeCalendar:
    """Weekends off, plus these holidays off and these make-up days on; only `years` are known."""

    def __init__(self, years: frozenset[int], holidays: frozenset[date], makeup_days: frozenset[date]) -> None:
        self.years = years
        self.holidays = holidays
        self.makeup_days = makeup_days

    def is_working_day(self, d: date) -> bool:
        if d.year not in self.years:
            raise UnknownCalendarYear(d.year)
        if d in self.makeup_days:
            return True
        return d.weekday() < 5 and d not in self.holidays


@pytest.fixture(scope="session")
def calendar_2025() -> FakeCalendar:
    """Knows 2025 only; National Day 1-8 Oct off, Sun 28 Sep and Sat 11 Oct made up."""
    return FakeCalendar(
        years=frozenset({2025}),
        holidays=frozenset(date(2025, 10, day) for day in range(1, 9)),
        makeup_days=frozenset({date(2025, 9, 28), date(2025, 10, 11)}),
    )
