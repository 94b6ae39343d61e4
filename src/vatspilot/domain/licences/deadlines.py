"""The licence's dates: its validity, the renewal deadline, the change-filing deadline and the expiry
reminders. The periods are rulebook parameters passed in (`parameter:licence-validity-years`,
`parameter:renewal-lead-days`, `parameter:change-filing-days`); nothing here reads a clock."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

# When the holder hears that the validity ends: platform practice, not law (the law sets only the renewal
# deadline), so a constant here rather than a rulebook entry.
EXPIRY_REMINDER_DAYS: tuple[int, ...] = (90, 30, 7)


def valid_until(issued_on: date, years: int) -> date:
    """The last day of a validity of ``years`` from ``issued_on``: 2026-12-01 and 5 years give 2031-11-30.
    Issued on 29 February, the anniversary in a common year is 28 February."""
    try:
        anniversary = issued_on.replace(year=issued_on.year + years)
    except ValueError:
        anniversary = issued_on.replace(year=issued_on.year + years, day=28)
    return anniversary - timedelta(days=1)


def renewal_deadline(last_valid_day: date, lead_days: int) -> date:
    """The last day a renewal may be filed: ``lead_days`` before the validity ends (Order 42: apply 90 days
    before expiry; a renewal filed later is not granted)."""
    return last_valid_day - timedelta(days=lead_days)


def renewal_in_time(filed_on: date, last_valid_day: date, lead_days: int) -> bool:
    return filed_on <= renewal_deadline(last_valid_day, lead_days)


def change_filing_deadline(changed_on: date, filing_days: int) -> date:
    """The last day to file a change that took effect on ``changed_on`` (the company's decision for an
    entity or scope change, the business-registration change for name, representative or capital)."""
    return changed_on + timedelta(days=filing_days)


def change_filed_late(changed_on: date, filed_on: date, filing_days: int) -> bool:
    return filed_on > change_filing_deadline(changed_on, filing_days)


def expiry_reminder_due(
    last_valid_day: date, today: date, already_sent: Iterable[int], schedule: tuple[int, ...] = EXPIRY_REMINDER_DAYS
) -> int | None:
    """The reminder to send today, as its number of days before expiry, or None.

    A reminder falls due once ``today`` is within its days of the last valid day. When several are due
    and unsent (the job did not run for a while), only the most urgent is sent: the holder needs the
    nearest date, not three messages at once. None once the validity has ended."""
    if today > last_valid_day:
        return None
    left = (last_valid_day - today).days
    sent = set(already_sent)
    due = [days for days in schedule if left <= days]
    if not due:
        return None
    most_urgent = min(due)
    return None if most_urgent in sent else most_urgent
