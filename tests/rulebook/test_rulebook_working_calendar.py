"""The working-day calendar as data: year files and their validation, the override of chinese-calendar, and
the statutory projection for a year no notice covers."""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import chinese_calendar
import pytest

from vatspilot.domain.applications import UnknownCalendarYear
from vatspilot.rulebook.working_calendar import (
    CalendarDataError,
    official_years,
    parse_statutory,
    parse_year,
    shipped_dir,
    statutory_holidays,
)
from vatspilot.services.calendar.working_days import (
    ChineseWorkingDayCalendar,
    OfficialWorkingDayCalendar,
    ProjectedWorkingDayCalendar,
    StatutoryProjectionCalendar,
    statutory_days_off,
)

# TEST DATA, not an official arrangement: a year file whose every value is made up to exercise the loader.
TEST_YEAR = """\
year: 2025
citation: {en: "Test notice (not official)", zh: "测试通知（非官方）"}
confidence: M
source: "tests"
holidays:
  - {name: "Test holiday", from: 2025-03-03, to: 2025-03-04}
working_days: [2025-03-08]
"""


def _days(year: int) -> list[date]:
    d, result = date(year, 1, 1), []
    while d.year == year:
        result.append(d)
        d += timedelta(days=1)
    return result


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_2026_notice_agrees_with_chinese_calendar_on_every_day() -> None:
    official = official_years([shipped_dir()])[2026]

    disagreements = [d for d in _days(2026) if official.is_working_day(d) != chinese_calendar.is_workday(d)]

    assert disagreements == []
    assert (official.confidence, official.citation.zh) == (
        "C1",
        "国务院办公厅关于2026年部分节假日安排的通知（2025年11月4日）",
    )
    assert sorted(official.working_days) == [
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
    ]


def test_a_year_in_the_data_overrides_chinese_calendar(tmp_path: Path) -> None:
    years = official_years([_write(tmp_path, "2025.yaml", TEST_YEAR).parent])
    calendar = OfficialWorkingDayCalendar(years)
    package = ChineseWorkingDayCalendar()

    # Mon 3 Mar 2025 is a working day for the package and a (test) holiday in the data; Sat 8 Mar the reverse.
    assert (package.is_working_day(date(2025, 3, 3)), calendar.is_working_day(date(2025, 3, 3))) == (True, False)
    assert (package.is_working_day(date(2025, 3, 8)), calendar.is_working_day(date(2025, 3, 8))) == (False, True)
    # A year the data does not hold is still the package's: National Day 2024.
    assert calendar.is_working_day(date(2024, 10, 1)) is False
    with pytest.raises(UnknownCalendarYear):
        calendar.is_working_day(date(2027, 3, 1))


def test_a_later_folder_overrides_an_earlier_one(tmp_path: Path) -> None:
    shipped = _write(tmp_path / "shipped", "2025.yaml", TEST_YEAR).parent
    admin = _write(tmp_path / "admin", "2025.yaml", TEST_YEAR.replace("2025-03-04", "2025-03-05")).parent

    assert max(official_years([shipped, admin])[2025].days_off) == date(2025, 3, 5)


def test_a_changed_file_is_read_again(tmp_path: Path) -> None:
    path = _write(tmp_path, "2025.yaml", TEST_YEAR)
    assert max(official_years([tmp_path])[2025].days_off) == date(2025, 3, 4)

    path.write_text(TEST_YEAR.replace("2025-03-04", "2025-03-07"), encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))

    assert max(official_years([tmp_path])[2025].days_off) == date(2025, 3, 7)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (("year: 2025", "year: 2024"), "year"),  # does not match the file name 2025.yaml
        (("year: 2025", "year: '2025'"), "year"),
        (("confidence: M", "confidence: U"), "confidence"),
        (
            ('citation: {en: "Test notice (not official)", zh: "测试通知（非官方）"}', "citation: {en: x}"),
            "citation.zh",
        ),
        (('zh: "测试通知（非官方）"', 'zh: ""'), "citation.zh"),
        (('source: "tests"\n', ""), "source"),
        (("from: 2025-03-03", "from: 2025-13-03"), "holidays[0].from"),
        (("to: 2025-03-04", "to: 2026-03-04"), "holidays[0].to"),
        (("to: 2025-03-04", "to: 2025-03-01"), "holidays[0].to"),
        (("working_days: [2025-03-08]", "working_days: [2025-03-07]"), "working_days[0]"),  # a Friday
        (("working_days: [2025-03-08]", "working_days: [2025-03-08, 2024-03-09]"), "working_days[1]"),
        (("working_days: [2025-03-08]", "working_days: 2025-03-08"), "working_days"),
        (("confidence: M", "confidence: M\nnotes: typo"), "notes"),
        (("confidence: M", "confidence: M\nconfidence: C1"), "(file)"),  # a key given twice
        (("year: 2025", "year: [2025"), "(file)"),
    ],
)
def test_a_bad_year_file_is_refused_naming_the_field(tmp_path: Path, change: tuple[str, str], field: str) -> None:
    old, new = change
    assert old in TEST_YEAR
    path = _write(tmp_path, "2025.yaml", TEST_YEAR.replace(old, new))

    with pytest.raises(CalendarDataError) as refused:
        parse_year(path)

    assert refused.value.field == field
    assert str(refused.value).startswith(f"{path}: {field}: ")


def test_a_make_up_day_inside_a_holiday_is_refused(tmp_path: Path) -> None:
    text = TEST_YEAR.replace("to: 2025-03-04", "to: 2025-03-09")
    with pytest.raises(CalendarDataError) as refused:
        parse_year(_write(tmp_path, "2025.yaml", text))
    assert str(refused.value).endswith("working_days[0]: 2025-03-08 is also a holiday")


def test_the_statutory_holidays_of_2027_come_from_the_lunar_calendar() -> None:
    # Lunar New Year 2027 is Sat 6 Feb (eve Fri 5 Feb), Qingming Mon 5 Apr, Dragon Boat (5th of the 5th month)
    # Wed 9 Jun, Mid-Autumn (15th of the 8th month) Wed 15 Sep.
    assert statutory_days_off(statutory_holidays(), 2027) == {
        date(2027, 1, 1): "New Year's Day 元旦",
        date(2027, 2, 5): "Spring Festival 春节",
        date(2027, 2, 6): "Spring Festival 春节",
        date(2027, 2, 7): "Spring Festival 春节",
        date(2027, 2, 8): "Spring Festival 春节",
        date(2027, 4, 5): "Qingming 清明节",
        date(2027, 5, 1): "Labour Day 劳动节",
        date(2027, 5, 2): "Labour Day 劳动节",
        date(2027, 6, 9): "Dragon Boat Festival 端午节",
        date(2027, 9, 15): "Mid-Autumn Festival 中秋节",
        date(2027, 10, 1): "National Day 国庆节",
        date(2027, 10, 2): "National Day 国庆节",
        date(2027, 10, 3): "National Day 国庆节",
    }


@pytest.mark.parametrize("year", [2025, 2026])
def test_every_statutory_holiday_is_a_day_off_in_the_official_arrangement(year: int) -> None:
    # The lunar and solar-term dates checked against the official years: each statutory holiday lies inside
    # the notice's days off (the notices add bridge days and make-up days around them).
    projected = statutory_days_off(statutory_holidays(), year)
    official = OfficialWorkingDayCalendar(official_years([shipped_dir()]))

    assert len(projected) == 13
    assert [d for d in projected if official.is_working_day(d)] == []


def test_the_projection_has_no_make_up_days_and_keeps_weekends_off() -> None:
    projection = StatutoryProjectionCalendar(statutory_holidays())

    assert projection.is_working_day(date(2027, 2, 4)) is True  # Thursday before the eve
    assert projection.is_working_day(date(2027, 2, 5)) is False  # Chinese New Year's Eve
    assert projection.is_working_day(date(2027, 2, 8)) is False  # the 3rd of the first month, a Monday
    assert projection.is_working_day(date(2027, 2, 9)) is True
    assert projection.is_working_day(date(2027, 2, 13)) is False  # a Saturday: nothing is made up
    assert projection.is_working_day(date(2027, 4, 5)) is False  # Qingming


def test_the_projection_does_not_reach_before_the_rules_were_in_force() -> None:
    projection = StatutoryProjectionCalendar(statutory_holidays())
    with pytest.raises(UnknownCalendarYear) as unknown:
        projection.is_working_day(date(2024, 3, 4))
    assert unknown.value.year == 2024


def test_the_statutory_rules_carry_their_citation_and_confidence() -> None:
    rules = statutory_holidays()
    assert (rules.confidence, rules.in_force_from, len(rules.rules)) == ("M", date(2025, 1, 1), 7)
    assert "国务院令第795号" in rules.citation.zh
    assert "Order No. 795" in rules.citation.en


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (('solar_term: "清明"', 'solar_term: "Qingming"'), "holidays[2].solar_term"),
        (('lunar: "05-05"', 'lunar: "5/5"'), "holidays[4].lunar"),
        (('solar: "10-01", days: 3', 'solar: "10-01", days: 0'), "holidays[6].days"),
        (('lunar: "08-15", days: 1', 'lunar: "08-15", solar: "09-15", days: 1'), "holidays[5]"),
        (("confidence: M", "confidence: C3"), "confidence"),
    ],
)
def test_bad_statutory_rules_are_refused_naming_the_field(tmp_path: Path, change: tuple[str, str], field: str) -> None:
    text = (shipped_dir() / "statutory.yaml").read_text(encoding="utf-8")
    old, new = change
    assert old in text
    with pytest.raises(CalendarDataError) as refused:
        parse_statutory(_write(tmp_path, "statutory.yaml", text.replace(old, new)))
    assert refused.value.field == field


def test_the_projected_calendar_answers_for_2027_and_keeps_official_years(settings: Any, tmp_path: Path) -> None:
    settings.VATSPILOT_CALENDAR_DIR = str(tmp_path)
    calendar = ProjectedWorkingDayCalendar()

    assert calendar.is_working_day(date(2026, 2, 14)) is True  # a make-up Saturday of the 2026 notice
    assert calendar.is_working_day(date(2027, 2, 8)) is False  # projected: the 3rd of the first lunar month
    assert calendar.is_working_day(date(2027, 2, 9)) is True
