"""The one way a status changes, for every kind of record a `LifecycleSpec` declares.

A writer opens the transaction and calls, in it: `take` (lock the row, check the version the caller saw,
ask the workflow with the actor's roles and the guards' facts), then writes what its action produces,
then `apply_transition` (the status and the fields the action changed in one versioned write, the
timeline event, the audit entry, the notifications: inbox rows now, e-mails after commit). Anything
raised before the transaction ends undoes all of it. `run` is the whole of an action that produces
nothing else.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from enum import StrEnum
from typing import TypeVar

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from vatspilot.domain.lifecycle import (
    GUARD_FAILED,
    ROLE_NOT_ALLOWED,
    Transition,
    TransitionRefused,
)
from vatspilot.services.lifecycle.errors import ActionRefused, Conflict
from vatspilot.services.lifecycle.spec import LifecycleRecord, LifecycleSpec, Step
from vatspilot.store.audit import AuditSubject, record_audit

M = TypeVar("M", bound=LifecycleRecord)
S = TypeVar("S", bound=StrEnum)
A = TypeVar("A", bound=StrEnum)
R = TypeVar("R", bound=StrEnum)
F = TypeVar("F")


class OutsideTransaction(RuntimeError):
    """apply_transition was called outside a transaction: the status could change without its event and
    audit entry."""


def locked(spec: LifecycleSpec[M, S, A, R, F], record: M, expected_version: int | None) -> M:
    """The record with its row locked; a `Conflict` if its version is not the one the caller saw."""
    current = spec.lock(record)
    if expected_version is not None and current.version != expected_version:
        raise Conflict(
            "conflict",
            spec.conflict_message(),
            expected=expected_version,
            found=current.version,
            record=spec.audit_prefix,  # which kind of record changed: the entry points name it
        )
    return current


def decide_for(
    spec: LifecycleSpec[M, S, A, R, F], actor: User, record: M, action: A
) -> tuple[Transition[S, A, R, F], R]:
    """The row and the role it is taken in; the most telling refusal when none of the actor's roles may."""
    row, role, _facts = judge(spec, actor, record, action)
    return row, role


def judge(spec: LifecycleSpec[M, S, A, R, F], actor: User, record: M, action: A) -> tuple[Transition[S, A, R, F], R, F]:
    """decide_for, with the facts the guards judged: a writer that needs one of them (the dossier hash)
    reads it here instead of again."""
    facts = spec.facts_of(record)
    state = spec.workflow.state(record.status)
    refusals: list[TransitionRefused] = []
    for role in spec.roles_of(actor, record):
        try:
            return spec.workflow.decide(state, action, role, facts), role, facts
        except TransitionRefused as refused:
            refusals.append(refused)
    if not refusals:
        refusals.append(
            TransitionRefused(ROLE_NOT_ALLOWED, {"state": state.value, "action": action.value, "role": "-"})
        )
    best = min(refusals, key=_how_telling)
    raise ActionRefused(best.code, spec.describe_refusal(best, record), **best.params)


def _how_telling(refused: TransitionRefused) -> int:
    """A failed guard says more than a role mismatch, which says more than a wrong state."""
    if refused.code.startswith(GUARD_FAILED):
        return 0
    return 1 if refused.code == ROLE_NOT_ALLOWED else 2


def take(
    spec: LifecycleSpec[M, S, A, R, F], *, actor: User, record: M, action: A, expected_version: int | None
) -> tuple[M, Transition[S, A, R, F], R]:
    """The locked record, the row to apply and the role the actor takes it in."""
    current = locked(spec, record, expected_version)
    row, role = decide_for(spec, actor, current, action)
    return current, row, role


def take_judged(
    spec: LifecycleSpec[M, S, A, R, F], *, actor: User, record: M, action: A, expected_version: int | None
) -> tuple[M, Transition[S, A, R, F], R, F]:
    """take, with the facts the guards judged (see judge)."""
    current = locked(spec, record, expected_version)
    row, role, facts = judge(spec, actor, current, action)
    return current, row, role, facts


def apply_transition(
    spec: LifecycleSpec[M, S, A, R, F],
    *,
    actor: User | None,
    record: M,
    transition: Transition[S, A, R, F],
    role: R,
    on: date,
    note: str = "",
    extra: Mapping[str, object] | None = None,
    also_save: Sequence[str] = (),
    details: Mapping[str, object] | None = None,
    notify_context: Mapping[str, object] | None = None,
) -> None:
    """The row applied to the locked record, in the caller's transaction: the status (and `also_save`,
    the fields the action changed) in one versioned write (`actor` None: the system, in a role no person
    holds, decided by the caller with the workflow itself), the timeline event (`details` its
    machine-readable particulars), the audit entry (`extra` added to its `after`) and the notification
    the spec names for the action (with `notify_context`)."""
    if not transaction.get_connection().in_atomic_block:
        raise OutsideTransaction(f"apply_transition({transition.action.value!r}) must run inside transaction.atomic()")
    before = {"status": record.status, "version": record.version}
    record.status = transition.target.value
    record.save_if_unchanged(update_fields=["status", *also_save])
    spec.record_event(
        Step(
            actor=actor,
            record=record,
            transition=transition,
            role=role,
            on=on,
            at=timezone.now(),
            note=note,
            details=details or {},
        )
    )
    record_audit(
        actor=actor,
        action=f"{spec.audit_prefix}.{transition.action.value}",
        obj=AuditSubject(spec.audit_type, str(record.pk)),
        before=before,
        after={
            "status": record.status,
            "version": record.version,
            "on": on.isoformat(),
            "role": role.value,
            "citation": transition.citation,
            **(extra or {}),
        },
    )
    kind = spec.notification_of.get(transition.action)
    if kind is not None:
        spec.notify(kind, record, notify_context or {})


def run(
    spec: LifecycleSpec[M, S, A, R, F],
    *,
    actor: User,
    record: M,
    action: A,
    on: date,
    expected_version: int | None,
    note: str = "",
    extra: Mapping[str, object] | None = None,
) -> M:
    """An action that produces nothing but its row, in one transaction; the record as it now stands
    (`note` on its event, `extra` in its audit entry, as apply_transition takes them)."""
    with transaction.atomic():
        current, row, role = take(spec, actor=actor, record=record, action=action, expected_version=expected_version)
        apply_transition(spec, actor=actor, record=current, transition=row, role=role, on=on, note=note, extra=extra)
    return current


def available_actions_for(spec: LifecycleSpec[M, S, A, R, F], actor: User, records: Sequence[M]) -> dict[int, list[A]]:
    """What `actor` may do now to each record, in the table's order, in a fixed number of queries."""
    roles_towards, facts = spec.roles_and_facts(actor, records)
    result: dict[int, list[A]] = {}
    for record in records:
        actions: list[A] = []
        state = spec.workflow.state(record.status)
        for role in roles_towards(record):
            for action in spec.workflow.allowed_actions(state, role, facts[record.pk]):
                if action not in actions:
                    actions.append(action)
        result[record.pk] = actions
    return result
