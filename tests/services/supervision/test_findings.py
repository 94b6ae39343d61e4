"""A finding's life on a real database: raised once per fingerprint with the rulebook's deadline; the
holder's remediation with evidence; acceptance, rejection, dismissal; the ladder walked rung by rung to a
scope reduction and a revocation of the licence in the same transaction; refusals write nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pilot_world import World

from vatspilot.domain.applications import Role
from vatspilot.domain.supervision.findings import Severity
from vatspilot.services.lifecycle import ActionRefused
from vatspilot.services.supervision.findings import (
    accept_remediation,
    dismiss_finding,
    order_rectification,
    raise_finding,
    reduce_scope_for_finding,
    reject_remediation,
    report_remediation,
    revoke_for_finding,
)
from vatspilot.store.models import AuditEntry, Finding, FindingEvidence, Licence, LicenceEvent, SupervisionEvent

pytestmark = pytest.mark.django_db

RAISED = date(2025, 10, 16)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def english(settings, tmp_path):
    settings.LANGUAGE_CODE = "en"
    settings.MEDIA_ROOT = tmp_path


def _evidence() -> SimpleUploadedFile:
    return SimpleUploadedFile("patch-report.pdf", PDF, content_type="application/pdf")


def _raise(licence: Licence, severity: Severity = Severity.CRITICAL) -> Finding:
    finding, new = raise_finding(
        actor=None,
        licence=licence,
        rule="check:outside-mainland",
        citation="Pilot Notice: node lists",
        severity=severity,
        fingerprint=f"nodes:{severity.value}",
        on=RAISED,
        details={"nodes": ["n-7"]},
    )
    assert new
    return finding


def _snapshot(finding: Finding) -> tuple[object, ...]:
    row = Finding.objects.filter(pk=finding.pk).values_list("status", "version", "rectification_due_on").get()
    licence = Licence.objects.filter(pk=finding.licence_id).values_list("status", "version").get()
    return (
        row,
        licence,
        SupervisionEvent.objects.count(),
        LicenceEvent.objects.count(),
        FindingEvidence.objects.count(),
        AuditEntry.objects.count(),
    )


@pytest.mark.parametrize(("severity", "days"), [("critical", 15), ("high", 30), ("medium", 60), ("low", 90)])
def test_raised_once_with_the_rulebooks_deadline(world: World, severity: str, days: int) -> None:
    licence = world.licence()
    finding = _raise(licence, Severity(severity))
    assert (finding.status, finding.remediation_due_on) == ("open", RAISED + timedelta(days=days))
    again, new = raise_finding(
        actor=None,
        licence=licence,
        rule="check:outside-mainland",
        citation="x",
        severity=Severity(severity),
        fingerprint=f"nodes:{severity}",
        on=RAISED + timedelta(days=1),
    )
    assert (again.pk, new) == (finding.pk, False)
    assert AuditEntry.objects.filter(action="finding.raised").count() == 1


def test_remediation_needs_evidence_and_the_holder(world: World) -> None:
    finding = _raise(world.licence())
    before = _snapshot(finding)
    with pytest.raises(ActionRefused) as refused:
        report_remediation(
            actor=world.applicant,
            finding=finding,
            on=RAISED,
            expected_version=finding.version,
            note="fixed",
            evidence=[],
        )
    assert refused.value.code == "guard-failed:has_evidence"
    for actor in (world.users[Role.LOCAL_OFFICER], world.other_applicant, world.outsider):
        with pytest.raises(ActionRefused) as refused:
            report_remediation(
                actor=actor,
                finding=finding,
                on=RAISED,
                expected_version=finding.version,
                note="x",
                evidence=[_evidence()],
            )
        assert refused.value.code == "role-not-allowed"
    with pytest.raises(ActionRefused) as refused:
        report_remediation(
            actor=world.applicant,
            finding=finding,
            on=RAISED,
            expected_version=finding.version,
            note="fixed",
            evidence=[SimpleUploadedFile("empty.pdf", b"")],
        )
    assert refused.value.params["field"] == "evidence"
    assert _snapshot(finding) == before


def test_remediated_then_rejected_then_accepted(world: World) -> None:
    finding = _raise(world.licence())
    finding = report_remediation(
        actor=world.applicant,
        finding=finding,
        on=RAISED,
        expected_version=finding.version,
        note="patched",
        evidence=[_evidence()],
    )
    assert finding.status == "remediation_reported"
    evidence = FindingEvidence.objects.get(finding=finding)
    assert (evidence.filename, evidence.size_bytes) == ("patch-report.pdf", len(PDF))
    officer = world.users[Role.LOCAL_OFFICER]
    finding = reject_remediation(
        actor=officer, finding=finding, on=RAISED, expected_version=finding.version, reason="scan still shows it"
    )
    assert finding.status == "open"
    finding = report_remediation(
        actor=world.applicant,
        finding=finding,
        on=RAISED,
        expected_version=finding.version,
        note="again",
        evidence=[_evidence()],
    )
    finding = accept_remediation(
        actor=officer, finding=finding, on=RAISED, expected_version=finding.version, reason="ok"
    )
    assert finding.status == "resolved"
    assert list(SupervisionEvent.objects.filter(finding=finding).values_list("action", flat=True)) == [
        "report_remediation",
        "reject_remediation",
        "report_remediation",
        "accept_remediation",
    ]


def test_a_finding_is_dismissed_with_a_reason_by_the_authority_only(world: World) -> None:
    finding = _raise(world.licence())
    before = _snapshot(finding)
    with pytest.raises(ActionRefused) as refused:
        dismiss_finding(
            actor=world.applicant, finding=finding, on=RAISED, expected_version=finding.version, reason="no"
        )
    assert refused.value.code == "role-not-allowed"
    with pytest.raises(ActionRefused) as refused:
        dismiss_finding(
            actor=world.users[Role.LOCAL_OFFICER],
            finding=finding,
            on=RAISED,
            expected_version=finding.version,
            reason="",
        )
    assert refused.value.params["field"] == "reason"
    assert _snapshot(finding) == before
    finding = dismiss_finding(
        actor=world.users[Role.LOCAL_OFFICER],
        finding=finding,
        on=RAISED,
        expected_version=finding.version,
        reason="CDN anycast",
    )
    assert finding.status == "dismissed"


def test_the_ladder_up_to_a_scope_reduction_and_a_revocation(world: World) -> None:
    licence = world.licence()
    codes = [service["code"] for service in licence.services]
    assert len(codes) >= 2, codes
    finding = _raise(licence)  # critical: due 2025-10-31
    officer, miit = world.users[Role.LOCAL_OFFICER], world.users[Role.MIIT_REVIEWER]
    before = _snapshot(finding)
    with pytest.raises(ActionRefused) as refused:
        order_rectification(
            actor=officer,
            finding=finding,
            on=date(2025, 10, 31),
            expected_version=finding.version,
            deadline=date(2025, 11, 30),
            reason="r",
        )
    assert refused.value.code == "guard-failed:remediation_overdue"
    with pytest.raises(ActionRefused) as refused:
        order_rectification(
            actor=officer,
            finding=finding,
            on=date(2025, 11, 1),
            expected_version=finding.version,
            deadline=date(2025, 11, 1),
            reason="r",
        )
    assert refused.value.params["field"] == "deadline"
    assert _snapshot(finding) == before
    finding = order_rectification(
        actor=officer,
        finding=finding,
        on=date(2025, 11, 1),
        expected_version=finding.version,
        deadline=date(2025, 11, 30),
        reason="order 1",
    )
    assert (finding.status, finding.rectification_due_on) == ("rectification_ordered", date(2025, 11, 30))
    # The local officer cannot reduce a licence; MIIT can only after the rectification deadline.
    before = _snapshot(finding)
    with pytest.raises(ActionRefused) as refused:
        reduce_scope_for_finding(
            actor=officer,
            finding=finding,
            on=date(2025, 12, 1),
            expected_version=finding.version,
            deadline=date(2025, 12, 31),
            remove_services=[codes[-1]],
            narrow_areas={},
            reason="r",
        )
    assert refused.value.code == "role-not-allowed"
    with pytest.raises(ActionRefused) as refused:
        reduce_scope_for_finding(
            actor=miit,
            finding=finding,
            on=date(2025, 11, 30),
            expected_version=finding.version,
            deadline=date(2025, 12, 31),
            remove_services=[codes[-1]],
            narrow_areas={},
            reason="r",
        )
    assert refused.value.code == "guard-failed:rectification_overdue"
    # A reduction the licence refuses (an unknown service) leaves the finding as it was too.
    with pytest.raises(ActionRefused) as refused:
        reduce_scope_for_finding(
            actor=miit,
            finding=finding,
            on=date(2025, 12, 1),
            expected_version=finding.version,
            deadline=date(2025, 12, 31),
            remove_services=["Z9"],
            narrow_areas={},
            reason="r",
        )
    assert refused.value.params["field"] == "remove_services"
    assert _snapshot(finding) == before
    finding = reduce_scope_for_finding(
        actor=miit,
        finding=finding,
        on=date(2025, 12, 1),
        expected_version=finding.version,
        deadline=date(2025, 12, 31),
        remove_services=[codes[-1]],
        narrow_areas={},
        reason="Order: reduce",
    )
    licence.refresh_from_db()
    assert finding.status == "scope_reduced"
    assert (finding.rectification_due_on, finding.details["penalty_decided_on"]) == (date(2025, 12, 31), "2025-12-01")
    assert [service["code"] for service in licence.services] == codes[:-1]
    assert LicenceEvent.objects.filter(licence=licence).latest("id").action == "reduce_scope"
    finding = revoke_for_finding(
        actor=miit, finding=finding, on=date(2026, 1, 1), expected_version=finding.version, reason="Order: revoke"
    )
    licence.refresh_from_db()
    assert (finding.status, licence.status) == ("revoked", "revoked")
