"""What a licence holder owes the authority and by when: the pilot's quarterly report and the annual report.

- The **quarterly pilot report** covers a calendar quarter. It opens the day after the quarter ends and is
  due a number of days after it (rulebook `parameter:quarterly-report-due-days`, policy, confidence U).
- The **annual report** covers a calendar year and is filed in the window of the next year that Order 42
  Art. 35 sets (rulebook `parameter:annual-report-window`, 1 January to 31 March, C1).
- A report missed on its due day is given a deadline by the authority (Order 42 Art. 38, which names no
  number of days: rulebook `parameter:report-cure-days`, a platform default, U). Missing that deadline too
  is what Art. 38 sanctions with the bad-record list.

Readings (docs/supervision.md):

- A quarter that started before the licence was issued is not owed: the holder did not operate under the
  licence for the whole quarter, and the first report covers the first full quarter. A licence issued on a
  quarter's first day owes that quarter.
- A year in which the licence was issued at any time is owed (licences held on 31 December of year N report
  in the first quarter of N+1, legal-facts 2.4).
- A period that starts after the licence ended (``ends_on``) is not owed; the period in which it ended is.
- The terms are those in force on the day the period ends (the day the obligation arises), so a change of a
  parameter applies to the periods that end after it.

Nothing here reads a clock or the rulebook: ``today`` and the terms come in as arguments.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from vatspilot.domain.licences.deadlines import expiry_reminder_due

__all__ = [
    "REPORT_REMINDER_DAYS",
    "Obligation",
    "ObligationKind",
    "ObligationStatus",
    "ReportTerms",
    "annual_report",
    "obligations",
    "quarter_of",
    "quarterly_report",
    "reminder_due",
    "report_terms",
    "status_of",
]

# When the holder hears that a report is due: platform practice, not law, so a constant here rather than a
# rulebook entry (as the licence's EXPIRY_REMINDER_DAYS). A quarterly report's window is shorter than 30
# days, so its first reminder is sent when the window opens.
REPORT_REMINDER_DAYS: tuple[int, ...] = (30, 7, 1)


class ObligationKind(enum.StrEnum):
    QUARTERLY_REPORT = "quarterly-report"
    ANNUAL_REPORT = "annual-report"


class ObligationStatus(enum.StrEnum):
    NOT_DUE = "not_due"  # the window has not opened
    OPEN = "open"  # the window is open and nothing was filed
    SUBMITTED = "submitted"  # filed on or before the due day
    LATE = "late"  # past the due day: filed late, or not filed and still within the cure deadline
    OVERDUE = "overdue"  # not filed and past the cure deadline (Order 42 Art. 38: the bad-record list)


@dataclass(frozen=True, slots=True)
class ReportTerms:
    """The periods the rulebook sets, in force on one day."""

    quarterly_due_days: int
    annual_window_start: tuple[int, int]  # (month, day) of the year after the reported year
    annual_window_end: tuple[int, int]
    quarterly_cure_days: int
    annual_cure_days: int

    def __post_init__(self) -> None:
        for name in ("quarterly_due_days", "quarterly_cure_days", "annual_cure_days"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{name} must be a number of days, not {value!r}")
        start = date(2001, *self.annual_window_start)  # a common year: 29 February is refused
        end = date(2001, *self.annual_window_end)
        if end < start:
            raise ValueError("the annual window ends before it starts")


def _month_day(value: object, name: str) -> tuple[int, int]:
    text = str(value)
    try:
        month, day = (int(part) for part in text.split("-"))
        date(2001, month, day)
    except ValueError:
        raise ValueError(f"{name} must be written MM-DD, not {text!r}") from None
    return month, day


def report_terms(quarterly_due_days: object, annual_window: object, cure_days: object) -> ReportTerms:
    """The terms from the rulebook's raw values (`parameter:quarterly-report-due-days`,
    `parameter:annual-report-window`, `parameter:report-cure-days`), checked."""
    if not isinstance(annual_window, Mapping) or not {"start", "end"} <= set(annual_window):
        raise ValueError("the annual window needs a start and an end")
    if not isinstance(cure_days, Mapping) or not {"annual", "quarterly"} <= set(cure_days):
        raise ValueError("the cure days need an annual and a quarterly value")
    if isinstance(quarterly_due_days, bool) or not isinstance(quarterly_due_days, int):
        raise ValueError(f"the quarterly due days must be a number, not {quarterly_due_days!r}")
    quarterly_cure, annual_cure = cure_days["quarterly"], cure_days["annual"]
    if not isinstance(quarterly_cure, int) or not isinstance(annual_cure, int):
        raise ValueError("the cure days must be numbers")
    return ReportTerms(
        quarterly_due_days=quarterly_due_days,
        annual_window_start=_month_day(annual_window["start"], "the annual window's start"),
        annual_window_end=_month_day(annual_window["end"], "the annual window's end"),
        quarterly_cure_days=quarterly_cure,
        annual_cure_days=annual_cure,
    )


@dataclass(frozen=True, slots=True)
class Obligation:
    kind: ObligationKind
    label: str  # "2025-Q3", "2025": the period, as a key and as the page shows it
    period_start: date
    period_end: date
    opens_on: date
    due_on: date  # the last day on time
    cure_deadline: date  # the last day of the authority's deadline after a miss

    def status(self, today: date, submitted_on: date | None = None) -> ObligationStatus:
        return status_of(self, today, submitted_on)


def status_of(obligation: Obligation, today: date, submitted_on: date | None = None) -> ObligationStatus:
    """Where an obligation stands on ``today``, given the day it was filed (None: not filed).

    A filing dated after ``today`` is an input error: the caller asks about a day before the filing, and
    must pass None for it then."""
    if submitted_on is not None:
        if submitted_on > today:
            raise ValueError(f"filed on {submitted_on}, after the day asked about ({today})")
        return ObligationStatus.SUBMITTED if submitted_on <= obligation.due_on else ObligationStatus.LATE
    if today < obligation.opens_on:
        return ObligationStatus.NOT_DUE
    if today <= obligation.due_on:
        return ObligationStatus.OPEN
    if today <= obligation.cure_deadline:
        return ObligationStatus.LATE
    return ObligationStatus.OVERDUE


def quarter_of(day: date) -> tuple[int, int]:
    """(year, quarter 1-4) of a day."""
    return day.year, (day.month - 1) // 3 + 1


def _quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    if quarter not in (1, 2, 3, 4):
        raise ValueError(f"a quarter is 1 to 4, not {quarter}")
    start = date(year, 3 * quarter - 2, 1)
    following = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return start, following - timedelta(days=1)


def quarterly_report(year: int, quarter: int, terms: ReportTerms) -> Obligation:
    """The pilot quarterly report for a quarter: Q3 2025 with 15 days opens 2025-10-01, due 2025-10-15."""
    start, end = _quarter_bounds(year, quarter)
    due = end + timedelta(days=terms.quarterly_due_days)
    return Obligation(
        kind=ObligationKind.QUARTERLY_REPORT,
        label=f"{year}-Q{quarter}",
        period_start=start,
        period_end=end,
        opens_on=end + timedelta(days=1),
        due_on=due,
        cure_deadline=due + timedelta(days=terms.quarterly_cure_days),
    )


def annual_report(year: int, terms: ReportTerms) -> Obligation:
    """The annual report on ``year``: filed in the next year's window (2025: 2026-01-01 to 2026-03-31)."""
    due = date(year + 1, *terms.annual_window_end)
    return Obligation(
        kind=ObligationKind.ANNUAL_REPORT,
        label=str(year),
        period_start=date(year, 1, 1),
        period_end=date(year, 12, 31),
        opens_on=date(year + 1, *terms.annual_window_start),
        due_on=due,
        cure_deadline=due + timedelta(days=terms.annual_cure_days),
    )


def obligations(
    issued_on: date,
    until: date,
    terms_on: Callable[[date], ReportTerms],
    ends_on: date | None = None,
) -> tuple[Obligation, ...]:
    """Every report a licence issued on ``issued_on`` owes for the periods that started by ``until``
    (so the current quarter and year are listed, not yet due), ordered by due day, then kind.

    ``terms_on(day)`` gives the terms in force on ``day``; each obligation takes those of its period's end.
    ``ends_on``: the licence's last day (expired, revoked, cancelled); later periods are not owed."""
    last = until if ends_on is None else min(until, ends_on)
    found: list[Obligation] = []
    year, quarter = quarter_of(issued_on)
    first_start, _ = _quarter_bounds(year, quarter)
    if first_start < issued_on:  # a quarter already under way at issue is not owed
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    while True:
        start, end = _quarter_bounds(year, quarter)
        if start > last:
            break
        found.append(quarterly_report(year, quarter, terms_on(end)))
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    for year in range(issued_on.year, last.year + 1):
        found.append(annual_report(year, terms_on(date(year, 12, 31))))
    return tuple(sorted(found, key=lambda o: (o.due_on, o.kind != ObligationKind.ANNUAL_REPORT, o.label)))


def reminder_due(
    obligation: Obligation,
    today: date,
    submitted_on: date | None,
    already_sent: Iterable[int],
    schedule: tuple[int, ...] = REPORT_REMINDER_DAYS,
) -> int | None:
    """The reminder to send today for an obligation, as its number of days before the due day, or None.

    Only while the window is open and nothing was filed; as for the licence's expiry, the most urgent unsent
    reminder only, once (a job that did not run for a while sends one message, not three)."""
    if status_of(obligation, today, submitted_on) is not ObligationStatus.OPEN:
        return None
    return expiry_reminder_due(obligation.due_on, today, already_sent, schedule)
