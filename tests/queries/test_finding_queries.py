"""The findings' read models (queries.findings): who sees which finding (store.access, role by role), the
running deadline and days left or overdue on either side of its day, the rung, the details, the actions
offered (the remediation with the evidence its form brings), the bad-record listing after a scope
reduction, the filters, and a list whose query count does not grow with the number of findings."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from pilot_world import World, make_user

from vatspilot.domain.applications import Role
from vatspilot.domain.supervision.findings import FindingAction, FindingState, Severity
from vatspilot.queries.findings import finding_detail, finding_list
from vatspilot.services.supervision.findings import order_rectification, raise_finding, reduce_scope_for_finding
from vatspilot.store.access import NotFound, access_finding
from vatspilot.store.models import Finding, Licence

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


RAISED = date(2025, 10, 16)


def raise_one(licence: Licence, index: int = 0, severity: Severity = Severity.CRITICAL, on: date = RAISED) -> Finding:
    finding, _new = raise_finding(
        actor=None,
        licence=licence,
        rule=f"log:vulnerability-overdue-{index}",
        citation="Cybersecurity Law Art. 22",
        severity=severity,
        fingerprint=f"vulnerability:CVE-{index}",
        on=on,
        details={"line": 12, "detail": "CVE-2025-0001 open 40 days", "citation_zh": "《网络安全法》第二十二条"},
    )
    return finding


def test_each_role_sees_the_findings_the_access_rule_gives(world: World) -> None:
    finding = raise_one(world.licence())
    seeing = [world.applicant, world.users[Role.LOCAL_OFFICER], world.users[Role.MIIT_REVIEWER]]
    blind = [
        world.other_applicant,
        world.outsider,
        world.users[Role.INSPECTOR],
        world.users[Role.CAC_REVIEWER],
        world.users[Role.MPS_REVIEWER],
        world.users[Role.SECURITY_EXPERT],
        world.users[Role.ADMINISTRATOR],
        make_user("gone", Role.MIIT_REVIEWER.value, active=False),
        AnonymousUser(),
    ]
    for user in seeing:
        assert access_finding(user, finding.pk).pk == finding.pk
        assert [row.pk for row in finding_list(user, today=RAISED).rows] == [finding.pk]
    for user in blind:
        with pytest.raises(NotFound):
            access_finding(user, finding.pk)
        assert finding_list(user, today=RAISED).rows == ()
    with pytest.raises(NotFound):
        access_finding(world.applicant, "not-a-number")
    assert finding_list(world.users[Role.LOCAL_OFFICER], today=RAISED).supervisor is True
    assert finding_list(world.applicant, today=RAISED).supervisor is False


@pytest.mark.parametrize(
    ("today", "days_left", "overdue", "days_overdue"),
    [(date(2025, 10, 30), 1, False, 0), (date(2025, 10, 31), 0, False, 0), (date(2025, 11, 2), -2, True, 2)],
)
def test_the_running_deadline_either_side_of_its_day(
    world: World, today: date, days_left: int, overdue: bool, days_overdue: int
) -> None:
    finding = raise_one(world.licence())
    detail = finding_detail(world.users[Role.LOCAL_OFFICER], access_finding(world.applicant, finding.pk), today=today)
    assert (detail.deadline, detail.days_left, detail.overdue, detail.days_overdue) == (
        date(2025, 10, 31),
        days_left,
        overdue,
        days_overdue,
    )
    expected = (FindingAction.DISMISS, FindingAction.ORDER_RECTIFICATION) if overdue else (FindingAction.DISMISS,)
    assert detail.actions == expected
    [row] = finding_list(world.users[Role.LOCAL_OFFICER], today=today).rows
    assert (row.days_left, row.overdue, row.age_days) == (days_left, overdue, (today - RAISED).days)


def test_the_detail_of_a_finding(world: World) -> None:
    finding = raise_one(world.licence())
    detail = finding_detail(world.applicant, finding, today=RAISED)
    assert (detail.rule, detail.citation, detail.citation_zh) == (
        "log:vulnerability-overdue-0",
        "Cybersecurity Law Art. 22",
        "《网络安全法》第二十二条",
    )
    assert (detail.severity, detail.state, detail.rung, detail.source) == (Severity.CRITICAL, FindingState.OPEN, 0, "")
    assert [(line.key, line.value) for line in detail.detail_lines] == [
        ("line", "12"),
        ("detail", "CVE-2025-0001 open 40 days"),
    ]
    assert [(step.state.value, step.reached, step.current) for step in detail.ladder] == [
        ("open", True, True),
        ("rectification_ordered", False, False),
        ("scope_reduced", False, False),
        ("revoked", False, False),
    ]
    # No evidence yet: the remediation is offered, since its form brings the evidence.
    assert detail.actions == (FindingAction.REPORT_REMEDIATION,)
    assert (detail.evidence, detail.timeline, detail.listing) == ((), (), None)


def test_a_scope_reduction_calls_for_a_listing_within_the_rulebooks_days(world: World) -> None:
    licence = world.licence()
    finding = raise_one(licence)
    officer, miit = world.users[Role.LOCAL_OFFICER], world.users[Role.MIIT_REVIEWER]
    finding = order_rectification(
        actor=officer,
        finding=finding,
        on=date(2025, 11, 1),
        expected_version=1,
        deadline=date(2025, 11, 30),
        reason="order",
    )
    detail = finding_detail(miit, finding, today=date(2025, 11, 5))
    assert (detail.deadline, detail.days_left, detail.rung, detail.actions) == (date(2025, 11, 30), 25, 1, ())
    finding = reduce_scope_for_finding(
        actor=miit,
        finding=finding,
        on=date(2025, 12, 1),
        expected_version=2,
        deadline=date(2025, 12, 31),
        remove_services=["B25-05"],
        narrow_areas={},
        reason="reduce",
    )
    listing = finding_detail(miit, finding, today=date(2025, 12, 31)).listing
    assert listing is not None
    assert (listing.penalty_decided_on, listing.due_on, listing.days, listing.listed_on, listing.overdue) == (
        date(2025, 12, 1),
        date(2025, 12, 31),
        30,
        None,
        False,
    )
    late = finding_detail(miit, finding, today=date(2026, 1, 1))
    assert late.listing is not None and late.listing.overdue is True
    assert (late.rung, late.overdue, late.actions) == (2, True, (FindingAction.REVOKE,))
    assert [step.action for step in late.timeline] == ["order_rectification", "reduce_scope"]
    assert late.timeline[1].rectification_due_on == "2025-12-31"


def test_filters_and_order(world: World) -> None:
    licence = world.licence()
    old = raise_one(licence, 0, Severity.LOW, on=date(2025, 7, 1))  # due 2025-09-29: overdue
    new = raise_one(licence, 1, Severity.CRITICAL, on=date(2025, 10, 1))  # due 2025-10-16
    newest = raise_one(licence, 2, Severity.HIGH, on=date(2025, 10, 10))  # due 2025-11-09
    miit = world.users[Role.MIIT_REVIEWER]
    today = date(2025, 10, 16)
    assert [row.pk for row in finding_list(miit, today=today).rows] == [old.pk, new.pk, newest.pk]
    assert [row.pk for row in finding_list(miit, today=today, overdue=True).rows] == [old.pk]
    assert [row.pk for row in finding_list(miit, today=today, severity=Severity.HIGH).rows] == [newest.pk]
    assert finding_list(miit, today=today, state=FindingState.RESOLVED).rows == ()
    listing = finding_list(miit, today=today, severity=Severity.LOW)
    assert (listing.total, len(listing.rows)) == (3, 1)


@pytest.mark.parametrize("reader", ["miit", "officer", "holder"])
def test_the_list_costs_the_same_for_2_and_12_findings(world: World, reader: str) -> None:
    licence = world.licence()
    user = {
        "miit": world.users[Role.MIIT_REVIEWER],
        "officer": world.users[Role.LOCAL_OFFICER],
        "holder": world.applicant,
    }[reader]
    counts = []
    for size in (2, 12):
        for index in range(Finding.objects.count(), size):
            raise_one(licence, index)
        with CaptureQueriesContext(connection) as captured:
            rows = finding_list(user, today=RAISED).rows
        assert len(rows) == size
        counts.append(len(captured))
    assert counts == [2, 2]
