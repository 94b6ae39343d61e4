"""The licensing decision: approval (every agency concurred and the assessment is positive, all on the
dossier as it stands, and the determination of the decision day finds every service eligible) or refusal,
each recorded once with the dossier hash it was taken on and the determination it relied on, and never
edited afterwards."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from vatspilot.domain.applications import (
    Action,
    Role,
    Transition,
)
from vatspilot.domain.shared.errors import InputError
from vatspilot.services import lifecycle
from vatspilot.services.applications.dossier import recompute_determination
from vatspilot.services.applications.lifecycle import APPLICATIONS, input_error_text
from vatspilot.services.applications.review_basis import conditions_in_force
from vatspilot.services.licences.issuance import issue_licence
from vatspilot.services.lifecycle import ActionRefused
from vatspilot.store.models import (
    Application,
    Decision,
    Outcome,
)

# What the platform writes as an approval's reasons: stored in English, the msgid, and shown in each
# reader's language by the pages' system_text filter (never in the language of whoever approved).
APPROVAL_REASONS = gettext_noop("Every agency concurred and the security assessment is positive.")


def approve_application(
    *,
    actor: User,
    application: Application,
    legal_basis: str,
    on: date,
    expected_version: int | None = None,
) -> Decision:
    """The licence decision. The determination is taken again on the decision day (`on`) and relied on as
    such: the table's guard refuses the approval unless it finds every service eligible. The licence's
    area and services are the ones it finds; the concurrences' conditions are carried with it."""
    if not legal_basis.strip():
        raise ActionRefused("legal-basis-required", _("State the legal basis of the decision."), field="legal_basis")
    with transaction.atomic():
        current = lifecycle.locked(APPLICATIONS, application, expected_version)
        try:
            recompute_determination(current, on=on)
        except InputError as error:
            raise ActionRefused(error.code, input_error_text(error), pointer=error.pointer) from None
        transition, role, facts = lifecycle.judge(APPLICATIONS, actor, current, Action.APPROVE)
        licence = _licence_of(current.determination or {})
        decision = _record_decision(
            actor=actor,
            application=current,
            transition=transition,
            role=role,
            on=on,
            outcome=Outcome.APPROVED,
            legal_basis=legal_basis,
            reasons=APPROVAL_REASONS,
            dossier_hash=facts.dossier_hash,
            licence=licence,
            conditions=conditions_in_force(current),
            also_save=("determination", "rulebook_version"),  # as judged on the decision day
            notify_context={"legal_basis": legal_basis.strip()},
        )
        issue_licence(actor=actor, decision=decision, on=on)
    return decision


def _licence_of(determination: dict[str, Any]) -> dict[str, Any]:
    """The licence the determination finds, as {area, services}; the decision/v2 contract lists it by
    area ({areas: [{area, services}], services}), the decision names the areas together."""
    licence = determination.get("licence") or {}
    area = "; ".join(item["area"] for item in licence.get("areas", []))
    return {"area": area[:200], "services": list(licence.get("services", []))}


def _record_decision(
    *,
    actor: User,
    application: Application,
    transition: Transition,
    role: Role,
    on: date,
    outcome: Outcome,
    legal_basis: str,
    reasons: str,
    dossier_hash: str,
    licence: dict[str, Any] | None,
    conditions: list[dict[str, str]] | None = None,
    also_save: Sequence[str] = (),
    notify_context: dict[str, object] | None = None,
) -> Decision:
    """The decision record (never edited afterwards) with the dossier hash it was taken on and the
    determination it relied on, then the transition that carries it, in the caller's transaction.

    The audit entry holds what the decision says: outcome, legal basis, the dossier hash, and the
    licence with its conditions (an approval) or the reasons (a refusal). ``dossier_hash`` is the one the
    guards judged under the row lock (lifecycle.judge): the dossier as it stands, since nothing that
    goes into it changes while the lock is held (see review_actions._dossier_hash)."""
    area, services = (licence["area"], licence["services"]) if licence else ("", [])
    decision = Decision.objects.create(
        application=application,
        outcome=outcome,
        legal_basis=legal_basis.strip(),
        reasons=reasons.strip(),
        licence_area=area,
        licence_services=services,
        determination=application.determination or {},
        rulebook_version=application.rulebook_version,
        dossier_hash=dossier_hash,
        conditions=conditions or [],
        actor=actor,
        decided_at=timezone.now(),
    )
    extra: dict[str, Any] = {
        "decision": decision.pk,
        "outcome": outcome.value,
        "legal_basis": legal_basis.strip(),
        "dossier_hash": dossier_hash,
    }
    if licence:
        extra.update(licence_area=area, licence_services=services, conditions=conditions or [])
    if outcome is Outcome.REFUSED:
        extra["reasons"] = reasons.strip()
    lifecycle.apply_transition(
        APPLICATIONS,
        actor=actor,
        record=application,
        transition=transition,
        role=role,
        on=on,
        note=reasons.strip(),
        extra=extra,
        also_save=also_save,
        details={"dossier_hash": dossier_hash},
        notify_context=notify_context,
    )
    return decision


def refuse_application(
    *,
    actor: User,
    application: Application,
    legal_basis: str,
    reasons: str,
    on: date,
    expected_version: int | None = None,
) -> Decision:
    """A refusal, with reasons and legal basis: at formal review by the local officer, or by MIIT."""
    if not legal_basis.strip():
        raise ActionRefused("legal-basis-required", _("State the legal basis of the decision."), field="legal_basis")
    if not reasons.strip():
        raise ActionRefused("reasons-required", _("State the reasons of the refusal."), field="reasons")
    with transaction.atomic():
        current, transition, role, facts = lifecycle.take_judged(
            APPLICATIONS, actor=actor, record=application, action=Action.REFUSE, expected_version=expected_version
        )
        decision = _record_decision(
            actor=actor,
            application=current,
            transition=transition,
            role=role,
            on=on,
            outcome=Outcome.REFUSED,
            legal_basis=legal_basis,
            reasons=reasons,
            dossier_hash=facts.dossier_hash,
            licence=None,
            notify_context={"legal_basis": legal_basis.strip(), "reasons": reasons.strip()},
        )
    return decision
