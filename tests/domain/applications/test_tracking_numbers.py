"""Tracking numbers: their written form, the check symbol that catches a typing mistake, lenient reading."""

from __future__ import annotations

import pytest

from vatspilot.domain.applications.tracking import check_symbol, new_tracking_number, parse_tracking_number


def test_the_written_form_and_its_check_symbol() -> None:
    assert new_tracking_number(0) == "VP-0000-0000-0"
    assert new_tracking_number(123456789) == "VP-003N-QK8N-U"
    assert new_tracking_number(32**8 - 1) == "VP-ZZZZ-ZZZZ-F"
    assert check_symbol("003NQK8N") == "U"  # 123456789 mod 37 = 33, the fifth extra check symbol


@pytest.mark.parametrize(
    "typed", ["VP-003N-QK8N-U", "vp-003n-qk8n-u", "003N QK8N U", "VP003NQK8NU", " vp 0O3N-QK8N-u "]
)
def test_a_number_is_read_leniently(typed: str) -> None:
    assert parse_tracking_number(typed) == "VP-003N-QK8N-U"


@pytest.mark.parametrize(
    "typed",
    [
        "VP-003N-QK8N-V",  # the check symbol does not match: one symbol mistyped
        "VP-003N-QK8M-U",
        "VP-003N-QK8-U",  # too short
        "VP-003N-QK8NN-U",  # too long
        "VP-003N-QK8N-!",
        "",
    ],
)
def test_a_mistyped_number_is_not_read(typed: str) -> None:
    assert parse_tracking_number(typed) is None


def test_fresh_numbers_differ_and_read_back() -> None:
    numbers = {new_tracking_number() for _ in range(200)}
    assert len(numbers) == 200
    assert all(parse_tracking_number(number) == number for number in numbers)
