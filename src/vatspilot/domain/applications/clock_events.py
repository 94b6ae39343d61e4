"""The dated events of one application that start, pause, resume and stop its statutory clock."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from types import MappingProxyType

from vatspilot.domain.applications.actions import Action


class ClockEventKind(StrEnum):
    RECEIVED = "received"  # the application was submitted
    ACCEPTED = "accepted"  # the acceptance notice
    SUPPLEMENT_OPENED = "supplement_opened"
    SUPPLEMENT_CLOSED = "supplement_closed"
    DECIDED = "decided"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class ClockEvent:
    kind: ClockEventKind
    on: date


# Onsite verification does not pause the clock: the authority still holds the file.
CLOCK_EVENT_OF_ACTION: Mapping[Action, ClockEventKind] = MappingProxyType(
    {
        Action.SUBMIT: ClockEventKind.RECEIVED,
        Action.ACCEPT: ClockEventKind.ACCEPTED,
        Action.REQUEST_SUPPLEMENT: ClockEventKind.SUPPLEMENT_OPENED,
        Action.ANSWER_SUPPLEMENT: ClockEventKind.SUPPLEMENT_CLOSED,
        Action.APPROVE: ClockEventKind.DECIDED,
        Action.REFUSE: ClockEventKind.DECIDED,
        Action.WITHDRAW: ClockEventKind.WITHDRAWN,
    }
)


def clock_event_kind(action: Action) -> ClockEventKind | None:
    """The clock event an applied action records, or None when it does not touch the clock."""
    return CLOCK_EVENT_OF_ACTION.get(action)
