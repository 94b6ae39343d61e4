"""The licence's filings panel (queries.licence_filings): exact rows for the holder and MIIT, the actions
each may take, and a fixed number of queries however many filings."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pilot_world import World

from vatspilot.domain.applications import Role
from vatspilot.domain.licences.filings import FilingAction
from vatspilot.queries.licence_filings import Recheck, licence_filings
from vatspilot.rulebook.loader import default_rulebook
from vatspilot.services.licences.filings import file_change, file_renewal, refuse_filing
from vatspilot.store.models import Licence

pytestmark = pytest.mark.django_db
TODAY = date(2025, 8, 1)


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def _capital(world: World, licence: Licence, on: date = TODAY) -> None:
    file_change(
        actor=world.applicant,
        licence=licence,
        on=on,
        changed_on=date(2025, 6, 20),
        kinds=["capital"],
        registered_capital_cny=Decimal("100000"),
    )


def test_the_rows_and_the_actions_of_each_reader(world: World) -> None:
    licence = world.licence()
    _capital(world, licence)
    file_renewal(actor=world.applicant, licence=licence, on=TODAY, launched={"B11": date(2025, 7, 1), "B25-05": None})

    holder = licence_filings(world.applicant, licence, today=TODAY)
    miit = licence_filings(world.users[Role.MIIT_REVIEWER], licence, today=TODAY)

    assert (holder.can_file, holder.change_pending, holder.renewal_pending, holder.pending_count) == (
        True,
        True,
        True,
        2,
    )
    assert (holder.renewal_deadline, holder.renewal_days_left, holder.renewal_lead_days) == (date(2030, 3, 4), 1676, 90)
    renewal, change = holder.filings
    assert (change.kind_label, change.status_label, change.late, change.change_labels) == (
        "Change filing",
        "Filed: awaiting MIIT's decision",
        True,
        ("Registered capital",),
    )
    assert change.particulars == (("New registered capital (CNY)", "100000"),)
    assert change.recheck == Recheck(False, ("B11", "B25-05"), default_rulebook().version, "2025-08-01")
    assert renewal.particulars == (("B11 launched on", "2025-07-01"), ("B25-05 launched on", "never launched"))
    assert [row.actions for row in holder.filings] == [(FilingAction.WITHDRAW,)] * 2
    assert [row.actions for row in miit.filings] == [(FilingAction.APPROVE, FilingAction.REFUSE)] * 2
    assert miit.can_file is False
    assert licence_filings(world.users[Role.LOCAL_OFFICER], licence, today=TODAY).filings[0].actions == ()


def test_the_refusal_reason_is_shown(world: World) -> None:
    licence = world.licence()
    _capital(world, licence)
    filing = licence.filings.get()
    refuse_filing(actor=world.users[Role.MIIT_REVIEWER], filing=filing, on=TODAY, expected_version=1, reason="too low")
    row = licence_filings(world.applicant, licence, today=TODAY).filings[0]
    assert (row.status_label, row.decided_on, row.decision_note, row.actions) == ("Refused", TODAY, "too low", ())


def _queries(world: World, licence: Licence) -> int:
    with CaptureQueriesContext(connection) as captured:
        licence_filings(world.users[Role.MIIT_REVIEWER], licence, today=TODAY)
    return len(captured.captured_queries)


def test_a_fixed_number_of_queries_however_many_filings(world: World) -> None:
    licence = world.licence()
    _capital(world, licence)
    one = _queries(world, licence)
    miit = world.users[Role.MIIT_REVIEWER]
    for day in range(2, 6):
        filing = licence.filings.get(status="filed")
        refuse_filing(actor=miit, filing=filing, on=date(2025, 8, day), expected_version=1, reason="no")
        _capital(world, licence, on=date(2025, 8, day))
    assert licence.filings.count() == 5
    assert _queries(world, licence) == one == 6
