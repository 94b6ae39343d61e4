"""The application lifecycle as use cases: one verb-first function per write, one transaction each.

Every write locks the application row, checks the version the caller saw, asks the domain's transition
table whether the actor's role may take the action now, applies the row, records what the action
produces (opinion, assessment, supplement request, decision), appends the timeline event and the audit
entry, and queues its notifications to run after commit. Nothing else writes `Application.status`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vatspilot.contracts.input_errors import describe_input_error
from vatspilot.domain.applications import (
    AGENCY_OF_ROLE,
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
from vatspilot.services.dossier import present_kinds, recompute_determination, required_documents
from vatspilot.services.refusals import describe_refusal
from vatspilot.store.audit import record_audit
from vatspilot.store.models import (
    Application,
    ApplicationEvent,
    Decision,
    Membership,
    Organisation,
    Outcome,
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


def _decide(actor: AbstractBaseUser, application: Application, action: Action) -> tuple[Transition, Role]:
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


def _locked(application: Application, expected_version: int | None) -> Application:
    current = Application.objects.select_for_update().select_related("organisation").get(pk=application.pk)
    if expected_version is not None and current.version != expected_version:
        raise Conflict(
            "conflict",
            _("Someone else changed this application while you were working on it. Reload it and try again."),
            expected=expected_version,
            found=current.version,
        )
    return current


def _apply(
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


def _take(
    *,
    actor: AbstractBaseUser,
    application: Application,
    action: Action,
    on: date,
    expected_version: int | None,
) -> tuple[Application, Transition, Role]:
    current = _locked(application, expected_version)
    transition, role = _decide(actor, current, action)
    return current, transition, role


def _notify(kind: str, application: Application, context: dict[str, Any] | None = None) -> None:
    """Inbox rows now, in this transaction; the e-mails after commit (see services.notifications)."""
    from vatspilot.services.notifications import notify_about

    notify_about(kind=kind, application=application, context=context or {})


# --- the applicant's dossier ------------------------------------------------------------------------------


def create_application(*, actor: AbstractBaseUser, organisation: Organisation, on: date) -> Application:
    """A new draft for the organisation; only its members may open one."""
    if not Membership.objects.filter(user=actor, organisation=organisation).exists():
        raise ActionRefused("not-a-member", _("Only a member of the organisation may open an application for it."))
    with transaction.atomic():
        application = Application(organisation=organisation, service_area={"kind": "provincial"})
        application.save()
        record_audit(actor=actor, action="application.created", obj=application, before=None, after={"status": "draft"})
    return application


EDITABLE_STATES = {State.DRAFT, State.FORMAL_SUPPLEMENT, State.MINISTERIAL_SUPPLEMENT}


def update_dossier(
    *,
    actor: AbstractBaseUser,
    application: Application,
    on: date,
    ownership: list[Any] | None = None,
    services: list[Any] | None = None,
    service_area: dict[str, Any] | None = None,
    dishonest_list: bool | None = None,
    expected_version: int | None = None,
) -> Application:
    """Change the dossier (draft, or while a supplement is requested) and recompute its determination.

    A dossier the engine cannot judge is refused whole, with the field named; nothing is saved.
    """
    with transaction.atomic():
        current = _locked(application, expected_version)
        if Role.APPLICANT not in roles_of(actor, current):
            raise ActionRefused("role-not-allowed", _("Only the applicant may change the dossier."))
        if State(current.status) not in EDITABLE_STATES:
            raise ActionRefused(
                "dossier-locked",
                _("The dossier can only be changed in a draft or while a supplement is requested."),
            )
        before = {"ownership": current.ownership, "services": current.services, "service_area": current.service_area}
        if ownership is not None:
            current.ownership = ownership
        if services is not None:
            current.services = services
        if service_area is not None:
            current.service_area = service_area
        if dishonest_list is not None:
            current.dishonest_list = dishonest_list
        try:
            recompute_determination(current, on=on)
        except InputError as error:
            raise ActionRefused(error.code, _input_error_text(error), pointer=error.pointer) from None
        current.save_if_unchanged(
            update_fields=[
                "ownership",
                "services",
                "service_area",
                "dishonest_list",
                "determination",
                "rulebook_version",
            ]
        )
        record_audit(
            actor=actor,
            action="application.dossier_changed",
            obj=current,
            before=before,
            after={
                "ownership": current.ownership,
                "services": current.services,
                "service_area": current.service_area,
                "outcome": current.determination["outcome"] if current.determination else None,
                "rulebook": current.rulebook_version,
            },
        )
    return current


def _input_error_text(error: InputError) -> str:
    return describe_input_error(error, _)


# --- the lifecycle's actions --------------------------------------------------------------------------------


def submit_application(
    *, actor: AbstractBaseUser, application: Application, on: date, expected_version: int | None = None
) -> Application:
    """Draft -> submitted. The determination is taken again on the day of submission."""
    with transaction.atomic():
        current = _locked(application, expected_version)
        try:
            recompute_determination(current, on=on)
        except InputError as error:
            raise ActionRefused(error.code, _input_error_text(error), pointer=error.pointer) from None
        transition, role = _decide(actor, current, Action.SUBMIT)
        _apply(actor=actor, application=current, transition=transition, role=role, on=on)
        _notify("application.submitted", current)
    return current


def request_supplement(
    *,
    actor: AbstractBaseUser,
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
        current, transition, role = _take(
            actor=actor,
            application=application,
            action=Action.REQUEST_SUPPLEMENT,
            on=on,
            expected_version=expected_version,
        )
        stage = SupplementStage.FORMAL if transition.source is State.SUBMITTED else SupplementStage.MINISTERIAL
        SupplementRequest.objects.create(
            application=current, stage=stage, items=listed, requested_by=actor, opened_at=timezone.now()
        )
        _apply(
            actor=actor,
            application=current,
            transition=transition,
            role=role,
            on=on,
            note="\n".join(listed),
            extra={"items": listed},
        )
        _notify("application.supplement_requested", current, {"items": listed})
    return current


def answer_supplement(
    *, actor: AbstractBaseUser, application: Application, on: date, expected_version: int | None = None
) -> Application:
    with transaction.atomic():
        current, transition, role = _take(
            actor=actor,
            application=application,
            action=Action.ANSWER_SUPPLEMENT,
            on=on,
            expected_version=expected_version,
        )
        SupplementRequest.objects.filter(application=current, closed_at__isnull=True).update(closed_at=timezone.now())
        _apply(actor=actor, application=current, transition=transition, role=role, on=on)
        _notify("application.supplement_answered", current)
    return current


def accept_application(
    *, actor: AbstractBaseUser, application: Application, on: date, expected_version: int | None = None
) -> Application:
    """The acceptance notice: by default the statutory period starts the next day."""
    return _simple(actor, application, Action.ACCEPT, on, expected_version, None)


def complete_preliminary_assessment(
    *,
    actor: AbstractBaseUser,
    application: Application,
    findings: str,
    on: date,
    expected_version: int | None = None,
) -> Application:
    return _simple(
        actor,
        application,
        Action.COMPLETE_PRELIMINARY_ASSESSMENT,
        on,
        expected_version,
        "application.opinion_requested",
        findings,
    )


def order_onsite_verification(
    *, actor: AbstractBaseUser, application: Application, on: date, expected_version: int | None = None
) -> Application:
    return _simple(
        actor, application, Action.ORDER_ONSITE_VERIFICATION, on, expected_version, "application.onsite_ordered"
    )


def complete_onsite_verification(
    *,
    actor: AbstractBaseUser,
    application: Application,
    findings: str,
    on: date,
    expected_version: int | None = None,
) -> Application:
    return _simple(actor, application, Action.COMPLETE_ONSITE_VERIFICATION, on, expected_version, None, findings)


def withdraw_application(
    *, actor: AbstractBaseUser, application: Application, on: date, expected_version: int | None = None
) -> Application:
    return _simple(actor, application, Action.WITHDRAW, on, expected_version, "application.withdrawn")


def _simple(
    actor: AbstractBaseUser,
    application: Application,
    action: Action,
    on: date,
    expected_version: int | None,
    notification: str | None,
    note: str = "",
) -> Application:
    with transaction.atomic():
        current, transition, role = _take(
            actor=actor, application=application, action=action, on=on, expected_version=expected_version
        )
        _apply(actor=actor, application=current, transition=transition, role=role, on=on, note=note)
        if notification:
            _notify(notification, current)
    return current


def record_opinion(
    *,
    actor: AbstractBaseUser,
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
        current, transition, role = _take(
            actor=actor, application=application, action=Action.RECORD_OPINION, on=on, expected_version=expected_version
        )
        agency = AGENCY_OF_ROLE[role]
        OpinionRecord.objects.create(
            application=current,
            agency=agency.value,
            opinion=kind.value,
            conditions=conditions.strip(),
            actor=actor,
            given_at=timezone.now(),
        )
        _apply(
            actor=actor,
            application=current,
            transition=transition,
            role=role,
            on=on,
            note=conditions.strip(),
            extra={"agency": agency.value, "opinion": kind.value},
        )
    return current


def record_security_assessment(
    *,
    actor: AbstractBaseUser,
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
        current, transition, role = _take(
            actor=actor,
            application=application,
            action=Action.RECORD_SECURITY_ASSESSMENT,
            on=on,
            expected_version=expected_version,
        )
        AssessmentRecord.objects.create(
            application=current,
            result=outcome.value,
            findings=findings.strip(),
            expert=actor,
            assessed_at=timezone.now(),
        )
        _apply(
            actor=actor,
            application=current,
            transition=transition,
            role=role,
            on=on,
            note=findings.strip(),
            extra={"result": outcome.value},
        )
    return current


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
        current = _locked(application, expected_version)
        try:
            recompute_determination(current, on=on)
        except InputError as error:
            raise ActionRefused(error.code, _input_error_text(error), pointer=error.pointer) from None
        transition, role = _decide(actor, current, Action.APPROVE)
        licence = current.determination["licence"] or {"area": "", "services": []}
        current.save_if_unchanged(update_fields=["determination", "rulebook_version"])
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
        )
        _notify("application.approved", current, {"legal_basis": legal_basis.strip()})
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
    _apply(
        actor=actor, application=application, transition=transition, role=role, on=on, note=reasons.strip(), extra=extra
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
        current, transition, role = _take(
            actor=actor, application=application, action=Action.REFUSE, on=on, expected_version=expected_version
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
        _notify("application.refused", current, {"legal_basis": legal_basis.strip(), "reasons": reasons.strip()})
    return decision


# --- one entry for the web and the API ------------------------------------------------------------------

_FIELDS: dict[Action, tuple[str, ...]] = {
    Action.REQUEST_SUPPLEMENT: ("items",),
    Action.REFUSE: ("legal_basis", "reasons"),
    Action.COMPLETE_PRELIMINARY_ASSESSMENT: ("findings",),
    Action.COMPLETE_ONSITE_VERIFICATION: ("findings",),
    Action.RECORD_OPINION: ("opinion", "conditions"),
    Action.RECORD_SECURITY_ASSESSMENT: ("result", "findings"),
    Action.APPROVE: ("legal_basis",),
}

_WRITERS = {
    Action.SUBMIT: submit_application,
    Action.REQUEST_SUPPLEMENT: request_supplement,
    Action.ANSWER_SUPPLEMENT: answer_supplement,
    Action.ACCEPT: accept_application,
    Action.REFUSE: refuse_application,
    Action.COMPLETE_PRELIMINARY_ASSESSMENT: complete_preliminary_assessment,
    Action.RECORD_OPINION: record_opinion,
    Action.RECORD_SECURITY_ASSESSMENT: record_security_assessment,
    Action.ORDER_ONSITE_VERIFICATION: order_onsite_verification,
    Action.COMPLETE_ONSITE_VERIFICATION: complete_onsite_verification,
    Action.APPROVE: approve_application,
    Action.WITHDRAW: withdraw_application,
}


def fields_of(action: Action) -> tuple[str, ...]:
    return _FIELDS.get(action, ())


def perform(
    *,
    actor: AbstractBaseUser,
    application: Application,
    action: Action,
    on: date,
    expected_version: int | None,
    **fields: Any,
) -> Application:
    """Dispatch to the action's writer with only the fields it takes; the application as it now stands."""
    unknown = set(fields) - set(fields_of(action))
    if unknown:
        raise ActionRefused("unknown-field", _("Unexpected field: %(field)s") % {"field": sorted(unknown)[0]})
    defaults = {"findings": "", "conditions": "", "reasons": "", "legal_basis": "", "items": []}
    values = {name: fields.get(name, defaults.get(name, "")) for name in fields_of(action)}
    _WRITERS[action](actor=actor, application=application, on=on, expected_version=expected_version, **values)
    return Application.objects.select_related("organisation").get(pk=application.pk)
