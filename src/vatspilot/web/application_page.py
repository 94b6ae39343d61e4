"""What the application page shows: the read model (vatspilot.queries.application_detail) put into the
template's context. The detail view and the action view (which shows the page again with the refusal)
build the same context."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.utils.translation import get_language

from vatspilot.domain.applications import Action
from vatspilot.queries.application_detail import application_detail, determination_in_language
from vatspilot.services.applications import available_actions
from vatspilot.store import access
from vatspilot.store.models import Application
from vatspilot.web.action_reasons import reason_text
from vatspilot.web.forms import ActionForm, action_form

# Actions the dossier page offers to the applicant itself; the application page offers the rest.
APPLICANT_DOSSIER_ACTIONS = frozenset({Action.SUBMIT, Action.ANSWER_SUPPLEMENT})


def is_member(user: User, application: Application) -> bool:
    return access.is_member(user, application)


def action_forms(
    user: User,
    application: Application,
    *,
    bound: tuple[Action, ActionForm] | None = None,
    actions: Sequence[Action] | None = None,
) -> list[tuple[Action, ActionForm]]:
    """One form per action open to ``user`` now (``actions``, when already read); ``bound`` replaces the
    blank form of its action (to show what the user typed and the errors)."""
    forms = []
    for action in available_actions(user, application) if actions is None else actions:
        if bound is not None and bound[0] == action:
            forms.append(bound)
        else:
            forms.append((action, action_form(action, version=application.version)))
    return forms


def application_context(
    user: User,
    application: Application,
    today: date,
    *,
    bound: tuple[Action, ActionForm] | None = None,
    refusal: str | None = None,
) -> dict[str, Any]:
    detail = application_detail(user, application, today=today)
    return {
        "application": application,
        "is_member": detail.is_member,
        "dossier_editable": detail.dossier_editable,
        "clock": detail.summary.clock,
        "documents": list(detail.documents),
        "missing": list(detail.missing_items),
        "determination": determination_in_language(detail, get_language() or "en"),
        "opinions": detail.opinions,
        "assessments": detail.assessments,
        "supplements": detail.supplements,
        "open_supplement": detail.open_supplement,
        "decision": detail.decision,
        "dossier_hash": detail.dossier_hash,
        "timeline": detail.timeline,
        "clock_dates": detail.clock_dates,
        # The reader's actions the table's guards hold back now, each with why (web/action_reasons.py).
        "blocked_actions": [(b.action, reason_text(b)) for b in detail.blocked],
        "events": detail.events,
        "action_forms": action_forms(user, application, bound=bound, actions=detail.actions),
        "refusal": refusal,
        "refused_action": bound[0] if bound else None,
    }
