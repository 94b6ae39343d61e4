"""The network exit's read models (queries.network_exits): the licence page's section (state, plan, steps
with notes, overdue on the day after the deadline and not on it, "no plan filed since", the steps open to
each reader) in a fixed number of queries; the supervisors' list in their reach, the overdue first, in a
fixed number of queries; the register's public line."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from exit_world import DEADLINE, NOTIFIED, USERS, drive_exit, revoked_exit, written_exit
from pilot_world import ON, World, make_user

from vatspilot.domain.applications import Role
from vatspilot.domain.licences.exit import ExitAction, ExitState
from vatspilot.queries.licence_detail import licence_detail
from vatspilot.queries.network_exits import (
    ExitRow,
    ExitStep,
    PublicExit,
    exit_section,
    exits_in_reach,
    public_exit,
    supervises_exits,
)
from vatspilot.services.licences.exits import report_exit_progress
from vatspilot.store.models import NetworkExit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    # The labels are read in the active language: pinned, whatever a page test before left active.
    with translation.override("en"):
        yield


def test_the_section_of_a_required_exit(world: World) -> None:
    network_exit = revoked_exit(world)
    section = exit_section(world.applicant, network_exit.licence, today=date(2025, 7, 1))
    assert section is not None
    assert (section.state, section.state_label, section.version, section.opened_on) == (
        ExitState.REQUIRED,
        "Exit required",
        1,
        ON,
    )
    assert (section.users_notified_on, section.migration_deadline, section.users_to_migrate) == (None, None, None)
    assert (section.overdue, section.days_overdue, section.awaiting_plan_since) == (False, 0, ON)
    assert section.steps == ()
    assert section.actions == ((ExitAction.FILE_PLAN, "File the exit plan"),)
    assert exit_section(world.users[Role.MIIT_REVIEWER], network_exit.licence, today=ON).actions == ()  # type: ignore[union-attr]


def test_the_section_in_progress_with_its_steps_and_notes(world: World) -> None:
    network_exit = drive_exit(world, revoked_exit(world), ExitState.IN_PROGRESS)
    report_exit_progress(
        actor=world.applicant,
        network_exit=network_exit,
        on=date(2025, 9, 1),
        expected_version=2,
        users_migrated=40,
        note="first wave",
    )
    section = exit_section(world.applicant, network_exit.licence, today=DEADLINE)
    assert section is not None
    assert (section.state_label, section.users_notified_on, section.migration_deadline) == (
        "Exit in progress",
        NOTIFIED,
        DEADLINE,
    )
    assert (section.users_to_migrate, section.users_migrated, section.awaiting_plan_since) == (USERS, 40, None)
    assert section.steps == (
        ExitStep(ON, "exit.file_plan", "Network exit: plan filed", 0, ""),
        ExitStep(date(2025, 9, 1), "exit.report_progress", "Network exit: progress reported", 40, "first wave"),
    )
    assert section.actions == ((ExitAction.REPORT_PROGRESS, "Report progress"),)


def test_overdue_the_day_after_the_deadline_not_on_it(world: World) -> None:
    network_exit = drive_exit(world, revoked_exit(world), ExitState.IN_PROGRESS)
    licence = network_exit.licence
    on_the_day = exit_section(world.applicant, licence, today=DEADLINE)
    day_after = exit_section(world.applicant, licence, today=date(2026, 1, 1))
    assert on_the_day is not None and day_after is not None
    assert (on_the_day.overdue, on_the_day.days_overdue) == (False, 0)
    assert (day_after.overdue, day_after.days_overdue) == (True, 1)


def test_a_live_licence_has_no_section_and_costs_no_query(world: World) -> None:
    licence = world.licence()
    with CaptureQueriesContext(connection) as captured:
        assert exit_section(world.applicant, licence, today=ON) is None
    assert len(captured.captured_queries) == 0
    assert licence_detail(world.applicant, licence, today=ON).network_exit is None


def test_the_licence_page_carries_the_section_and_names_the_steps(world: World) -> None:
    network_exit = drive_exit(world, revoked_exit(world), ExitState.IN_PROGRESS)
    detail = licence_detail(world.applicant, network_exit.licence, today=ON)
    assert detail.network_exit is not None and detail.network_exit.state is ExitState.IN_PROGRESS
    last = detail.history[-1]
    assert (last.action, last.action_label, last.from_state_label, last.to_state_label) == (
        "exit.file_plan",
        "Network exit: plan filed",
        "Exit required",
        "Exit in progress",
    )


def _section_queries(world: World, network_exit: NetworkExit) -> int:
    with CaptureQueriesContext(connection) as captured:
        exit_section(world.users[Role.LOCAL_OFFICER], network_exit.licence, today=ON)
    return len(captured.captured_queries)


def test_the_section_reads_a_fixed_number_of_queries(world: World) -> None:
    network_exit = drive_exit(world, revoked_exit(world), ExitState.IN_PROGRESS)
    few = _section_queries(world, network_exit)
    for count in range(1, 9):
        network_exit = report_exit_progress(
            actor=world.applicant,
            network_exit=network_exit,
            on=ON,
            expected_version=network_exit.version,
            users_migrated=count,
        )
    assert len(exit_section(world.applicant, network_exit.licence, today=ON).steps) == 9  # type: ignore[union-attr]
    assert _section_queries(world, network_exit) == few == 3


# --- The supervisors' list ------------------------------------------------------------------------------------


def _row(number: str, state: ExitState, **fields: object) -> ExitRow:
    values: dict[str, object] = {
        "licence_number": number,
        "holder_name_zh": "Harbour Cloud (Shanghai) Co., Ltd.",
        "holder_name_en": "Harbour Cloud (Shanghai) Co., Ltd.",
        "state": state,
        "state_label": {"required": "Exit required", "in_progress": "Exit in progress"}.get(state.value, ""),
        "opened_on": ON,
        "migration_deadline": DEADLINE,
        "users_migrated": 0,
        "users_to_migrate": USERS,
        "overdue": False,
        "days_overdue": 0,
        "awaiting_plan_since": None,
    }
    values.update(fields)
    return ExitRow(**values)  # type: ignore[arg-type]


@pytest.fixture
def several(world: World) -> None:
    """Shanghai: one overdue by 10 days, one overdue by 40, one in time, one with no plan, one completed;
    Beijing: one overdue."""
    official = world.users[Role.MIIT_REVIEWER]
    shanghai, beijing = world.organisation, world.other_organisation
    written_exit(shanghai, "B1-20250011", actor=official, deadline=date(2026, 1, 21), users_migrated=30)
    written_exit(shanghai, "B1-20250012", actor=official, deadline=date(2025, 12, 22))
    written_exit(shanghai, "B1-20250013", actor=official, deadline=date(2026, 3, 1))
    written_exit(shanghai, "B1-20250014", actor=official, status=ExitState.REQUIRED, deadline=None)
    written_exit(shanghai, "B1-20250015", actor=official, status=ExitState.COMPLETED, deadline=date(2025, 9, 1))
    written_exit(beijing, "B1-20250016", actor=official, deadline=date(2025, 12, 1))


TODAY = date(2026, 1, 31)


def test_miit_sees_every_unfinished_exit_the_overdue_first(world: World, several: None) -> None:
    rows = exits_in_reach(world.users[Role.MIIT_REVIEWER], today=TODAY)
    assert [(row.licence_number, row.overdue, row.days_overdue) for row in rows] == [
        ("B1-20250016", True, 61),
        ("B1-20250012", True, 40),
        ("B1-20250011", True, 10),
        ("B1-20250013", False, 0),
        ("B1-20250014", False, 0),
    ]
    assert rows[2] == _row(
        "B1-20250011",
        ExitState.IN_PROGRESS,
        migration_deadline=date(2026, 1, 21),
        users_migrated=30,
        overdue=True,
        days_overdue=10,
    )
    assert rows[4] == _row(
        "B1-20250014",
        ExitState.REQUIRED,
        migration_deadline=None,
        users_to_migrate=None,
        awaiting_plan_since=ON,
    )


def test_a_local_officer_sees_their_jurisdiction_only(world: World, several: None) -> None:
    shanghai = [row.licence_number for row in exits_in_reach(world.users[Role.LOCAL_OFFICER], today=TODAY)]
    beijing = [row.licence_number for row in exits_in_reach(world.outsider, today=TODAY)]
    assert shanghai == ["B1-20250012", "B1-20250011", "B1-20250013", "B1-20250014"]
    assert beijing == ["B1-20250016"]


@pytest.mark.parametrize("who", ["applicant", "cac", "inspector", "inactive_miit"])
def test_nobody_else_supervises_exits(world: World, several: None, who: str) -> None:
    actor = {
        "applicant": world.applicant,
        "cac": world.users[Role.CAC_REVIEWER],
        "inspector": world.users[Role.INSPECTOR],
    }.get(who) or make_user("inactive_miit", Role.MIIT_REVIEWER.value, active=False)
    assert supervises_exits(actor) is False
    assert exits_in_reach(actor, today=TODAY) == []


def test_the_supervisors(world: World) -> None:
    assert supervises_exits(world.users[Role.MIIT_REVIEWER]) is True
    assert supervises_exits(world.users[Role.LOCAL_OFFICER]) is True
    assert supervises_exits(world.outsider) is True


def _list_queries(world: World) -> int:
    with CaptureQueriesContext(connection) as captured:
        exits_in_reach(world.users[Role.LOCAL_OFFICER], today=TODAY)
    return len(captured.captured_queries)


def test_the_list_reads_a_fixed_number_of_queries(world: World) -> None:
    official = world.users[Role.MIIT_REVIEWER]
    written_exit(world.organisation, "B1-20250021", actor=official)
    one = _list_queries(world)
    for serial in range(22, 28):
        written_exit(world.organisation, f"B1-202500{serial}", actor=official)
    assert len(exits_in_reach(world.users[Role.LOCAL_OFFICER], today=TODAY)) == 7
    assert _list_queries(world) == one == 2


# --- The register's line --------------------------------------------------------------------------------------


def test_the_public_line(world: World) -> None:
    assert public_exit("B1-20259999") is None
    network_exit = drive_exit(world, revoked_exit(world), ExitState.COMPLETED)
    assert public_exit(network_exit.licence.number) == PublicExit(
        state=ExitState.COMPLETED,
        state_label="Exit completed",
        opened_on=ON,
        users_notified_on=NOTIFIED,
        migration_deadline=DEADLINE,
        users_to_migrate=USERS,
        users_migrated=USERS,
        confirmed_on=ON,
    )
