"""The statutory review clock of an application, from its timeline and the rulebook's parameters.

The calendars are read from the calendar data on every call and nothing computed is stored: a clock is
computed when it is shown, so a year's notice entered now turns tomorrow's provisional figures (and
today's) into official ones at once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
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
from vatspilot.services.calendar.working_days import working_calendars
from vatspilot.store.models import Application, ApplicationEvent


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


def clock_of_events(events: Sequence[ApplicationEvent], settings: ClockSettings, today: date) -> ClockStatus:
    """The clock of an application whose timeline ``events`` were read already (in the order clocks_for
    reads them: by time, then id), under ``settings`` (clock_settings of ``today``)."""
    official, projection = working_calendars()
    return clock_status(clock_events(list(events)), settings, official, today, projection)


def clock_for(application: Application, today: date) -> ClockStatus:
    return clocks_for([application], today)[application.pk]


def clocks_for(applications: Sequence[Application], today: date) -> dict[int, ClockStatus]:
    """Every application's clock from one query of their timelines."""
    by_application: dict[int, list[ApplicationEvent]] = defaultdict(list)
    for event in ApplicationEvent.objects.filter(application__in=[a.pk for a in applications]).order_by("at", "id"):
        by_application[event.application_id].append(event)
    parameters = clock_settings(today)
    official, projection = working_calendars()
    return {
        a.pk: clock_status(clock_events(by_application[a.pk]), parameters, official, today, projection)
        for a in applications
    }
