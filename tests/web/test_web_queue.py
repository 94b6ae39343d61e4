"""The reviewers' queue: what awaits each official, most urgent first."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pilot_world import World, client_for

from vatspilot.domain.applications import ClockStatus, DeadlineStatus, Role, State
from vatspilot.queries.application_lists import reviewer_queue, urgency


def _clock(status: DeadlineStatus, days_left: int | None, *, paused: bool = False, started: bool = True) -> ClockStatus:
    return ClockStatus(
        started=started,
        days_used=None if days_left is None else 60 - days_left,
        days_left=days_left,
        paused=paused,
        stopped=False,
        due_date=None,
        status=status,
        unknown_years=(2027,) if status is DeadlineStatus.UNKNOWN_CALENDAR else (),
    )


def test_urgency_puts_overdue_first_then_fewest_days_left_then_paused_and_not_started_last() -> None:
    clocks = {
        "not started": _clock(DeadlineStatus.NOT_STARTED, 60, started=False),
        "paused": _clock(DeadlineStatus.ON_TRACK, 5, paused=True),
        "on track, 30 left": _clock(DeadlineStatus.ON_TRACK, 30),
        "overdue by 2": _clock(DeadlineStatus.OVERDUE, -2),
        "due soon, 4 left": _clock(DeadlineStatus.DUE_SOON, 4),
        "overdue by 9": _clock(DeadlineStatus.OVERDUE, -9),
        "calendar unknown": _clock(DeadlineStatus.UNKNOWN_CALENDAR, None),
    }

    ordered = sorted(clocks, key=lambda name: urgency(clocks[name]))

    assert ordered == [
        "overdue by 9",
        "overdue by 2",
        "due soon, 4 left",
        "on track, 30 left",
        "calendar unknown",
        "paused",
        "not started",
    ]


def test_the_local_officers_queue_is_sorted_by_urgency(world: World) -> None:
    # Given, on 2025-09-30, applications accepted on different days and one not yet accepted
    submitted_only = world.drive_to(State.SUBMITTED, dates=[date(2025, 9, 1)])
    recent = world.drive_to(State.PRELIMINARY_ASSESSMENT, dates=[date(2025, 8, 29), date(2025, 9, 1)])
    overdue = world.drive_to(State.PRELIMINARY_ASSESSMENT, dates=[date(2025, 5, 5), date(2025, 5, 6)])
    closer = world.drive_to(State.PRELIMINARY_ASSESSMENT, dates=[date(2025, 7, 14), date(2025, 7, 15)])
    today = date(2025, 9, 30)

    # When the officer's queue is drawn up
    rows = reviewer_queue(world.users[Role.LOCAL_OFFICER], today=today)

    # Then: overdue, then fewest days left, then the one whose clock has not started
    assert [row.application.pk for row in rows] == [overdue.pk, closer.pk, recent.pk, submitted_only.pk]
    assert [(row.clock.status, row.clock.days_left) for row in rows] == [
        (DeadlineStatus.OVERDUE, -45),
        (DeadlineStatus.DUE_SOON, 4),
        (DeadlineStatus.ON_TRACK, 38),
        (DeadlineStatus.NOT_STARTED, 60),
    ]


def test_the_queue_holds_only_what_awaits_the_user(world: World) -> None:
    submitted = world.drive_to(State.SUBMITTED)
    ministerial = world.drive_to(State.MINISTERIAL_REVIEW)
    world.new_application()  # a draft: no official sees it

    local = [row.application.pk for row in reviewer_queue(world.users[Role.LOCAL_OFFICER], today=date(2025, 6, 10))]
    cac = [row.application.pk for row in reviewer_queue(world.users[Role.CAC_REVIEWER], today=date(2025, 6, 10))]
    beijing = reviewer_queue(world.outsider, today=date(2025, 6, 10))

    assert local == [submitted.pk]
    assert cac == [ministerial.pk]
    assert beijing == []


@pytest.mark.parametrize(("language", "text"), [("en", "Nothing awaits your action."), ("zh-hans", "暂无待办事项。")])
def test_an_empty_queue_says_so(world: World, language: str, text: str) -> None:
    response = client_for(world.outsider, language).get(reverse("web:queue"))

    assert response.status_code == 200
    assert text in response.content.decode()


@pytest.mark.parametrize(
    ("today", "badge"),
    [
        (date(2025, 9, 30), '<span class="badge badge--overdue">Overdue</span>\n</td>'),
        (
            # 2027's official arrangement is not known: its days are projected, and the badge says so.
            date(2027, 3, 1),
            '<span class="badge badge--overdue">Overdue</span> '
            '<span class="badge badge--provisional">Provisional: 2027 holidays projected</span>',
        ),
    ],
)
def test_the_queue_page_shows_the_clock_badge(world: World, settings: Any, today: date, badge: str) -> None:
    settings.VATSPILOT_TODAY = today  # the page judges the clocks on legal_today(), pinned here
    application = world.drive_to(State.PRELIMINARY_ASSESSMENT, dates=[date(2025, 1, 2), date(2025, 1, 3)])

    response = client_for(world.users[Role.LOCAL_OFFICER]).get(reverse("web:queue"))

    text = response.content.decode()
    assert reverse("web:application", args=[application.pk]) in text
    assert badge in text


def test_the_queue_page_shows_a_provisional_badge_for_a_file_accepted_on_2_december_2026(
    world: World, settings: Any
) -> None:
    settings.VATSPILOT_TODAY = date(2026, 12, 2)
    world.drive_to(State.PRELIMINARY_ASSESSMENT, dates=[date(2026, 12, 1), date(2026, 12, 2)])

    english = client_for(world.users[Role.LOCAL_OFFICER]).get(reverse("web:queue")).content.decode()
    chinese = client_for(world.users[Role.LOCAL_OFFICER], "zh-hans").get(reverse("web:queue")).content.decode()

    assert '<span class="badge badge--provisional">Provisional: 2027 holidays projected</span>' in english
    assert '<span class="badge badge--provisional">暂定：2027 年节假日为推算</span>' in chinese


def test_the_queue_reads_a_fixed_number_of_queries_however_long_it_is(world: World) -> None:
    world.drive_to(State.SUBMITTED)
    with CaptureQueriesContext(connection) as short:
        assert len(reviewer_queue(world.users[Role.LOCAL_OFFICER], today=date(2025, 6, 10))) == 1
    for _ in range(5):
        world.drive_to(State.SUBMITTED)
    with CaptureQueriesContext(connection) as long:
        assert len(reviewer_queue(world.users[Role.LOCAL_OFFICER], today=date(2025, 6, 10))) == 6
    assert len(long.captured_queries) == len(short.captured_queries)
