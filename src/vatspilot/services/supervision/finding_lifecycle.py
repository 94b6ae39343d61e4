"""A finding under the lifecycle service: lock, the actor's standing towards its licence, the facts its
guards judge as of a day, the refusal's words, its timeline row (a SupervisionEvent) and audit prefix.
The writers (services.supervision.findings) apply its rows through the service."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from datetime import date

from django.contrib.auth.models import User
from django.utils.translation import gettext as _

from vatspilot.domain.lifecycle import TransitionRefused
from vatspilot.domain.supervision.findings import (
    FINDING_WORKFLOW,
    FindingAction,
    FindingFacts,
    FindingRole,
    FindingState,
)
from vatspilot.services.calendar.legal_day import legal_today
from vatspilot.services.lifecycle import LifecycleSpec, Step
from vatspilot.services.supervision.standing import standing_towards
from vatspilot.store.models.supervision import Finding, SupervisionEvent

FindingSpec = LifecycleSpec[Finding, FindingState, FindingAction, FindingRole, FindingFacts]


def facts_on(finding: Finding, on: date, *, evidence_count: int | None = None) -> FindingFacts:
    """The facts as of ``on``; a remediation being reported hands over the evidence it attaches."""
    return FindingFacts(
        today=on,
        remediation_due_on=finding.remediation_due_on,
        rectification_due_on=finding.rectification_due_on,
        evidence_count=finding.evidence.count() if evidence_count is None else evidence_count,
    )


def _lock(finding: Finding) -> Finding:
    return Finding.objects.select_for_update().select_related("licence__application").get(pk=finding.pk)


def roles_of(actor: User, finding: Finding) -> list[FindingRole]:
    licence = finding.licence
    standing = standing_towards(actor, licence, jurisdiction_id=licence.application.jurisdiction_id)
    return [role for role in FindingRole if role.value in standing]


def _describe_refusal(refused: TransitionRefused, finding: Finding) -> str:
    if refused.code == "action-not-allowed-in-state":
        return _("This action is not possible while the finding is %(state)s.") % {"state": finding.status}
    if refused.code == "role-not-allowed":
        return _("Your role may not take this action on this finding.")
    guard = str(refused.params.get("guard", ""))
    messages = {
        "remediation_overdue": _("The remediation deadline (%(day)s) has not passed yet.")
        % {"day": finding.remediation_due_on.isoformat()},
        "rectification_overdue": _("The rectification deadline has not passed yet."),
        "has_evidence": _("Attach at least one piece of evidence of the remediation."),
    }
    return messages.get(guard, _("The action is not allowed now (%(code)s).") % {"code": refused.code})


def _record_event(step: Step[Finding, FindingState, FindingAction, FindingRole, FindingFacts]) -> SupervisionEvent:
    return SupervisionEvent.objects.create(finding=step.record, **step.event_fields())


def _no_notification(_kind: str, _finding: Finding, _context: Mapping[str, object]) -> None:
    return None


def _roles_and_facts_on(
    on: date,
) -> Callable[[User, Sequence[Finding]], tuple[Callable[[Finding], Sequence[FindingRole]], Mapping[int, FindingFacts]]]:
    def roles_and_facts(
        actor: User, findings: Sequence[Finding]
    ) -> tuple[Callable[[Finding], Sequence[FindingRole]], Mapping[int, FindingFacts]]:
        return (lambda finding: roles_of(actor, finding)), {finding.pk: facts_on(finding, on) for finding in findings}

    return roles_and_facts


def findings_on(on: date, *, evidence_count: int | None = None) -> FindingSpec:
    """The finding's spec with its guards judging the facts as of ``on``."""
    return dataclasses.replace(
        FINDINGS,
        facts_of=lambda finding: facts_on(finding, on, evidence_count=evidence_count),
        roles_and_facts=_roles_and_facts_on(on),
    )


FINDINGS: FindingSpec = LifecycleSpec(
    workflow=FINDING_WORKFLOW,
    lock=_lock,
    roles_of=roles_of,
    facts_of=lambda finding: facts_on(finding, legal_today()),
    roles_and_facts=lambda actor, findings: _roles_and_facts_on(legal_today())(actor, findings),
    describe_refusal=_describe_refusal,
    conflict_message=lambda: _(
        "Someone else changed this finding while you were working on it. Reload it and try again."
    ),
    record_event=_record_event,
    audit_type=Finding._meta.label_lower,
    audit_prefix="finding",
    notify=_no_notification,
)
