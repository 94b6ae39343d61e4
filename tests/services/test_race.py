"""Two reviewers act on one application at the same moment: exactly one action takes effect.

On PostgreSQL, with two real connections (one per thread), both start from the same version; the row
lock serialises them and the version check turns the loser into a clear conflict.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections
from pilot_world import ON, World

from vatspilot.domain.applications import Action, Role, State
from vatspilot.services import applications as svc
from vatspilot.store.audit import verify_chain
from vatspilot.store.models import Application, ApplicationEvent, Decision

pytestmark = pytest.mark.django_db(transaction=True)


def _race(world: World, application: Application, moves: list[tuple[Role, Action, dict[str, Any]]]) -> list[object]:
    version = application.version
    barrier = threading.Barrier(len(moves))
    results: list[object] = [None] * len(moves)

    def run(index: int, role: Role, action: Action, fields: dict[str, Any]) -> None:
        try:
            barrier.wait(timeout=10)
            svc.perform(
                actor=world.users[role],
                application=application,
                action=action,
                on=ON,
                expected_version=version,
                **fields,
            )
            results[index] = "done"
        except svc.Conflict as conflict:
            results[index] = conflict
        except svc.ActionRefused as refused:
            results[index] = refused
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, *move)) for i, move in enumerate(moves)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.fixture
def postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("two real concurrent connections need PostgreSQL (make test runs this file on it too)")


def test_accept_and_refuse_at_once_exactly_one_wins(postgres_only: None, world: World) -> None:
    application = world.drive_to(State.SUBMITTED)
    results = _race(
        world,
        application,
        [
            (Role.LOCAL_OFFICER, Action.ACCEPT, {}),
            (Role.APPLICANT, Action.WITHDRAW, {}),
        ],
    )
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "str"]
    conflict = next(r for r in results if isinstance(r, svc.Conflict))
    assert conflict.message.startswith("Someone else changed this application")
    application.refresh_from_db()
    assert application.status in {"preliminary_assessment", "withdrawn"}
    assert ApplicationEvent.objects.filter(application=application).count() == 2  # submit + the winner
    assert verify_chain().ok


def test_two_approvals_at_once_make_one_decision(postgres_only: None, world: World) -> None:
    application = world.concur_all(world.drive_to(State.MINISTERIAL_REVIEW))
    basis = {"legal_basis": "MIIT Order No. 42 Art. 11"}
    results = _race(world, application, [(Role.MIIT_REVIEWER, Action.APPROVE, basis)] * 2)
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "str"]
    assert Decision.objects.filter(application=application).count() == 1
    assert verify_chain().ok
