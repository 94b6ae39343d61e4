"""The kinds of notification: what an application's parties may be told of."""

from __future__ import annotations

from enum import StrEnum


class NotificationKind(StrEnum):
    SUBMITTED = "application.submitted"
    SUPPLEMENT_REQUESTED = "application.supplement_requested"
    SUPPLEMENT_ANSWERED = "application.supplement_answered"
    OPINION_REQUESTED = "application.opinion_requested"
    ONSITE_ORDERED = "application.onsite_ordered"
    APPROVED = "application.approved"
    REFUSED = "application.refused"
    WITHDRAWN = "application.withdrawn"
    CLOCK_DUE_SOON = "application.clock_due_soon"
    CLOCK_OVERDUE = "application.clock_overdue"
