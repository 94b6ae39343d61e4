"""The licence's dates at their edges."""

from __future__ import annotations

from datetime import date

import pytest

from vatspilot.domain.licences.deadlines import (
    change_filed_late,
    change_filing_deadline,
    expiry_reminder_due,
    renewal_deadline,
    renewal_in_time,
    valid_until,
)


@pytest.mark.parametrize(
    ("issued", "years", "last_day"),
    [
        (date(2026, 12, 1), 5, date(2031, 11, 30)),
        (date(2025, 2, 28), 5, date(2030, 2, 27)),
        (date(2028, 2, 29), 5, date(2033, 2, 27)),  # issued on 29 February, anniversary 28 February
        (date(2028, 2, 29), 4, date(2032, 2, 28)),  # a leap anniversary keeps its day
        (date(2026, 1, 1), 5, date(2030, 12, 31)),
    ],
)
def test_validity(issued: date, years: int, last_day: date) -> None:
    assert valid_until(issued, years) == last_day


def test_renewal_deadline_edges() -> None:
    last_day = date(2030, 2, 27)
    assert renewal_deadline(last_day, 90) == date(2029, 11, 29)
    assert renewal_in_time(date(2029, 11, 29), last_day, 90)
    assert not renewal_in_time(date(2029, 11, 30), last_day, 90)
    assert renewal_in_time(date(2027, 1, 1), last_day, 90)


def test_change_filing_edges() -> None:
    assert change_filing_deadline(date(2026, 3, 2), 30) == date(2026, 4, 1)
    assert not change_filed_late(date(2026, 3, 2), date(2026, 4, 1), 30)
    assert change_filed_late(date(2026, 3, 2), date(2026, 4, 2), 30)


LAST = date(2031, 11, 30)


@pytest.mark.parametrize(
    ("today", "sent", "due"),
    [
        (date(2031, 8, 31), [], None),  # 91 days before
        (date(2031, 9, 1), [], 90),  # exactly 90 days before
        (date(2031, 9, 2), [90], None),
        (date(2031, 10, 31), [90], 30),
        (date(2031, 11, 23), [90, 30], 7),
        (date(2031, 11, 30), [90, 30, 7], None),
        (date(2031, 11, 25), [], 7),  # the job was down: only the most urgent
        (date(2031, 12, 1), [], None),  # expired: no reminder
    ],
)
def test_expiry_reminders(today: date, sent: list[int], due: int | None) -> None:
    assert expiry_reminder_due(LAST, today, sent) == due
