"""The network exit's checks beside its table: overdue on the deadline day (not) and the day after (yes),
how many days overdue, the plan's faults by field, and what a progress report may say."""

from __future__ import annotations

from datetime import date

import pytest

from vatspilot.domain.licences.exit import (
    ExitPlan,
    ExitState,
    days_overdue,
    exit_overdue,
    plan_problem,
    progress_problem,
)

DEADLINE = date(2025, 12, 31)
PLAN = ExitPlan(users_notified_on=date(2025, 10, 1), migration_deadline=DEADLINE, users_to_migrate=120)


@pytest.mark.parametrize(
    ("today", "overdue", "days"),
    [(date(2025, 12, 30), False, 0), (DEADLINE, False, 0), (date(2026, 1, 1), True, 1), (date(2026, 1, 31), True, 31)],
)
def test_overdue_only_after_the_deadline_day(today: date, overdue: bool, days: int) -> None:
    for state in (ExitState.IN_PROGRESS, ExitState.DONE_REPORTED):
        assert exit_overdue(state, PLAN, today) is overdue
        assert days_overdue(state, PLAN, today) == days


def test_a_completed_exit_or_one_without_a_plan_is_never_overdue() -> None:
    later = date(2027, 1, 1)
    assert (exit_overdue(ExitState.COMPLETED, PLAN, later), days_overdue(ExitState.COMPLETED, PLAN, later)) == (
        False,
        0,
    )
    assert (exit_overdue(ExitState.REQUIRED, None, later), days_overdue(ExitState.REQUIRED, None, later)) == (False, 0)


@pytest.mark.parametrize(
    ("plan", "problem"),
    [
        (PLAN, None),
        (ExitPlan(DEADLINE, DEADLINE, 0), None),  # told on the deadline day, nobody to move: sound
        (ExitPlan(date(2026, 1, 1), DEADLINE, 5), ("migration_deadline", "deadline-before-notice")),
        (ExitPlan(date(2025, 10, 1), DEADLINE, -1), ("users_to_migrate", "negative-count")),
    ],
)
def test_the_plan_is_judged_field_by_field(plan: ExitPlan, problem: tuple[str, str] | None) -> None:
    assert plan_problem(plan) == problem


@pytest.mark.parametrize(
    ("previous", "reported", "problem"),
    [
        (0, 0, None),
        (40, 40, None),  # the same count again, with a new note
        (40, 120, None),
        (0, -1, "negative-count"),
        (40, 121, "more-than-planned"),
        (40, 39, "fewer-than-reported"),
    ],
)
def test_a_progress_report(previous: int, reported: int, problem: str | None) -> None:
    assert progress_problem(PLAN, previous, reported) == problem
