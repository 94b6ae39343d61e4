"""The orderly network exit after a revocation or a cancellation (domain.licences.exit), under the
lifecycle service: the exit is opened in the revoking or cancelling transaction (`open_exit`, called by
services.licences.actions); the holder files the plan, reports progress and reports the exit done; an
MIIT reviewer, or a local officer whose jurisdiction reaches the licence's application, confirms it or
sends it back. Each step is one transaction through the machine (lock, version check, the table's
decision with the actor's roles, the versioned write, the event, the audit entry, the notification).

Each step's timeline row is a `LicenceEvent` on the exit's licence with the action `exit.<action>`, so the
public register's history shows it. Its public `details` are the plan's dates and counts and the row's
citation, never a typed text: a person's note could name someone, and the register shows no personal
data. The typed text is the event's `note` (the licence page's, for the holder and the officials) and
the audit entry's.

Who is who towards an exit: HOLDER, a member of the licence's organisation; MIIT_REVIEWER, a holder of
that staff role; LOCAL_OFFICER, a local officer whose jurisdiction reaches the licence's application
(store.access.Reach: the one jurisdiction rule). Nobody inactive or anonymous holds any role.

The holder's members hear that the exit is required (with the revocation or cancellation), and of its
confirmation or sending back; the supervisors (the MIIT reviewers and the local officers of the
application's jurisdiction) hear that it was reported done (services.notifications.routing).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from datetime import date

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils.translation import gettext as _

from vatspilot.domain.licences.exit import (
    EXIT_WORKFLOW,
    ExitAction,
    ExitFacts,
    ExitPlan,
    ExitRole,
    ExitState,
    plan_problem,
    progress_problem,
)
from vatspilot.domain.licences.lifecycle import LicenceState
from vatspilot.domain.lifecycle import GUARD_FAILED, TransitionRefused
from vatspilot.services import lifecycle
from vatspilot.services.lifecycle import ActionRefused, LifecycleSpec, Step
from vatspilot.services.notifications import NotificationKind, notify_about
from vatspilot.services.vocabulary import EXIT_STATES
from vatspilot.store.access import Reach
from vatspilot.store.audit import record_audit
from vatspilot.store.models import Application, Licence, LicenceEvent, NetworkExit, Role

ExitSpec = LifecycleSpec[NetworkExit, ExitState, ExitAction, ExitRole, ExitFacts]

__all__ = [
    "EVENT_PREFIX",
    "NETWORK_EXITS",
    "ExitSpec",
    "available_exit_actions",
    "confirm_exit",
    "exit_of",
    "file_exit_plan",
    "open_exit",
    "plan_of",
    "report_exit_done",
    "report_exit_progress",
    "roles_of",
    "send_exit_back",
]

# The licence's history names an exit step "exit.<action>": the exit's rows share the licence's timeline.
EVENT_PREFIX = "exit."

# The licence states that end a licence and open its exit.
_ENDED = frozenset({LicenceState.REVOKED.value, LicenceState.CANCELLED.value})

_Actor = User | AnonymousUser


def plan_of(network_exit: NetworkExit) -> ExitPlan | None:
    """The plan as filed, or None before it is."""
    if (
        network_exit.users_notified_on is None
        or network_exit.migration_deadline is None
        or network_exit.users_to_migrate is None
    ):
        return None
    return ExitPlan(network_exit.users_notified_on, network_exit.migration_deadline, network_exit.users_to_migrate)


def _lock(network_exit: NetworkExit) -> NetworkExit:
    """The exit's row read again and locked (only it: the licence and application are read with it to
    know who is who, not locked)."""
    return (
        NetworkExit.objects.select_for_update(of=("self",))
        .select_related("licence__application")
        .get(pk=network_exit.pk)
    )


def _active(actor: _Actor) -> bool:
    return bool(actor.is_authenticated and actor.is_active)


def _roles(network_exit: NetworkExit, organisations: frozenset[int], reach: Reach) -> list[ExitRole]:
    licence = network_exit.licence
    roles: list[ExitRole] = []
    if licence.organisation_id in organisations:
        roles.append(ExitRole.HOLDER)
    if Role.MIIT_REVIEWER.value in reach.national:
        roles.append(ExitRole.MIIT_REVIEWER)
    if Role.LOCAL_OFFICER.value in reach.roles_towards(licence.application.jurisdiction_id):
        roles.append(ExitRole.LOCAL_OFFICER)
    return roles


def _standing(actor: _Actor) -> tuple[frozenset[int], Reach]:
    """The actor's organisations and reach, in one query; nothing for an inactive or anonymous user."""
    if not _active(actor) or not isinstance(actor, User):
        return frozenset(), Reach((), ())
    return Reach.with_memberships(actor)


def roles_of(actor: _Actor, network_exit: NetworkExit) -> list[ExitRole]:
    """The actor's roles towards the exit (see the module's rules); none for an inactive or anonymous user."""
    organisations, reach = _standing(actor)
    return _roles(network_exit, organisations, reach)


def _facts(network_exit: NetworkExit) -> ExitFacts:
    return ExitFacts(plan=plan_of(network_exit), users_migrated=network_exit.users_migrated)


def _offered_facts(network_exit: NetworkExit) -> ExitFacts:
    """The facts the page judges what to offer on: before a plan is filed, the plan the form would file
    is unknown, so file_plan is judged as if it were sound (the form's input is judged when it is sent)."""
    plan = plan_of(network_exit)
    if plan is None:
        plan = ExitPlan(network_exit.opened_on, network_exit.opened_on, 0)
    return ExitFacts(plan=plan, users_migrated=network_exit.users_migrated)


def _roles_and_facts(
    actor: User, exits: Sequence[NetworkExit]
) -> tuple[Callable[[NetworkExit], Sequence[ExitRole]], Mapping[int, ExitFacts]]:
    # One query however many exits (their licence and application read with them by the caller).
    organisations, reach = _standing(actor)

    def roles_towards(network_exit: NetworkExit) -> list[ExitRole]:
        return _roles(network_exit, organisations, reach)

    return roles_towards, {network_exit.pk: _offered_facts(network_exit) for network_exit in exits}


def _describe_refusal(refused: TransitionRefused, _network_exit: NetworkExit) -> str:
    code = refused.code
    if code == "action-not-allowed-in-state":
        state = str(refused.params["state"])
        return _("This step is not possible while the network exit is in this state: %(state)s.") % {
            "state": EXIT_STATES.get(state, state)
        }
    if code == "role-not-allowed":
        return _("Your role may not take this step of the network exit.")
    messages = {
        "plan_sound": _("The users must be told on or before the migration deadline, and a count of users given."),
        "everyone_moved": _("The users migrated must reach the number in the plan before the exit is reported done."),
    }
    guard = str(refused.params.get("guard", ""))
    return messages.get(guard, _("The step is not allowed now (%(code)s).") % {"code": code})


def _conflict_message() -> str:
    return _("Someone else changed this network exit while you were working on it. Reload it and try again.")


def _record_event(step: Step[NetworkExit, ExitState, ExitAction, ExitRole, ExitFacts]) -> LicenceEvent:
    """The licence's history row: `details` public on the register, `note` not."""
    fields = step.event_fields()
    fields["action"] = f"{EVENT_PREFIX}{step.transition.action.value}"
    return LicenceEvent.objects.create(licence_id=step.record.licence_id, **fields)


def _notify(kind: str, network_exit: NetworkExit, context: Mapping[str, object]) -> None:
    """The step told to whoever hears of it, routed through the application the licence was issued on."""
    licence = Licence.objects.only("number", "application_id").get(pk=network_exit.licence_id)
    application = Application.objects.select_related("organisation", "jurisdiction").get(pk=licence.application_id)
    notify_about(
        kind=kind,
        application=application,
        context={
            "licence": licence.number,
            "users_migrated": network_exit.users_migrated,
            "users_to_migrate": network_exit.users_to_migrate if network_exit.users_to_migrate is not None else "",
            **context,
        },
    )


NETWORK_EXITS: ExitSpec = LifecycleSpec(
    workflow=EXIT_WORKFLOW,
    lock=_lock,
    roles_of=roles_of,
    facts_of=_facts,
    roles_and_facts=_roles_and_facts,
    describe_refusal=_describe_refusal,
    conflict_message=_conflict_message,
    record_event=_record_event,
    audit_type=NetworkExit._meta.label_lower,
    audit_prefix="network_exit",
    notify=_notify,
    notification_of={
        ExitAction.REPORT_DONE: NotificationKind.LICENCE_EXIT_DONE_REPORTED,
        ExitAction.CONFIRM: NotificationKind.LICENCE_EXIT_CONFIRMED,
        ExitAction.SEND_BACK: NotificationKind.LICENCE_EXIT_SENT_BACK,
    },
)


def _with_plan(plan: ExitPlan) -> ExitSpec:
    """The spec whose guards judge ``plan`` as it would be filed."""
    return dataclasses.replace(
        NETWORK_EXITS, facts_of=lambda network_exit: ExitFacts(plan=plan, users_migrated=network_exit.users_migrated)
    )


def exit_of(licence: Licence) -> NetworkExit | None:
    """The licence's network exit, or None (a licence never revoked or cancelled has none)."""
    return NetworkExit.objects.filter(licence=licence).first()


def available_exit_actions(actor: User, network_exit: NetworkExit) -> list[ExitAction]:
    """What ``actor`` may do to the exit now, in the table's order: the forms to show."""
    return lifecycle.available_actions_for(NETWORK_EXITS, actor, [network_exit])[network_exit.pk]


# --- The writers ----------------------------------------------------------------------------------------


def _public(network_exit: NetworkExit, citation: str) -> dict[str, object]:
    """The step's public particulars: the plan's dates and counts as they now stand, and the rule."""
    details: dict[str, object] = {"basis": citation}
    if network_exit.users_notified_on is not None:
        details["users_notified_on"] = network_exit.users_notified_on.isoformat()
    if network_exit.migration_deadline is not None:
        details["migration_deadline"] = network_exit.migration_deadline.isoformat()
    if network_exit.users_to_migrate is not None:
        details["users_to_migrate"] = network_exit.users_to_migrate
    details["users_migrated"] = network_exit.users_migrated
    if network_exit.confirmed_on is not None:
        details["confirmed_on"] = network_exit.confirmed_on.isoformat()
    return details


# The largest count the store keeps (NetworkExit's positive integer columns).
COUNT_LIMIT = 2_147_483_647


def _count(value: object, field: str) -> int:
    """A count of users must be a whole number (whether it may be negative, or this one, the table and the
    domain's checks judge once the actor is known to be allowed the step)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ActionRefused("not-a-count", _("Give a whole number of users."), field=field)
    if value > COUNT_LIMIT:  # PostgreSQL would refuse to store it (a 500 rather than this answer)
        raise ActionRefused(
            "too-many", _("At most %(limit)s users.") % {"limit": f"{COUNT_LIMIT:,}"}, field=field, limit=COUNT_LIMIT
        )
    return value


def _day(value: object, field: str) -> date:
    if not isinstance(value, date):
        raise ActionRefused("not-a-date", _("Give a date."), field=field)
    return value


def _text(value: str) -> str:
    return str(value or "").strip()


def open_exit(*, actor: User | None, licence: Licence, on: date) -> NetworkExit:
    """Open the licence's network exit on ``on``, in `required` (no plan yet), with its audit entry
    (``actor``: the official who revoked or cancelled the licence) and the holder told; called in the
    revoking or cancelling transaction. A licence that already has its exit gets that one back, unchanged.
    Refused for a licence neither revoked nor cancelled."""
    with transaction.atomic():
        existing = NetworkExit.objects.filter(licence=licence).first()
        if existing is not None:
            return existing
        if licence.status not in _ENDED:
            raise ActionRefused(
                "licence-not-ended", _("Only a revoked or cancelled licence has a network exit."), field="licence"
            )
        network_exit = NetworkExit.objects.create(licence=licence, opened_on=on)
        record_audit(
            actor=actor,
            action="network_exit.open",
            obj=network_exit,
            before=None,
            after={
                "status": network_exit.status,
                "version": network_exit.version,
                "licence": licence.number,
                "licence_status": licence.status,
                "opened_on": on.isoformat(),
            },
        )
        application = Application.objects.select_related("organisation", "jurisdiction").get(pk=licence.application_id)
        notify_about(
            kind=NotificationKind.LICENCE_EXIT_REQUIRED,
            application=application,
            context={"licence": licence.number, "on": on},
        )
    return network_exit


def file_exit_plan(
    *,
    actor: User,
    network_exit: NetworkExit,
    on: date,
    expected_version: int | None,
    users_notified_on: date,
    migration_deadline: date,
    users_to_migrate: int,
) -> NetworkExit:
    """The holder files the exit plan: the day the users are (or were) told, the migration deadline and
    how many users must move. Refused naming the field: a date missing, a count that is not a whole
    number or is negative, a deadline before the users are told."""
    notified = _day(users_notified_on, "users_notified_on")
    deadline = _day(migration_deadline, "migration_deadline")
    count = _count(users_to_migrate, "users_to_migrate")
    plan = ExitPlan(notified, deadline, count)
    spec = _with_plan(plan)
    with transaction.atomic():
        current = lifecycle.locked(spec, network_exit, expected_version)
        try:
            row, role = lifecycle.decide_for(spec, actor, current, ExitAction.FILE_PLAN)
        except ActionRefused as refused:
            problem = plan_problem(plan)
            if refused.code.startswith(GUARD_FAILED) and problem is not None:
                field, code = problem
                raise ActionRefused(code, _plan_message(code), field=field) from None
            raise
        current.users_notified_on = notified
        current.migration_deadline = deadline
        current.users_to_migrate = count
        lifecycle.apply_transition(
            spec,
            actor=actor,
            record=current,
            transition=row,
            role=role,
            on=on,
            extra={
                "users_notified_on": notified.isoformat(),
                "migration_deadline": deadline.isoformat(),
                "users_to_migrate": count,
            },
            also_save=["users_notified_on", "migration_deadline", "users_to_migrate"],
            details=_public(current, row.citation),
        )
    return current


def _plan_message(code: str) -> str:
    if code == "negative-count":
        return _("The number of users cannot be negative.")
    return _("The migration deadline cannot be before the day the users are told.")


def _progress_message(code: str, plan: ExitPlan | None, previous: int) -> str:
    if code == "more-than-planned" and plan is not None:
        return _("The plan moves %(count)s users: no more can have moved.") % {"count": plan.users_to_migrate}
    if code == "fewer-than-reported":
        return _("%(count)s users were already reported moved: a report cannot go back.") % {"count": previous}
    return _("The number of users cannot be negative.")


def report_exit_progress(
    *,
    actor: User,
    network_exit: NetworkExit,
    on: date,
    expected_version: int | None,
    users_migrated: int,
    note: str = "",
) -> NetworkExit:
    """The holder reports how many users have moved so far (the count, not the number since the last
    report): not more than the plan's, never fewer than last reported (field users_migrated)."""
    count = _count(users_migrated, "users_migrated")
    text = _text(note)
    with transaction.atomic():
        current, row, role = lifecycle.take(
            NETWORK_EXITS,
            actor=actor,
            record=network_exit,
            action=ExitAction.REPORT_PROGRESS,
            expected_version=expected_version,
        )
        plan = plan_of(current)
        previous = current.users_migrated
        problem = progress_problem(plan, previous, count)
        if problem is not None:
            raise ActionRefused(problem, _progress_message(problem, plan, previous), field="users_migrated")
        current.users_migrated = count
        lifecycle.apply_transition(
            NETWORK_EXITS,
            actor=actor,
            record=current,
            transition=row,
            role=role,
            on=on,
            note=text,
            extra={"users_migrated": count, "previously_migrated": previous, "note": text},
            also_save=["users_migrated"],
            details=_public(current, row.citation),
        )
    return current


def report_exit_done(
    *, actor: User, network_exit: NetworkExit, on: date, expected_version: int | None, note: str = ""
) -> NetworkExit:
    """The holder reports that every user has moved (the last report must reach the plan's count); the
    supervisors are told."""
    text = _text(note)
    with transaction.atomic():
        current, row, role = lifecycle.take(
            NETWORK_EXITS,
            actor=actor,
            record=network_exit,
            action=ExitAction.REPORT_DONE,
            expected_version=expected_version,
        )
        lifecycle.apply_transition(
            NETWORK_EXITS,
            actor=actor,
            record=current,
            transition=row,
            role=role,
            on=on,
            note=text,
            extra={"note": text},
            details=_public(current, row.citation),
            notify_context={"on": on},
        )
    return current


def confirm_exit(
    *, actor: User, network_exit: NetworkExit, on: date, expected_version: int | None, note: str
) -> NetworkExit:
    """The authority confirms the exit complete on ``on`` (an MIIT reviewer, or a local officer of the
    licence's jurisdiction); the holder is told."""
    text = _text(note)
    with transaction.atomic():
        current, row, role = lifecycle.take(
            NETWORK_EXITS,
            actor=actor,
            record=network_exit,
            action=ExitAction.CONFIRM,
            expected_version=expected_version,
        )
        current.confirmed_on = on
        lifecycle.apply_transition(
            NETWORK_EXITS,
            actor=actor,
            record=current,
            transition=row,
            role=role,
            on=on,
            note=text,
            extra={"confirmed_on": on.isoformat(), "note": text},
            also_save=["confirmed_on"],
            details=_public(current, row.citation),
            notify_context={"on": on},
        )
    return current


def send_exit_back(
    *, actor: User, network_exit: NetworkExit, on: date, expected_version: int | None, reason: str
) -> NetworkExit:
    """The authority sends a reported exit back to the holder (in progress again), with its reason
    (required, field reason); the holder is told."""
    text = _text(reason)
    if not text:
        raise ActionRefused(
            "reason-required", _("State why the exit is sent back: what remains to be done."), field="reason"
        )
    with transaction.atomic():
        current, row, role = lifecycle.take(
            NETWORK_EXITS,
            actor=actor,
            record=network_exit,
            action=ExitAction.SEND_BACK,
            expected_version=expected_version,
        )
        lifecycle.apply_transition(
            NETWORK_EXITS,
            actor=actor,
            record=current,
            transition=row,
            role=role,
            on=on,
            note=text,
            extra={"reason": text},
            details=_public(current, row.citation),
            notify_context={"on": on, "reason": text},
        )
    return current


# Each step of a network exit and its writer (the pages and the API act through this one table).
EXIT_WRITERS: Mapping[ExitAction, Callable[..., NetworkExit]] = {
    ExitAction.FILE_PLAN: file_exit_plan,
    ExitAction.REPORT_PROGRESS: report_exit_progress,
    ExitAction.REPORT_DONE: report_exit_done,
    ExitAction.CONFIRM: confirm_exit,
    ExitAction.SEND_BACK: send_exit_back,
}
