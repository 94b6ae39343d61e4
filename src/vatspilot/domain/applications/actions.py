"""What an actor can do to an application. Draft-stage edits of the dossier are not actions."""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    SUBMIT = "submit"
    REQUEST_SUPPLEMENT = "request_supplement"
    ANSWER_SUPPLEMENT = "answer_supplement"
    ACCEPT = "accept"
    REFUSE = "refuse"
    COMPLETE_PRELIMINARY_ASSESSMENT = "complete_preliminary_assessment"
    RECORD_OPINION = "record_opinion"
    RECORD_SECURITY_ASSESSMENT = "record_security_assessment"
    ORDER_ONSITE_VERIFICATION = "order_onsite_verification"
    COMPLETE_ONSITE_VERIFICATION = "complete_onsite_verification"
    APPROVE = "approve"
    WITHDRAW = "withdraw"
