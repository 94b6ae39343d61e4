"""The lifecycle service: applies a row of any workflow (vatspilot.domain.lifecycle) to any record with a
status, in one transaction. Each kind of record declares a `LifecycleSpec` (the applications':
services.applications.lifecycle.APPLICATIONS); the writers call `take` and `apply_transition`, or `run`."""

from vatspilot.services.lifecycle.errors import ActionRefused, Conflict
from vatspilot.services.lifecycle.machine import (
    OutsideTransaction,
    apply_transition,
    available_actions_for,
    decide_for,
    judge,
    locked,
    run,
    take,
    take_judged,
)
from vatspilot.services.lifecycle.spec import LifecycleRecord, LifecycleSpec, Step

__all__ = [
    "ActionRefused",
    "Conflict",
    "LifecycleRecord",
    "LifecycleSpec",
    "OutsideTransaction",
    "Step",
    "apply_transition",
    "available_actions_for",
    "decide_for",
    "judge",
    "locked",
    "run",
    "take",
    "take_judged",
]
