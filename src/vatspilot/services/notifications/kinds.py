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
    # The authority's decision on the holder's change filing or renewal (services.licences.filings).
    LICENCE_FILING_APPROVED = "licence.filing_approved"
    LICENCE_FILING_REFUSED = "licence.filing_refused"
    # The network exit after a revocation or cancellation (services.licences.exits): the holder hears it
    # is required and of the authority's confirmation or sending back; the supervisors, that it is done.
    LICENCE_EXIT_REQUIRED = "licence.exit_required"
    LICENCE_EXIT_DONE_REPORTED = "licence.exit_done_reported"
    LICENCE_EXIT_CONFIRMED = "licence.exit_confirmed"
    LICENCE_EXIT_SENT_BACK = "licence.exit_sent_back"
    # The daily supervision sweep (services.supervision.obligation_sweep): the holder hears a report falls
    # due; the supervisors hear a report missed its cure deadline and the licensee is proposed for the
    # bad-record list (Order 42 Art. 38).
    REPORT_DUE_SOON = "report.due_soon"
    REPORT_LISTING_PROPOSED = "report.listing_proposed"
