"""When a listing after a penalty is due (Order 42 Art. 42: within the rulebook's days of the decision),
and when it is overdue: the due day itself is on time, the day after is late; no penalty, no term."""

from __future__ import annotations

from datetime import date

from vatspilot.domain.licences.credit_lists import CreditList, listing_due, listing_overdue

DECIDED = date(2025, 3, 1)


def test_the_lists_are_the_two_of_art_37() -> None:
    assert [kind.value for kind in CreditList] == ["bad_record", "dishonest"]


def test_a_listing_is_due_the_given_days_after_the_decision() -> None:
    assert listing_due(DECIDED, 30) == date(2025, 3, 31)
    assert listing_due(date(2024, 2, 1), 30) == date(2024, 3, 2)  # through a leap February


def test_listing_on_the_due_day_is_on_time_and_the_day_after_is_overdue() -> None:
    assert listing_overdue(DECIDED, date(2025, 3, 1), 30) is False
    assert listing_overdue(DECIDED, date(2025, 3, 31), 30) is False
    assert listing_overdue(DECIDED, date(2025, 4, 1), 30) is True


def test_a_listing_without_a_penalty_decision_is_never_overdue() -> None:
    assert listing_overdue(None, date(2030, 1, 1), 30) is False
