"""One application as every entry point shows it: the web's application page and the API's detail (and
the action responses that answer with it) render this read model, never the store directly."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.models import User

from vatspilot.domain.applications import DOSSIER_EDITABLE_STATES, Action, State
from vatspilot.domain.shared.errors import InputError
from vatspilot.queries.application_lists import ApplicationSummary, summaries
from vatspilot.queries.application_review import (
    BlockedAction,
    ClockDates,
    TimelineEntry,
    blocked_actions,
    clock_dates,
    timeline,
)
from vatspilot.rulebook.loader import default_rulebook
from vatspilot.rulebook.uncertainty import stored_uncertain_rules
from vatspilot.services.applications.clock import clock_settings
from vatspilot.services.applications.dossier import ChecklistItem, checklist, dossier_hash_of, missing_items
from vatspilot.services.applications.guard_facts import facts_of, roles_of
from vatspilot.services.eligibility import determine
from vatspilot.store.access import is_member
from vatspilot.store.models import (
    Application,
    ApplicationEvent,
    Decision,
    DocumentVersion,
    Opinion,
    SecurityAssessment,
    SupplementRequest,
)


@dataclass(frozen=True)
class Dossier:
    """What the applicant declared, as the engine judges it."""

    ownership: Any
    services: Any
    service_area: Any
    dishonest_list: Any


@dataclass(frozen=True)
class DocumentRow:
    """A checklist item with every version uploaded, newest first (the checklist gives the latest only)."""

    item: ChecklistItem
    versions: tuple[DocumentVersion, ...]


@dataclass(frozen=True)
class ApplicationDetail:
    summary: ApplicationSummary  # the application, its clock, the reader's actions now
    is_member: bool  # the reader belongs to the applicant organisation
    dossier_editable: bool  # ... and the dossier may change now
    dossier: Dossier
    determination: dict[str, Any] | None  # as stored on the application (worded in English)
    rulebook_version: str
    uncertain_basis: tuple[str, ...]  # rules of the stored determination the rulebook marks uncertain
    missing_items: tuple[str, ...]
    documents: tuple[DocumentRow, ...]
    opinions: tuple[Opinion, ...]  # by agency, then as given
    assessments: tuple[SecurityAssessment, ...]
    supplements: tuple[SupplementRequest, ...]  # as opened
    open_supplement: SupplementRequest | None
    events: tuple[ApplicationEvent, ...]  # the timeline, oldest first
    dossier_hash: str
    decision: Decision | None  # with the concurrences' conditions it carries
    blocked: tuple[BlockedAction, ...] = ()  # the reader's actions the table's guards hold back now
    timeline: tuple[TimelineEntry, ...] = ()  # the events, each opinion event with its opinion
    clock_dates: ClockDates | None = None  # the clock's start and stop dates

    @property
    def application(self) -> Application:
        return self.summary.application

    @property
    def actions(self) -> tuple[Action, ...]:
        return self.summary.actions

    @property
    def decided_determination(self) -> dict[str, Any] | None:
        """The determination to show: once decided, the one the decision relied on."""
        if self.decision is not None and self.decision.determination:
            decided: dict[str, Any] = self.decision.determination
            return decided
        return self.determination


def application_detail(actor: User, application: Application, *, today: date) -> ApplicationDetail:
    """Everything shown about ``application`` to ``actor`` (who may see it: fetch it through
    vatspilot.store.access first), its clock judged on ``today``."""
    (summary,) = summaries(actor, [application], today=today)
    member = is_member(actor, application)
    supplements = tuple(application.supplement_requests.order_by("opened_at"))
    events = tuple(application.events.select_related("actor").order_by("at"))
    opinions = tuple(application.opinions.select_related("actor").order_by("agency", "given_at"))
    open_requests = sorted((s for s in supplements if s.closed_at is None), key=lambda s: s.opened_at, reverse=True)
    return ApplicationDetail(
        summary=summary,
        is_member=member,
        dossier_editable=member and application.status in DOSSIER_EDITABLE_STATES,
        dossier=Dossier(
            ownership=application.ownership,
            services=application.services,
            service_area=application.service_area,
            dishonest_list=application.dishonest_list,
        ),
        determination=application.determination,
        rulebook_version=application.rulebook_version,
        uncertain_basis=tuple(stored_uncertain_rules(application.determination, default_rulebook())),
        missing_items=tuple(missing_items(application)),
        documents=document_rows(application),
        opinions=opinions,
        assessments=tuple(application.security_assessments.select_related("expert").order_by("assessed_at")),
        supplements=supplements,
        open_supplement=open_requests[0] if open_requests else None,
        events=events,
        dossier_hash=dossier_hash_of(application),
        decision=Decision.objects.filter(application=application).select_related("actor").first(),
        blocked=blocked_actions(
            State(application.status), roles_of(actor, application), facts_of(application), summary.actions
        ),
        timeline=timeline(events, opinions),
        clock_dates=clock_dates(events, summary.clock, clock_settings(today).start),
    )


def document_rows(application: Application) -> tuple[DocumentRow, ...]:
    """The checklist, each item with every version uploaded."""
    versions: dict[str, list[DocumentVersion]] = {}
    for version in (
        DocumentVersion.objects.filter(document__application=application)
        .select_related("document", "uploaded_by")
        .order_by("-number")
    ):
        versions.setdefault(version.document.kind, []).append(version)
    return tuple(DocumentRow(item=item, versions=tuple(versions.get(item.kind, ()))) for item in checklist(application))


def determination_in_language(detail: ApplicationDetail, language: str) -> dict[str, Any] | None:
    """The determination to show, its reasons worded in ``language``.

    The stored one is worded in English. For another language the same dossier is determined again on
    the same date; that wording is shown only when it was taken under exactly the same rulebook version
    and contract and says the same thing (so it is the same determination, reworded), else the stored one
    is shown as it is: a determination is never silently recomputed under a newer rulebook."""
    stored = detail.decided_determination
    if not stored or not language.startswith("zh"):
        return stored
    try:
        reworded = determine(detail.application.as_profile(), on=date.fromisoformat(stored["on"]), lang="zh").to_dict()
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
