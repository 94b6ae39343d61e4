"""The working-day calendar as data: each year's official arrangement, and the statutory holidays.

Two kinds of YAML file, both validated here before anything uses them:

- ``<year>.yaml``: the State Council General Office's notice for one year (国务院办公厅关于<year>年部分节假日
  安排的通知): its days off and its make-up working days, with the notice's citation and confidence code.
  The years shipped with the package are in ``vatspilot/rulebook/calendar/``; an administrator adds a
  year with ``vatspilot calendar add-year FILE.yaml`` (into the administrator's calendar folder). A year
  here overrides the chinese-calendar package.
- ``statutory.yaml``: the public holidays of the 《全国年节及纪念日放假办法》, from which the clock projects a
  provisional calendar for a year that no notice covers yet.

A file that does not validate does not load: `CalendarDataError` names the file and the field. Nothing is
cached here beyond one parse per file version (path, size and modification time), so a year added or
replaced is used on the next read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml

CONFIDENCE_CODES = ("C1", "C2", "M")  # "U" (uncertain) must not be hard-coded: legal-facts.md legend
STATUTORY_FILE = "statutory.yaml"
_YEAR_FILE = re.compile(r"^(\d{4})\.ya?ml$")
_MONTH_DAY = re.compile(r"^(\d{2})-(\d{2})$")
# The 24 solar terms by the names the lunar package (lunar-python) uses for them.
SOLAR_TERMS = frozenset(
    {"小寒", "大寒", "立春", "雨水", "惊蛰", "春分", "清明", "谷雨", "立夏", "小满", "芒种", "夏至"}
    | {"小暑", "大暑", "立秋", "处暑", "白露", "秋分", "寒露", "霜降", "立冬", "小雪", "大雪", "冬至"}
)


class CalendarDataError(Exception):
    """A calendar file that cannot be trusted: names the file and the field, so it can be fixed."""

    def __init__(self, file: str, field: str, problem: str) -> None:
        super().__init__(f"{file}: {field}: {problem}")
        self.file = file
        self.field = field
        self.problem = problem


@dataclass(frozen=True)
class Citation:
    en: str
    zh: str


@dataclass(frozen=True)
class HolidayRange:
    name: str
    first: date
    last: date

    def days(self) -> Iterable[date]:
        d = self.first
        while d <= self.last:
            yield d
            d += timedelta(days=1)


@dataclass(frozen=True)
class OfficialYear:
    """One year's official arrangement: weekends off, except the make-up working days; holidays off."""

    year: int
    citation: Citation
    confidence: str
    source: str
    holidays: tuple[HolidayRange, ...]
    working_days: frozenset[date]

    @cached_property  # asked for every day the clock counts
    def days_off(self) -> frozenset[date]:
        return frozenset(d for holiday in self.holidays for d in holiday.days())

    def is_working_day(self, d: date) -> bool:
        if d.year != self.year:
            raise ValueError(f"{d} is not in {self.year}")
        if d in self.working_days:
            return True
        return d.weekday() < 5 and d not in self.days_off


@dataclass(frozen=True)
class HolidayRule:
    """A statutory holiday: `days` days from its anchor (shifted by `offset` days).

    The anchor is a Gregorian month-day (``solar``), a lunar month-day (``lunar``) or a solar term
    (``solar_term``, e.g. 清明)."""

    name: str
    anchor: Literal["solar", "lunar", "solar_term"]
    month: int
    day: int
    term: str
    offset: int
    days: int


@dataclass(frozen=True)
class StatutoryHolidays:
    citation: Citation
    confidence: str
    in_force_from: date
    rules: tuple[HolidayRule, ...]


class _StrictLoader(yaml.SafeLoader):
    """safe_load, but a key given twice is an error rather than a silent last-one-wins."""


def _no_duplicate_keys(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_duplicate_keys)
# Dates stay text until `_date` reads them, so that an impossible date is reported with its field.
_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _read(path: Path) -> Mapping[str, Any]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_StrictLoader)  # a SafeLoader subclass
    except OSError as exc:
        raise CalendarDataError(str(path), "(file)", f"cannot be read: {exc.strerror or exc}") from None
    except (yaml.YAMLError, ValueError) as exc:  # ValueError: not UTF-8
        raise CalendarDataError(str(path), "(file)", f"is not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise CalendarDataError(str(path), "(file)", "must be a mapping of fields")
    return data


def _fields(file: str, data: Mapping[str, Any], required: set[str], optional: set[str], prefix: str = "") -> None:
    for key in data:
        if key not in required | optional:
            allowed = ", ".join(sorted(required | optional))
            raise CalendarDataError(file, f"{prefix}{key}", f"is not a field (fields: {allowed})")
    for key in sorted(required):
        if key not in data:
            raise CalendarDataError(file, f"{prefix}{key}", "is required")


def _text(file: str, field: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise CalendarDataError(file, field, "must be non-empty text")
    return value.strip()


def _date(file: str, field: str, value: Any) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise CalendarDataError(file, field, f"{value!r} is not a date (YYYY-MM-DD)")


def _int(file: str, field: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise CalendarDataError(file, field, f"{value!r} is not a whole number from {low} to {high}")
    return value


def _citation(file: str, value: Any) -> Citation:
    if not isinstance(value, dict):
        raise CalendarDataError(file, "citation", "must be a mapping with en and zh")
    _fields(file, value, {"en", "zh"}, set(), prefix="citation.")
    return Citation(en=_text(file, "citation.en", value["en"]), zh=_text(file, "citation.zh", value["zh"]))


def _confidence(file: str, value: Any) -> str:
    if value not in CONFIDENCE_CODES:
        raise CalendarDataError(file, "confidence", f"{value!r} is not one of {', '.join(CONFIDENCE_CODES)}")
    return str(value)


def parse_year(path: Path) -> OfficialYear:
    """One year's notice, validated: every date in the year, make-up days on weekends, no day both."""
    file = str(path)
    data = _read(path)
    _fields(file, data, {"year", "citation", "confidence", "source", "holidays", "working_days"}, {"note"})
    year = _int(file, "year", data["year"], 1900, 2200)
    named = _YEAR_FILE.match(path.name)
    if named and int(named.group(1)) != year:
        raise CalendarDataError(file, "year", f"{year} does not match the file name {path.name}")
    holidays_data = data["holidays"]
    if not isinstance(holidays_data, list) or not holidays_data:
        raise CalendarDataError(file, "holidays", "must be a non-empty list")
    holidays: list[HolidayRange] = []
    for index, item in enumerate(holidays_data):
        where = f"holidays[{index}]"
        if not isinstance(item, dict):
            raise CalendarDataError(file, where, "must be a mapping with name, from and to")
        _fields(file, item, {"name", "from", "to"}, set(), prefix=f"{where}.")
        first = _date(file, f"{where}.from", item["from"])
        last = _date(file, f"{where}.to", item["to"])
        for field, d in ((f"{where}.from", first), (f"{where}.to", last)):
            if d.year != year:
                raise CalendarDataError(file, field, f"{d} is not in {year}")
        if last < first:
            raise CalendarDataError(file, f"{where}.to", f"{last} is before {first}")
        holidays.append(HolidayRange(_text(file, f"{where}.name", item["name"]), first, last))
    working_data = data["working_days"]
    if not isinstance(working_data, list):
        raise CalendarDataError(file, "working_days", "must be a list of dates (may be empty)")
    days_off = {d for holiday in holidays for d in holiday.days()}
    working: set[date] = set()
    for index, value in enumerate(working_data):
        where = f"working_days[{index}]"
        d = _date(file, where, value)
        if d.year != year:
            raise CalendarDataError(file, where, f"{d} is not in {year}")
        if d.weekday() < 5:
            # A make-up working day (调休上班) is a Saturday or Sunday; a weekday is one already.
            raise CalendarDataError(file, where, f"{d} is a weekday, not a make-up working day")
        if d in days_off:
            raise CalendarDataError(file, where, f"{d} is also a holiday")
        working.add(d)
    return OfficialYear(
        year=year,
        citation=_citation(file, data["citation"]),
        confidence=_confidence(file, data["confidence"]),
        source=_text(file, "source", data["source"]),
        holidays=tuple(holidays),
        working_days=frozenset(working),
    )


def parse_statutory(path: Path) -> StatutoryHolidays:
    file = str(path)
    data = _read(path)
    _fields(file, data, {"citation", "confidence", "in_force_from", "holidays"}, {"note"})
    rules_data = data["holidays"]
    if not isinstance(rules_data, list) or not rules_data:
        raise CalendarDataError(file, "holidays", "must be a non-empty list")
    rules: list[HolidayRule] = []
    for index, item in enumerate(rules_data):
        where = f"holidays[{index}]"
        if not isinstance(item, dict):
            raise CalendarDataError(file, where, "must be a mapping")
        _fields(file, item, {"name", "days"}, {"solar", "lunar", "solar_term", "offset"}, prefix=f"{where}.")
        anchors = [key for key in ("solar", "lunar", "solar_term") if key in item]
        if len(anchors) != 1:
            raise CalendarDataError(file, where, "needs exactly one of solar, lunar, solar_term")
        anchor = anchors[0]
        month = day = 0
        term = ""
        if anchor == "solar_term":
            term = str(item["solar_term"])
            if term not in SOLAR_TERMS:
                raise CalendarDataError(file, f"{where}.solar_term", f"{term!r} is not one of the 24 solar terms")
        else:
            matched = _MONTH_DAY.match(str(item[anchor]))
            if not matched:
                raise CalendarDataError(file, f"{where}.{anchor}", f"{item[anchor]!r} is not MM-DD")
            month, day = int(matched.group(1)), int(matched.group(2))
            if not (1 <= month <= 12 and 1 <= day <= (31 if anchor == "solar" else 30)):
                raise CalendarDataError(file, f"{where}.{anchor}", f"{item[anchor]!r} is not a month-day")
        rules.append(
            HolidayRule(
                name=_text(file, f"{where}.name", item["name"]),
                anchor=anchor,  # type: ignore[arg-type]
                month=month,
                day=day,
                term=term,
                offset=_int(file, f"{where}.offset", item.get("offset", 0), -30, 30),
                days=_int(file, f"{where}.days", item["days"], 1, 30),
            )
        )
    return StatutoryHolidays(
        citation=_citation(file, data["citation"]),
        confidence=_confidence(file, data["confidence"]),
        in_force_from=_date(file, "in_force_from", data["in_force_from"]),
        rules=tuple(rules),
    )


def shipped_dir() -> Path:
    """The calendar data shipped in the package."""
    return Path(str(resources.files("vatspilot.rulebook").joinpath("calendar")))


_PARSED: dict[tuple[str, int, int], OfficialYear] = {}


def _parsed_year(path: Path) -> OfficialYear:
    # Keyed by the file's size and modification time: an edited or replaced file is parsed again.
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    year = _PARSED.get(key)
    if year is None:
        year = parse_year(path)
        _PARSED[key] = year
    return year


def year_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.is_file() and _YEAR_FILE.match(p.name))


def official_years(directories: Iterable[Path]) -> dict[int, OfficialYear]:
    """The years of every ``<year>.yaml`` in `directories`, read now; a later directory overrides an earlier."""
    years: dict[int, OfficialYear] = {}
    for directory in directories:
        for path in year_files(directory):
            official = _parsed_year(path)
            years[official.year] = official
    return years


_STATUTORY: dict[tuple[str, int, int], StatutoryHolidays] = {}


def statutory_holidays() -> StatutoryHolidays:
    # Parsed once per file version, as the years are (_parsed_year): every statutory clock reads it.
    path = shipped_dir() / STATUTORY_FILE
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    rules = _STATUTORY.get(key)
    if rules is None:
        rules = parse_statutory(path)
        _STATUTORY[key] = rules
    return rules
