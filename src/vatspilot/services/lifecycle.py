"""The one way an application's status changes: lock the row, check the version the caller saw, ask the
domain's transition table with the actor's roles and the facts the guards judge, then apply the row with
its timeline event and audit entry, and queue the notifications for after commit.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.utils import timezone
from django.utils.translation import gettext as _

from vatspilot.contracts.input_errors import describe_input_error
from vatspilot.domain.applications import (
    Action,
    Agency,
    ApplicationFacts,
    Opinion,
    Role,
    SecurityAssessment,
    State,
    Transition,
    TransitionRefused,
    allowed_actions,
    decide,
)
from vatspilot.domain.shared.errors import InputError
from vatspilot.services.dossier import present_kinds, required_documents
from vatspilot.services.refusals import describe_refusal
from vatspilot.store.audit import record_audit
from vatspilot.store.models import (
    Application,
    ApplicationEvent,
    Membership,
    StaffRole,
    SupplementRequest,
    SupplementStage,
)
from vatspilot.store.models import Opinion as OpinionRecord
from vatspilot.store.models import SecurityAssessment as AssessmentRecord


class ActionRefused(Exception):
    """The action may not be taken; `message` is what the user reads, `code` and `params` are stable."""

    def __init__(self, code: str, message: str, **params: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.params = params


class Conflict(ActionRefused):
    """Someone else changed the application since the caller read it: reload and try again."""


# --- who the actor is, for this application -------------------------------------------------------------


def roles_of(actor: AbstractBaseUser, application: Application) -> list[Role]:
    """The roles the actor holds towards this application: applicant if a member of its organisation,
    local officer only for the application's jurisdiction, the central roles everywhere."""
    roles: list[Role] = []
    if Membership.objects.filter(user=actor, organisation_id=application.organisation_id).exists():
        roles.append(Role.APPLICANT)
    for staff in StaffRole.objects.filter(user=actor).prefetch_related("jurisdictions"):
        if staff.role == Role.APPLICANT.value:
            continue
        if staff.role == Role.LOCAL_OFFICER.value and not any(
            j.pk == application.jurisdiction_id for j in staff.jurisdictions.all()
        ):
            continue
        roles.append(Role(staff.role))
    return roles


def facts_of(application: Application) -> ApplicationFacts:
    """The snapshot the transition guards judge, read from the stored records."""
    determination = application.determination or {}
    required = set(required_documents(application))
    present = present_kinds(application)
    assessment = AssessmentRecord.objects.filter(application=application).order_by("-assessed_at").first()
    return ApplicationFacts(
        required_documents_complete=bool(determination) and required <= present,
        determination_eligible=determination.get("outcome") == "eligible",
        formal_supplement_requests=SupplementRequest.objects.filter(
            application=application, stage=SupplementStage.FORMAL
        ).count(),
        opinions={Agency(o.agency): Opinion(o.opinion) for o in OpinionRecord.objects.filter(application=application)},
        security_assessment=SecurityAssessment(assessment.result) if assessment else None,
    )


def available_actions(actor: AbstractBaseUser, application: Application) -> list[Action]:
    """What this user may do now, in the table's order: the buttons to show."""
    facts = facts_of(application)
    state = State(application.status)
    result: list[Action] = []
    for role in roles_of(actor, application):
        for action in allowed_actions(state, role, facts):
            if action not in result:
                result.append(action)
    return result


def decide_for(actor: AbstractBaseUser, application: Application, action: Action) -> tuple[Transition, Role]:
    """The row and the role it is taken in; the most telling refusal when none of the actor's roles may."""
    facts = facts_of(application)
    state = State(application.status)
    refusals: list[TransitionRefused] = []
    for role in roles_of(actor, application):
        try:
            return decide(state, action, role, facts), role
        except TransitionRefused as refused:
            refusals.append(refused)
    if not refusals:
        refusals.append(
            TransitionRefused("role-not-allowed", {"state": state.value, "action": action.value, "role": "-"})
        )
    # A failed guard says more than a role mismatch, which says more than a wrong state.
    rank = {"guard": 0, "role-not-allowed": 1, "action-not-allowed-in-state": 2}
    best = min(refusals, key=lambda r: rank.get(r.code.split(":")[0].replace("guard-failed", "guard"), 3))
    raise ActionRefused(best.code, describe_refusal(best, application), **best.params)


# --- the one way a status changes ------------------------------------------------------------------------


def locked(application: Application, expected_version: int | None) -> Application:
    current = Application.objects.select_for_update().select_related("organisation").get(pk=application.pk)
    if expected_version is not None and current.version != expected_version:
        raise Conflict(
            "conflict",
            _("Someone else changed this application while you were working on it. Reload it and try again."),
            expected=expected_version,
            found=current.version,
        )
    return current


def apply_transition(
    *,
    actor: AbstractBaseUser,
    application: Application,
    transition: Transition,
    role: Role,
    on: date,
    note: str = "",
    extra: dict[str, Any] | None = None,
) -> ApplicationEvent:
    before = {"status": application.status, "version": application.version}
    application.status = transition.target.value
    fields = ["status"]
    if transition.action is Action.SUBMIT and application.received_on is None:
        application.received_on = on
        fields.append("received_on")
    if transition.action is Action.ACCEPT:
        application.accepted_on = on
        fields.append("accepted_on")
    if transition.action is Action.SUBMIT:
        fields += ["determination", "rulebook_version"]
    application.save_if_unchanged(update_fields=fields)
    at = timezone.now()
    event = ApplicationEvent.objects.create(
        application=application,
        action=transition.action.value,
        from_state=transition.source.value,
        to_state=transition.target.value,
        on=on,
        at=at,
        actor=actor,
        role=role.value,
        note=note,
    )
    record_audit(
        actor=actor,
        action=f"application.{transition.action.value}",
        obj=application,
        before=before,
        after={
            "status": application.status,
            "version": application.version,
            "on": on.isoformat(),
            "role": role.value,
            "citation": transition.citation,
            **(extra or {}),
        },
    )
    return event


def take(
    *,
    actor: AbstractBaseUser,
    application: Application,
    action: Action,
    on: date,
    expected_version: int | None,
) -> tuple[Application, Transition, Role]:
    current = locked(application, expected_version)
    transition, role = decide_for(actor, current, action)
    return current, transition, role


def notify_kind(kind: str, application: Application, context: dict[str, Any] | None = None) -> None:
    """Inbox rows now, in this transaction; the e-mails after commit (see services.notifications)."""
    from vatspilot.services.notifications import notify_about

    notify_about(kind=kind, application=application, context=context or {})


def input_error_text(error: InputError) -> str:
    return describe_input_error(error, _)
