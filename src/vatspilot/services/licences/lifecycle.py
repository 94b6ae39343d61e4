"""The licence under the lifecycle service (vatspilot.services.lifecycle): how a licence is locked, who
the actor is towards it, what its guards judge, how a refusal reads, its timeline event and its audit
prefix. The writers (services.licences.actions) apply its rows through the service.

"Today" is an argument: `licences_on(on)` is the spec whose guards judge the facts as of `on` (the
writers pass the day of their decision; the pages `legal_today()`). A scope reduction also hands over
the number of services it leaves, which only its input knows.

The holder's members hear of a suspension, reinstatement, scope reduction, revocation or cancellation
(`notification_of`): the inbox row in the decision's transaction, the e-mail after its commit, routed
through the application the licence was issued on (services.notifications.routing).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from datetime import date

from django.contrib.auth.models import User
from django.utils.translation import gettext as _

from vatspilot.domain.licences.lifecycle import (
    LICENCE_WORKFLOW,
    LicenceAction,
    LicenceFacts,
    LicenceRole,
    LicenceState,
)
from vatspilot.domain.lifecycle import TransitionRefused
from vatspilot.services import lifecycle
from vatspilot.services.calendar.legal_day import legal_today
from vatspilot.services.lifecycle import LifecycleSpec, Step
from vatspilot.services.notifications import NotificationKind, notify_about
from vatspilot.services.vocabulary import LICENCE_STATES
from vatspilot.store.models import Application, Licence, LicenceEvent, Membership, Role, StaffRole

LicenceSpec = LifecycleSpec[Licence, LicenceState, LicenceAction, LicenceRole, LicenceFacts]

__all__ = ["LICENCES", "LicenceSpec", "available_actions", "licences_on"]


def _lock(licence: Licence) -> Licence:
    """The licence's row read again and locked until the transaction ends."""
    return Licence.objects.select_for_update().get(pk=licence.pk)


def _holder_organisations(actor: User) -> frozenset[int]:
    return frozenset(Membership.objects.filter(user=actor).values_list("organisation_id", flat=True))


def _is_miit_reviewer(actor: User) -> bool:
    return StaffRole.objects.filter(user=actor, role=Role.MIIT_REVIEWER).exists()


def _roles(actor: User, organisation_id: int, holds: frozenset[int], miit: bool) -> list[LicenceRole]:
    # SYSTEM is the daily job's role alone: no person ever acts in it.
    roles: list[LicenceRole] = []
    if organisation_id in holds:
        roles.append(LicenceRole.HOLDER)
    if miit:
        roles.append(LicenceRole.MIIT_REVIEWER)
    return roles


def roles_of(actor: User, licence: Licence) -> list[LicenceRole]:
    """The actor's roles towards the licence: HOLDER for a member of its organisation, MIIT_REVIEWER for
    a holder of that staff role; none for an inactive or anonymous user."""
    if not (actor.is_authenticated and actor.is_active):
        return []
    return _roles(actor, licence.organisation_id, _holder_organisations(actor), _is_miit_reviewer(actor))


def facts_on(
    licence: Licence,
    on: date,
    *,
    services_remaining: int | None = None,
    change_keeps_eligibility: bool | None = None,
    renewal_filed_on: date | None = None,
    renewal_lead_days: int = 0,
    every_service_launched: bool | None = None,
) -> LicenceFacts:
    """What the guards judge as of ``on``. Without a reduction's input, a reduction is judged as one that
    narrows areas only (it keeps every service): it is offered whenever the licence has a service. The
    change and renewal facts come from the filing being approved (services.licences.filings); without
    one, approve_change and renew are not offered."""
    remaining = len(licence.services or []) if services_remaining is None else services_remaining
    return LicenceFacts(
        today=on,
        valid_until=licence.valid_until,
        services_remaining_after_reduction=remaining,
        change_keeps_eligibility=change_keeps_eligibility,
        renewal_filed_on=renewal_filed_on,
        renewal_lead_days=renewal_lead_days,
        every_service_launched=every_service_launched,
        cancellation_requested=licence.cancellation_requested_on is not None,
    )


def _describe_refusal(refused: TransitionRefused, _licence: Licence) -> str:
    code = refused.code
    if code == "action-not-allowed-in-state":
        state = str(refused.params["state"])
        return _("This action is not possible while the licence is in this state: %(state)s.") % {
            "state": LICENCE_STATES.get(state, state)
        }
    if code == "role-not-allowed":
        return _("Your role may not take this action on this licence.")
    messages = {
        "not_expired": _("The licence's validity has ended."),
        "keeps_a_service": _("At least one service must remain: removing every service is a revocation."),
        "cancellation_requested": _("The holder has not applied for the licence's cancellation."),
        "change_keeps_eligibility": _(
            "The ownership and scope as changed are not eligible on the day of approval: the change cannot be approved."
        ),
        "renewal_filed_in_time": _("The renewal was not filed in time: it cannot be granted."),
        "every_service_launched": _(
            "A licensed service was never launched during the validity: the licence cannot be renewed."
        ),
    }
    guard = str(refused.params.get("guard", ""))
    return messages.get(guard, _("The action is not allowed now (%(code)s).") % {"code": code})


def _conflict_message() -> str:
    return _("Someone else changed this licence while you were working on it. Reload it and try again.")


def _record_event(step: Step[Licence, LicenceState, LicenceAction, LicenceRole, LicenceFacts]) -> LicenceEvent:
    """The history's row: `details` is public on the register, `note` is not."""
    return LicenceEvent.objects.create(licence=step.record, **step.event_fields())


def _notify(kind: str, licence: Licence, context: Mapping[str, object]) -> None:
    """The decision told to the holder, with the number, the day and the reason of the step just recorded
    (its event's note: the holder may read it on the licence page too)."""
    step = LicenceEvent.objects.filter(licence=licence).order_by("-id").values_list("on", "note").first()
    on, note = step if step is not None else (None, "")
    application = Application.objects.select_related("organisation", "jurisdiction").get(pk=licence.application_id)
    notify_about(
        kind=kind,
        application=application,
        context={"licence": licence.number, "on": on or "", "reason": note, **context},
    )


def _roles_and_facts_on(
    on: date,
) -> Callable[[User, Sequence[Licence]], tuple[Callable[[Licence], Sequence[LicenceRole]], Mapping[int, LicenceFacts]]]:
    def roles_and_facts(
        actor: User, licences: Sequence[Licence]
    ) -> tuple[Callable[[Licence], Sequence[LicenceRole]], Mapping[int, LicenceFacts]]:
        # Two queries however many licences: the actor's memberships and their MIIT role.
        active = actor.is_authenticated and actor.is_active
        holds = _holder_organisations(actor) if active else frozenset()
        miit = active and _is_miit_reviewer(actor)

        def roles_towards(licence: Licence) -> list[LicenceRole]:
            return _roles(actor, licence.organisation_id, holds, miit) if active else []

        return roles_towards, {licence.pk: facts_on(licence, on) for licence in licences}

    return roles_and_facts


def licences_on(
    on: date,
    *,
    services_remaining: int | None = None,
    change_keeps_eligibility: bool | None = None,
    renewal_filed_on: date | None = None,
    renewal_lead_days: int = 0,
    every_service_launched: bool | None = None,
) -> LicenceSpec:
    """The licence's spec with its guards judging the facts as of ``on`` (and, for a scope reduction,
    the number of services it leaves; for a change filing's approval, whether the re-check keeps every
    service eligible; for a renewal's, its filing day, the lead days then and whether every service was
    launched)."""
    return dataclasses.replace(
        LICENCES,
        facts_of=lambda licence: facts_on(
            licence,
            on,
            services_remaining=services_remaining,
            change_keeps_eligibility=change_keeps_eligibility,
            renewal_filed_on=renewal_filed_on,
            renewal_lead_days=renewal_lead_days,
            every_service_launched=every_service_launched,
        ),
        roles_and_facts=_roles_and_facts_on(on),
    )


LICENCES: LicenceSpec = LifecycleSpec(
    workflow=LICENCE_WORKFLOW,
    lock=_lock,
    roles_of=roles_of,
    facts_of=lambda licence: facts_on(licence, legal_today()),
    roles_and_facts=lambda actor, licences: _roles_and_facts_on(legal_today())(actor, licences),
    describe_refusal=_describe_refusal,
    conflict_message=_conflict_message,
    record_event=_record_event,
    audit_type=Licence._meta.label_lower,
    audit_prefix="licence",
    notify=_notify,
    # The kind each decision announces (who hears of it: services.notifications.routing).
    notification_of={
        LicenceAction.SUSPEND: NotificationKind.LICENCE_SUSPENDED,
        LicenceAction.REINSTATE: NotificationKind.LICENCE_REINSTATED,
        LicenceAction.REDUCE_SCOPE: NotificationKind.LICENCE_SCOPE_REDUCED,
        LicenceAction.REVOKE: NotificationKind.LICENCE_REVOKED,
        LicenceAction.CANCEL: NotificationKind.LICENCE_CANCELLED,
    },
)


def available_actions(actor: User, licence: Licence, *, on: date) -> list[LicenceAction]:
    """What this user may do to the licence on ``on``, in the table's order: the forms to show."""
    return lifecycle.available_actions_for(licences_on(on), actor, [licence])[licence.pk]
