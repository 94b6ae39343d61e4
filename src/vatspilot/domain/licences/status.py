"""A licence's effective status: what the register, the verification page and the export say it is on a
given day. The stored status moves only by a row of the lifecycle table, and expiry is a row the daily job
applies; until it has, a valid or suspended licence whose last valid day has passed is already expired to
anyone who checks it. This is the one place that says so."""

from __future__ import annotations

from datetime import date

from vatspilot.domain.licences.lifecycle import LicenceState

# The states that end with the validity; a revoked or cancelled licence stays what it became.
_RUNNING: frozenset[LicenceState] = frozenset({LicenceState.VALID, LicenceState.SUSPENDED})


def validity_ended(valid_until: date, today: date) -> bool:
    """``valid_until`` is the last valid day: the validity has ended from the day after it."""
    return today > valid_until


def effective_state(state: LicenceState, valid_until: date, today: date) -> LicenceState:
    """The status as of ``today``: ``state``, except that a valid or suspended licence past its last valid
    day is expired."""
    if state in _RUNNING and validity_ended(valid_until, today):
        return LicenceState.EXPIRED
    return state
