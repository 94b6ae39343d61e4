"""The application under the lifecycle service (vatspilot.services.lifecycle): the declaration of how an
application is locked, who the actor is towards it, what its guards judge, how a refusal reads, its
timeline event, its audit prefix and the notification each action sends. The writers (review_actions,
decisions, dossier_edits) apply its rows through the service with `APPLICATIONS`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from django.contrib.auth.models import User
from django.utils.translation import gettext as _

from vatspilot.contracts.input_errors import describe_input_error
from vatspilot.domain.applications import WORKFLOW, Action, ApplicationFacts, Role, State
from vatspilot.domain.shared.errors import InputError
from vatspilot.services import lifecycle
from vatspilot.services.applications.guard_facts import facts_of, roles_of, standing_and_facts
from vatspilot.services.applications.refusals import describe_refusal
from vatspilot.services.applications.row_lock import lock_application
from vatspilot.services.lifecycle import ActionRefused, Conflict, LifecycleSpec, Step
from vatspilot.services.notifications import NotificationKind, notify_about
from vatspilot.store.models import Application, ApplicationEvent

__all__ = [
    "APPLICATIONS",
    "ActionRefused",
    "Conflict",
    "available_actions",
    "available_actions_for",
    "input_error_text",
]


def _lock(application: Application) -> Application:
    """The application's row locked, read with its organisation (the dossier hash reads it) and its
    jurisdiction (the notifications name it). Only the application's row is locked (``of``): locking the
    organisation's too would make two applications of one organisation wait for each other."""
    return lock_application(application.pk)  # (the ORM's select_for_update(of=("self",)).select_related(...))


def _roles_and_facts(
    actor: User, applications: Sequence[Application]
) -> tuple[Callable[[Application], Sequence[Role]], Mapping[int, ApplicationFacts]]:
    standing, facts = standing_and_facts(actor, applications)
    return standing.roles_towards, facts


def _conflict_message() -> str:
    return _("Someone else changed this application while you were working on it. Reload it and try again.")


def _record_event(step: Step[Application, State, Action, Role, ApplicationFacts]) -> ApplicationEvent:
    """The timeline row: the statutory clock reads its dates."""
    # A person always acts on an application (the table has no system role); the column is not null.
    assert step.actor is not None
    return ApplicationEvent.objects.create(application=step.record, **step.event_fields())


def _notify(kind: str, application: Application, context: Mapping[str, object]) -> None:
    """Inbox rows now, in this transaction; the e-mails after commit (see services.notifications)."""
    notify_about(kind=kind, application=application, context=context)


APPLICATIONS: LifecycleSpec[Application, State, Action, Role, ApplicationFacts] = LifecycleSpec(
    workflow=WORKFLOW,
    lock=_lock,
    roles_of=roles_of,
    facts_of=facts_of,
    roles_and_facts=_roles_and_facts,
    describe_refusal=describe_refusal,
    conflict_message=_conflict_message,
    record_event=_record_event,
    audit_type=Application._meta.label_lower,
    audit_prefix="application",
    notify=_notify,
    # The kind each action announces (who hears of it: services.notifications.routing).
    notification_of={
        Action.SUBMIT: NotificationKind.SUBMITTED,
        Action.REQUEST_SUPPLEMENT: NotificationKind.SUPPLEMENT_REQUESTED,
        Action.ANSWER_SUPPLEMENT: NotificationKind.SUPPLEMENT_ANSWERED,
        Action.COMPLETE_PRELIMINARY_ASSESSMENT: NotificationKind.OPINION_REQUESTED,
        Action.ORDER_ONSITE_VERIFICATION: NotificationKind.ONSITE_ORDERED,
        Action.APPROVE: NotificationKind.APPROVED,
        Action.REFUSE: NotificationKind.REFUSED,
        Action.WITHDRAW: NotificationKind.WITHDRAWN,
    },
)


def available_actions(actor: User, application: Application) -> list[Action]:
    """What this user may do now, in the table's order: the buttons to show."""
    return available_actions_for(actor, [application])[application.pk]


def available_actions_for(actor: User, applications: Sequence[Application]) -> dict[int, list[Action]]:
    """The same for many applications, in a fixed number of queries (the reviewers' queues)."""
    return lifecycle.available_actions_for(APPLICATIONS, actor, applications)


def input_error_text(error: InputError) -> str:
    return describe_input_error(error, _)
