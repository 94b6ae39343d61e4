"""The conditions a transition may require: named, pure predicates of a facts object and the actor's role.

A refused guard is reported by the name of the first condition that fails ("guard-failed:<name>"), so a
composite guard reports which of its parts is missing. A workflow fixes the facts type (`F`, a frozen
snapshot its services build) and the role type (`R`, a str-Enum).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

F = TypeVar("F")
R = TypeVar("R")


@dataclass(frozen=True)
class Guard(Generic[F, R]):
    """A named condition. A composite guard (`parts`) holds when every part and its own predicate hold."""

    name: str
    description: str
    predicate: Callable[[F, R], bool] | None = None
    parts: tuple[Guard[F, R], ...] = ()

    def first_failure(self, facts: F, role: R) -> Guard[F, R] | None:
        """The first condition (a part, depth first, or this guard) that does not hold, or None."""
        for part in self.parts:
            failed = part.first_failure(facts, role)
            if failed is not None:
                return failed
        if self.predicate is not None and not self.predicate(facts, role):
            return self
        return None

    def holds(self, facts: F, role: R) -> bool:
        return self.first_failure(facts, role) is None

    def walk(self) -> list[Guard[F, R]]:
        """This guard, then its parts depth first: the order the guards are listed in the docs."""
        return [self, *(guard for part in self.parts for guard in part.walk())]


def all_of(name: str, description: str, *parts: Guard[F, R]) -> Guard[F, R]:
    """A composite guard: holds when every part holds, and names the first part that does not."""
    return Guard(name=name, description=description, parts=parts)
