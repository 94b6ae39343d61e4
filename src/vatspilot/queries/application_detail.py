"""One application as every entry point shows it: the web's application page and the API's detail (and
the action responses that answer with it) render this read model, never the store directly."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property
from typing import Any

from django.contrib.auth.models import User

from vatspilot.domain.applications import (
    DOSSIER_EDITABLE_STATES,
    Action,
    ApplicationFacts,
    ClockStart,
    Role,
    State,
)
from vatspilot.domain.shared.errors import InputError
from vatspilot.queries.application_lists import ApplicationSummary
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
from vatspilot.services import lifecycle
from vatspilot.services.applications.clock import clock_of_events, clock_settings
from vatspilot.services.applications.dossier import ChecklistItem, checklist, document_hashes_for, missing_items
from vatspilot.services.applications.guard_facts import standing_and_facts
from vatspilot.services.applications.lifecycle import APPLICATIONS
from vatspilot.services.eligibility import determine
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
    """Read in a fixed number of queries, each once: the actor's standing (memberships and roles) and the
    guards' facts (document hashes, opinions and assessments in force) serve the actions, the blocked
    actions, membership and the dossier hash; the timeline's events serve the clock too. What only the
    web page shows (documents, opinions, assessments, supplements, the blocked actions, the timeline and
    the clock's dates) is read when first asked for, so the API's detail, which shows none of it, does
    not pay for it."""

    summary: ApplicationSummary  # the application, its clock, the reader's actions now
    is_member: bool  # the reader belongs to the applicant organisation
    dossier_editable: bool  # ... and the dossier may change now
    dossier: Dossier
    determination: dict[str, Any] | None  # as stored on the application (worded in English)
    rulebook_version: str
    uncertain_basis: tuple[str, ...]  # rules of the stored determination the rulebook marks uncertain
    missing_items: tuple[str, ...]
    events: tuple[ApplicationEvent, ...]  # the timeline, oldest first
    dossier_hash: str
    decision: Decision | None  # with the concurrences' conditions it carries
    roles: tuple[Role, ...]  # the reader's roles towards the application
    facts: ApplicationFacts  # what the transition guards judge now
    clock_start: ClockStart  # the rulebook's clock start on the day judged

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

    @cached_property
    def documents(self) -> tuple[DocumentRow, ...]:
        return document_rows(self.application)

    @cached_property
    def opinions(self) -> tuple[Opinion, ...]:
        """By agency, then as given."""
        return tuple(self.application.opinions.select_related("actor").order_by("agency", "given_at"))

    @cached_property
    def assessments(self) -> tuple[SecurityAssessment, ...]:
        return tuple(self.application.security_assessments.select_related("expert").order_by("assessed_at"))

    @cached_property
    def supplements(self) -> tuple[SupplementRequest, ...]:
        """As opened."""
        return tuple(self.application.supplement_requests.order_by("opened_at"))

    @cached_property
    def open_supplement(self) -> SupplementRequest | None:
        open_requests = sorted(
            (s for s in self.supplements if s.closed_at is None), key=lambda s: s.opened_at, reverse=True
        )
        return open_requests[0] if open_requests else None

    @cached_property
    def blocked(self) -> tuple[BlockedAction, ...]:
        """The reader's actions the table's guards hold back now."""
        return blocked_actions(State(self.application.status), self.roles, self.facts, self.actions)

    @cached_property
    def timeline(self) -> tuple[TimelineEntry, ...]:
        """The events, each opinion event with its opinion."""
        return timeline(self.events, self.opinions)

    @cached_property
    def clock_dates(self) -> ClockDates:
        """The clock's start and stop dates."""
        return clock_dates(self.events, self.summary.clock, self.clock_start)


def application_detail(actor: User, application: Application, *, today: date) -> ApplicationDetail:
    """Everything shown about ``application`` to ``actor`` (who may see it: fetch it through
    vatspilot.store.access first), its clock judged on ``today``.

    Five queries (the pages' parts read on demand aside): the actor's standing, the document hashes
    (the guards' facts and what is missing), the reviews in force (the guards' facts,
    vatspilot.services.applications.guard_facts), the events with their actors, the decision."""
    documents = document_hashes_for([application])  # the guards' facts and what is missing, read once
    standing, facts_by_id = standing_and_facts(actor, [application], documents)
    facts = facts_by_id[application.pk]
    roles = tuple(standing.roles_towards(application))
    # The events in the clock's order (services.applications.clock.clocks_for: by time, then id), with
    # their actors: the timeline shows them and the clock is computed from them, one query for both.
    events = tuple(application.events.select_related("actor").order_by("at", "id"))
    settings = clock_settings(today)
    clock = clock_of_events(events, settings, today)
    # The actions through the lifecycle service's own rule, given the standing and facts read above.
    preloaded = replace(APPLICATIONS, roles_and_facts=lambda _actor, _records: (standing.roles_towards, facts_by_id))
    actions = tuple(lifecycle.available_actions_for(preloaded, actor, [application])[application.pk])
    member = application.organisation_id in standing.organisations  # as store.access.is_member reads it
    return ApplicationDetail(
        summary=ApplicationSummary(application=application, clock=clock, actions=actions),
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
        missing_items=tuple(missing_items(application, documents[application.pk])),
        events=events,
        dossier_hash=facts.dossier_hash,  # the guards' hash of the dossier as it stands (dossier_hash_of)
        decision=Decision.objects.filter(application=application).select_related("actor").first(),
        roles=roles,
        facts=facts,
        clock_start=settings.start,
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
