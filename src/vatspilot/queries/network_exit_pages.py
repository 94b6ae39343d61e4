"""The supervisors' list of network exits (queries.network_exits.exits_in_reach) filtered and keyed for
a page at a time: the same rows in the same order (the overdue first, the longest overdue first, then by
migration deadline, those with no plan yet last), the exits that tie on all of that in the order they
were opened, then by licence number; ``exit_list_key`` is that order as plain values, for a cursor."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AnonymousUser, User

from vatspilot.domain.licences.exit import ExitState
from vatspilot.queries.network_exits import ExitRow, exits_in_reach

__all__ = ["exit_list_key", "exit_rows"]

ListKey = tuple[int, int, int, str, str, str]


def exit_list_key(row: ExitRow) -> ListKey:
    """The row's place in the list, ascending; unique (one exit per licence)."""
    return (
        0 if row.overdue else 1,
        -row.days_overdue,
        1 if row.migration_deadline is None else 0,
        (row.migration_deadline or date.max).isoformat(),
        row.opened_on.isoformat(),
        row.licence_number,
    )


def exit_rows(
    actor: User | AnonymousUser, *, today: date, state: ExitState | None = None, overdue: bool | None = None
) -> list[ExitRow]:
    """The exits ``actor`` supervises (exits_in_reach: none for anyone else), only those in ``state`` and
    only the overdue (``overdue=True``) or those in time (``False``) when asked, in ``exit_list_key`` order."""
    rows = [
        row
        for row in exits_in_reach(actor, today=today)
        if (state is None or row.state is state) and (overdue is None or row.overdue is overdue)
    ]
    return sorted(rows, key=exit_list_key)
