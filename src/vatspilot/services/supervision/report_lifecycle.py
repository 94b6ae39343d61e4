"""The quarterly report under the lifecycle service: how it is locked, who the actor is towards it, what
its guards judge as of a day, how a refusal reads, its timeline row (a SupervisionEvent) and its audit
prefix. The writers (services.supervision.reports) apply its rows through the service."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from datetime import date

from django.contrib.auth.models import User
from django.utils.translation import gettext as _

from vatspilot.domain.lifecycle import TransitionRefused
from vatspilot.domain.supervision.reports import REPORT_WORKFLOW, ReportAction, ReportFacts, ReportRole, ReportState
from vatspilot.services.calendar.legal_day import legal_today
from vatspilot.services.lifecycle import LifecycleSpec, Step
from vatspilot.services.supervision.standing import standing_towards
from vatspilot.store.models.supervision import QuarterlyReport, ReportPart, SupervisionEvent

ReportSpec = LifecycleSpec[QuarterlyReport, ReportState, ReportAction, ReportRole, ReportFacts]

# The operational data a submitted report must carry (a draft may leave any of them blank).
OPERATIONAL_FIELDS: tuple[str, ...] = (
    "users",
    "revenue_cny",
    "bandwidth_gbps",
    "personal_info_exported",
    "sensitive_info_exported",
    "important_data_exported",
)


def missing_parts(report: QuarterlyReport) -> list[str]:
    """What a submission still lacks: the operational fields left blank and the parts not uploaded."""
    missing = [name for name in OPERATIONAL_FIELDS if getattr(report, name) is None]
    uploaded = set(report.uploads.values_list("part", flat=True))
    missing.extend(part.value for part in ReportPart if part.value not in uploaded)
    return missing


def facts_on(report: QuarterlyReport, on: date) -> ReportFacts:
    return ReportFacts(
        today=on, due_on=report.due_on, cure_deadline=report.cure_deadline, files_valid=not missing_parts(report)
    )


def _lock(report: QuarterlyReport) -> QuarterlyReport:
    return QuarterlyReport.objects.select_for_update().select_related("licence__application").get(pk=report.pk)


def roles_of(actor: User, report: QuarterlyReport) -> list[ReportRole]:
    licence = report.licence
    standing = standing_towards(actor, licence, jurisdiction_id=licence.application.jurisdiction_id)
    return [role for role in ReportRole if role.value in standing]


def _describe_refusal(refused: TransitionRefused, report: QuarterlyReport) -> str:
    if refused.code == "action-not-allowed-in-state":
        return _("This action is not possible while the report is %(state)s.") % {"state": report.status}
    if refused.code == "role-not-allowed":
        return _("Your role may not take this action on this report.")
    guard = str(refused.params.get("guard", ""))
    messages = {
        "before_due": _("The report's due date has passed: only the authority can return it now."),
        "files_valid": _("The report is incomplete: %(missing)s.") % {"missing": ", ".join(missing_parts(report))},
        "within_cure_deadline": _("The cure deadline (%(day)s) has passed: the report can no longer be submitted.")
        % {"day": report.cure_deadline.isoformat()},
    }
    return messages.get(guard, _("The action is not allowed now (%(code)s).") % {"code": refused.code})


def _record_event(step: Step[QuarterlyReport, ReportState, ReportAction, ReportRole, ReportFacts]) -> SupervisionEvent:
    return SupervisionEvent.objects.create(report=step.record, **step.event_fields())


def _no_notification(_kind: str, _report: QuarterlyReport, _context: Mapping[str, object]) -> None:
    return None


def _roles_and_facts_on(
    on: date,
) -> Callable[
    [User, Sequence[QuarterlyReport]],
    tuple[Callable[[QuarterlyReport], Sequence[ReportRole]], Mapping[int, ReportFacts]],
]:
    def roles_and_facts(
        actor: User, reports: Sequence[QuarterlyReport]
    ) -> tuple[Callable[[QuarterlyReport], Sequence[ReportRole]], Mapping[int, ReportFacts]]:
        return (lambda report: roles_of(actor, report)), {report.pk: facts_on(report, on) for report in reports}

    return roles_and_facts


def reports_on(on: date) -> ReportSpec:
    """The report's spec with its guards judging the facts as of ``on``."""
    return dataclasses.replace(
        REPORTS, facts_of=lambda report: facts_on(report, on), roles_and_facts=_roles_and_facts_on(on)
    )


REPORTS: ReportSpec = LifecycleSpec(
    workflow=REPORT_WORKFLOW,
    lock=_lock,
    roles_of=roles_of,
    facts_of=lambda report: facts_on(report, legal_today()),
    roles_and_facts=lambda actor, reports: _roles_and_facts_on(legal_today())(actor, reports),
    describe_refusal=_describe_refusal,
    conflict_message=lambda: _(
        "Someone else changed this report while you were working on it. Reload it and try again."
    ),
    record_event=_record_event,
    audit_type=QuarterlyReport._meta.label_lower,
    audit_prefix="report",
    notify=_no_notification,
)
