"""The statutory clock: which days count, pauses, unknown years and the status boundaries."""

from __future__ import annotations

from datetime import date

import pytest

from vatspilot.domain.applications import (
    Action,
    ClockEvent,
    ClockEventKind,
    ClockSettings,
    ClockStart,
    DayUnit,
    DeadlineStatus,
    WorkingDayCalendar,
    clock_event_kind,
    clock_status,
)

CALENDAR_DAYS = ClockSettings(unit=DayUnit.CALENDAR)
ACCEPTED = ClockEventKind.ACCEPTED
RECEIVED = ClockEventKind.RECEIVED
OPENED = ClockEventKind.SUPPLEMENT_OPENED
CLOSED = ClockEventKind.SUPPLEMENT_CLOSED
DECIDED = ClockEventKind.DECIDED
WITHDRAWN = ClockEventKind.WITHDRAWN


def _events(*pairs: tuple[ClockEventKind, date]) -> list[ClockEvent]:
    return [ClockEvent(kind, on) for kind, on in pairs]


def test_the_defaults_are_60_working_days_from_acceptance_due_soon_within_10() -> None:
    assert ClockSettings() == ClockSettings(
        period_days=60, unit=DayUnit.WORKING, start=ClockStart.ACCEPTANCE, due_soon_within=10
    )


@pytest.mark.parametrize(("period", "due_soon"), [(0, 10), (60, -1)])
def test_settings_reject_nonsense(period: int, due_soon: int) -> None:
    with pytest.raises(ValueError):
        ClockSettings(period_days=period, due_soon_within=due_soon)


def test_receipt_alone_does_not_start_the_default_clock(calendar_2025: WorkingDayCalendar) -> None:
    status = clock_status(_events((RECEIVED, date(2025, 3, 3))), ClockSettings(), calendar_2025, date(2025, 3, 20))
    assert (status.started, status.days_used, status.days_left, status.status) == (
        False,
        0,
        60,
        DeadlineStatus.NOT_STARTED,
    )


def test_the_acceptance_day_itself_does_not_count(calendar_2025: WorkingDayCalendar) -> None:
    status = clock_status(_events((ACCEPTED, date(2025, 3, 3))), CALENDAR_DAYS, calendar_2025, date(2025, 3, 3))
    assert (status.started, status.days_used, status.due_date) == (True, 0, date(2025, 5, 2))


def test_calendar_days_count_every_day_after_acceptance(calendar_2025: WorkingDayCalendar) -> None:
    status = clock_status(_events((ACCEPTED, date(2025, 3, 3))), CALENDAR_DAYS, calendar_2025, date(2025, 3, 13))
    assert (status.days_used, status.days_left, status.status) == (10, 50, DeadlineStatus.ON_TRACK)


def test_receipt_start_counts_from_the_submission(calendar_2025: WorkingDayCalendar) -> None:
    settings = ClockSettings(unit=DayUnit.CALENDAR, start=ClockStart.RECEIPT)
    events = _events((RECEIVED, date(2025, 3, 3)), (ACCEPTED, date(2025, 3, 10)))
    assert clock_status(events, settings, calendar_2025, date(2025, 3, 13)).days_used == 10


def test_working_days_skip_the_holiday_and_count_make_up_days(calendar_2025: WorkingDayCalendar) -> None:
    # Accepted Fri 26 Sep: counted 28 Sep (Sun, made up), 29, 30 Sep, 9, 10 Oct, 11 Oct (Sat, made up).
    events = _events((ACCEPTED, date(2025, 9, 26)))
    status = clock_status(events, ClockSettings(), calendar_2025, date(2025, 10, 12))
    assert (status.days_used, status.days_left) == (6, 54)


def test_the_working_day_due_date_is_projected_over_weekends(calendar_2025: WorkingDayCalendar) -> None:
    # 54 working days after Sun 12 Oct: ten weeks to Fri 19 Dec, then Mon 22 to Thu 25 Dec.
    events = _events((ACCEPTED, date(2025, 9, 26)))
    assert clock_status(events, ClockSettings(), calendar_2025, date(2025, 10, 12)).due_date == date(2025, 12, 25)


def test_an_open_supplement_pauses_the_clock(calendar_2025: WorkingDayCalendar) -> None:
    events = _events((ACCEPTED, date(2025, 3, 3)), (OPENED, date(2025, 3, 10)))
    status = clock_status(events, CALENDAR_DAYS, calendar_2025, date(2025, 3, 20))
    assert (status.days_used, status.paused, status.due_date, status.status) == (
        6,
        True,
        None,
        DeadlineStatus.ON_TRACK,
    )


def test_an_answered_supplement_leaves_out_its_days(calendar_2025: WorkingDayCalendar) -> None:
    # 4-9 Mar count (6); 10-14 Mar paused; 15-20 Mar count (6).
    events = _events((ACCEPTED, date(2025, 3, 3)), (OPENED, date(2025, 3, 10)), (CLOSED, date(2025, 3, 14)))
    status = clock_status(events, CALENDAR_DAYS, calendar_2025, date(2025, 3, 20))
    assert (status.days_used, status.paused, status.due_date) == (12, False, date(2025, 5, 7))


def test_the_day_the_supplement_is_answered_does_not_count(calendar_2025: WorkingDayCalendar) -> None:
    events = _events((ACCEPTED, date(2025, 3, 3)), (OPENED, date(2025, 3, 10)), (CLOSED, date(2025, 3, 12)))
    assert clock_status(events, CALENDAR_DAYS, calendar_2025, date(2025, 3, 12)).days_used == 6


def test_counting_resumes_the_day_after_the_answer(calendar_2025: WorkingDayCalendar) -> None:
    events = _events((ACCEPTED, date(2025, 3, 3)), (OPENED, date(2025, 3, 10)), (CLOSED, date(2025, 3, 12)))
    assert clock_status(events, CALENDAR_DAYS, calendar_2025, date(2025, 3, 13)).days_used == 7


def test_a_supplement_opened_and_answered_the_same_day_leaves_out_that_day(
    calendar_2025: WorkingDayCalendar,
) -> None:
    events = _events((ACCEPTED, date(2025, 3, 3)), (OPENED, date(2025, 3, 5)), (CLOSED, date(2025, 3, 5)))
    assert clock_status(events, CALENDAR_DAYS, calendar_2025, date(2025, 3, 6)).days_used == 2


def test_a_formal_supplement_before_acceptance_does_not_touch_the_acceptance_clock(
    calendar_2025: WorkingDayCalendar,
) -> None:
    events = _events(
        (RECEIVED, date(2025, 3, 3)),
        (OPENED, date(2025, 3, 5)),
        (CLOSED, date(2025, 3, 7)),
        (ACCEPTED, date(2025, 3, 10)),
    )
    assert clock_status(events, CALENDAR_DAYS, calendar_2025, date(2025, 3, 12)).days_used == 2


def test_a_formal_supplement_pauses_the_receipt_clock(calendar_2025: WorkingDayCalendar) -> None:
    # 4 Mar counts; 5-7 Mar paused; 8-12 Mar count.
    events = _events(
        (RECEIVED, date(2025, 3, 3)),
        (OPENED, date(2025, 3, 5)),
        (CLOSED, date(2025, 3, 7)),
        (ACCEPTED, date(2025, 3, 10)),
    )
    settings = ClockSettings(unit=DayUnit.CALENDAR, start=ClockStart.RECEIPT)
    assert clock_status(events, settings, calendar_2025, date(2025, 3, 12)).days_used == 6


def test_an_unknown_year_in_the_counted_days_is_reported_not_guessed(
    calendar_2025: WorkingDayCalendar,
) -> None:
    events = _events((ACCEPTED, date(2024, 12, 20)))
    status = clock_status(events, ClockSettings(), calendar_2025, date(2025, 1, 10))
    assert (status.unknown_years, status.days_used, status.days_left, status.due_date, status.status) == (
        (2024,),
        None,
        None,
        None,
        DeadlineStatus.UNKNOWN_CALENDAR,
    )


def test_an_unknown_year_before_the_projected_due_date_hides_only_the_due_date(
    calendar_2025: WorkingDayCalendar,
) -> None:
    # The days up to today are all in 2025 and certain; only the projection runs into 2026.
    events = _events((ACCEPTED, date(2025, 11, 3)))
    status = clock_status(events, ClockSettings(), calendar_2025, date(2025, 11, 10))
    assert (status.unknown_years, status.days_used, status.days_left, status.due_date, status.status) == (
        (2026,),
        5,
        55,
        None,
        DeadlineStatus.ON_TRACK,
    )


def test_calendar_days_never_ask_the_calendar(calendar_2025: WorkingDayCalendar) -> None:
    events = _events((ACCEPTED, date(2099, 1, 1)))
    status = clock_status(events, CALENDAR_DAYS, calendar_2025, date(2099, 1, 11))
    assert (status.days_used, status.unknown_years) == (10, ())


@pytest.mark.parametrize(
    ("today", "used", "left", "expected"),
    [
        (date(2025, 4, 21), 49, 11, DeadlineStatus.ON_TRACK),
        (date(2025, 4, 22), 50, 10, DeadlineStatus.DUE_SOON),
        (date(2025, 5, 2), 60, 0, DeadlineStatus.DUE_SOON),
        (date(2025, 5, 3), 61, -1, DeadlineStatus.OVERDUE),
    ],
)
def test_status_boundaries_around_the_due_date(
    calendar_2025: WorkingDayCalendar, today: date, used: int, left: int, expected: DeadlineStatus
) -> None:
    status = clock_status(_events((ACCEPTED, date(2025, 3, 3))), CALENDAR_DAYS, calendar_2025, today)
    assert (status.days_used, status.days_left, status.status, status.due_date) == (
        used,
        left,
        expected,
        date(2025, 5, 2),
    )


@pytest.mark.parametrize(
    ("today", "used", "left", "expected"),
    [
        (date(2025, 5, 9), 49, 11, DeadlineStatus.ON_TRACK),
        (date(2025, 5, 12), 50, 10, DeadlineStatus.DUE_SOON),
    ],
)
def test_due_soon_within_10_working_days(
    calendar_2025: WorkingDayCalendar, today: date, used: int, left: int, expected: DeadlineStatus
) -> None:
    # Accepted Mon 3 Mar (the fake calendar has no spring holidays): counting starts Tue 4 Mar, so ten
    # full weeks of five working days end on Mon 12 May.
    status = clock_status(_events((ACCEPTED, date(2025, 3, 3))), ClockSettings(), calendar_2025, today)
    assert (status.days_used, status.days_left, status.status) == (used, left, expected)


def test_overdue_the_day_after_the_due_date_even_when_it_does_not_count(
    calendar_2025: WorkingDayCalendar,
) -> None:
    # Three working days from Tue 4 Mar end on Fri 7 Mar; Saturday does not count but is past due.
    events = _events((ACCEPTED, date(2025, 3, 4)))
    status = clock_status(events, ClockSettings(period_days=3), calendar_2025, date(2025, 3, 8))
    assert (status.days_used, status.days_left, status.due_date, status.status) == (
        3,
        0,
        date(2025, 3, 7),
        DeadlineStatus.OVERDUE,
    )


def test_a_decision_stops_the_clock_and_its_day_counts(calendar_2025: WorkingDayCalendar) -> None:
    events = _events((ACCEPTED, date(2025, 3, 3)), (DECIDED, date(2025, 3, 10)))
    status = clock_status(events, CALENDAR_DAYS, calendar_2025, date(2025, 3, 20))
    assert (status.days_used, status.stopped, status.paused, status.due_date, status.status) == (
        7,
        True,
        False,
        None,
        DeadlineStatus.STOPPED,
    )


def test_withdrawal_before_acceptance_stops_a_clock_that_never_started(
    calendar_2025: WorkingDayCalendar,
) -> None:
    events = _events((RECEIVED, date(2025, 3, 3)), (WITHDRAWN, date(2025, 3, 5)))
    status = clock_status(events, ClockSettings(), calendar_2025, date(2025, 3, 20))
    assert (status.started, status.stopped, status.status) == (False, True, DeadlineStatus.STOPPED)


def test_events_after_today_are_not_yet_known(calendar_2025: WorkingDayCalendar) -> None:
    events = _events((ACCEPTED, date(2025, 3, 3)), (DECIDED, date(2025, 3, 10)))
    status = clock_status(events, CALENDAR_DAYS, calendar_2025, date(2025, 3, 5))
    assert (status.days_used, status.stopped, status.status) == (2, False, DeadlineStatus.ON_TRACK)


def test_events_after_the_decision_are_ignored(calendar_2025: WorkingDayCalendar) -> None:
    events = _events((ACCEPTED, date(2025, 3, 3)), (DECIDED, date(2025, 3, 10)), (OPENED, date(2025, 3, 12)))
    status = clock_status(events, CALENDAR_DAYS, calendar_2025, date(2025, 3, 20))
    assert (status.days_used, status.paused) == (7, False)


@pytest.mark.parametrize(
    ("action", "kind"),
    [
        (Action.SUBMIT, RECEIVED),
        (Action.ACCEPT, ACCEPTED),
        (Action.REQUEST_SUPPLEMENT, OPENED),
        (Action.ANSWER_SUPPLEMENT, CLOSED),
        (Action.APPROVE, DECIDED),
        (Action.REFUSE, DECIDED),
        (Action.WITHDRAW, WITHDRAWN),
        (Action.ORDER_ONSITE_VERIFICATION, None),
        (Action.RECORD_OPINION, None),
    ],
)
def test_clock_event_of_each_action(action: Action, kind: ClockEventKind | None) -> None:
    assert clock_event_kind(action) == kind


@pytest.fixture(scope="module")
def projection_2026(calendar_2025: WorkingDayCalendar) -> WorkingDayCalendar:
    """A fake projection that knows 2026 only: weekends off, 1 Jan off, nothing made up."""
    fake = type(calendar_2025)  # the conftest's FakeCalendar
    return fake(years=frozenset({2026}), holidays=frozenset({date(2026, 1, 1)}), makeup_days=frozenset())  # type: ignore[call-arg]


def test_a_projected_year_gives_a_provisional_due_date(
    calendar_2025: WorkingDayCalendar, projection_2026: WorkingDayCalendar
) -> None:
    # Wed 5 Nov-Mon 10 Nov: 4 working days counted (official, certain). Of the 56 left, 11 Nov-31 Dec holds
    # 37 (the fake has no holiday then); the 19 of 2026 are on the projection, 1 Jan off: Fri 2 Jan, 5-23 Jan
    # (15) and Mon 26-Wed 28 Jan.
    events = _events((ACCEPTED, date(2025, 11, 4)))
    status = clock_status(events, ClockSettings(), calendar_2025, date(2025, 11, 10), projection_2026)
    assert (status.days_used, status.due_date, status.status, status.unknown_years) == (
        4,
        date(2026, 1, 28),
        DeadlineStatus.ON_TRACK,
        (),
    )
    assert (status.provisional_years, status.provisional) == ((2026,), True)


def test_projected_days_up_to_today_are_counted_provisionally(
    calendar_2025: WorkingDayCalendar, projection_2026: WorkingDayCalendar
) -> None:
    # 2025: 22-26 Dec and 29-31 Dec count (8); 2026: 1 Jan is off on the projection, 2 Jan and 5-9 Jan (6).
    events = _events((ACCEPTED, date(2025, 12, 19)))
    status = clock_status(events, ClockSettings(), calendar_2025, date(2026, 1, 9), projection_2026)
    assert (status.days_used, status.days_left, status.status, status.provisional_years) == (
        14,
        46,
        DeadlineStatus.ON_TRACK,
        (2026,),
    )


def test_a_year_neither_calendar_knows_stays_unknown(
    calendar_2025: WorkingDayCalendar, projection_2026: WorkingDayCalendar
) -> None:
    events = _events((ACCEPTED, date(2024, 12, 20)))
    status = clock_status(events, ClockSettings(), calendar_2025, date(2025, 1, 10), projection_2026)
    assert (status.status, status.unknown_years, status.provisional_years, status.days_used) == (
        DeadlineStatus.UNKNOWN_CALENDAR,
        (2024,),
        (),
        None,
    )


def test_the_projection_is_not_asked_for_a_year_the_official_calendar_knows(
    calendar_2025: WorkingDayCalendar, projection_2026: WorkingDayCalendar
) -> None:
    events = _events((ACCEPTED, date(2025, 3, 3)))
    status = clock_status(events, ClockSettings(), calendar_2025, date(2025, 3, 20), projection_2026)
    assert (status.due_date, status.provisional_years, status.provisional) == (date(2025, 5, 26), (), False)
