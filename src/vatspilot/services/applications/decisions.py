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

from vatspilot.domain.applications import (
    Action,
    Role,
    Transition,
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
from vatspilot.services.applications.review_basis import conditions_in_force
from vatspilot.store.models import (
    Application,
    Decision,
    Outcome,
)


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
        current = locked(application, expected_version)
        try:
            recompute_determination(current, on=on)
        except InputError as error:
            raise ActionRefused(error.code, input_error_text(error), pointer=error.pointer) from None
        transition, role = decide_for(actor, current, Action.APPROVE)
        licence = _licence_of(current.determination or {})
        decision = _record_decision(
            actor=actor,
            application=current,
            transition=transition,
            role=role,
            on=on,
            outcome=Outcome.APPROVED,
            legal_basis=legal_basis,
            reasons=_("Every agency concurred and the security assessment is positive."),
            licence=licence,
            conditions=conditions_in_force(current),
            also_save=("determination", "rulebook_version"),  # as judged on the decision day
        )
        notify_kind("application.approved", current, {"legal_basis": legal_basis.strip()})
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
    licence: dict[str, Any] | None,
    conditions: list[dict[str, str]] | None = None,
    also_save: Sequence[str] = (),
) -> Decision:
    """The decision record (never edited afterwards) with the dossier hash it was taken on and the
    determination it relied on, then the transition that carries it, in the caller's transaction."""
    area, services = (licence["area"], licence["services"]) if licence else ("", [])
    dossier_hash = dossier_hash_of(application)
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
    apply_transition(
        actor=actor,
        application=application,
        transition=transition,
        role=role,
        on=on,
        note=reasons.strip(),
        extra=extra,
        also_save=also_save,
        details={"dossier_hash": dossier_hash},
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
        current, transition, role = take(
            actor=actor, application=application, action=Action.REFUSE, expected_version=expected_version
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
            licence=None,
        )
        notify_kind("application.refused", current, {"legal_basis": legal_basis.strip(), "reasons": reasons.strip()})
    return decision
