"""A finding's writers: raising it (once per fingerprint, with its remediation deadline from the
rulebook), the holder's remediation with evidence, the authority's acceptance, rejection or dismissal, and
the escalation ladder: a rectification order with a deadline, then (MIIT) a reduction of the licence's
scope, then its revocation with the orderly exit. The rungs that change the licence call the licence's
own writers inside the finding's transaction, so the two move together or not at all.

A scope reduction is an administrative penalty: the finding records its day, and a bad-record listing is
then due within `parameter:bad-record-listing-days` (Order 42 Art. 42), which the supervisors' pages
show until MIIT lists the enterprise (services.licences.lists).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta

from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from vatspilot.domain.supervision.findings import FindingAction, Severity
from vatspilot.services import lifecycle
from vatspilot.services.applications.documents import UploadRejected, inspect_upload, sanitise_file_name
from vatspilot.services.licences.actions import reduce_licence_scope, revoke_licence
from vatspilot.services.lifecycle import ActionRefused
from vatspilot.services.lifecycle.text_fields import required_text
from vatspilot.services.supervision.finding_lifecycle import findings_on
from vatspilot.services.supervision.terms import remediation_days
from vatspilot.store.audit import AuditSubject, record_audit
from vatspilot.store.models import Licence
from vatspilot.store.models.supervision import Finding, FindingEvidence, Inspection, QuarterlyReport

__all__ = [
    "accept_remediation",
    "dismiss_finding",
    "order_rectification",
    "raise_finding",
    "reduce_scope_for_finding",
    "reject_remediation",
    "report_remediation",
    "revoke_for_finding",
]


def raise_finding(
    *,
    actor: User | None,
    licence: Licence,
    rule: str,
    citation: str,
    severity: Severity,
    fingerprint: str,
    on: date,
    details: Mapping[str, object] | None = None,
    report: QuarterlyReport | None = None,
    inspection: Inspection | None = None,
) -> tuple[Finding, bool]:
    """The finding and whether it is new: a fingerprint already raised on the licence gives the existing
    one (re-running a report's checks raises nothing twice). ``actor`` None: an automatic check."""
    with transaction.atomic():
        existing = Finding.objects.filter(licence=licence, fingerprint=fingerprint).first()
        if existing is not None:
            return existing, False
        finding = Finding.objects.create(
            licence=licence,
            report=report,
            inspection=inspection,
            rule=rule,
            citation=citation,
            severity=Severity(severity).value,
            details=dict(details or {}),
            fingerprint=fingerprint,
            raised_on=on,
            remediation_due_on=on + timedelta(days=remediation_days(Severity(severity), on)),
        )
        record_audit(
            actor=actor,
            action="finding.raised",
            obj=AuditSubject(Finding._meta.label_lower, str(finding.pk)),
            before=None,
            after={
                "licence": licence.number,
                "rule": rule,
                "severity": finding.severity,
                "raised_on": on.isoformat(),
                "remediation_due_on": finding.remediation_due_on.isoformat(),
                "report": report.pk if report else None,
                "inspection": inspection.pk if inspection else None,
            },
        )
    return finding, True


def report_remediation(
    *,
    actor: User,
    finding: Finding,
    on: date,
    expected_version: int | None,
    note: str,
    evidence: Sequence[UploadedFile[bytes]],
) -> Finding:
    """The holder says the finding is remedied, attaching its evidence (stored in the same transaction)."""
    text = required_text(note, field="note")
    checked = []
    for upload in evidence:
        try:
            _type, sha256, size = inspect_upload(upload, field="evidence")
        except UploadRejected as rejected:
            raise ActionRefused(rejected.code, rejected.message, field="evidence") from None
        checked.append((upload, sha256, size))
    spec = findings_on(on, evidence_count=len(checked))
    with transaction.atomic():
        current, row, role = lifecycle.take(
            spec,
            actor=actor,
            record=finding,
            action=FindingAction.REPORT_REMEDIATION,
            expected_version=expected_version,
        )
        names = []
        for upload, sha256, size in checked:
            name = sanitise_file_name(upload.name or "evidence")
            item = FindingEvidence(finding=current, filename=name, sha256=sha256, size_bytes=size, uploaded_by=actor)
            upload.seek(0)
            item.file.save(f"{sha256[:16]}-{name}", upload, save=False)
            item.save()
            names.append({"filename": name, "sha256": sha256})
        lifecycle.apply_transition(
            spec,
            actor=actor,
            record=current,
            transition=row,
            role=role,
            on=on,
            note=text,
            extra={"note": text, "evidence": names},
            details={"evidence": len(names)},
        )
    return current


def _decide(
    *, actor: User, finding: Finding, action: FindingAction, on: date, expected_version: int | None, reason: str
) -> Finding:
    text = required_text(reason, field="reason")
    return lifecycle.run(
        findings_on(on),
        actor=actor,
        record=finding,
        action=action,
        on=on,
        expected_version=expected_version,
        note=text,
        extra={"reason": text},
    )


def accept_remediation(
    *, actor: User, finding: Finding, on: date, expected_version: int | None, reason: str
) -> Finding:
    """The authority finds the remediation sufficient: the finding is resolved."""
    return _decide(
        actor=actor,
        finding=finding,
        action=FindingAction.ACCEPT_REMEDIATION,
        on=on,
        expected_version=expected_version,
        reason=reason,
    )


def reject_remediation(
    *, actor: User, finding: Finding, on: date, expected_version: int | None, reason: str
) -> Finding:
    """The authority finds the remediation insufficient: the finding is open again, its deadlines unchanged."""
    return _decide(
        actor=actor,
        finding=finding,
        action=FindingAction.REJECT_REMEDIATION,
        on=on,
        expected_version=expected_version,
        reason=reason,
    )


def dismiss_finding(*, actor: User, finding: Finding, on: date, expected_version: int | None, reason: str) -> Finding:
    """The authority finds the finding unfounded (say, a check misread a node's location)."""
    return _decide(
        actor=actor,
        finding=finding,
        action=FindingAction.DISMISS,
        on=on,
        expected_version=expected_version,
        reason=reason,
    )


def _deadline(deadline: date, on: date) -> date:
    if deadline <= on:
        raise ActionRefused(
            "deadline-not-after-decision", _("The deadline must be after the day of the decision."), field="deadline"
        )
    return deadline


def order_rectification(
    *, actor: User, finding: Finding, on: date, expected_version: int | None, deadline: date, reason: str
) -> Finding:
    """The ladder's first rung: rectification ordered by ``deadline`` (the remediation deadline passed)."""
    text = required_text(reason, field="reason")
    spec = findings_on(on)
    with transaction.atomic():
        current, row, role = lifecycle.take(
            spec,
            actor=actor,
            record=finding,
            action=FindingAction.ORDER_RECTIFICATION,
            expected_version=expected_version,
        )
        current.rectification_due_on = _deadline(deadline, on)
        lifecycle.apply_transition(
            spec,
            actor=actor,
            record=current,
            transition=row,
            role=role,
            on=on,
            note=text,
            extra={"reason": text, "rectification_due_on": deadline.isoformat()},
            also_save=["rectification_due_on"],
            details={"rectification_due_on": deadline.isoformat()},
        )
    return current


def reduce_scope_for_finding(
    *,
    actor: User,
    finding: Finding,
    on: date,
    expected_version: int | None,
    deadline: date,
    remove_services: Sequence[str],
    narrow_areas: Mapping[str, Sequence[str]],
    reason: str,
) -> Finding:
    """The second rung (MIIT; the rectification deadline passed): the licence's scope reduced by its own
    writer in this transaction, and a new deadline to rectify before revocation."""
    text = required_text(reason, field="reason")
    spec = findings_on(on)
    with transaction.atomic():
        current, row, role = lifecycle.take(
            spec, actor=actor, record=finding, action=FindingAction.REDUCE_SCOPE, expected_version=expected_version
        )
        new_deadline = _deadline(deadline, on)
        licence = reduce_licence_scope(
            actor=actor,
            licence=current.licence,
            on=on,
            expected_version=None,
            remove_services=remove_services,
            narrow_areas=narrow_areas,
            reason=text,
        )
        current.rectification_due_on = new_deadline
        current.details = {**current.details, "penalty_decided_on": on.isoformat()}
        lifecycle.apply_transition(
            spec,
            actor=actor,
            record=current,
            transition=row,
            role=role,
            on=on,
            note=text,
            extra={
                "reason": text,
                "rectification_due_on": new_deadline.isoformat(),
                "licence_version": licence.version,
            },
            also_save=["rectification_due_on", "details"],
            details={"rectification_due_on": new_deadline.isoformat(), "penalty_decided_on": on.isoformat()},
        )
    return current


def revoke_for_finding(
    *, actor: User, finding: Finding, on: date, expected_version: int | None, reason: str
) -> Finding:
    """The last rung (MIIT; the deadline after the reduction passed): the licence revoked by its own writer
    in this transaction (which lists the holder as dishonest and opens the orderly network exit)."""
    text = required_text(reason, field="reason")
    spec = findings_on(on)
    with transaction.atomic():
        current, row, role = lifecycle.take(
            spec, actor=actor, record=finding, action=FindingAction.REVOKE, expected_version=expected_version
        )
        revoke_licence(actor=actor, licence=current.licence, on=on, expected_version=None, reason=text)
        lifecycle.apply_transition(
            spec, actor=actor, record=current, transition=row, role=role, on=on, note=text, extra={"reason": text}
        )
    return current


# Each action on a finding and its writer (the pages and the API act through this one table).
FINDING_WRITERS: Mapping[FindingAction, Callable[..., Finding]] = {
    FindingAction.REPORT_REMEDIATION: report_remediation,
    FindingAction.ACCEPT_REMEDIATION: accept_remediation,
    FindingAction.REJECT_REMEDIATION: reject_remediation,
    FindingAction.DISMISS: dismiss_finding,
    FindingAction.ORDER_RECTIFICATION: order_rectification,
    FindingAction.REDUCE_SCOPE: reduce_scope_for_finding,
    FindingAction.REVOKE: revoke_for_finding,
}
