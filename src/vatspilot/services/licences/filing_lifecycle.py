"""A licence filing under the lifecycle service (vatspilot.services.lifecycle): the filing's own table
(domain.licences.filings: filed -> approved | refused | withdrawn), how a filing is locked, who the actor
is towards it, how its refusals read, its event and its audit prefix. The writers are in
services.licences.filings.

A filing has no timeline of its own: each of its steps is a row of the licence's history
(`LicenceEvent`, action "filing.<action>"), since the holder, the officials and the public register read
a licence's life in one place. The event's states are the licence's (a filing step leaves the licence's
status as it is; the action names what happened to the filing), its `details` public (the kind, the
kinds of change, the dates and the late flag: never a name, a shareholder or a representative), its
`note` the official's reason, which only the holder and the officials read.

The holder's members hear of an approval or a refusal (`notification_of`), routed through the
application the licence was issued on, as the licence's own decisions are.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from django.contrib.auth.models import User
from django.utils.translation import gettext as _

from vatspilot.domain.licences.filings import FILING_WORKFLOW, FilingAction, FilingFacts, FilingRole, FilingState
from vatspilot.domain.licences.lifecycle import LicenceRole
from vatspilot.domain.lifecycle import TransitionRefused
from vatspilot.services.licences.lifecycle import roles_of as licence_roles_of
from vatspilot.services.lifecycle import LifecycleSpec, Step
from vatspilot.services.notifications import NotificationKind, notify_about
from vatspilot.store.models import Application, LicenceEvent, LicenceFiling, Membership, Role, StaffRole

FilingSpec = LifecycleSpec[LicenceFiling, FilingState, FilingAction, FilingRole, FilingFacts]

__all__ = ["FILINGS", "FILING_EVENT_PREFIX", "FilingSpec", "filing_roles_of"]

# A filing's steps on the licence's history: "filing.file" (written when it is filed), "filing.approve",
# "filing.refuse", "filing.withdraw".
FILING_EVENT_PREFIX = "filing."

_ROLE_OF_LICENCE_ROLE = {
    LicenceRole.HOLDER: FilingRole.HOLDER,
    LicenceRole.MIIT_REVIEWER: FilingRole.MIIT_REVIEWER,
}


def _lock(filing: LicenceFiling) -> LicenceFiling:
    """The filing's row read again and locked until the transaction ends, with its licence."""
    return LicenceFiling.objects.select_for_update(of=("self",)).select_related("licence").get(pk=filing.pk)


def filing_roles_of(actor: User, filing: LicenceFiling) -> list[FilingRole]:
    """The actor's roles towards the filing: those it has towards the filing's licence (HOLDER for a
    member of its organisation, MIIT_REVIEWER for that staff role); none for an inactive or anonymous user."""
    return [
        _ROLE_OF_LICENCE_ROLE[role] for role in licence_roles_of(actor, filing.licence) if role in _ROLE_OF_LICENCE_ROLE
    ]


def _describe_refusal(refused: TransitionRefused, _filing: LicenceFiling) -> str:
    if refused.code == "action-not-allowed-in-state":
        return _("This filing has already been decided or withdrawn.")
    if refused.code == "role-not-allowed":
        return _("Your role may not take this action on this filing.")
    return _("The action is not allowed now (%(code)s).") % {"code": refused.code}


def _conflict_message() -> str:
    return _("Someone else changed this filing while you were working on it. Reload it and try again.")


def _record_event(step: Step[LicenceFiling, FilingState, FilingAction, FilingRole, FilingFacts]) -> LicenceEvent:
    fields = step.event_fields()
    status = step.record.licence.status
    fields.update(action=f"{FILING_EVENT_PREFIX}{step.transition.action.value}", from_state=status, to_state=status)
    return LicenceEvent.objects.create(licence=step.record.licence, **fields)


def _notify(kind: str, filing: LicenceFiling, context: Mapping[str, object]) -> None:
    licence = filing.licence
    step = LicenceEvent.objects.filter(licence=licence).order_by("-id").values_list("on", "note").first()
    on, note = step if step is not None else (None, "")
    application = Application.objects.select_related("organisation", "jurisdiction").get(pk=licence.application_id)
    notify_about(
        kind=kind,
        application=application,
        context={
            "licence": licence.number,
            "on": on or "",
            "reason": note,
            "filed_on": filing.filed_on.isoformat(),
            **context,
        },
    )


def _roles_and_facts(
    actor: User, filings: Sequence[LicenceFiling]
) -> tuple[Callable[[LicenceFiling], Sequence[FilingRole]], Mapping[int, FilingFacts]]:
    # Two queries however many filings: the actor's memberships and their MIIT role.
    active = actor.is_authenticated and actor.is_active
    holds = (
        frozenset(Membership.objects.filter(user=actor).values_list("organisation_id", flat=True))
        if active
        else frozenset()
    )
    miit = active and StaffRole.objects.filter(user=actor, role=Role.MIIT_REVIEWER).exists()

    def roles_towards(filing: LicenceFiling) -> list[FilingRole]:
        roles: list[FilingRole] = []
        if active and filing.licence.organisation_id in holds:
            roles.append(FilingRole.HOLDER)
        if miit:
            roles.append(FilingRole.MIIT_REVIEWER)
        return roles

    return roles_towards, {filing.pk: FilingFacts() for filing in filings}


FILINGS: FilingSpec = LifecycleSpec(
    workflow=FILING_WORKFLOW,
    lock=_lock,
    roles_of=filing_roles_of,
    facts_of=lambda _filing: FilingFacts(),
    roles_and_facts=_roles_and_facts,
    describe_refusal=_describe_refusal,
    conflict_message=_conflict_message,
    record_event=_record_event,
    audit_type=LicenceFiling._meta.label_lower,
    audit_prefix="licence_filing",
    notify=_notify,
    notification_of={
        FilingAction.APPROVE: NotificationKind.LICENCE_FILING_APPROVED,
        FilingAction.REFUSE: NotificationKind.LICENCE_FILING_REFUSED,
    },
)
