"""The working-day calendars the domain's clock counts with: the official one, and the statutory projection.

The `chinese-calendar` package knows the State Council's holiday arrangement (holidays and make-up
working days) for a fixed range of years and raises NotImplementedError outside it; the adapter turns
that into the domain's `UnknownCalendarYear`. The rulebook's calendar data (one YAML file per year's
notice) overrides the package for the years it holds. For a year neither knows, the statutory holidays
(rulebook data too) give a projection, with the lunar dates and the solar term from lunar-python; the
clock labels what it counts with the projection provisional.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
from django.conf import settings
from lunar_python import Lunar, Solar

from vatspilot.domain.applications.working_calendar import UnknownCalendarYear, WorkingDayCalendar
from vatspilot.rulebook.working_calendar import (
    HolidayRule,
    OfficialYear,
    StatutoryHolidays,
    official_years,
    shipped_dir,
    statutory_holidays,
)


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


class OfficialWorkingDayCalendar:
    """`WorkingDayCalendar` over the official arrangements: a year in the rulebook's calendar data (shipped,
    or added by an administrator) overrides chinese-calendar, which serves the years it knows."""

    def __init__(self, years: Mapping[int, OfficialYear], package: WorkingDayCalendar | None = None) -> None:
        self.years = dict(years)
        self.package = package or ChineseWorkingDayCalendar()

    def is_working_day(self, d: date) -> bool:
        official = self.years.get(d.year)
        if official is not None:
            return official.is_working_day(d)
        return self.package.is_working_day(d)


# lunar-python names the solar terms of the next year's winter in pinyin in a year's table.
_TERM_ALIASES = {
    "DONG_ZHI": "冬至",
    "XIAO_HAN": "小寒",
    "DA_HAN": "大寒",
    "LI_CHUN": "立春",
    "YU_SHUI": "雨水",
    "JING_ZHE": "惊蛰",
    "DA_XUE": "大雪",
}


def _solar_term(year: int, term: str) -> date:
    """The day of `term` in Gregorian `year`, from lunar-python's solar-term table."""
    table = Solar.fromYmd(year, 6, 1).getLunar().getJieQiTable()
    for name, solar in table.items():
        if _TERM_ALIASES.get(name, name) == term and solar.getYear() == year:
            return date(solar.getYear(), solar.getMonth(), solar.getDay())
    raise UnknownCalendarYear(year)


def _anchors(rule: HolidayRule, year: int) -> list[date]:
    """The days `rule`'s holiday starts from that can touch Gregorian `year`."""
    if rule.anchor == "solar":
        return [date(year, rule.month, rule.day)]
    if rule.anchor == "solar_term":
        return [_solar_term(year, rule.term)]
    # A lunar date of lunar year Y falls in Gregorian Y or early Y + 1: look at both lunar years.
    result = []
    for lunar_year in (year - 1, year):
        solar = Lunar.fromYmd(lunar_year, rule.month, rule.day).getSolar()
        result.append(date(solar.getYear(), solar.getMonth(), solar.getDay()))
    return result


def statutory_days_off(holidays: StatutoryHolidays, year: int) -> dict[date, str]:
    """The statutory public holidays that fall in `year` (weekends aside), by day, with their names."""
    days: dict[date, str] = {}
    for rule in holidays.rules:
        for anchor in _anchors(rule, year):
            for n in range(rule.days):
                d = anchor + timedelta(days=rule.offset + n)
                if d.year == year:
                    days[d] = rule.name
    return dict(sorted(days.items()))


class StatutoryProjectionCalendar:
    """`WorkingDayCalendar` projected from the statutory public holidays alone: weekends and those holidays
    off, no make-up working days. The clock uses it only for a year no official arrangement covers, and
    labels what it counts with it provisional. Years before the holidays' rules were in force are unknown."""

    def __init__(self, holidays: StatutoryHolidays) -> None:
        self.holidays = holidays
        self._by_year: dict[int, frozenset[date]] = {}

    def days_off(self, year: int) -> frozenset[date]:
        if year < self.holidays.in_force_from.year:
            raise UnknownCalendarYear(year)
        off = self._by_year.get(year)
        if off is None:
            try:
                off = frozenset(statutory_days_off(self.holidays, year))
            except Exception as exc:  # lunar-python has no error type of its own
                raise UnknownCalendarYear(year) from exc
            self._by_year[year] = off
        return off

    def is_working_day(self, d: date) -> bool:
        return d.weekday() < 5 and d not in self.days_off(d.year)


def admin_calendar_dir() -> Path:
    """Where an administrator's year files go: the setting VATSPILOT_CALENDAR_DIR, by default var/calendar."""
    configured = getattr(settings, "VATSPILOT_CALENDAR_DIR", None)
    return Path(configured) if configured else Path(settings.VAR_DIR) / "calendar"


_PROJECTION: dict[StatutoryHolidays, StatutoryProjectionCalendar] = {}


def working_calendars() -> tuple[OfficialWorkingDayCalendar, StatutoryProjectionCalendar]:
    """The official calendar and the statutory projection, from the calendar data as it is now.

    Read on every call (one stat per file; a file is parsed again only when it changed), so a year an
    administrator adds is used by the next clock computed, and nothing computed before is kept.
    """
    official = OfficialWorkingDayCalendar(official_years([shipped_dir(), admin_calendar_dir()]))
    holidays = statutory_holidays()
    projection = _PROJECTION.get(holidays)
    if projection is None:
        # The projected holidays depend on the statutory rules only: keep one calendar per version of them.
        projection = _PROJECTION.setdefault(holidays, StatutoryProjectionCalendar(holidays))
    return official, projection


class ProjectedWorkingDayCalendar:
    """One `WorkingDayCalendar` that answers for every year from 2025: the official arrangement where it is
    known, the statutory projection otherwise. For counting that needs no provisional label (the demo's
    back-dated events); the clock takes the two calendars apart to label what it projected."""

    def __init__(self) -> None:
        self.official, self.projection = working_calendars()

    def is_working_day(self, d: date) -> bool:
        try:
            return self.official.is_working_day(d)
        except UnknownCalendarYear:
            return self.projection.is_working_day(d)
