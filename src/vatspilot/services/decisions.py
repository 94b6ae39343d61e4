"""The licensing decision: approval (every agency concurred, the assessment is positive) or refusal, each
recorded once, with the determination it relied on, and never edited afterwards."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vatspilot.domain.applications import (
    Action,
    Role,
    Transition,
)
from vatspilot.domain.shared.errors import InputError
from vatspilot.services.dossier import recompute_determination
from vatspilot.services.lifecycle import (
    ActionRefused,
    apply_transition,
    decide_for,
    input_error_text,
    locked,
    notify_kind,
    take,
)
from vatspilot.store.models import (
    Application,
    Decision,
    Outcome,
)


def approve_application(
    *,
    actor: AbstractBaseUser,
    application: Application,
    legal_basis: str,
    on: date,
    expected_version: int | None = None,
) -> Decision:
    """The licence decision. The determination is taken again on the decision day and relied on as such;
    the licence's area and services are the ones it finds."""
    if not legal_basis.strip():
        raise ActionRefused("legal-basis-required", _("State the legal basis of the decision."), field="legal_basis")
    with transaction.atomic():
        current = locked(application, expected_version)
        try:
            recompute_determination(current, on=on)
        except InputError as error:
            raise ActionRefused(error.code, input_error_text(error), pointer=error.pointer) from None
        transition, role = decide_for(actor, current, Action.APPROVE)
        licence = current.determination["licence"] or {"area": "", "services": []}
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
            also_save=("determination", "rulebook_version"),  # as judged on the decision day
        )
        notify_kind("application.approved", current, {"legal_basis": legal_basis.strip()})
    return decision


def _record_decision(
    *,
    actor: AbstractBaseUser,
    application: Application,
    transition: Transition,
    role: Role,
    on: date,
    outcome: Outcome,
    legal_basis: str,
    reasons: str,
    licence: dict[str, Any] | None,
    also_save: Sequence[str] = (),
) -> Decision:
    """The decision record (never edited afterwards) with the determination it relied on, then the
    transition that carries it, in the caller's transaction."""
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
        actor=actor,
        decided_at=timezone.now(),
    )
    extra: dict[str, Any] = {"decision": decision.pk, "outcome": outcome.value, "legal_basis": legal_basis.strip()}
    if licence:
        extra.update(licence_area=area, licence_services=services)
    apply_transition(
        actor=actor,
        application=application,
        transition=transition,
        role=role,
        on=on,
        note=reasons.strip(),
        extra=extra,
        also_save=also_save,
    )
    return decision


def refuse_application(
    *,
    actor: AbstractBaseUser,
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
