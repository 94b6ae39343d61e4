"""Random inspections, "double random, one public": the authority draws the licensees and the inspectors
from the eligible pools (domain.supervision.draw: reproducible from the published seed, pools and
conflicts), an inspection is ordered for each team, and the team records what it found.

- Licensee pool: the licences valid or suspended on the day of the draw, in the jurisdiction drawn for
  (all of them for a nationwide draw), by licence number.
- Inspector pool: the active users holding the inspector role, by username.
- Conflicts: an inspector who acted on a licensee's application (any step on its timeline, an opinion
  or a security assessment) is in conflict with that licensee, and so is any pair the authority declares
  (a recusal); both are published with the draw.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from vatspilot.domain.supervision.citations import INSPECTION
from vatspilot.domain.supervision.draw import DrawError, draw
from vatspilot.domain.supervision.findings import Severity
from vatspilot.services.lifecycle import ActionRefused
from vatspilot.services.supervision.findings import raise_finding
from vatspilot.store.access import Reach
from vatspilot.store.audit import record_audit
from vatspilot.store.models import (
    ApplicationEvent,
    Jurisdiction,
    Licence,
    Opinion,
    Role,
    SecurityAssessment,
    StaffRole,
)
from vatspilot.store.models.supervision import Finding, Inspection, InspectionDraw, InspectionKind

__all__ = ["FoundIssue", "record_inspection", "run_draw"]

_LIVE = ("valid", "suspended")


def _may_draw(actor: User, jurisdiction: Jurisdiction | None) -> bool:
    reach = Reach.of(actor)
    if Role.MIIT_REVIEWER in reach.national:
        return True
    return jurisdiction is not None and Role.LOCAL_OFFICER in reach.roles_towards(jurisdiction.pk)


def _conflicts(licences: Sequence[Licence], inspectors: Sequence[User]) -> dict[str, list[str]]:
    """Inspector username -> licence numbers whose application they acted on."""
    by_application = {licence.application_id: licence.number for licence in licences}
    names = {user.pk: user.username for user in inspectors}
    pairs: set[tuple[str, str]] = set()
    for model, field in ((ApplicationEvent, "actor_id"), (Opinion, "actor_id"), (SecurityAssessment, "expert_id")):
        rows = model.objects.filter(application_id__in=by_application, **{f"{field}__in": names}).values_list(
            field, "application_id"
        )
        pairs.update((names[user_id], by_application[application_id]) for user_id, application_id in rows)
    conflicts: dict[str, list[str]] = {}
    for person, number in sorted(pairs):
        conflicts.setdefault(person, []).append(number)
    return conflicts


def run_draw(
    *,
    actor: User,
    jurisdiction: Jurisdiction | None,
    seed: str,
    on: date,
    kind: InspectionKind,
    licensee_count: int,
    inspectors_per_licensee: int,
    declared_conflicts: Mapping[str, Sequence[str]] | None = None,
) -> InspectionDraw:
    """Draw, record the draw with everything needed to re-run it, and order one inspection per team; one
    transaction with its audit entry. An MIIT reviewer draws for any jurisdiction or nationwide, a local
    officer for their own jurisdiction."""
    if not _may_draw(actor, jurisdiction):
        raise ActionRefused("role-not-allowed", _("Your role may not draw inspections for this jurisdiction."))
    kind = InspectionKind(kind)
    with transaction.atomic():
        licences = Licence.objects.filter(status__in=_LIVE, issued_on__lte=on).select_related("application")
        if jurisdiction is not None:
            licences = licences.filter(application__jurisdiction=jurisdiction)
        pool = sorted(licences, key=lambda licence: licence.number)
        inspectors = sorted(
            User.objects.filter(is_active=True, staff_roles__role=Role.INSPECTOR).distinct(),
            key=lambda user: user.username,
        )
        conflicts = _conflicts(pool, inspectors)
        for person, numbers in (declared_conflicts or {}).items():
            conflicts[person] = sorted({*conflicts.get(person, []), *numbers})
        try:
            result = draw(
                seed=seed,
                licensees=[licence.number for licence in pool],
                inspectors=[user.username for user in inspectors],
                conflicts=conflicts,
                licensee_count=licensee_count,
                inspectors_per_licensee=inspectors_per_licensee,
            )
        except DrawError as error:
            raise ActionRefused("draw-impossible", str(error), field=error.field) from None
        record = InspectionDraw.objects.create(
            jurisdiction=jurisdiction,
            seed=seed,
            algorithm=result.algorithm,
            drawn_on=on,
            drawn_by=actor,
            licensee_pool=[licence.number for licence in pool],
            inspector_pool=[user.username for user in inspectors],
            conflicts=conflicts,
            result=result.to_dict(),
        )
        by_number = {licence.number: licence for licence in pool}
        by_name = {user.username: user for user in inspectors}
        for team in result.teams:
            inspection = Inspection.objects.create(draw=record, licence=by_number[team.licensee], kind=kind.value)
            inspection.inspectors.set([by_name[name] for name in team.inspectors])
        record_audit(
            actor=actor,
            action="inspection.drawn",
            obj=record,
            before=None,
            after={"seed": seed, "kind": kind.value, "on": on.isoformat(), "result": result.to_dict()},
        )
    return record


class FoundIssue:
    """One finding an inspection records: its rule (say `inspection:penetration-test`), severity and what
    was found (kept in the finding's details; the holder reads it)."""

    def __init__(self, *, rule: str, severity: Severity, description: str) -> None:
        self.rule = rule
        self.severity = Severity(severity)
        self.description = description


def record_inspection(
    *, actor: User, inspection: Inspection, on: date, summary: str, found: Sequence[FoundIssue]
) -> tuple[Inspection, list[Finding]]:
    """A member of the team records the inspection done on ``on``, with its summary and findings (each
    raised with the inspection's basis and the rulebook's deadline); once only."""
    text = summary.strip()
    if not text:
        raise ActionRefused("field-required", _("This field is required."), field="summary")
    with transaction.atomic():
        current = (
            Inspection.objects.select_for_update(of=("self",)).select_related("licence", "draw").get(pk=inspection.pk)
        )
        if (
            not current.inspectors.filter(pk=actor.pk).exists()
            or not StaffRole.objects.filter(user=actor, role=Role.INSPECTOR).exists()
        ):
            raise ActionRefused("role-not-allowed", _("Only a member of the inspection team records it."))
        if current.done_on is not None:
            raise ActionRefused(
                "already-recorded", _("This inspection was recorded on %(day)s.") % {"day": current.done_on}
            )
        if current.draw is not None and on < current.draw.drawn_on:
            raise ActionRefused("before-draw", _("An inspection is done after it is drawn."), field="on")
        findings = []
        for index, issue in enumerate(found):
            if not issue.description.strip():
                raise ActionRefused("field-required", _("Describe each finding."), field=f"found.{index}.description")
            finding, _new = raise_finding(
                actor=actor,
                licence=current.licence,
                rule=issue.rule,
                citation=INSPECTION,
                severity=issue.severity,
                fingerprint=f"inspection:{current.pk}:{index}",
                on=on,
                details={"description": issue.description.strip(), "kind": current.kind},
                inspection=current,
            )
            findings.append(finding)
        current.done_on = on
        current.summary = text
        current.save(update_fields=["done_on", "summary"])
        record_audit(
            actor=actor,
            action="inspection.recorded",
            obj=current,
            before={"done_on": None},
            after={"done_on": on.isoformat(), "summary": text, "findings": [finding.pk for finding in findings]},
        )
    return current, findings
