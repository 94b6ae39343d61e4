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


_PANEL = Template('{% include "web/partials/clock.html" %}')

# A file accepted on 2 December 2026, seen that day: its due date falls in 2027, projected.
_PROVISIONAL = ClockStatus(
    started=True,
    days_used=0,
    days_left=60,
    paused=False,
    stopped=False,
    due_date=date(2027, 3, 1),
    status=DeadlineStatus.ON_TRACK,
    provisional_years=(2027,),
)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            '<span class="badge badge--on-track">On track</span> '
            '<span class="badge badge--provisional">Provisional: 2027 holidays projected</span>',
        ),
        (
            "zh-hans",
            '<span class="badge badge--on-track">正常</span> '
            '<span class="badge badge--provisional">暂定：2027 年节假日为推算</span>',
        ),
    ],
)
def test_the_badge_says_when_the_clock_is_provisional(language: str, expected: str) -> None:
    assert _render(_PROVISIONAL, language) == expected


@pytest.mark.parametrize(
    ("language", "due", "explanation"),
    [
        (
            "en",
            "<dd>2027-03-01 (provisional)</dd>",
            "<dt>Provisional</dt>\n      <dd>The official holiday arrangement for 2027 is not published yet.",
        ),
        ("zh-hans", "<dd>2027年3月1日 （暂定）</dd>", "<dt>暂定</dt>\n      <dd>2027 年的官方节假日安排尚未公布。"),
    ],
)
def test_the_clock_panel_marks_the_due_date_provisional_and_says_why(language: str, due: str, explanation: str) -> None:
    with translation.override(language):
        html = _PANEL.render(Context({"clock": _PROVISIONAL}))

    assert due in html
    assert explanation in html


def test_an_official_clock_says_nothing_provisional() -> None:
    official = _clock(DeadlineStatus.ON_TRACK)
    with translation.override("en"):
        html = _PANEL.render(Context({"clock": official}))

    assert "<dd>2026-12-20</dd>" in html
    assert "rovisional" not in html
