"""Licence numbers: classes, year, serial; the rulebook's setting read and checked."""

from __future__ import annotations

from datetime import date

import pytest

from vatspilot.domain.licences.numbers import (
    BadNumberFormat,
    NumberFormat,
    licence_number,
    service_classes,
)
from vatspilot.rulebook.loader import default_rulebook

DEFAULT = NumberFormat(".", 4)


def test_the_rulebook_default_is_the_miit_style() -> None:
    setting = default_rulebook().parameter("parameter:licence-number-format", date(2025, 2, 28))
    assert NumberFormat.from_setting(setting) == DEFAULT


@pytest.mark.parametrize(
    ("codes", "year", "serial", "number"),
    [
        (["B21", "B11"], 2025, 7, "B1.B2-20250007"),
        (["B25-01"], 2026, 1, "B2-20260001"),
        (["B22", "B21", "B26"], 2026, 9999, "B2-20269999"),
        (["B14"], 2026, 10000, "B1-202610000"),
    ],
)
def test_numbers(codes: list[str], year: int, serial: int, number: str) -> None:
    assert licence_number(DEFAULT, codes, year, serial) == number


def test_classes_are_sorted_and_once() -> None:
    assert service_classes(["B26", "B11", "B21", "B13"]) == ("B1", "B2")


@pytest.mark.parametrize(
    "setting",
    [
        None,
        {"class-separator": "-", "serial-digits": 4},
        {"class-separator": "ab", "serial-digits": 4},
        {"class-separator": ".", "serial-digits": 0},
        {"class-separator": ".", "serial-digits": True},
        {"class-separator": "."},
    ],
)
def test_bad_settings_are_refused(setting: object) -> None:
    with pytest.raises(BadNumberFormat):
        NumberFormat.from_setting(setting)


def test_no_service_or_no_serial_is_refused() -> None:
    with pytest.raises(ValueError):
        licence_number(DEFAULT, [], 2026, 1)
    with pytest.raises(ValueError):
        licence_number(DEFAULT, ["B21"], 2026, 0)
