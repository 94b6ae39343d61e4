"""The statutory review clock: how many of the review period's days the authority has used.

Order 42 Art. 11 gives the authority 60 days to decide on a VATS licence. Whether they are working or
calendar days, and whether they run from receipt or from the acceptance notice, are settings
(rulebook-spec §8; default: 60 working days from the acceptance notice). The clock runs while the
authority holds the file and pauses while a supplement request (formal or ministerial) is open.

Time comes in as `today`; the clock never reads it. The counting rules are `COUNTING_RULES`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from vatspilot.domain.applications.clock_events import ClockEvent, ClockEventKind
from vatspilot.domain.applications.working_calendar import UnknownCalendarYear, WorkingDayCalendar

COUNTING_RULES: tuple[str, ...] = (
    "The clock starts on the day of the start event (the acceptance notice by default, or receipt of "
    "the submission). That day does not count; counting starts the next day.",
    "In working-day mode only official working days count: weekends and holidays do not, make-up "
    "working days do. In calendar-day mode every day counts.",
    "A day on which a supplement request was open at any time does not count: neither the day it is "
    "opened nor the day it is answered. Counting resumes the day after the answer.",
    "The day of the decision or withdrawal counts if it is a counting day; nothing counts after it.",
    "The due date is the day on which the period's last day is counted; from the next day the review "
    "is overdue. While a supplement is open and days are left, the due date is unknown (None); "
    "otherwise it is projected assuming no further pause.",
    "due_soon: not overdue and at most `due_soon_within` days (in the clock's unit, default 10) left; "
    "on the due date itself days_left is 0.",
    "Events dated after `today`, and events after the first decision or withdrawal, are ignored, so "
    "days_used never decreases as `today` advances.",
    "When the official calendar does not know a year the clock needs and a projection calendar is "
    "given (the statutory public holidays alone, no make-up days), that year's days are counted on "
    "the projection and the year is listed in provisional_years: the counts, the due date and the "
    "status are provisional until the year's official arrangement is entered.",
    "When neither calendar knows a year the clock needs (a counted day or a day up to the projected "
    "due date), the counts and the due date are None and the status is unknown_calendar.",
)

_ONE_DAY = timedelta(days=1)
# A projection that finds no due date within ten years is a broken calendar, not a deadline.
_MAX_PROJECTION_DAYS = 3660
_STOP_KINDS = frozenset({ClockEventKind.DECIDED, ClockEventKind.WITHDRAWN})


class DayUnit(StrEnum):
    WORKING = "working"
    CALENDAR = "calendar"


class ClockStart(StrEnum):
    ACCEPTANCE = "acceptance"  # the acceptance notice (受理通知书)
    RECEIPT = "receipt"  # receipt of the submitted application


class DeadlineStatus(StrEnum):
    NOT_STARTED = "not_started"
    ON_TRACK = "on_track"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    STOPPED = "stopped"
    UNKNOWN_CALENDAR = "unknown_calendar"


@dataclass(frozen=True)
class ClockSettings:
    """Policy parameters of the clock (rulebook-spec §8), with their defaults."""

    period_days: int = 60
    unit: DayUnit = DayUnit.WORKING
    start: ClockStart = ClockStart.ACCEPTANCE
    due_soon_within: int = 10

    def __post_init__(self) -> None:
        if self.period_days < 1:
            raise ValueError("period_days must be at least 1")
        if self.due_soon_within < 0:
            raise ValueError("due_soon_within must not be negative")


@dataclass(frozen=True)
class ClockStatus:
    """Where the clock stands on `today`.

    `days_left` is `period_days - days_used` and is negative once more days were used than the period
    allows. `provisional_years` are the years whose days were counted (up to today, or up to the
    projected due date) on the projection calendar because the official arrangement is not known yet:
    then the figures are `provisional`. `paused` is true while a supplement request is open (only on a
    running clock). `stopped` is true once the application is decided or withdrawn; the status of a
    stopped clock is `stopped` even when it never started (a refusal or withdrawal before acceptance).
    """

    started: bool
    days_used: int | None
    days_left: int | None
    paused: bool
    stopped: bool
    due_date: date | None
    status: DeadlineStatus
    unknown_years: tuple[int, ...] = ()
    provisional_years: tuple[int, ...] = ()

    @property
    def provisional(self) -> bool:
        """The counts or the due date rest on a projected year, not on the official arrangement."""
        return bool(self.provisional_years)


@dataclass(frozen=True)
class _Timeline:
    start: date | None
    stop: date | None
    pauses: tuple[tuple[date, date], ...]  # inclusive intervals
    supplement_open: bool


def _timeline(events: Iterable[ClockEvent], start_at: ClockStart, today: date) -> _Timeline:
    known = sorted((e for e in events if e.on <= today), key=lambda e: e.on)
    stop = next((e.on for e in known if e.kind in _STOP_KINDS), None)
    if stop is not None:
        known = [e for e in known if e.on <= stop]
    start_kind = ClockEventKind.ACCEPTED if start_at is ClockStart.ACCEPTANCE else ClockEventKind.RECEIVED
    start = next((e.on for e in known if e.kind is start_kind), None)
    pauses: list[tuple[date, date]] = []
    opened: date | None = None
    for event in known:
        # Unmatched events (a second opening, an answer without a request) are ignored.
        if event.kind is ClockEventKind.SUPPLEMENT_OPENED and opened is None:
            opened = event.on
        elif event.kind is ClockEventKind.SUPPLEMENT_CLOSED and opened is not None:
            pauses.append((opened, event.on))
            opened = None
    if opened is not None:
        pauses.append((opened, stop or today))
    return _Timeline(start=start, stop=stop, pauses=tuple(pauses), supplement_open=opened is not None)


def _in_pause(d: date, pauses: Sequence[tuple[date, date]]) -> bool:
    return any(first <= d <= last for first, last in pauses)


class _DayCounter:
    """Asks the official calendar first and, for a year it does not know, the projection (if any),
    noting each year it had to project."""

    def __init__(self, unit: DayUnit, calendar: WorkingDayCalendar, projection: WorkingDayCalendar | None) -> None:
        self.unit = unit
        self.calendar = calendar
        self.projection = projection
        self.projected: set[int] = set()

    def counts(self, d: date) -> bool:
        """Whether `d` is a day of the clock's unit (pauses aside); `UnknownCalendarYear` when neither
        calendar knows its year."""
        if self.unit is DayUnit.CALENDAR:
            return True
        try:
            return self.calendar.is_working_day(d)
        except UnknownCalendarYear:
            if self.projection is None:
                raise
        counted = self.projection.is_working_day(d)
        self.projected.add(d.year)
        return counted


def _project_due(after: date, remaining: int, counter: _DayCounter) -> tuple[date | None, int | None]:
    """The day the `remaining`-th counting day after `after` falls on, or the unknown year that stops it."""
    d = after
    for _ in range(_MAX_PROJECTION_DAYS):
        d += _ONE_DAY
        try:
            counted = counter.counts(d)
        except UnknownCalendarYear as exc:
            return None, exc.year
        if counted:
            remaining -= 1
            if remaining == 0:
                return d, None
    return None, None


def clock_status(
    events: Iterable[ClockEvent],
    settings: ClockSettings,
    calendar: WorkingDayCalendar,
    today: date,
    projection: WorkingDayCalendar | None = None,
) -> ClockStatus:
    """The statutory clock of one application on `today`, from its dated clock events.

    `calendar` is the official arrangement; `projection`, when given, answers for the years it does not
    know, and the result lists those years in `provisional_years`.

    Which days count (see also `COUNTING_RULES`):

    - the start day (acceptance notice, or receipt) does not count; counting starts the next day;
    - working-day mode counts official working days only (make-up working days included), calendar-day
      mode counts every day;
    - a day on which a supplement was open at any time does not count, the day it is answered included;
    - the decision (or withdrawal) day counts if it is a counting day; nothing after it counts;
    - the due date is the day the period's last day is counted; the day after it is overdue;
    - a year the official calendar does not know is counted on `projection` and is provisional;
    - a year neither knows among the days up to today makes the counts unknown (status
      unknown_calendar); one needed only to project the due date leaves the counts and the status, and
      the due date is None with the year in `unknown_years`.
    """
    counter = _DayCounter(settings.unit, calendar, projection)
    line = _timeline(events, settings.start, today)
    stopped = line.stop is not None
    if line.start is None:
        return ClockStatus(
            started=False,
            days_used=0,
            days_left=settings.period_days,
            paused=False,
            stopped=stopped,
            due_date=None,
            status=DeadlineStatus.STOPPED if stopped else DeadlineStatus.NOT_STARTED,
        )
    paused = line.supplement_open and not stopped
    end = today if line.stop is None else min(today, line.stop)

    unknown: set[int] = set()
    used = 0
    due: date | None = None
    d = line.start + _ONE_DAY
    while d <= end:
        if _in_pause(d, line.pauses):
            d += _ONE_DAY
            continue
        try:
            counted = counter.counts(d)
        except UnknownCalendarYear as exc:
            unknown.add(exc.year)
            d = date(d.year + 1, 1, 1)
            continue
        if counted:
            used += 1
            if used == settings.period_days:
                due = d
        d += _ONE_DAY

    # A year the calendar does not know only beyond today hides the projected due date, not the days
    # already counted: those are certain, and the status follows from them.
    beyond_today: set[int] = set()
    if not unknown and due is None and not stopped and not paused:
        due, unknown_year = _project_due(end, settings.period_days - used, counter)
        if unknown_year is not None:
            beyond_today.add(unknown_year)

    if unknown:
        return ClockStatus(
            started=True,
            days_used=None,
            days_left=None,
            paused=paused,
            stopped=stopped,
            due_date=None,
            status=DeadlineStatus.UNKNOWN_CALENDAR,
            unknown_years=tuple(sorted(unknown)),
            provisional_years=tuple(sorted(counter.projected)),
        )
    left = settings.period_days - used
    if stopped:
        status = DeadlineStatus.STOPPED
    elif due is not None and today > due:
        status = DeadlineStatus.OVERDUE
    elif left <= settings.due_soon_within:
        status = DeadlineStatus.DUE_SOON
    else:
        status = DeadlineStatus.ON_TRACK
    return ClockStatus(
        started=True,
        days_used=used,
        days_left=left,
        paused=paused,
        stopped=stopped,
        due_date=due,
        status=status,
        unknown_years=tuple(sorted(beyond_today)),
        provisional_years=tuple(sorted(counter.projected)),
    )
