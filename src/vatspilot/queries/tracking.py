"""The public tracker (/track/): an application's stage by its tracking number, and nothing of its content.

What the public sees: the stages reached and their days (submitted, formal review, preliminary assessment,
ministerial review with each agency's opinion as given or pending, never what it says, an on-site
verification if one was ordered, the decision or the withdrawal), and the review clock (working days used
and left, running, paused for a supplement, or stopped). Not the applicant's name, the dossier, the
documents, the reasons, the opinions' contents or who acted: the number is all a visitor needs to know,
and it reveals nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from vatspilot.domain.applications import AGENCY_OF_ROLE, Action, State
from vatspilot.domain.applications.clock import ClockStatus
from vatspilot.domain.applications.roles import Agency
from vatspilot.domain.applications.tracking import STAGE_OF_STATE, Stage, parse_tracking_number
from vatspilot.queries.application_review import ClockDates, clock_dates
from vatspilot.services.applications.clock import clock_of_events, clock_settings
from vatspilot.store.models import Application, ApplicationEvent, Opinion


class StageState(StrEnum):
    DONE = "done"
    CURRENT = "current"
    PENDING = "pending"
    SKIPPED = "skipped"  # not reached and never will be (the application ended before it)


@dataclass(frozen=True)
class StageRow:
    stage: Stage
    state: StageState
    since: date | None  # the day the stage was reached


@dataclass(frozen=True)
class AgencyRow:
    agency: str  # miit, cac, mps
    given: bool
    on: date | None


@dataclass(frozen=True)
class Tracking:
    number: str
    status: str  # the application's status code (the page names it)
    stages: tuple[StageRow, ...]
    agencies: tuple[AgencyRow, ...]
    supplement_open: bool
    decided_on: date | None
    outcome: str | None  # approved, refused, withdrawn
    clock: ClockStatus
    clock_dates: ClockDates  # its start and stop days, and the working days over or past the period


# The stages in order, and the stage each status stands in (domain.applications.tracking).
_ORDER = tuple(Stage)
_STAGE_OF: dict[str, Stage] = {state.value: stage for state, stage in STAGE_OF_STATE.items()}
_REACHED_BY: dict[str, Stage] = {  # the status a step leads to -> the stage it opens
    State.SUBMITTED.value: Stage.FORMAL_REVIEW,
    State.PRELIMINARY_ASSESSMENT.value: Stage.PRELIMINARY_ASSESSMENT,
    State.MINISTERIAL_REVIEW.value: Stage.MINISTERIAL_REVIEW,
    State.ONSITE_VERIFICATION.value: Stage.ONSITE_VERIFICATION,
    State.APPROVED.value: Stage.DECISION,
    State.REFUSED.value: Stage.DECISION,
    State.WITHDRAWN.value: Stage.DECISION,
}
_AGENCY_OF_ROLE: dict[str, str] = {role.value: agency.value for role, agency in AGENCY_OF_ROLE.items()}
_SUPPLEMENTS = frozenset({State.FORMAL_SUPPLEMENT.value, State.MINISTERIAL_SUPPLEMENT.value})
_ENDED = frozenset({State.APPROVED.value, State.REFUSED.value, State.WITHDRAWN.value})


def track(text: str, *, today: date) -> Tracking | None:
    """The tracking of the application numbered ``text`` (read leniently), or None: a number that is
    malformed and one that is unknown (or a draft's: drafts have none) look the same."""
    number = parse_tracking_number(text)
    if number is None:
        return None
    application = Application.objects.filter(tracking_number=number).first()
    if application is None:
        return None
    # The timeline in the clock's order: the stages, the opinions' days and the clock read from it once.
    events = list(ApplicationEvent.objects.filter(application=application).order_by("at", "id"))
    settings = clock_settings(today)
    reached: dict[Stage, date] = {}
    submitted_on: date | None = None
    # Each agency's opinion on the legal day its action was taken on (the event's day, as every stage's),
    # not the calendar day of its timestamp: the latest, since a voided opinion is given again.
    opinion_days: dict[str, date] = {}
    for event in events:
        action, to_state, on, role = event.action, event.to_state, event.on, event.role
        if action == Action.SUBMIT.value and submitted_on is None:
            submitted_on = on
        if action == Action.RECORD_OPINION.value and role in _AGENCY_OF_ROLE:
            opinion_days[_AGENCY_OF_ROLE[role]] = on
        stage = _REACHED_BY.get(to_state)
        if stage is not None and stage not in reached:
            reached[stage] = on
    current = _STAGE_OF.get(application.status, Stage.FORMAL_REVIEW)
    ended = application.status in _ENDED
    stages = [StageRow(Stage.SUBMITTED, StageState.DONE, submitted_on)]
    for stage in _ORDER[1:]:
        if stage is current and not ended:
            state = StageState.CURRENT
        elif stage in reached or (stage is Stage.DECISION and ended):
            state = StageState.DONE
        elif ended or (stage is Stage.ONSITE_VERIFICATION and _ORDER.index(current) > _ORDER.index(stage)):
            state = StageState.SKIPPED  # an on-site verification is ordered only when MIIT needs one
        else:
            state = StageState.PENDING
        stages.append(StageRow(stage, state, reached.get(stage)))
    in_force = Opinion.objects.filter(application=application, voided_at__isnull=True)
    given = set(in_force.values_list("agency", flat=True))
    agencies = tuple(
        AgencyRow(agency.value, True, opinion_days.get(agency.value))
        if agency.value in given
        else AgencyRow(agency.value, False, None)
        for agency in Agency
    )
    return Tracking(
        number=number,
        status=application.status,
        stages=tuple(stages),
        agencies=agencies,
        supplement_open=application.status in _SUPPLEMENTS,
        decided_on=reached.get(Stage.DECISION),
        outcome=application.status if ended else None,
        clock=(clock := clock_of_events(events, settings, today)),
        clock_dates=clock_dates(events, clock, settings.start),
    )
