"""The clock badge: the words for each status, and the years the working-day calendar lacks."""

from __future__ import annotations

from datetime import date

import pytest
from django.template import Context, Template
from django.utils import translation

from vatspilot.domain.applications import ClockStatus, DeadlineStatus

_BADGE = Template('{% include "web/partials/clock_badge.html" %}')


def _render(clock: ClockStatus, language: str) -> str:
    with translation.override(language):
        return _BADGE.render(Context({"clock": clock})).strip()


def _clock(status: DeadlineStatus, *, days_left: int | None = 20, years: tuple[int, ...] = (), paused: bool = False):
    return ClockStatus(
        started=True,
        days_used=None if days_left is None else 60 - days_left,
        days_left=days_left,
        paused=paused,
        stopped=False,
        due_date=None if years else date(2026, 12, 20),
        status=status,
        unknown_years=years,
    )


@pytest.mark.parametrize(
    ("clock", "language", "expected"),
    [
        (_clock(DeadlineStatus.ON_TRACK), "en", '<span class="badge badge--on-track">On track</span>'),
        (_clock(DeadlineStatus.ON_TRACK), "zh-hans", '<span class="badge badge--on-track">正常</span>'),
        (
            _clock(DeadlineStatus.DUE_SOON, days_left=4),
            "en",
            '<span class="badge badge--due-soon">Due within 10 working days</span>',
        ),
        (
            _clock(DeadlineStatus.DUE_SOON, days_left=4),
            "zh-hans",
            '<span class="badge badge--due-soon">10 个工作日内到期</span>',
        ),
        (_clock(DeadlineStatus.OVERDUE, days_left=-3), "en", '<span class="badge badge--overdue">Overdue</span>'),
        (
            _clock(DeadlineStatus.UNKNOWN_CALENDAR, days_left=None, years=(2027,)),
            "en",
            '<span class="badge badge--unknown-calendar">Calendar unknown for 2027</span>',
        ),
        (
            _clock(DeadlineStatus.UNKNOWN_CALENDAR, days_left=None, years=(2027, 2028)),
            "zh-hans",
            '<span class="badge badge--unknown-calendar">2027, 2028 年日历未知</span>',
        ),
        (
            _clock(DeadlineStatus.ON_TRACK, years=(2027,)),
            "en",
            '<span class="badge badge--on-track">On track</span> '
            '<span class="badge badge--unknown-calendar">Calendar unknown for 2027</span>',
        ),
        (
            _clock(DeadlineStatus.ON_TRACK, paused=True),
            "en",
            '<span class="badge badge--paused">Paused: supplement open</span>',
        ),
    ],
)
def test_the_badge_names_the_status_and_any_unknown_years(clock: ClockStatus, language: str, expected: str) -> None:
    assert _render(clock, language) == expected
