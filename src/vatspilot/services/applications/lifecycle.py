"""The one way an application's status changes: lock the row, check the version the caller saw, ask the
domain's transition table with the actor's roles and the facts the guards judge, then apply the row with
its timeline event and audit entry, and queue the notifications for after commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.translation import gettext as _

from vatspilot.contracts.input_errors import describe_input_error
from vatspilot.domain.applications import (
    Action,
    Role,
    State,
    Transition,
    TransitionRefused,
    allowed_actions,
    decide,
)
from vatspilot.domain.shared.errors import InputError
from vatspilot.services.applications.guard_facts import facts_of, roles_of, standing_and_facts
from vatspilot.services.applications.refusals import describe_refusal
from vatspilot.store.audit import record_audit
from vatspilot.store.models import (
    Application,
    ApplicationEvent,
)


class ActionRefused(Exception):
    """The action may not be taken; `message` is what the user reads, `code` and `params` are stable."""

    def __init__(self, code: str, message: str, **params: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.params = params


class Conflict(ActionRefused):
    """Someone else changed the application since the caller read it: reload and try again."""


def available_actions(actor: User, application: Application) -> list[Action]:
    """What this user may do now, in the table's order: the buttons to show."""
    return available_actions_for(actor, [application])[application.pk]


def available_actions_for(actor: User, applications: Sequence[Application]) -> dict[int, list[Action]]:
    """The same for many applications, in a fixed number of queries (the reviewers' queues)."""
    standing, facts = standing_and_facts(actor, applications)
    result: dict[int, list[Action]] = {}
    for application in applications:
        actions: list[Action] = []
        for role in standing.roles_towards(application):
            for action in allowed_actions(State(application.status), role, facts[application.pk]):
                if action not in actions:
                    actions.append(action)
        result[application.pk] = actions
    return result


def decide_for(actor: User, application: Application, action: Action) -> tuple[Transition, Role]:
    """The row and the role it is taken in; the most telling refusal when none of the actor's roles may."""
    facts = facts_of(application)
    state = State(application.status)
    refusals: list[TransitionRefused] = []
    for role in roles_of(actor, application):
        try:
            return decide(state, action, role, facts), role
        except TransitionRefused as refused:
            refusals.append(refused)
    if not refusals:
        refusals.append(
            TransitionRefused("role-not-allowed", {"state": state.value, "action": action.value, "role": "-"})
        )
    best = min(refusals, key=_how_telling)
    raise ActionRefused(best.code, describe_refusal(best, application), **best.params)


def _how_telling(refused: TransitionRefused) -> int:
    """A failed guard says more than a role mismatch, which says more than a wrong state."""
    if refused.code.startswith("guard-failed:"):
        return 0
    return 1 if refused.code == "role-not-allowed" else 2


# --- the one way a status changes ------------------------------------------------------------------------


def locked(application: Application, expected_version: int | None) -> Application:
    current = Application.objects.select_for_update().select_related("organisation").get(pk=application.pk)
    if expected_version is not None and current.version != expected_version:
        raise Conflict(
            "conflict",
            _("Someone else changed this application while you were working on it. Reload it and try again."),
            expected=expected_version,
            found=current.version,
        )
    return current


def apply_transition(
    *,
    actor: User,
    application: Application,
    transition: Transition,
    role: Role,
    on: date,
    note: str = "",
    extra: dict[str, Any] | None = None,
    also_save: Sequence[str] = (),
    details: dict[str, Any] | None = None,
) -> ApplicationEvent:
    """The row applied: the status (and `also_save`, fields the action changed) in one versioned write,
    the timeline event (whose dates the statutory clock reads; `details` are its machine-readable
    particulars, such as the reviews a supplement answer voided) and the audit entry."""
    before = {"status": application.status, "version": application.version}
    application.status = transition.target.value
    application.save_if_unchanged(update_fields=["status", *also_save])
    at = timezone.now()
    event = ApplicationEvent.objects.create(
        application=application,
        action=transition.action.value,
        from_state=transition.source.value,
        to_state=transition.target.value,
        on=on,
        at=at,
        actor=actor,
        role=role.value,
        note=note,
        details=details or {},
    )
    record_audit(
        actor=actor,
        action=f"application.{transition.action.value}",
        obj=application,
        before=before,
        after={
            "status": application.status,
            "version": application.version,
            "on": on.isoformat(),
            "role": role.value,
            "citation": transition.citation,
            **(extra or {}),
        },
    )
    return event


def take(
    *,
    actor: User,
    application: Application,
    action: Action,
    expected_version: int | None,
) -> tuple[Application, Transition, Role]:
    """The locked application, the row to apply and the role the actor takes it in."""
    current = locked(application, expected_version)
    transition, role = decide_for(actor, current, action)
    return current, transition, role


def notify_kind(kind: str, application: Application, context: dict[str, Any] | None = None) -> None:
    """Inbox rows now, in this transaction; the e-mails after commit (see services.notifications)."""
    from vatspilot.services.notifications import notify_about

    notify_about(kind=kind, application=application, context=context or {})


def input_error_text(error: InputError) -> str:
    return describe_input_error(error, _)
