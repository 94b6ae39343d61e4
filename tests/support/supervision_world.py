"""The supervisors' dashboard world for its tests at every entry point
(tests/web/test_web_supervision_dashboard.py, tests/api/test_api_supervision_dashboard.py)."""

from __future__ import annotations

from datetime import date

from pilot_world import World

from vatspilot.domain.supervision.findings import Severity
from vatspilot.services.supervision.findings import raise_finding
from vatspilot.store.models import Finding, Licence


def world_with_work(world: World) -> tuple[Licence, Finding]:
    """The licence issued 2025-06-03 (2025-Q3 due 2025-10-15, cure deadline 2025-10-30: overdue by the tests'
    day), a critical finding raised 2025-10-16 (due 10-31) and a cross-border flag."""
    licence = world.licence()
    finding, _new = raise_finding(
        actor=None,
        licence=licence,
        rule="node:outside-mainland",
        citation="c",
        severity=Severity.CRITICAL,
        fingerprint="f1",
        on=date(2025, 10, 16),
    )
    raise_finding(
        actor=None,
        licence=licence,
        rule="cross-border:mechanism",
        citation="c",
        severity=Severity.HIGH,
        fingerprint="f2",
        on=date(2025, 11, 1),
    )
    return licence, finding
