"""The review's actions short of the decision: submission, supplements, acceptance, assessments, opinions,
on-site verification and withdrawal; each one transaction through the lifecycle."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vatspilot.domain.applications import (
    AGENCY_OF_ROLE,
    Action,
    Opinion,
    SecurityAssessment,
    State,
)
from vatspilot.domain.shared.errors import InputError
from vatspilot.services.applications.dossier import dossier_hash_of, recompute_determination
from vatspilot.services.applications.lifecycle import (
    ActionRefused,
    apply_transition,
    decide_for,
    input_error_text,
    locked,
    notify_kind,
    take,
)
from vatspilot.services.applications.review_basis import void_reviews_not_on, voided_note
from vatspilot.store.models import (
    Application,
    SupplementRequest,
    SupplementStage,
)
from vatspilot.store.models import Opinion as OpinionRecord
from vatspilot.store.models import SecurityAssessment as AssessmentRecord


def submit_application(
    *, actor: User, application: Application, on: date, expected_version: int | None = None
) -> Application:
    """Draft -> submitted. The determination is taken again on the day of submission."""
    with transaction.atomic():
        current = locked(application, expected_version)
        try:
            recompute_determination(current, on=on)
        except InputError as error:
            raise ActionRefused(error.code, input_error_text(error), pointer=error.pointer) from None
        transition, role = decide_for(actor, current, Action.SUBMIT)
        apply_transition(
            actor=actor,
            application=current,
            transition=transition,
            role=role,
            on=on,
            also_save=("determination", "rulebook_version"),  # as judged on the day of submission
        )
        notify_kind("application.submitted", current)
    return current


def request_supplement(
    *,
    actor: User,
    application: Application,
    items: Iterable[str],
    on: date,
    expected_version: int | None = None,
) -> Application:
    """One notice listing everything missing (formal review), or MIIT's request during its review."""
    listed = [str(i).strip() for i in items if str(i).strip()]
    if not listed:
        raise ActionRefused("items-required", _("List at least one item the applicant must supply."), field="items")
    with transaction.atomic():
        current, transition, role = take(
            actor=actor,
            application=application,
            action=Action.REQUEST_SUPPLEMENT,
            expected_version=expected_version,
        )
        stage = SupplementStage.FORMAL if transition.source is State.SUBMITTED else SupplementStage.MINISTERIAL
        SupplementRequest.objects.create(
            application=current, stage=stage, items=listed, requested_by=actor, opened_at=timezone.now()
        )
        apply_transition(
            actor=actor,
            application=current,
            transition=transition,
            role=role,
            on=on,
            note="\n".join(listed),
            extra={"items": listed},
        )
        notify_kind("application.supplement_requested", current, {"items": listed})
    return current


def answer_supplement(
    *, actor: User, application: Application, on: date, expected_version: int | None = None
) -> Application:
    """The applicant hands the dossier back. The opinions and assessments given on another version of it
    are voided here, in the answer's transaction, its timeline event and audit entry naming them; an
    answer that changes nothing reviewed keeps them."""
    with transaction.atomic():
        current, transition, role = take(
            actor=actor,
            application=application,
            action=Action.ANSWER_SUPPLEMENT,
            expected_version=expected_version,
        )
        now = timezone.now()
        SupplementRequest.objects.filter(application=current, closed_at__isnull=True).update(closed_at=now)
        dossier_hash = dossier_hash_of(current)
        voided = void_reviews_not_on(current, dossier_hash, at=now)
        apply_transition(
            actor=actor,
            application=current,
            transition=transition,
            role=role,
            on=on,
            note=voided_note(voided),
            extra={"dossier_hash": dossier_hash, "voided": voided},
            details={"dossier_hash": dossier_hash, "voided": voided},
        )
        notify_kind("application.supplement_answered", current)
    return current


def accept_application(
    *, actor: User, application: Application, on: date, expected_version: int | None = None
) -> Application:
    """The acceptance notice: by default the statutory period starts the next day."""
    return simple_action(actor, application, Action.ACCEPT, on, expected_version, None)


def complete_preliminary_assessment(
    *,
    actor: User,
    application: Application,
    findings: str,
    on: date,
    expected_version: int | None = None,
) -> Application:
    return simple_action(
        actor,
        application,
        Action.COMPLETE_PRELIMINARY_ASSESSMENT,
        on,
        expected_version,
        "application.opinion_requested",
        findings,
    )


def order_onsite_verification(
    *, actor: User, application: Application, on: date, expected_version: int | None = None
) -> Application:
    return simple_action(
        actor, application, Action.ORDER_ONSITE_VERIFICATION, on, expected_version, "application.onsite_ordered"
    )


def complete_onsite_verification(
    *,
    actor: User,
    application: Application,
    findings: str,
    on: date,
    expected_version: int | None = None,
) -> Application:
    return simple_action(actor, application, Action.COMPLETE_ONSITE_VERIFICATION, on, expected_version, None, findings)


def withdraw_application(
    *, actor: User, application: Application, on: date, expected_version: int | None = None
) -> Application:
    return simple_action(actor, application, Action.WITHDRAW, on, expected_version, "application.withdrawn")


def simple_action(
    actor: User,
    application: Application,
    action: Action,
    on: date,
    expected_version: int | None,
    notification: str | None,
    note: str = "",
) -> Application:
    with transaction.atomic():
        current, transition, role = take(
            actor=actor, application=application, action=action, expected_version=expected_version
        )
        apply_transition(actor=actor, application=current, transition=transition, role=role, on=on, note=note)
        if notification:
            notify_kind(notification, current)
    return current


def record_opinion(
    *,
    actor: User,
    application: Application,
    opinion: str,
    on: date,
    conditions: str = "",
    expected_version: int | None = None,
) -> Application:
    """MIIT, CAC or MPS records its opinion; each agency once. Conditions are required with concur_with_conditions."""
    try:
        kind = Opinion(opinion)
    except ValueError:
        raise ActionRefused(
            "bad-opinion", _("Choose concur, concur with conditions or object."), field="opinion"
        ) from None
    if kind is Opinion.CONCUR_WITH_CONDITIONS and not conditions.strip():
        raise ActionRefused("conditions-required", _("State the conditions of the concurrence."), field="conditions")
    with transaction.atomic():
        current, transition, role = take(
            actor=actor, application=application, action=Action.RECORD_OPINION, expected_version=expected_version
        )
        agency = AGENCY_OF_ROLE[role]
        now = timezone.now()
        dossier_hash, voided = _dossier_reviewed(current, now)
        OpinionRecord.objects.create(
            application=current,
            agency=agency.value,
            opinion=kind.value,
            conditions=conditions.strip(),
            actor=actor,
            given_at=now,
            dossier_hash=dossier_hash,
        )
        apply_transition(
            actor=actor,
            application=current,
            transition=transition,
            role=role,
            on=on,
            note="\n".join(filter(None, [conditions.strip(), voided_note(voided)])),
            extra={"agency": agency.value, "opinion": kind.value, "dossier_hash": dossier_hash, "voided": voided},
            details={"dossier_hash": dossier_hash, "voided": voided},
        )
    return current


def record_security_assessment(
    *,
    actor: User,
    application: Application,
    result: str,
    findings: str,
    on: date,
    expected_version: int | None = None,
) -> Application:
    try:
        outcome = SecurityAssessment(result)
    except ValueError:
        raise ActionRefused("bad-result", _("Choose positive or negative."), field="result") from None
    with transaction.atomic():
        current, transition, role = take(
            actor=actor,
            application=application,
            action=Action.RECORD_SECURITY_ASSESSMENT,
            expected_version=expected_version,
        )
        now = timezone.now()
        dossier_hash, voided = _dossier_reviewed(current, now)
        AssessmentRecord.objects.create(
            application=current,
            result=outcome.value,
            findings=findings.strip(),
            expert=actor,
            assessed_at=now,
            dossier_hash=dossier_hash,
        )
        apply_transition(
            actor=actor,
            application=current,
            transition=transition,
            role=role,
            on=on,
            note="\n".join(filter(None, [findings.strip(), voided_note(voided)])),
            extra={"result": outcome.value, "dossier_hash": dossier_hash, "voided": voided},
            details={"dossier_hash": dossier_hash, "voided": voided},
        )
    return current


def _dossier_reviewed(application: Application, now: datetime) -> tuple[str, list[dict[str, Any]]]:
    """The hash of the dossier a review is now given on, and the reviews voided because they rest on
    another one. Normally none: a supplement answer voids them first; this catches a dossier that
    changed otherwise (say, the organisation's registered facts), so that the new review can be kept."""
    dossier_hash = dossier_hash_of(application)
    return dossier_hash, void_reviews_not_on(application, dossier_hash, at=now)
