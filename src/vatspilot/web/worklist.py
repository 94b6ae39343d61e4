"""The reviewers' queue: the applications awaiting the user's action, most urgent first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import User

from vatspilot.domain.applications import TRANSITIONS, Action, ClockStatus, DeadlineStatus
from vatspilot.services.applications.clock import clocks_for
from vatspilot.services.applications.lifecycle import available_actions_for
from vatspilot.store.access import visible_applications
from vatspilot.store.models import Application, Role, StaffRole


@dataclass(frozen=True)
class QueueRow:
    application: Application
    actions: tuple[Action, ...]
    clock: ClockStatus


def urgency(clock: ClockStatus) -> tuple[int, int]:
    """Sort key: overdue first (most days over first), then running clocks by fewest days left, then
    clocks whose count the calendar cannot give, then paused clocks, then clocks not yet started."""
    if clock.paused:
        return (3, clock.days_left if clock.days_left is not None else 0)
    if clock.status is DeadlineStatus.OVERDUE:
        return (0, clock.days_left or 0)
    if clock.status in (DeadlineStatus.ON_TRACK, DeadlineStatus.DUE_SOON):
        return (1, clock.days_left or 0)
    if clock.status is DeadlineStatus.UNKNOWN_CALENDAR:
        return (2, 0)
    return (4, 0)  # not started (and, should one slip in, stopped)


def _statuses_acted_on_by(roles: set[str]) -> set[str]:
    """The states in which one of ``roles`` has a row of the transition table: a cheap first filter
    before asking the services which actions are open on each application."""
    return {row.source.value for row in TRANSITIONS if any(role.value in roles for role in row.roles)}


def awaiting(user: User, today: date) -> list[QueueRow]:
    roles = set(StaffRole.objects.filter(user=user).values_list("role", flat=True)) - {Role.APPLICANT}
    candidates = (
        visible_applications(user)
        .filter(status__in=_statuses_acted_on_by(roles))
        .select_related("organisation", "jurisdiction")
    )
    listed = list(candidates)
    actions = available_actions_for(user, listed)
    waiting = [a for a in listed if actions[a.pk]]
    clocks = clocks_for(waiting, today)
    rows = [QueueRow(application=a, actions=tuple(actions[a.pk]), clock=clocks[a.pk]) for a in waiting]
    rows.sort(key=lambda row: (*urgency(row.clock), row.application.pk))
    return rows
