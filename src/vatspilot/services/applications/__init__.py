"""The application lifecycle as use cases: one verb-first function per write, one transaction each.

This module is the entry the web, the API and the jobs use: `perform` dispatches an action to its writer.
The writers live in review_actions (submission to on-site verification), decisions (approval and
refusal) and dossier_edits (the applicant's draft); the mechanism they share is in lifecycle.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.contrib.auth.models import User
from django.utils.translation import gettext as _

from vatspilot.domain.applications import Action
from vatspilot.domain.applications.action_fields import check_fields
from vatspilot.domain.applications.action_fields import fields_of as declared_fields_of
from vatspilot.domain.shared.errors import InputError
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
from vatspilot.store.models import Application, Decision

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
    "writer_of",
]


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


def writer_of(action: Action) -> Callable[..., object]:
    """The function `perform` hands `action` to (its keyword parameters are the action's fields)."""
    return _WRITERS[action]


def fields_of(action: Action) -> tuple[str, ...]:
    """The names of the fields `action` takes (declared in domain.applications.action_fields)."""
    return declared_fields_of(action).names()


def perform(
    *,
    actor: User,
    application: Application,
    action: Action,
    on: date,
    expected_version: int | None,
    **fields: object,
) -> Application:
    """Dispatch to the action's writer with the fields it takes, checked against their declaration and
    the optional ones not given filled with their defaults; the application as it now stands.

    A field at fault is refused (ActionRefused) before anything is read, with ``params["field"]`` naming it.
    """
    try:
        values = check_fields(action, fields)
    except InputError as error:
        raise ActionRefused(error.code, _field_error_text(error), field=error.pointer) from None
    written = writer_of(action)(
        actor=actor, application=application, on=on, expected_version=expected_version, **values
    )
    # The record the writer locked and wrote, as it now stands (status, version, determination, its
    # organisation): reading it again would cost a query and find the same (tests/services/
    # test_perform_returns.py compares the two after every action).
    if isinstance(written, Decision):
        return written.application
    if not isinstance(written, Application):
        raise TypeError(f"the writer of {action.value!r} returned {type(written).__name__}")
    return written


def _field_error_text(error: InputError) -> str:
    params = {"field": error.pointer, **error.params}
    if error.code == "unknown-field":
        return _("Unexpected field: %(field)s") % params
    if error.code == "required":
        return _("%(field)s is required for this action.") % params
    if error.code == "required-with":
        return _("%(field)s is required when %(other)s is %(value)s.") % params
    if error.code == "not-one-of":
        return _("%(field)s must be one of: %(allowed)s.") % params
    if error.code == "maxLength":
        return _("%(field)s has more than %(limit)s characters.") % params
    return _("%(field)s is not of the expected type.") % params
