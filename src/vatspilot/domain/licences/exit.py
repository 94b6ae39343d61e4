"""The orderly network exit after a revocation or a cancellation: its own small table on the shared
machine. The holder files the plan (the day users are told, the migration deadline, how many users must
move), reports progress, and reports the exit done; the authority confirms it, or sends it back. An exit
whose migration deadline has passed unconfirmed is overdue, and the supervisors' pages show it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from vatspilot.domain.licences import citations
from vatspilot.domain.lifecycle import Guard, Transition, Workflow


class ExitState(StrEnum):
    REQUIRED = "required"  # opened by the revocation or cancellation; no plan yet
    IN_PROGRESS = "in_progress"  # plan filed; users being told and moved
    DONE_REPORTED = "done_reported"  # the holder says every user has moved
    COMPLETED = "completed"  # the authority confirmed


class ExitAction(StrEnum):
    FILE_PLAN = "file_plan"
    REPORT_PROGRESS = "report_progress"
    REPORT_DONE = "report_done"
    CONFIRM = "confirm"
    SEND_BACK = "send_back"


class ExitRole(StrEnum):
    HOLDER = "holder"
    MIIT_REVIEWER = "miit_reviewer"
    LOCAL_OFFICER = "local_officer"


@dataclass(frozen=True)
class ExitPlan:
    users_notified_on: date
    migration_deadline: date
    users_to_migrate: int


@dataclass(frozen=True)
class ExitFacts:
    plan: ExitPlan | None  # the plan as filed (for file_plan: as it would be filed)
    users_migrated: int  # as last reported


def plan_is_sound(plan: ExitPlan | None) -> bool:
    return plan is not None and plan.users_to_migrate >= 0 and plan.users_notified_on <= plan.migration_deadline


def _plan_sound(facts: ExitFacts, _role: ExitRole) -> bool:
    return plan_is_sound(facts.plan)


def _everyone_moved(facts: ExitFacts, _role: ExitRole) -> bool:
    return facts.plan is not None and facts.users_migrated >= facts.plan.users_to_migrate


PLAN_SOUND: Guard[ExitFacts, ExitRole] = Guard(
    "plan_sound", "users are told on or before the migration deadline; a count of users is given", _plan_sound
)
EVERYONE_MOVED: Guard[ExitFacts, ExitRole] = Guard(
    "everyone_moved", "the users migrated reach the number in the plan", _everyone_moved
)

_HOLDER = (ExitRole.HOLDER,)
_AUTHORITY = (ExitRole.MIIT_REVIEWER, ExitRole.LOCAL_OFFICER)
_S = ExitState
_A = ExitAction

EXIT_WORKFLOW: Workflow[ExitState, ExitAction, ExitRole, ExitFacts] = Workflow(
    name="network exit",
    states=tuple(ExitState),
    initial=_S.REQUIRED,
    final_states=frozenset({_S.COMPLETED}),
    rows=(
        Transition(_S.REQUIRED, _A.FILE_PLAN, _S.IN_PROGRESS, _HOLDER, PLAN_SOUND, citations.EXIT),
        Transition(_S.IN_PROGRESS, _A.REPORT_PROGRESS, _S.IN_PROGRESS, _HOLDER, None, citations.EXIT),
        Transition(_S.IN_PROGRESS, _A.REPORT_DONE, _S.DONE_REPORTED, _HOLDER, EVERYONE_MOVED, citations.EXIT),
        Transition(_S.DONE_REPORTED, _A.CONFIRM, _S.COMPLETED, _AUTHORITY, None, citations.EXIT),
        Transition(_S.DONE_REPORTED, _A.SEND_BACK, _S.IN_PROGRESS, _AUTHORITY, None, citations.EXIT),
    ),
)


def exit_overdue(state: ExitState, plan: ExitPlan | None, today: date) -> bool:
    """Past the migration deadline and not confirmed complete (no plan yet: not overdue by a deadline,
    but the supervisors see it as `required`)."""
    return state is not ExitState.COMPLETED and plan is not None and today > plan.migration_deadline


def days_overdue(state: ExitState, plan: ExitPlan | None, today: date) -> int:
    """How many days past the migration deadline an unconfirmed exit is on ``today`` (0 when it is not
    overdue: on the deadline day itself the holder is still in time)."""
    if plan is None or not exit_overdue(state, plan, today):
        return 0
    return (today - plan.migration_deadline).days


def plan_problem(plan: ExitPlan) -> tuple[str, str] | None:
    """The field at fault in a plan and the refusal's code, or None for a sound plan (PLAN_SOUND, told
    field by field so that the form can name the one to correct)."""
    if plan.users_to_migrate < 0:
        return "users_to_migrate", "negative-count"
    if plan.migration_deadline < plan.users_notified_on:
        return "migration_deadline", "deadline-before-notice"
    return None


def progress_problem(plan: ExitPlan | None, previous: int, reported: int) -> str | None:
    """Why a progress report cannot be right, or None. A report states how many users have moved so far:
    it cannot be negative, exceed the users the plan must move, or fall below the last report (users
    who moved do not move back; a report repeating the last count, with a new note, is allowed)."""
    if reported < 0:
        return "negative-count"
    if plan is not None and reported > plan.users_to_migrate:
        return "more-than-planned"
    if reported < previous:
        return "fewer-than-reported"
    return None
