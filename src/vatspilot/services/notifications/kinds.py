"""The kinds of notification: what an application's parties, and a licence's holder, may be told of."""

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
    # The authority's decisions on the licence the application led to: its holder hears of each.
    LICENCE_SUSPENDED = "licence.suspended"
    LICENCE_REINSTATED = "licence.reinstated"
    LICENCE_SCOPE_REDUCED = "licence.scope_reduced"
    LICENCE_REVOKED = "licence.revoked"
    LICENCE_CANCELLED = "licence.cancelled"
    # The daily job's: the validity ends in a few days (services.licences.expiry).
    LICENCE_EXPIRY_REMINDER = "licence.expiry_reminder"
