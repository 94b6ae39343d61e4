"""The calendar the statutory clock counts working days with (official holidays and make-up days).

The clock is handed two: the official arrangement, and optionally a projection for the years the official
one does not know (the statutory holidays alone); both are this protocol. Implementations live outside the
domain (`vatspilot.services.calendar.working_days`), because they read packages and data files."""

from __future__ import annotations

from datetime import date
from typing import Protocol

from vatspilot.domain.shared.errors import DomainError


class UnknownCalendarYear(DomainError):
    """The calendar does not know the official arrangement of `year`: say so, never guess."""

    def __init__(self, year: int) -> None:
        super().__init__("unknown-calendar-year", year=year)
        self.year = year


class WorkingDayCalendar(Protocol):
    def is_working_day(self, d: date) -> bool:
        """Whether `d` is an official working day; `UnknownCalendarYear` for a year it does not know."""
        ...
