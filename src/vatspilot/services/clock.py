"""The statutory review clock of an application, from its timeline and the rulebook's parameters."""

from __future__ import annotations

from datetime import date

from vatspilot.domain.applications import (
    Action,
    ClockEvent,
    ClockSettings,
    ClockStart,
    ClockStatus,
    DayUnit,
    clock_event_kind,
    clock_status,
)
from vatspilot.rulebook.loader import default_rulebook
from vatspilot.services.working_days import ChineseWorkingDayCalendar
from vatspilot.store.models import Application, ApplicationEvent

_CALENDAR = ChineseWorkingDayCalendar()


def clock_settings(on: date) -> ClockSettings:
    """Rulebook-spec section 8: the period, its unit and its start are policy parameters, dated."""
    rulebook = default_rulebook()
    period = rulebook.parameter("parameter:review-period-days", on)
    unit = rulebook.parameter("parameter:review-period-unit", on)
    start = rulebook.parameter("parameter:review-clock-start", on)
    assert isinstance(period, int)
    return ClockSettings(period_days=period, unit=DayUnit(str(unit)), start=ClockStart(str(start)))


def clock_events(events: list[ApplicationEvent]) -> list[ClockEvent]:
    result = []
    for event in events:
        kind = clock_event_kind(Action(event.action))
        if kind is not None:
            result.append(ClockEvent(kind, event.on))
    return result


def clock_for(application: Application, today: date) -> ClockStatus:
    events = list(application.events.all())
    return clock_status(clock_events(events), clock_settings(today), _CALENDAR, today)
