"""The application lifecycle as use cases: one verb-first function per write, one transaction each.

This module is the entry the web, the API and the jobs use: `perform` dispatches an action to its writer.
The writers live in review_actions (submission to on-site verification), decisions (approval and
refusal) and dossier_edits (the applicant's draft); the mechanism they share is in lifecycle.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.utils.translation import gettext as _

from vatspilot.domain.applications import Action
from vatspilot.services.applications.decisions import approve_application, refuse_application
from vatspilot.services.applications.dossier_edits import create_application, update_dossier
from vatspilot.services.applications.guard_facts import facts_of, roles_of
from vatspilot.services.applications.lifecycle import ActionRefused, Conflict, available_actions
from vatspilot.services.applications.review_actions import (
    accept_application,
    answer_supplement,
    complete_onsite_verification,
    complete_preliminary_assessment,
    order_onsite_verification,
    record_opinion,
    record_security_assessment,
    request_supplement,
    submit_application,
    withdraw_application,
)
from vatspilot.store.models import Application

__all__ = [
    "ActionRefused",
    "Conflict",
    "accept_application",
    "answer_supplement",
    "approve_application",
    "available_actions",
    "complete_onsite_verification",
    "complete_preliminary_assessment",
    "create_application",
    "facts_of",
    "fields_of",
    "order_onsite_verification",
    "perform",
    "record_opinion",
    "record_security_assessment",
    "refuse_application",
    "request_supplement",
    "roles_of",
    "submit_application",
    "update_dossier",
    "withdraw_application",
]


_FIELDS: dict[Action, tuple[str, ...]] = {
    Action.REQUEST_SUPPLEMENT: ("items",),
    Action.REFUSE: ("legal_basis", "reasons"),
    Action.COMPLETE_PRELIMINARY_ASSESSMENT: ("findings",),
    Action.COMPLETE_ONSITE_VERIFICATION: ("findings",),
    Action.RECORD_OPINION: ("opinion", "conditions"),
    Action.RECORD_SECURITY_ASSESSMENT: ("result", "findings"),
    Action.APPROVE: ("legal_basis",),
}

_WRITERS: dict[Action, Callable[..., object]] = {
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
    actor: User,
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
