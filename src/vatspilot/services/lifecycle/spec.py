"""What one kind of record declares so that the lifecycle service can move it: its workflow, how to lock
it, who the actor is towards it, the facts its guards judge, how its refusals read, its timeline event,
its audit prefix and its notifications. Everything else (lock, version check, decision, the versioned
write, the event, the audit entry, notifications inside the transaction) is the service's, once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Generic, Protocol, TypeVar

from django.contrib.auth.models import User

from vatspilot.domain.lifecycle import Transition, TransitionRefused, Workflow


class LifecycleRecord(Protocol):
    """What the service reads and writes of a record: its key, its status and its version, and the one
    versioned write (a Django model's `save_if_unchanged`, which checks and bumps the version)."""

    @property
    def pk(self) -> int: ...

    status: str
    version: int

    def save_if_unchanged(self, *, update_fields: list[str]) -> None: ...


# Unbounded here: the machine's functions bind M to LifecycleRecord where they are called. (A bound on a
# class's type variable is checked before django-stubs has typed the model's fields, so it would fail.)
M = TypeVar("M")
S = TypeVar("S", bound=StrEnum)
A = TypeVar("A", bound=StrEnum)
R = TypeVar("R", bound=StrEnum)
F = TypeVar("F")


@dataclass(frozen=True)
class Step(Generic[M, S, A, R, F]):
    """A row as it is applied, handed to the spec's `record_event` to write the timeline row. `actor` is
    None only for a role no person holds (a licence's SYSTEM role: the daily expiry)."""

    actor: User | None
    record: M
    transition: Transition[S, A, R, F]
    role: R
    on: date  # the legal date the statutory clocks count
    at: datetime
    note: str
    details: Mapping[str, object]

    def event_fields(self) -> dict[str, object]:
        """The timeline row's columns every workflow's event model shares (all but the record's key)."""
        return {
            "action": self.transition.action.value,
            "from_state": self.transition.source.value,
            "to_state": self.transition.target.value,
            "on": self.on,
            "at": self.at,
            "actor": self.actor,
            "role": self.role.value,
            "note": self.note,
            "details": dict(self.details),
        }


@dataclass(frozen=True)
class LifecycleSpec(Generic[M, S, A, R, F]):
    """One kind of record under the lifecycle service.

    - `lock(record)`: the record read again with its row locked (`SELECT ... FOR UPDATE`);
    - `roles_of(actor, record)`, `facts_of(record)`: the actor's roles towards it and the guards' facts;
    - `roles_and_facts(actor, records)`: the same for many records in a fixed number of queries (queues);
    - `describe_refusal(refused, record)`, `conflict_message()`: the words the user reads;
    - `record_event(step)`: writes the timeline row;
    - `audit_type`: the audit entry's object type (the model's label), `audit_prefix` its action prefix
      ("application" gives "application.submit");
    - `notification_of`: the notification kind an action sends, `notify(kind, record, context)` sends it.
    """

    workflow: Workflow[S, A, R, F]
    lock: Callable[[M], M]
    roles_of: Callable[[User, M], Sequence[R]]
    facts_of: Callable[[M], F]
    roles_and_facts: Callable[[User, Sequence[M]], tuple[Callable[[M], Sequence[R]], Mapping[int, F]]]
    describe_refusal: Callable[[TransitionRefused, M], str]
    conflict_message: Callable[[], str]
    record_event: Callable[[Step[M, S, A, R, F]], object]
    audit_type: str
    audit_prefix: str
    notify: Callable[[str, M, Mapping[str, object]], None]
    notification_of: Mapping[A, str] = field(default_factory=dict)
