"""The official Chinese working-day calendar, from the `chinese-calendar` package, for the domain's clock.

The package knows the State Council's holiday arrangement (holidays and make-up working days) for a
fixed range of years and raises NotImplementedError outside it; the adapter turns that into the
domain's `UnknownCalendarYear`, so the clock reports the gap instead of guessing.
"""

from __future__ import annotations

from datetime import date

import chinese_calendar

from vatspilot.domain.applications.working_calendar import UnknownCalendarYear


def covered_years() -> range:
    """The years the installed package has an official arrangement for."""
    years = [day.year for day in chinese_calendar.holidays]
    return range(min(years), max(years) + 1)


class ChineseWorkingDayCalendar:
    """`WorkingDayCalendar` over the official arrangement: weekends off, holidays off, make-up days on."""

    def is_working_day(self, d: date) -> bool:
        try:
            return bool(chinese_calendar.is_workday(d))
        except NotImplementedError as exc:
            raise UnknownCalendarYear(d.year) from exc
