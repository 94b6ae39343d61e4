"""The licence overview's read model (queries.licence_oversight): who sees which licence (the access rule
of store.access, role by role), each flag on the days either side of its edge, the filters, and a query
count that does not grow with the number of licences."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser, AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from pilot_world import ON, World, compile_catalogue, make_organisation, make_user, record_event
from register_world import B11, B21, B25_05, add_licence

from vatspilot.domain.applications import Role
from vatspilot.domain.licences.exit import ExitState
from vatspilot.domain.licences.filings import FilingKind, FilingState
from vatspilot.domain.licences.lifecycle import LicenceState
from vatspilot.queries.licence_oversight import Flag, licence_oversight
from vatspilot.rulebook.loader import default_rulebook
from vatspilot.store.models import CreditListEntry, Licence, LicenceFiling, NetworkExit, Organisation

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 10)


def licence(world: World, organisation: Organisation, number: str, **fields: Any) -> Licence:
    """A licence on an application submitted (so the officials reach it) and approved."""
    made = add_licence(organisation, number, actor=world.users[Role.MIIT_REVIEWER], **fields)
    member = world.applicant if organisation == world.organisation else world.other_applicant
    record_event(made.application, "submit", "draft", "submitted", ON, actor=member)
    return made


def numbers(actor: Any, **filters: Any) -> list[str]:
    return [row.number for row in licence_oversight(actor, today=TODAY, **filters).rows]


def flags(world: World, number: str) -> tuple[Flag, ...]:
    rows = {row.number: row for row in licence_oversight(world.users[Role.MIIT_REVIEWER], today=TODAY).rows}
    return rows[number].flags


@pytest.fixture
def two(world: World) -> tuple[Licence, Licence]:
    shanghai = licence(world, world.organisation, "B1-20250001", services=[B11, B25_05])
    beijing = licence(world, world.other_organisation, "B2-20250002", services=[B21], valid_until=date(2029, 1, 1))
    return shanghai, beijing


# --- Who sees which licence ----------------------------------------------------------------------------


def test_each_role_sees_exactly_the_licences_the_access_rule_gives(world: World, two: Any) -> None:
    both = ["B2-20250002", "B1-20250001"]  # by last valid day: 2029-01-01, then 2030-06-02
    assert numbers(world.users[Role.MIIT_REVIEWER]) == both
    for national in (Role.CAC_REVIEWER, Role.MPS_REVIEWER, Role.SECURITY_EXPERT, Role.INSPECTOR):
        assert numbers(world.users[national]) == both
    assert numbers(world.users[Role.LOCAL_OFFICER]) == ["B1-20250001"]  # Shanghai's officer
    assert numbers(world.outsider) == ["B2-20250002"]  # Beijing's officer
    assert numbers(world.applicant) == ["B1-20250001"]
    assert numbers(world.other_applicant) == ["B2-20250002"]


def test_nobody_else_sees_any(world: World, two: Any) -> None:
    stranger = make_user("stranger")
    elsewhere = make_user("elsewhere", organisation=make_organisation(name="Third Co.", uscc="91310115MA1FL5678R"))
    inactive = make_user("inactive", Role.MIIT_REVIEWER.value, active=False)
    for actor in (AnonymousUser(), stranger, elsewhere, inactive):
        assert licence_oversight(actor, today=TODAY).rows == ()
        assert licence_oversight(actor, today=TODAY).total == 0


def test_a_row_reads_as_the_licence_states_it(world: World, two: Any) -> None:
    rows = {row.number: row for row in licence_oversight(world.users[Role.MIIT_REVIEWER], today=TODAY).rows}
    row = rows["B1-20250001"]
    assert (row.holder, row.holder_name_en, row.uscc) == (
        "Harbour Cloud (Shanghai) Co., Ltd.",
        "Harbour Cloud (Shanghai) Co., Ltd.",
        "91310115MA1FL1234M",
    )
    assert (row.status, row.status_label, row.valid_until) == (LicenceState.VALID, "Valid", date(2030, 6, 2))
    assert (row.days_to_expiry, row.services, row.flags) == ((date(2030, 6, 2) - TODAY).days, ("B11", "B25-05"), ())
    assert licence_oversight(world.users[Role.MIIT_REVIEWER], today=TODAY).service_codes == ("B11", "B21", "B25-05")


def test_the_holder_is_named_in_the_readers_language(world: World, two: Any) -> None:
    compile_catalogue()
    Licence.objects.filter(number="B1-20250001").update(holder_name_zh="港湾云（上海）有限公司")
    miit = world.users[Role.MIIT_REVIEWER]
    with translation.override("zh-hans"):
        chinese = {row.number: row for row in licence_oversight(miit, today=TODAY).rows}["B1-20250001"]
    with translation.override("en"):
        english = {row.number: row for row in licence_oversight(miit, today=TODAY).rows}["B1-20250001"]
    assert (chinese.holder, chinese.status_label) == ("港湾云（上海）有限公司", "有效")
    assert english.holder == "Harbour Cloud (Shanghai) Co., Ltd."


# --- The flags, each on its edge -----------------------------------------------------------------------


def test_expiring_within_90_days_from_the_90th_day_to_the_last_valid_day(world: World) -> None:
    cases = {
        "B1-20250091": (TODAY + timedelta(days=91), "valid", ()),
        "B1-20250090": (TODAY + timedelta(days=90), "valid", (Flag.EXPIRING_WITHIN_90_DAYS,)),
        "B1-20250000": (TODAY, "valid", (Flag.EXPIRING_WITHIN_90_DAYS,)),
        "B1-20250010": (TODAY + timedelta(days=10), "suspended", (Flag.EXPIRING_WITHIN_90_DAYS,)),
        "B1-20250011": (TODAY + timedelta(days=10), "revoked", ()),  # no longer runs
        "B1-20259999": (TODAY - timedelta(days=1), "valid", ()),  # already expired on TODAY
    }
    for number, (last_day, status, _flags) in cases.items():
        licence(world, world.organisation, number, valid_until=last_day, status=status)
    rows = {row.number: row for row in licence_oversight(world.users[Role.MIIT_REVIEWER], today=TODAY).rows}
    assert {number: rows[number].flags for number in cases} == {number: case[2] for number, case in cases.items()}
    assert [rows[n].days_to_expiry for n in ("B1-20250090", "B1-20250000", "B1-20250011", "B1-20259999")] == [
        90,
        0,
        None,
        None,
    ]
    assert rows["B1-20259999"].status is LicenceState.EXPIRED


def _exit(licence: Licence, status: ExitState, deadline: date | None) -> NetworkExit:
    planned = deadline is not None
    return NetworkExit.objects.create(
        licence=licence,
        status=status.value,
        opened_on=date(2026, 9, 1),
        users_notified_on=date(2026, 9, 2) if planned else None,
        migration_deadline=deadline,
        users_to_migrate=10 if planned else None,
    )


def test_the_exit_flags(world: World) -> None:
    cases = {
        "B1-20250001": (ExitState.REQUIRED, None, (Flag.EXIT_REQUIRED_NO_PLAN,)),
        "B1-20250002": (ExitState.IN_PROGRESS, TODAY, ()),  # the deadline is today: not yet overdue
        "B1-20250003": (ExitState.IN_PROGRESS, TODAY - timedelta(days=1), (Flag.EXIT_OVERDUE,)),
        "B1-20250004": (ExitState.DONE_REPORTED, TODAY - timedelta(days=1), (Flag.EXIT_OVERDUE,)),
        "B1-20250005": (ExitState.COMPLETED, TODAY - timedelta(days=30), ()),
    }
    for number, (state, deadline, _flags) in cases.items():
        _exit(licence(world, world.organisation, number, status="revoked"), state, deadline)
    assert {number: flags(world, number) for number in cases} == {n: case[2] for n, case in cases.items()}


def test_a_listing_made_late_flags_while_it_is_in_force(world: World) -> None:
    days = default_rulebook().parameter("parameter:bad-record-listing-days", date(2026, 6, 1))
    assert isinstance(days, int)
    penalty = date(2026, 6, 1)
    cases = {
        "B1-20250001": (penalty + timedelta(days=days), None, ()),  # on the last day: on time
        "B1-20250002": (penalty + timedelta(days=days + 1), None, (Flag.LISTING_OVERDUE,)),
        "B1-20250003": (penalty + timedelta(days=days + 1), date(2026, 12, 1), ()),  # removed since
    }
    for number, (listed_on, removed_on, _flags) in cases.items():
        made = licence(world, world.organisation, number)
        CreditListEntry.objects.create(
            list="bad_record",
            name=made.holder_name_zh,
            uscc=made.uscc,
            licence=made,
            licence_number=number,
            listed_on=listed_on,
            reason="Order 42 Art. 42",
            listing_authority="工业和信息化部",
            penalty_decided_on=penalty,
            removed_on=removed_on,
            removal_reason="rectified" if removed_on else "",
        )
    assert {number: flags(world, number) for number in cases} == {n: case[2] for n, case in cases.items()}


def test_filings_pending_and_a_change_filed_late(world: World) -> None:
    holder = world.applicant
    cases: dict[str, tuple[list[tuple[FilingKind, FilingState, bool]], tuple[Flag, ...]]] = {
        "B1-20250001": ([(FilingKind.CHANGE, FilingState.FILED, False)], (Flag.FILINGS_PENDING,)),
        "B1-20250002": (
            [(FilingKind.CHANGE, FilingState.FILED, True)],
            (Flag.CHANGE_FILED_LATE, Flag.FILINGS_PENDING),
        ),
        "B1-20250003": ([(FilingKind.RENEWAL, FilingState.FILED, False)], (Flag.FILINGS_PENDING,)),
        "B1-20250004": ([(FilingKind.CHANGE, FilingState.APPROVED, True)], ()),  # decided: nothing pending
        "B1-20250005": ([(FilingKind.CHANGE, FilingState.WITHDRAWN, False)], ()),
    }
    for number, (filings, _flags) in cases.items():
        made = licence(world, world.organisation, number)
        for kind, state, late in filings:
            LicenceFiling.objects.create(
                licence=made, kind=kind.value, status=state.value, filed_on=TODAY, filed_by=holder, late=late
            )
    assert {number: flags(world, number) for number in cases} == {n: case[1] for n, case in cases.items()}


# --- Filters and order ---------------------------------------------------------------------------------


def test_flagged_first_and_the_filters(world: World, two: Any) -> None:
    soon = licence(world, world.organisation, "B1-20250003", valid_until=TODAY + timedelta(days=30))
    _exit(licence(world, world.organisation, "B1-20250004", status="revoked"), ExitState.REQUIRED, None)
    miit = world.users[Role.MIIT_REVIEWER]
    assert soon.valid_until < date(2029, 1, 1)
    assert numbers(miit) == ["B1-20250003", "B1-20250004", "B2-20250002", "B1-20250001"]
    assert numbers(miit, attention=True) == ["B1-20250003", "B1-20250004"]
    assert numbers(miit, flag=Flag.EXIT_REQUIRED_NO_PLAN) == ["B1-20250004"]
    assert numbers(miit, flag=Flag.LISTING_OVERDUE) == []
    assert numbers(miit, status=LicenceState.REVOKED) == ["B1-20250004"]
    assert numbers(miit, service="B21") == ["B2-20250002"]
    assert numbers(miit, service="B25-05") == ["B1-20250001"]
    assert numbers(miit, text="northern data") == ["B2-20250002"]  # the holder, any case
    assert numbers(miit, text="91310115MA1FL1234M") == ["B1-20250003", "B1-20250004", "B1-20250001"]
    assert numbers(miit, text=" b2-2025 ") == ["B2-20250002"]
    assert numbers(miit, text="nowhere") == []
    assert licence_oversight(miit, today=TODAY, text="nowhere").total == 4
    # the officer's filters run over their own licences only
    assert numbers(world.users[Role.LOCAL_OFFICER], service="B21") == []


# --- Query count ---------------------------------------------------------------------------------------


def _flag_everything(world: World, made: Licence, index: int, holder: AbstractUser) -> None:
    _exit(made, ExitState.IN_PROGRESS, TODAY - timedelta(days=1))
    LicenceFiling.objects.create(
        licence=made, kind="change", status="filed", filed_on=TODAY, filed_by=holder, late=index % 2 == 0
    )
    CreditListEntry.objects.create(
        list="bad_record",
        name="n",
        uscc=made.uscc,
        licence=made,
        licence_number=made.number,
        listed_on=TODAY,
        reason="r",
        listing_authority="a",
        penalty_decided_on=date(2026, 1, 1),
    )


def test_the_read_takes_as_many_queries_for_12_licences_as_for_2(world: World) -> None:
    miit = world.users[Role.MIIT_REVIEWER]
    officer = world.users[Role.LOCAL_OFFICER]

    def add(start: int, count: int) -> None:
        for index in range(start, start + count):
            made = licence(world, world.organisation, f"B1-2025{index:04d}", status="revoked")
            _flag_everything(world, made, index, world.applicant)

    def count(actor: AbstractUser) -> tuple[int, int, int]:
        with CaptureQueriesContext(connection) as queries:
            overview = licence_oversight(actor, today=TODAY)
        flagged = sum(1 for row in overview.rows if len(row.flags) >= 3)
        return len(queries.captured_queries), len(overview.rows), flagged

    add(0, 2)
    licence_oversight(miit, today=TODAY)  # the rulebook, read once per process
    short = (count(miit), count(officer))
    add(2, 10)
    long = (count(miit), count(officer))
    assert [(items, flagged) for _queries, items, flagged in short] == [(2, 2), (2, 2)]
    assert [(items, flagged) for _queries, items, flagged in long] == [(12, 12), (12, 12)]
    assert [queries for queries, _items, _flagged in long] == [queries for queries, _i, _f in short]
    assert short[0][0] == 4  # the roles, the licences with their exits, the pending filings, the listings
