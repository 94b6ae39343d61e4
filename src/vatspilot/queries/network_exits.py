"""The network exit as the pages show it: (a) the exit section of a licence's page (its state, plan,
steps with their notes, the overdue flag and the steps open to the reader), (b) the supervisors' list of
the exits in their reach, and (c) the register's public line about a licence's exit.

"Today" is an argument. Each read is a fixed number of queries: the section three (the exit with its
licence and application, its steps, the reader's standing), none for a licence that was never revoked
or cancelled; the list two (the reader's reach, the exits); the public line one.

Overdue is the domain's rule (domain.licences.exit.exit_overdue: past the migration deadline and not
confirmed; on the deadline day itself still in time). An exit with no plan yet is not called overdue:
no source gives a period for filing the plan (legal-facts has none), so the pages say since when it has
waited for one instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q

from vatspilot.domain.licences.exit import ExitAction, ExitState, days_overdue, exit_overdue
from vatspilot.domain.licences.lifecycle import LicenceState
from vatspilot.services import lifecycle
from vatspilot.services.licences.exits import EVENT_PREFIX, NETWORK_EXITS, plan_of
from vatspilot.services.vocabulary import EXIT_ACTIONS, EXIT_EVENTS, EXIT_STATES
from vatspilot.store.access import Reach, supervised_jurisdictions, supervises_licences
from vatspilot.store.models import Licence, LicenceEvent, NetworkExit

__all__ = [
    "ExitRow",
    "ExitSection",
    "ExitStep",
    "PublicExit",
    "exit_section",
    "exits_in_reach",
    "public_exit",
    "supervises_exits",
]

_ENDED = frozenset({LicenceState.REVOKED.value, LicenceState.CANCELLED.value})


@dataclass(frozen=True)
class ExitStep:
    """One step of the exit, from the licence's history, with the typed note (the page is private)."""

    on: date
    action: str
    label: str
    users_migrated: int | None
    note: str


@dataclass(frozen=True)
class ExitSection:
    licence_number: str
    version: int  # the exit's, for the forms' expected_version
    state: ExitState
    state_label: str
    opened_on: date
    users_notified_on: date | None  # the plan's three facts: None until it is filed
    migration_deadline: date | None
    users_to_migrate: int | None
    users_migrated: int
    confirmed_on: date | None
    overdue: bool  # past the migration deadline and not confirmed
    days_overdue: int
    awaiting_plan_since: date | None  # required, no plan filed: since when (not called overdue)
    steps: tuple[ExitStep, ...]  # oldest first
    actions: tuple[tuple[ExitAction, str], ...]  # the steps open to the reader, with their buttons' words


@dataclass(frozen=True)
class ExitRow:
    """One exit on the supervisors' list."""

    licence_number: str
    holder_name_zh: str
    holder_name_en: str
    state: ExitState
    state_label: str
    opened_on: date
    migration_deadline: date | None
    users_migrated: int
    users_to_migrate: int | None
    overdue: bool
    days_overdue: int
    awaiting_plan_since: date | None


@dataclass(frozen=True)
class PublicExit:
    """What the register says of a licence's exit: its state and dates, and the plan's counts (no
    person, no note)."""

    state: ExitState
    state_label: str
    opened_on: date
    users_notified_on: date | None
    migration_deadline: date | None
    users_to_migrate: int | None
    users_migrated: int
    confirmed_on: date | None


def _awaiting_plan(network_exit: NetworkExit) -> date | None:
    return network_exit.opened_on if network_exit.status == ExitState.REQUIRED.value else None


def _step(event: LicenceEvent) -> ExitStep:
    details = event.details if isinstance(event.details, dict) else {}
    migrated = details.get("users_migrated")
    return ExitStep(
        on=event.on,
        action=event.action,
        label=str(EXIT_EVENTS.get(event.action, event.action)),
        users_migrated=migrated if isinstance(migrated, int) else None,
        note=event.note,
    )


def exit_section(actor: User | AnonymousUser, licence: Licence, *, today: date) -> ExitSection | None:
    """The exit section of ``licence``'s page for ``actor`` (who already may see the licence:
    store.access.access_licence), or None when the licence has no exit."""
    if licence.status not in _ENDED:
        return None
    network_exit = NetworkExit.objects.select_related("licence__application").filter(licence=licence).first()
    if network_exit is None:
        return None
    state = ExitState(network_exit.status)
    plan = plan_of(network_exit)
    events = LicenceEvent.objects.filter(licence=licence, action__startswith=EVENT_PREFIX).order_by("on", "at", "id")
    actions = (
        lifecycle.available_actions_for(NETWORK_EXITS, actor, [network_exit])[network_exit.pk]
        if isinstance(actor, User)
        else []
    )
    return ExitSection(
        licence_number=licence.number,
        version=network_exit.version,
        state=state,
        state_label=str(EXIT_STATES[state]),
        opened_on=network_exit.opened_on,
        users_notified_on=network_exit.users_notified_on,
        migration_deadline=network_exit.migration_deadline,
        users_to_migrate=network_exit.users_to_migrate,
        users_migrated=network_exit.users_migrated,
        confirmed_on=network_exit.confirmed_on,
        overdue=exit_overdue(state, plan, today),
        days_overdue=days_overdue(state, plan, today),
        awaiting_plan_since=_awaiting_plan(network_exit),
        steps=tuple(_step(event) for event in events),
        actions=tuple((action, str(EXIT_ACTIONS[action])) for action in actions),
    )


def _supervision(reach: Reach) -> Q | None:
    """The exits a supervisor's roles reach (store.access.supervised_jurisdictions, the one rule); None for
    anyone who supervises none."""
    covered = supervised_jurisdictions(reach)
    if covered is None:
        return Q()
    return Q(licence__application__jurisdiction_id__in=sorted(covered)) if covered else None


def supervises_exits(actor: User | AnonymousUser) -> bool:
    """Whether the supervisors' page is ``actor``'s: an active MIIT reviewer or local officer."""
    return supervises_licences(actor)


def exits_in_reach(actor: User | AnonymousUser, *, today: date) -> list[ExitRow]:
    """Every exit not yet completed that ``actor`` supervises: the overdue first (the longest overdue
    first), then by migration deadline (those with no plan yet last, the longest waiting first)."""
    reached = _supervision(Reach.of(actor))
    if reached is None:
        return []
    exits = (
        NetworkExit.objects.filter(reached)
        .exclude(status=ExitState.COMPLETED.value)
        .select_related("licence")
        .order_by("opened_on", "id")
    )
    rows = []
    for network_exit in exits:
        state = ExitState(network_exit.status)
        plan = plan_of(network_exit)
        licence = network_exit.licence
        rows.append(
            ExitRow(
                licence_number=licence.number,
                holder_name_zh=licence.holder_name_zh,
                holder_name_en=licence.holder_name_en,
                state=state,
                state_label=str(EXIT_STATES[state]),
                opened_on=network_exit.opened_on,
                migration_deadline=network_exit.migration_deadline,
                users_migrated=network_exit.users_migrated,
                users_to_migrate=network_exit.users_to_migrate,
                overdue=exit_overdue(state, plan, today),
                days_overdue=days_overdue(state, plan, today),
                awaiting_plan_since=_awaiting_plan(network_exit),
            )
        )
    # Stable sort: within equal keys the exits stay in the order they were opened.
    return sorted(
        rows,
        key=lambda row: (
            not row.overdue,
            -row.days_overdue,
            row.migration_deadline is None,
            row.migration_deadline or date.max,
        ),
    )


def public_exit(number: str) -> PublicExit | None:
    """The register's line about the exit of the licence numbered ``number``; None when it has none."""
    network_exit = NetworkExit.objects.filter(licence__number=number).first()
    if network_exit is None:
        return None
    state = ExitState(network_exit.status)
    return PublicExit(
        state=state,
        state_label=str(EXIT_STATES[state]),
        opened_on=network_exit.opened_on,
        users_notified_on=network_exit.users_notified_on,
        migration_deadline=network_exit.migration_deadline,
        users_to_migrate=network_exit.users_to_migrate,
        users_migrated=network_exit.users_migrated,
        confirmed_on=network_exit.confirmed_on,
    )
