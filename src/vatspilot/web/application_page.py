"""What the application page shows, gathered in one place: the detail view and the action view (which
shows the page again with the refusal) build the same context."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import get_language

from vatspilot.domain.applications import DOSSIER_EDITABLE_STATES, Action
from vatspilot.domain.shared.errors import InputError
from vatspilot.services.applications import available_actions
from vatspilot.services.applications.clock import clock_for
from vatspilot.services.applications.dossier import checklist, missing_items
from vatspilot.services.eligibility import determine
from vatspilot.store.models import Application, DocumentVersion, Membership
from vatspilot.web.forms import ActionForm, action_form

# The states in which the applicant may change the dossier (edit it, upload documents).

# Actions the dossier page offers to the applicant itself; the application page offers the rest.
APPLICANT_DOSSIER_ACTIONS = frozenset({Action.SUBMIT, Action.ANSWER_SUPPLEMENT})


def is_member(user: User, application: Application) -> bool:
    return Membership.objects.filter(user=user, organisation_id=application.organisation_id).exists()


def decision_of(application: Application) -> Any:
    try:
        return application.decision
    except ObjectDoesNotExist:
        return None


def open_supplement(application: Application) -> Any:
    return application.supplement_requests.filter(closed_at__isnull=True).order_by("-opened_at").first()


def action_forms(
    user: User,
    application: Application,
    *,
    bound: tuple[Action, ActionForm] | None = None,
) -> list[tuple[Action, ActionForm]]:
    """One form per action open to ``user`` now; ``bound`` replaces the blank form of its action (to show
    what the user typed and the errors)."""
    forms = []
    for action in available_actions(user, application):
        if bound is not None and bound[0] == action:
            forms.append(bound)
        else:
            forms.append((action, action_form(action, version=application.version)))
    return forms


def determination_in_language(application: Application) -> dict[str, Any] | None:
    """The stored determination, its reasons worded in the user's language.

    The stored one is worded in English. For another language the same dossier is determined again on
    the same date; that wording is shown only when it was taken under exactly the same rulebook version
    and contract and says the same thing (so it is the same determination, reworded), else the stored one
    is shown as it is: a determination is never silently recomputed under a newer rulebook. Once decided,
    the determination shown is the one the decision relied on."""
    decision = decision_of(application)
    stored = decision.determination if decision is not None and decision.determination else application.determination
    language = get_language() or "en"
    if not stored or not language.startswith("zh"):
        return stored
    try:
        reworded = determine(application.as_profile(), on=date.fromisoformat(stored["on"]), lang="zh").to_dict()
    except (InputError, KeyError, ValueError):
        return stored
    if reworded["rulebook"] != stored.get("rulebook") or _substance(reworded) != _substance(stored):
        return stored
    return reworded


def _substance(determination: dict[str, Any]) -> Any:
    """Everything but the words: what must be equal for a rewording to stand in for the stored one."""
    services = determination.get("services") or []
    return (
        determination.get("schema"),
        determination.get("foreign_share"),
        determination.get("outcome"),
        [
            (
                s.get("code"),
                s.get("scope"),
                s.get("outcome"),
                s.get("route"),
                s.get("opening"),
                s.get("max_foreign_share"),
                [(r.get("rule"), r.get("effect"), r.get("confidence")) for r in s.get("reasons") or []],
            )
            for s in services
        ],
        [(r.get("rule"), r.get("effect")) for r in determination.get("conditions") or []],
        determination.get("required_documents"),
        determination.get("required_assessments"),
        (determination.get("licence") or {}).get("services"),
    )


@dataclass(frozen=True)
class DocumentRow:
    item: Any  # services.dossier.ChecklistItem
    versions: tuple[DocumentVersion, ...]  # newest first


def document_rows(application: Application) -> list[DocumentRow]:
    """The checklist, each item with every version uploaded (the checklist gives the latest only)."""
    versions: dict[str, list[DocumentVersion]] = {}
    for version in (
        DocumentVersion.objects.filter(document__application=application)
        .select_related("document", "uploaded_by")
        .order_by("-number")
    ):
        versions.setdefault(version.document.kind, []).append(version)
    return [DocumentRow(item=item, versions=tuple(versions.get(item.kind, ()))) for item in checklist(application)]


def application_context(
    user: User,
    application: Application,
    today: date,
    *,
    bound: tuple[Action, ActionForm] | None = None,
    refusal: str | None = None,
) -> dict[str, Any]:
    events = application.events.select_related("actor").order_by("at")
    member = is_member(user, application)
    return {
        "application": application,
        "is_member": member,
        "dossier_editable": member and application.status in DOSSIER_EDITABLE_STATES,
        "clock": clock_for(application, today),
        "documents": document_rows(application),
        "missing": missing_items(application),
        "determination": determination_in_language(application),
        "opinions": application.opinions.select_related("actor").order_by("agency", "given_at"),
        "assessments": application.security_assessments.select_related("expert").order_by("assessed_at"),
        "supplements": application.supplement_requests.order_by("opened_at"),
        "open_supplement": open_supplement(application),
        "decision": decision_of(application),
        "events": events,
        "action_forms": action_forms(user, application, bound=bound),
        "refusal": refusal,
        "refused_action": bound[0] if bound else None,
    }
