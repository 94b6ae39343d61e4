"""The effective status of a licence on a day: the one definition the register, the verification page and
the export share."""

from __future__ import annotations

from datetime import date

import pytest

from vatspilot.domain.licences.lifecycle import LicenceState
from vatspilot.domain.licences.status import effective_state, validity_ended

LAST_DAY = date(2030, 6, 2)


def test_validity_ends_the_day_after_the_last_valid_day() -> None:
    assert validity_ended(LAST_DAY, date(2030, 6, 1)) is False
    assert validity_ended(LAST_DAY, LAST_DAY) is False
    assert validity_ended(LAST_DAY, date(2030, 6, 3)) is True


@pytest.mark.parametrize("state", [LicenceState.VALID, LicenceState.SUSPENDED])
def test_a_running_licence_is_itself_up_to_its_last_day_and_expired_after(state: LicenceState) -> None:
    assert effective_state(state, LAST_DAY, LAST_DAY) is state
    assert effective_state(state, LAST_DAY, date(2030, 6, 3)) is LicenceState.EXPIRED


@pytest.mark.parametrize("state", [LicenceState.REVOKED, LicenceState.CANCELLED, LicenceState.EXPIRED])
def test_an_ended_licence_stays_what_it_became_whatever_the_date(state: LicenceState) -> None:
    assert effective_state(state, LAST_DAY, date(2026, 1, 1)) is state
    assert effective_state(state, LAST_DAY, date(2031, 1, 1)) is state
