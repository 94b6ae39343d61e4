"""The lists of applications, each built once for every entry point: the reviewer's queue, the
applicant's list and the list the API gives. Each row carries the application, its statutory clock and
the actions open to the reader now. A list reads a fixed number of queries however long it is (the
clocks from one query of the timelines, the actions from one read of the actor's standing and the
guards' facts); tests/queries/test_list_queries.py holds that for every list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import User
from django.db.models import QuerySet

from vatspilot.domain.applications import TRANSITIONS, Action, ClockStatus, DeadlineStatus
from vatspilot.services.applications.clock import clocks_for
from vatspilot.services.applications.lifecycle import available_actions_for
from vatspilot.store.access import Reach, visible_applications
from vatspilot.store.models import Application, Membership


@dataclass(frozen=True)
class ApplicationSummary:
    """One row of a list: the application (its organisation and jurisdiction loaded), its clock on the
    day asked about, and what the reader may do on it now, in the transition table's order."""

    application: Application
    clock: ClockStatus
    actions: tuple[Action, ...]


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


def summaries(actor: User, applications: Sequence[Application], *, today: date) -> list[ApplicationSummary]:
    """The rows for ``applications``, in their order."""
    clocks = clocks_for(applications, today)
    actions = available_actions_for(actor, applications)
    return [ApplicationSummary(application=a, clock=clocks[a.pk], actions=tuple(actions[a.pk])) for a in applications]


def reviewer_queue(actor: User, *, today: date) -> list[ApplicationSummary]:
    """The applications awaiting one of the actor's official actions, most urgent first."""
    reach = Reach.of(actor)
    roles = {role for role, _covered in reach.local} | set(reach.national)
    candidates = list(_listed(visible_applications(actor, reach=reach).filter(status__in=_statuses_acted_on_by(roles))))
    actions = available_actions_for(actor, candidates)
    waiting = [a for a in candidates if actions[a.pk]]
    clocks = clocks_for(waiting, today)
    rows = [ApplicationSummary(application=a, clock=clocks[a.pk], actions=tuple(actions[a.pk])) for a in waiting]
    rows.sort(key=lambda row: (*urgency(row.clock), row.application.pk))
    return rows


def applicant_applications(actor: User, *, today: date) -> list[ApplicationSummary]:
    """The applications of the organisations the actor belongs to, newest first, drafts included."""
    mine = visible_applications(actor).filter(
        organisation__in=Membership.objects.filter(user=actor).values("organisation")
    )
    return summaries(actor, list(_listed(mine).order_by("-created_at", "-id")), today=today)


def visible_application_rows(actor: User, *, status: str | None = None) -> QuerySet[Application]:
    """Every application the actor may see (optionally in one status), unordered: the API orders and
    pages it and makes the page's rows with ``summaries``."""
    applications = visible_applications(actor)
    if status:
        applications = applications.filter(status=status)
    return _listed(applications)


def _listed(applications: QuerySet[Application]) -> QuerySet[Application]:
    # Every list shows the organisation and the jurisdiction: joined, not fetched row by row.
    return applications.select_related("organisation", "jurisdiction")


def _statuses_acted_on_by(roles: set[str]) -> set[str]:
    """The states in which one of ``roles`` has a row of the transition table: a cheap first filter
    before asking the services which actions are open on each application."""
    return {row.source.value for row in TRANSITIONS if any(role.value in roles for role in row.roles)}
