"""The chinese-calendar adapter: official holidays, make-up working days, unknown years."""

from __future__ import annotations

from datetime import date

import pytest

from vatspilot.domain.applications import (
    ClockEvent,
    ClockEventKind,
    ClockSettings,
    UnknownCalendarYear,
    clock_status,
)
from vatspilot.services.calendar.working_days import ChineseWorkingDayCalendar, covered_years

CALENDAR = ChineseWorkingDayCalendar()


def test_the_package_covers_2025_and_not_2099() -> None:
    assert 2025 in covered_years()
    assert 2099 not in covered_years()


def test_national_day_is_not_a_working_day() -> None:
    assert CALENDAR.is_working_day(date(2025, 10, 1)) is False


def test_sunday_28_september_2025_is_a_make_up_working_day() -> None:
    assert date(2025, 9, 28).weekday() == 6
    assert CALENDAR.is_working_day(date(2025, 9, 28)) is True


def test_saturday_11_october_2025_is_a_make_up_working_day() -> None:
    assert CALENDAR.is_working_day(date(2025, 10, 11)) is True


def test_an_ordinary_saturday_is_not_a_working_day() -> None:
    assert CALENDAR.is_working_day(date(2025, 10, 18)) is False


def test_an_ordinary_monday_is_a_working_day() -> None:
    assert CALENDAR.is_working_day(date(2025, 10, 13)) is True


def test_an_unknown_year_raises_unknown_calendar_year() -> None:
    with pytest.raises(UnknownCalendarYear) as unknown:
        CALENDAR.is_working_day(date(2099, 1, 5))
    assert unknown.value.year == 2099
    assert unknown.value.code == "unknown-calendar-year"


def test_the_clock_over_national_day_2025_with_the_official_calendar() -> None:
    events = [ClockEvent(ClockEventKind.ACCEPTED, date(2025, 9, 26))]
    status = clock_status(events, ClockSettings(), CALENDAR, today=date(2025, 10, 12))
    # 28 Sep (make-up), 29, 30 Sep, 9, 10 Oct and 11 Oct (make-up); 1-8 Oct are the holiday.
    assert status.days_used == 6
