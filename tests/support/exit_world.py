"""Network exits for the tests (services.licences.exits): a licence revoked through the services (which
opens its exit), an exit taken to any state through the writers, and exits written straight in for the
tests about lists (several licences, in several jurisdictions).

The plan the walks file: users told on 2025-06-10, every user moved by 2025-12-31, 120 users."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.models import AbstractUser
from pilot_world import ON, World
from register_world import add_licence

from vatspilot.domain.applications import Role
from vatspilot.domain.licences.exit import ExitState
from vatspilot.domain.licences.lifecycle import LicenceState
from vatspilot.services.licences.exits import (
    confirm_exit,
    file_exit_plan,
    report_exit_done,
    report_exit_progress,
)
from vatspilot.store.models import Licence, NetworkExit, Organisation

NOTIFIED = date(2025, 6, 10)
DEADLINE = date(2025, 12, 31)
USERS = 120
NUMBER = "B1.B2-20250001"  # the standard world's first licence


def revoked_exit(world: World) -> NetworkExit:
    """The standard world's licence, suspended and revoked by MIIT on ON: its exit, required."""
    licence = world.licence(LicenceState.REVOKED)
    return NetworkExit.objects.get(licence=licence)


def fresh(network_exit: NetworkExit) -> NetworkExit:
    network_exit.refresh_from_db()
    return network_exit


def drive_exit(world: World, network_exit: NetworkExit, state: ExitState, *, on: date = ON) -> NetworkExit:
    """The exit taken to ``state`` through the writers, every step on ``on``: the holder files the plan,
    reports every user moved and reports done; MIIT confirms."""
    holder = world.applicant
    if state is ExitState.REQUIRED:
        return fresh(network_exit)
    network_exit = file_exit_plan(
        actor=holder,
        network_exit=network_exit,
        on=on,
        expected_version=network_exit.version,
        users_notified_on=NOTIFIED,
        migration_deadline=DEADLINE,
        users_to_migrate=USERS,
    )
    if state is ExitState.IN_PROGRESS:
        return network_exit
    network_exit = report_exit_progress(
        actor=holder, network_exit=network_exit, on=on, expected_version=network_exit.version, users_migrated=USERS
    )
    network_exit = report_exit_done(
        actor=holder, network_exit=network_exit, on=on, expected_version=network_exit.version
    )
    if state is ExitState.DONE_REPORTED:
        return network_exit
    return confirm_exit(
        actor=world.users[Role.MIIT_REVIEWER],
        network_exit=network_exit,
        on=on,
        expected_version=network_exit.version,
        note="",
    )


def written_exit(
    organisation: Organisation,
    number: str,
    *,
    actor: AbstractUser,
    status: ExitState = ExitState.IN_PROGRESS,
    opened_on: date = ON,
    deadline: date | None = DEADLINE,
    users_to_migrate: int | None = USERS,
    users_migrated: int = 0,
    **fields: Any,
) -> NetworkExit:
    """A revoked licence numbered ``number`` with its exit in ``status``, both written straight in (for the
    lists: what a row means, not how it was reached); no plan when ``deadline`` is None."""
    licence: Licence = add_licence(organisation, number, actor=actor, status=LicenceState.REVOKED.value)
    return NetworkExit.objects.create(
        licence=licence,
        status=status.value,
        opened_on=opened_on,
        users_notified_on=None if deadline is None else NOTIFIED,
        migration_deadline=deadline,
        users_to_migrate=None if deadline is None else users_to_migrate,
        users_migrated=users_migrated,
        **fields,
    )
