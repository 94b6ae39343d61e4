"""The application lifecycle: its transition table (a vatspilot.domain.lifecycle Workflow), its guards and
facts, and the statutory review clock."""

from vatspilot.domain.applications.actions import Action
from vatspilot.domain.applications.clock import (
    COUNTING_RULES,
    ClockSettings,
    ClockStart,
    ClockStatus,
    DayUnit,
    DeadlineStatus,
    clock_status,
)
from vatspilot.domain.applications.clock_events import (
    CLOCK_EVENT_OF_ACTION,
    ClockEvent,
    ClockEventKind,
    clock_event_kind,
)
from vatspilot.domain.applications.facts import (
    CONCURRING_OPINIONS,
    ApplicationFacts,
    Opinion,
    SecurityAssessment,
)
from vatspilot.domain.applications.guards import Guard
from vatspilot.domain.applications.roles import AGENCY_OF_ROLE, REVIEWING_AGENCIES, Agency, Role
from vatspilot.domain.applications.states import DOSSIER_EDITABLE_STATES, FINAL_STATES, State
from vatspilot.domain.applications.transitions import (
    TRANSITIONS,
    WORKFLOW,
    Transition,
    TransitionRefused,
    allowed_actions,
    decide,
)
from vatspilot.domain.applications.working_calendar import UnknownCalendarYear, WorkingDayCalendar

__all__ = [
    "AGENCY_OF_ROLE",
    "CLOCK_EVENT_OF_ACTION",
    "CONCURRING_OPINIONS",
    "COUNTING_RULES",
    "DOSSIER_EDITABLE_STATES",
    "FINAL_STATES",
    "REVIEWING_AGENCIES",
    "TRANSITIONS",
    "WORKFLOW",
    "Action",
    "Agency",
    "ApplicationFacts",
    "ClockEvent",
    "ClockEventKind",
    "ClockSettings",
    "ClockStart",
    "ClockStatus",
    "DayUnit",
    "DeadlineStatus",
    "Guard",
    "Opinion",
    "Role",
    "SecurityAssessment",
    "State",
    "Transition",
    "TransitionRefused",
    "UnknownCalendarYear",
    "WorkingDayCalendar",
    "allowed_actions",
    "clock_event_kind",
    "clock_status",
    "decide",
]
