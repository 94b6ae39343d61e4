"""The clock's scenarios judged on Monday 1 March 2027, a year whose official arrangement is not known yet.

The calendars are the real ones (the shipped calendar data over chinese-calendar, and the statutory
projection); "today" is injected. Every expected date below was counted by hand, on these facts:

- December 2026 (official, State Council notice of 2025-11-04): no holiday, no make-up day; its working days
  are 1-4, 7-11, 14-18, 21-25 and 28-31 December.
- 2027 (projected, statutory holidays alone, no make-up days): Fri 1 Jan; Spring Festival Fri 5 Feb (eve)
  to Mon 8 Feb (the 3rd of the first lunar month); Qingming Mon 5 Apr. So the working days of January
  2027 are 4-8, 11-15, 18-22 and 25-29 (20); of February 1-4, 9-12, 15-19 and 22-26 (4 + 4 + 5 + 5 = 18).
- The default clock: 60 working days from the acceptance notice, whose day does not count.
"""

from __future__ import annotations

from datetime import date

import pytest

from vatspilot.domain.applications import ClockEvent, ClockEventKind, ClockSettings, ClockStatus, DeadlineStatus
from vatspilot.domain.applications.clock import clock_status
from vatspilot.rulebook.working_calendar import official_years, shipped_dir, statutory_holidays
from vatspilot.services.calendar.working_days import OfficialWorkingDayCalendar, StatutoryProjectionCalendar

TODAY = date(2027, 3, 1)
ACCEPTED = ClockEventKind.ACCEPTED
OPENED = ClockEventKind.SUPPLEMENT_OPENED
CLOSED = ClockEventKind.SUPPLEMENT_CLOSED
DECIDED = ClockEventKind.DECIDED


def _clock(*pairs: tuple[ClockEventKind, date], today: date = TODAY) -> ClockStatus:
    official = OfficialWorkingDayCalendar(official_years([shipped_dir()]))
    projection = StatutoryProjectionCalendar(statutory_holidays())
    events = [ClockEvent(kind, on) for kind, on in pairs]
    return clock_status(events, ClockSettings(), official, today, projection)


def _summary(status: ClockStatus) -> tuple[object, ...]:
    return (status.days_used, status.days_left, status.due_date, status.status, status.provisional_years)


def test_a_file_accepted_on_2_december_2026_has_a_provisional_due_date_in_2027() -> None:
    # 3-31 Dec 2026: 2 + 5 + 5 + 5 + 4 = 21 working days. 39 more in 2027: January's 20 make 41, 1-4 Feb
    # make 45, 9-12 Feb 49, 15-19 Feb 54, 22-26 Feb 59, and Mon 1 Mar is the 60th.
    on_acceptance = _clock((ACCEPTED, date(2026, 12, 2)), today=date(2026, 12, 2))
    assert _summary(on_acceptance) == (0, 60, date(2027, 3, 1), DeadlineStatus.ON_TRACK, (2027,))
    assert on_acceptance.provisional is True
    assert on_acceptance.unknown_years == ()


@pytest.mark.parametrize(
    ("name", "events", "expected"),
    [
        (
            # The file above, on its due date: all 60 used, none left, due soon (not yet overdue).
            "due today",
            [(ACCEPTED, date(2026, 12, 2))],
            (60, 0, date(2027, 3, 1), DeadlineStatus.DUE_SOON, (2027,)),
        ),
        (
            # Accepted Mon 7 Dec 2026: 8-11, 14-18, 21-25, 28-31 Dec (18), January (38), February (56), Mon 1 Mar
            # (57 used). 3 left: Tue 2 to Thu 4 March.
            "due soon",
            [(ACCEPTED, date(2026, 12, 7))],
            (57, 3, date(2027, 3, 4), DeadlineStatus.DUE_SOON, (2027,)),
        ),
        (
            # Accepted Mon 2 Nov 2026: 3-30 Nov is 20 (3-6, 9-13, 16-20, 23-27, 30), December 23 (43); the 60th
            # is 17 working days into January: 4-8, 11-15 (53), 18-22 (58), 25, 26 -> Tue 26 Jan. On 1 March:
            # 43 + 20 + 18 + 1 = 82 used.
            "overdue",
            [(ACCEPTED, date(2026, 11, 2))],
            (82, -22, date(2027, 1, 26), DeadlineStatus.OVERDUE, (2027,)),
        ),
        (
            # Accepted Mon 4 Jan 2027: 5-8 Jan (4), then 15 more in January (19), February's 18 (37), 1 Mar (38).
            # 22 left: 2-5 Mar (4), 8-12 (9), 15-19 (14), 22-26 (19), Mon 29-Wed 31 Mar (22).
            "on track, all of it projected",
            [(ACCEPTED, date(2027, 1, 4))],
            (38, 22, date(2027, 3, 31), DeadlineStatus.ON_TRACK, (2027,)),
        ),
        (
            # Accepted 4 Jan; a supplement open Mon 18 Jan to Wed 10 Feb (both days left out). Counted: 5-8 and
            # 11-15 Jan (9), 11-12 Feb (11), 15-19 (16), 22-26 (21), 1 Mar (22). 38 left: 2 Mar-2 Apr is 24, Mon 5
            # Apr is Qingming, 6-9 Apr (28), 12-16 (33), 19-23 (38): due Fri 23 April.
            "answered supplement, over Spring Festival and Qingming",
            [(ACCEPTED, date(2027, 1, 4)), (OPENED, date(2027, 1, 18)), (CLOSED, date(2027, 2, 10))],
            (22, 38, date(2027, 4, 23), DeadlineStatus.ON_TRACK, (2027,)),
        ),
        (
            # Open since Mon 22 Feb: 5-8 Jan (4) + 15 (19) + 1-4 Feb (23) + 9-12 (27) + 15-19 (32); paused, so
            # no due date.
            "open supplement",
            [(ACCEPTED, date(2027, 1, 4)), (OPENED, date(2027, 2, 22))],
            (32, 28, None, DeadlineStatus.ON_TRACK, (2027,)),
        ),
        (
            # Decided Tue 9 Feb: 5-8 Jan (4) + 15 (19) + 1-4 Feb (23) + 9 Feb (24); stopped, no due date.
            "decided",
            [(ACCEPTED, date(2027, 1, 4)), (DECIDED, date(2027, 2, 9))],
            (24, 36, None, DeadlineStatus.STOPPED, (2027,)),
        ),
        (
            # Decided in 2026, before any 2027 day was needed: nothing is provisional.
            "decided in 2026",
            [(ACCEPTED, date(2026, 11, 2)), (DECIDED, date(2026, 11, 30))],
            (20, 40, None, DeadlineStatus.STOPPED, ()),
        ),
    ],
)
def test_the_clock_scenarios_on_1_march_2027(
    name: str, events: list[tuple[ClockEventKind, date]], expected: tuple[object, ...]
) -> None:
    assert _summary(_clock(*events)) == expected, name
