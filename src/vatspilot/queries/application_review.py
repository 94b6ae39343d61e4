"""What the reviewer's pages add to an application's detail: why an action is not open yet, the timeline
with each opinion it recorded, and the clock's dates (acceptance, decision).

The reasons are read from the transition table's guards (domain/applications/transitions.py and guards.py,
through the lifecycle machine's `Guard.walk`/`holds`): for each row leaving the current state that the
reader's roles may take, the guard's conditions that do not hold now. Nothing here restates a rule; the
facts named with a condition (which agency has not concurred) are the facts the guard judged.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from vatspilot.domain.applications import (
    TRANSITIONS,
    Action,
    ApplicationFacts,
    ClockStart,
    ClockStatus,
    DeadlineStatus,
    Role,
    State,
    clock_event_kind,
)
from vatspilot.domain.applications.clock_events import ClockEventKind
from vatspilot.domain.applications.facts import CONCURRING_OPINIONS
from vatspilot.domain.applications.roles import REVIEWING_AGENCIES
from vatspilot.store.models import ApplicationEvent, Opinion


@dataclass(frozen=True)
class Blocker:
    """A condition of the row's guard that does not hold now (the guard's name), with what it lacks:
    the agencies without an opinion in force (``waiting``) or that objected (``objecting``), and whether
    the assessment is missing or negative."""

    guard: str
    waiting: tuple[str, ...] = ()
    objecting: tuple[str, ...] = ()
    assessment: str = ""  # "missing" or "negative", for the assessment's conditions


@dataclass(frozen=True)
class BlockedAction:
    action: Action
    blockers: tuple[Blocker, ...]


def blocked_actions(
    state: State, roles: Sequence[Role], facts: ApplicationFacts, open_actions: Sequence[Action]
) -> tuple[BlockedAction, ...]:
    """The actions the reader's roles may take in ``state`` by the table but not now, in table order,
    each with the conditions of its guard that fail."""
    blocked: list[BlockedAction] = []
    for row in TRANSITIONS:
        if row.source is not state or row.guard is None or row.action in open_actions:
            continue
        role = next((r for r in roles if r in row.roles), None)
        if role is None or any(b.action is row.action for b in blocked):
            continue
        failing = [g for g in row.guard.walk() if not g.parts and not g.holds(facts, role)]
        if failing:
            blocked.append(BlockedAction(row.action, tuple(_blocker(g.name, facts) for g in failing)))
    return tuple(blocked)


def _blocker(guard: str, facts: ApplicationFacts) -> Blocker:
    in_force = facts.in_force_opinions()
    if guard == "all_agencies_concur":
        return Blocker(
            guard,
            waiting=tuple(a.value for a in REVIEWING_AGENCIES if a not in in_force),
            objecting=tuple(
                a.value for a in REVIEWING_AGENCIES if a in in_force and in_force[a] not in CONCURRING_OPINIONS
            ),
        )
    if guard == "security_assessment_positive":
        result = facts.assessment_in_force()
        return Blocker(guard, assessment="missing" if result is None else "negative")
    if guard == "reviews_on_current_dossier":
        return Blocker(guard, waiting=tuple(a.value for a in facts.opinions if a not in in_force))
    return Blocker(guard)


@dataclass(frozen=True)
class TimelineEntry:
    """An event of the timeline, with the opinion it recorded (record_opinion events)."""

    event: ApplicationEvent
    opinion: Opinion | None = None


def timeline(events: Sequence[ApplicationEvent], opinions: Sequence[Opinion]) -> tuple[TimelineEntry, ...]:
    """The events, each record_opinion event paired with the opinion it recorded: an opinion and its
    event are written in one transaction by one reviewer, so the n-th opinion event of a reviewer is their
    n-th opinion."""
    given: dict[int, list[Opinion]] = defaultdict(list)
    for recorded in sorted(opinions, key=lambda o: (o.given_at, o.pk)):
        given[recorded.actor_id].append(recorded)
    entries = []
    for event in events:
        opinion: Opinion | None = None
        if event.action == Action.RECORD_OPINION.value and given[event.actor_id]:
            opinion = given[event.actor_id].pop(0)
        entries.append(TimelineEntry(event, opinion))
    return tuple(entries)


@dataclass(frozen=True)
class ClockDates:
    """The clock's dates the page states beside its counts: the start (the acceptance notice, or
    receipt, as the rulebook sets), and the day it stopped, by a decision or a withdrawal."""

    started_on: date | None
    stopped_on: date | None
    decided: bool  # stopped by a decision (approval or refusal), not a withdrawal
    clock: ClockStatus
    starts_at_acceptance: bool = True  # the rulebook's clock start: the acceptance notice, else receipt

    @property
    def decided_in(self) -> int | None:
        """The working days the decision took (the days used when the clock stopped)."""
        if self.decided and self.clock.started and self.clock.days_used is not None:
            return self.clock.days_used
        return None

    @property
    def days_over_period(self) -> int | None:
        """Once stopped: the working days used beyond the period, if any."""
        left = self.clock.days_left
        if not self.clock.stopped or left is None or left >= 0:
            return None
        return -left

    @property
    def days_overdue(self) -> int | None:
        """The working days counted past the period (0 on a day off just after the due date)."""
        left = self.clock.days_left
        if self.clock.status is not DeadlineStatus.OVERDUE or left is None:
            return None
        return -left


def clock_dates(events: Sequence[ApplicationEvent], clock: ClockStatus, start: ClockStart) -> ClockDates:
    """The dates of ``clock`` read from the same events it was computed from."""
    start_kind = ClockEventKind.ACCEPTED if start is ClockStart.ACCEPTANCE else ClockEventKind.RECEIVED
    started_on = stopped_on = None
    decided = False
    for event in sorted(events, key=lambda e: (e.at, e.pk)):
        kind = clock_event_kind(Action(event.action))
        if kind is start_kind and started_on is None:
            started_on = event.on
        if kind in (ClockEventKind.DECIDED, ClockEventKind.WITHDRAWN) and stopped_on is None:
            stopped_on = event.on
            decided = kind is ClockEventKind.DECIDED
    return ClockDates(
        started_on=started_on,
        stopped_on=stopped_on,
        decided=decided,
        clock=clock,
        starts_at_acceptance=start is ClockStart.ACCEPTANCE,
    )


__all__ = [
    "BlockedAction",
    "Blocker",
    "ClockDates",
    "TimelineEntry",
    "blocked_actions",
    "clock_dates",
    "timeline",
]
