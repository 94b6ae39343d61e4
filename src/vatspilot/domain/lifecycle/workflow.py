"""A workflow: its states, the state a record starts in, its final states and its transition rows.

`decide` looks up the row for (state, action); a status change that is not a row is refused. The
checks run in a fixed order, so the refusal code is stable:

1. no row leaves `state` by `action` -> "action-not-allowed-in-state";
2. the actor's role is not among the row's roles -> "role-not-allowed";
3. a condition of the row's guard fails -> "guard-failed:<name of the failing condition>".

A workflow checks itself when it is declared (`InvalidWorkflow`): every row names known states, no
two rows leave a state by the same action, no row leaves a final state, every state is reachable from
the initial one and every state can still reach a final one.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Generic, TypeVar

from vatspilot.domain.lifecycle.guards import Guard
from vatspilot.domain.lifecycle.transitions import (
    ACTION_NOT_ALLOWED_IN_STATE,
    GUARD_FAILED,
    ROLE_NOT_ALLOWED,
    Transition,
    TransitionRefused,
)

S = TypeVar("S", bound=StrEnum)
A = TypeVar("A", bound=StrEnum)
R = TypeVar("R", bound=StrEnum)
F = TypeVar("F")


class InvalidWorkflow(ValueError):
    """The table contradicts itself: a mistake in its declaration, caught at import."""


@dataclass(frozen=True)
class Workflow(Generic[S, A, R, F]):
    """The one place a record's status may change. `states` and `final_states` are listed in the order the
    docs show them; `rows` in table order (the order `allowed_actions` and the docs follow)."""

    name: str
    states: tuple[S, ...]
    initial: S
    final_states: frozenset[S]
    rows: tuple[Transition[S, A, R, F], ...]
    _index: Mapping[tuple[S, A], Transition[S, A, R, F]] = field(init=False, repr=False, compare=False)
    _by_value: Mapping[str, S] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", MappingProxyType(_checked_index(self)))
        object.__setattr__(self, "_by_value", MappingProxyType({state.value: state for state in self.states}))

    def state(self, value: str) -> S:
        """The state a stored status names (KeyError for a status the table does not know)."""
        return self._by_value[value]

    def row(self, state: S, action: A) -> Transition[S, A, R, F] | None:
        return self._index.get((state, action))

    def decide(self, state: S, action: A, role: R, facts: F) -> Transition[S, A, R, F]:
        """The row to apply when `role` does `action` in `state`, or `TransitionRefused`."""
        params = {"state": state.value, "action": action.value, "role": role.value}
        row = self._index.get((state, action))
        if row is None:
            raise TransitionRefused(ACTION_NOT_ALLOWED_IN_STATE, params)
        if role not in row.roles:
            raise TransitionRefused(ROLE_NOT_ALLOWED, params)
        if row.guard is not None:
            failed = row.guard.first_failure(facts, role)
            if failed is not None:
                raise TransitionRefused(f"{GUARD_FAILED}{failed.name}", {**params, "guard": failed.name})
        return row

    def allowed_actions(self, state: S, role: R, facts: F) -> list[A]:
        """The actions `role` may take now, in table order."""
        return [
            row.action
            for row in self.rows
            if row.source is state and role in row.roles and (row.guard is None or row.guard.holds(facts, role))
        ]

    def guards(self) -> list[Guard[F, R]]:
        """Every guard the rows name with their parts, once each by name, in the order first met."""
        seen: dict[str, Guard[F, R]] = {}
        for row in self.rows:
            if row.guard is not None:
                for guard in row.guard.walk():
                    seen.setdefault(guard.name, guard)
        return list(seen.values())


def _checked_index(workflow: Workflow[S, A, R, F]) -> dict[tuple[S, A], Transition[S, A, R, F]]:
    known = set(workflow.states)
    if len(known) != len(workflow.states):
        raise InvalidWorkflow(f"{workflow.name}: a state is listed twice")
    unknown = ({workflow.initial} | workflow.final_states) - known
    unknown |= {state for row in workflow.rows for state in (row.source, row.target) if state not in known}
    if unknown:
        raise InvalidWorkflow(f"{workflow.name}: unknown states {_names(unknown)}")
    index: dict[tuple[S, A], Transition[S, A, R, F]] = {}
    for row in workflow.rows:
        key = (row.source, row.action)
        if key in index:
            raise InvalidWorkflow(f"{workflow.name}: two rows leave {row.source} by {row.action}")
        if row.source in workflow.final_states:
            raise InvalidWorkflow(f"{workflow.name}: a row leaves the final state {row.source}")
        index[key] = row
    edges = [(row.source, row.target) for row in workflow.rows]
    unreachable = known - _reachable([workflow.initial], edges)
    if unreachable:
        raise InvalidWorkflow(f"{workflow.name}: no row leads to {_names(unreachable)}")
    stuck = known - _reachable(workflow.final_states, [(target, source) for source, target in edges])
    if stuck:
        raise InvalidWorkflow(f"{workflow.name}: no final state can be reached from {_names(stuck)}")
    return index


def _names(states: set[S]) -> str:
    return ", ".join(sorted(state.value for state in states))


def _reachable(starts: Iterable[S], edges: list[tuple[S, S]]) -> set[S]:
    seen = set(starts)
    queue = deque(seen)
    while queue:
        state = queue.popleft()
        for source, target in edges:
            if source is state and target not in seen:
                seen.add(target)
                queue.append(target)
    return seen
