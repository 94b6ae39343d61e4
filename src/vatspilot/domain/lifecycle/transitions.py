"""A transition row and the refusal `decide` raises, with its stable codes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

from vatspilot.domain.lifecycle.guards import Guard
from vatspilot.domain.shared.errors import DomainError

S = TypeVar("S", bound=StrEnum)
A = TypeVar("A", bound=StrEnum)
R = TypeVar("R", bound=StrEnum)
F = TypeVar("F")

# The refusal codes, checked in this order (see Workflow.decide); the web, the API and the tests rely on them.
ACTION_NOT_ALLOWED_IN_STATE = "action-not-allowed-in-state"
ROLE_NOT_ALLOWED = "role-not-allowed"
GUARD_FAILED = "guard-failed:"  # followed by the name of the failing condition


@dataclass(frozen=True)
class Transition(Generic[S, A, R, F]):
    """One row: `roles` may take `action` in `source` when `guard` holds, and the status becomes `target`.
    `citation` is the legal basis, shown in the generated docs and recorded in the audit entry."""

    source: S
    action: A
    target: S
    roles: tuple[R, ...]
    guard: Guard[F, R] | None
    citation: str


class TransitionRefused(DomainError):
    """The action may not be applied; `code` is stable, `params` name the state, action, role (and guard)."""

    def __init__(self, code: str, params: Mapping[str, str]) -> None:
        super().__init__(code, **params)
