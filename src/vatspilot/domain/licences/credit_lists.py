"""The two credit lists the communications administrations keep (Order 42 Art. 37): the bad-record list
(不良名单) and the dishonest list (失信名单), and when a listing after a penalty is due.

Order 42 Art. 42 puts an operator given an administrative penalty on the bad-record list within a number
of days of the penalty decision (rulebook `parameter:bad-record-listing-days`); the days are passed in,
never written here, and so is today.
"""

from __future__ import annotations

import enum
from datetime import date, timedelta

__all__ = ["CreditList", "listing_due", "listing_overdue"]


class CreditList(enum.StrEnum):
    """Which list an entry is on."""

    BAD_RECORD = "bad_record"
    DISHONEST = "dishonest"


def listing_due(penalty_decided_on: date, days: int) -> date:
    """The last day on which a listing after a penalty decided on `penalty_decided_on` is on time."""
    return penalty_decided_on + timedelta(days=days)


def listing_overdue(penalty_decided_on: date | None, listed_on_or_today: date, days: int) -> bool:
    """Whether a listing made (or, if not made yet, still missing) on `listed_on_or_today` is late.
    A listing with no penalty decision behind it (a revocation, a late annual report) has no such term."""
    if penalty_decided_on is None:
        return False
    return listed_on_or_today > listing_due(penalty_decided_on, days)
