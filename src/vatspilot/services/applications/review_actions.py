"""The review's actions short of the decision: submission, supplements, acceptance, assessments, opinions,
on-site verification and withdrawal; each one transaction through the lifecycle service
(vatspilot.services.lifecycle, with the application's spec `APPLICATIONS`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vatspilot.domain.applications import (
    AGENCY_OF_ROLE,
    Action,
    ApplicationFacts,
    Opinion,
    SecurityAssessment,
    State,
)
from vatspilot.domain.applications.tracking import new_tracking_number
from vatspilot.domain.shared.errors import InputError
from vatspilot.services import lifecycle
from vatspilot.services.applications.dossier import recompute_determination
from vatspilot.services.applications.lifecycle import APPLICATIONS, input_error_text
from vatspilot.services.applications.review_basis import VoidedReview, void_reviews_not_on, voided_note
from vatspilot.services.lifecycle import ActionRefused
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
        current = lifecycle.locked(APPLICATIONS, application, expected_version)
        try:
            recompute_determination(current, on=on)
        except InputError as error:
            raise ActionRefused(error.code, input_error_text(error), pointer=error.pointer) from None
        transition, role = lifecycle.decide_for(APPLICATIONS, actor, current, Action.SUBMIT)
        if current.tracking_number is None:
            # The public's handle on it (/track/), given once. Drawn again in the (1 in 2**40) case it is
            # taken; the unique column still guards two submissions drawing the same number at once.
            number = new_tracking_number()
            while Application.objects.filter(tracking_number=number).exists():
                number = new_tracking_number()
            current.tracking_number = number
        lifecycle.apply_transition(
            APPLICATIONS,
            actor=actor,
            record=current,
            transition=transition,
            role=role,
            on=on,
            # As judged on the day of submission, and the number the public tracks it by.
            also_save=("determination", "rulebook_version", "tracking_number"),
            extra={"tracking_number": current.tracking_number},
        )
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
        current, transition, role = lifecycle.take(
            APPLICATIONS,
            actor=actor,
            record=application,
            action=Action.REQUEST_SUPPLEMENT,
            expected_version=expected_version,
        )
        stage = SupplementStage.FORMAL if transition.source is State.SUBMITTED else SupplementStage.MINISTERIAL
        SupplementRequest.objects.create(
            application=current, stage=stage, items=listed, requested_by=actor, opened_at=timezone.now()
        )
        lifecycle.apply_transition(
            APPLICATIONS,
            actor=actor,
            record=current,
            transition=transition,
            role=role,
            on=on,
            note="\n".join(listed),
            extra={"items": listed},
            notify_context={"items": listed},
        )
    return current


def answer_supplement(
    *, actor: User, application: Application, on: date, expected_version: int | None = None
) -> Application:
    """The applicant hands the dossier back. The opinions and assessments given on another version of it
    are voided here, in the answer's transaction, its timeline event and audit entry naming them; an
    answer that changes nothing reviewed keeps them."""
    with transaction.atomic():
        current, transition, role, facts = lifecycle.take_judged(
            APPLICATIONS,
            actor=actor,
            record=application,
            action=Action.ANSWER_SUPPLEMENT,
            expected_version=expected_version,
        )
        now = timezone.now()
        SupplementRequest.objects.filter(application=current, closed_at__isnull=True).update(closed_at=now)
        dossier_hash = _dossier_hash(facts)
        voided = _void_reviews_not_on(current, facts, dossier_hash, now)
        lifecycle.apply_transition(
            APPLICATIONS,
            actor=actor,
            record=current,
            transition=transition,
            role=role,
            on=on,
            note=voided_note(voided),
            extra={"dossier_hash": dossier_hash, "voided": voided},
            details={"dossier_hash": dossier_hash, "voided": voided},
        )
    return current


def accept_application(
    *, actor: User, application: Application, on: date, expected_version: int | None = None
) -> Application:
    """The acceptance notice: by default the statutory period starts the next day."""
    return _run(actor, application, Action.ACCEPT, on, expected_version)


def complete_preliminary_assessment(
    *,
    actor: User,
    application: Application,
    findings: str,
    on: date,
    expected_version: int | None = None,
) -> Application:
    return _run(actor, application, Action.COMPLETE_PRELIMINARY_ASSESSMENT, on, expected_version, findings)


def order_onsite_verification(
    *, actor: User, application: Application, on: date, expected_version: int | None = None
) -> Application:
    return _run(actor, application, Action.ORDER_ONSITE_VERIFICATION, on, expected_version)


def complete_onsite_verification(
    *,
    actor: User,
    application: Application,
    findings: str,
    on: date,
    expected_version: int | None = None,
) -> Application:
    return _run(actor, application, Action.COMPLETE_ONSITE_VERIFICATION, on, expected_version, findings)


def withdraw_application(
    *, actor: User, application: Application, on: date, expected_version: int | None = None
) -> Application:
    return _run(actor, application, Action.WITHDRAW, on, expected_version)


def _run(
    actor: User, application: Application, action: Action, on: date, expected_version: int | None, note: str = ""
) -> Application:
    """An action that produces nothing but its row (the notification it sends is the spec's)."""
    return lifecycle.run(
        APPLICATIONS,
        actor=actor,
        record=application,
        action=action,
        on=on,
        expected_version=expected_version,
        note=note,
    )


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
        current, transition, role, facts = lifecycle.take_judged(
            APPLICATIONS,
            actor=actor,
            record=application,
            action=Action.RECORD_OPINION,
            expected_version=expected_version,
        )
        agency = AGENCY_OF_ROLE[role]
        now = timezone.now()
        dossier_hash, voided = _dossier_reviewed(current, facts, now)
        OpinionRecord.objects.create(
            application=current,
            agency=agency.value,
            opinion=kind.value,
            conditions=conditions.strip(),
            actor=actor,
            given_at=now,
            dossier_hash=dossier_hash,
        )
        lifecycle.apply_transition(
            APPLICATIONS,
            actor=actor,
            record=current,
            transition=transition,
            role=role,
            on=on,
            note="\n".join(filter(None, [conditions.strip(), voided_note(voided)])),
            extra={
                "agency": agency.value,
                "opinion": kind.value,
                "conditions": conditions.strip(),
                "dossier_hash": dossier_hash,
                "voided": voided,
            },
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
        current, transition, role, facts = lifecycle.take_judged(
            APPLICATIONS,
            actor=actor,
            record=application,
            action=Action.RECORD_SECURITY_ASSESSMENT,
            expected_version=expected_version,
        )
        now = timezone.now()
        dossier_hash, voided = _dossier_reviewed(current, facts, now)
        AssessmentRecord.objects.create(
            application=current,
            result=outcome.value,
            findings=findings.strip(),
            expert=actor,
            assessed_at=now,
            dossier_hash=dossier_hash,
        )
        lifecycle.apply_transition(
            APPLICATIONS,
            actor=actor,
            record=current,
            transition=transition,
            role=role,
            on=on,
            note="\n".join(filter(None, [findings.strip(), voided_note(voided)])),
            extra={"result": outcome.value, "dossier_hash": dossier_hash, "voided": voided},
            details={"dossier_hash": dossier_hash, "voided": voided},
        )
    return current


def _dossier_reviewed(
    application: Application, facts: ApplicationFacts, now: datetime
) -> tuple[str, list[VoidedReview]]:
    """The hash of the dossier a review is now given on, and the reviews voided because they rest on
    another one. Normally none: a supplement answer voids them first; this catches a dossier that
    changed otherwise (say, the organisation's registered facts), so that the new review can be kept."""
    dossier_hash = _dossier_hash(facts)
    return dossier_hash, _void_reviews_not_on(application, facts, dossier_hash, now)


def _void_reviews_not_on(
    application: Application, facts: ApplicationFacts, dossier_hash: str, now: datetime
) -> list[VoidedReview]:
    """review_basis.void_reviews_not_on, asked only when the guards' facts show a review in force given on
    another dossier hash: otherwise it would find none and write nothing (its two queries saved). The
    facts hold every opinion and assessment in force, read under the row lock, and reviews are given or
    voided only under that lock (by the writers here), so none appeared or changed since."""
    given_on = list(facts.opinion_hashes.values())
    if facts.security_assessment is not None:
        given_on.append(facts.assessment_hash)
    if all(review_hash == dossier_hash for review_hash in given_on):
        return []
    return void_reviews_not_on(application, dossier_hash, at=now)


def _dossier_hash(facts: ApplicationFacts) -> str:
    """The hash of the dossier as it stands, as the guards judged it under the row lock a moment ago:
    the same value dossier_hash_of would read again in this transaction. It is computed from the
    application's row and its organisation as the lock read them (the organisation is not read again:
    dossier_hashes_for uses the one loaded with the row) and from the current document versions, which
    cannot change in between: a new version is written only under the same row lock
    (documents.add_document_version), so none commits before this transaction ends."""
    return facts.dossier_hash
