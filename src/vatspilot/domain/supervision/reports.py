"""The quarterly pilot report: its transition table on the shared machine.

The holder saves drafts without checks; submitting runs every check (the services judge them and hand
the outcome in as facts). Until the report's due date the holder may reopen a submitted report to
correct it; after the due date a submitted report is read-only, and only the authority can return it.
A report not submitted by its cure deadline can no longer be submitted here: the obligation is overdue
and the listing procedure takes over (Order 42 Art. 38).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from vatspilot.domain.lifecycle import Guard, Transition, Workflow
from vatspilot.domain.supervision import citations


class ReportState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"


class ReportAction(StrEnum):
    SUBMIT = "submit"
    REOPEN = "reopen"
    RETURN = "return"
    ACCEPT = "accept"


class ReportRole(StrEnum):
    HOLDER = "holder"
    LOCAL_OFFICER = "local_officer"
    MIIT_REVIEWER = "miit_reviewer"


@dataclass(frozen=True)
class ReportFacts:
    today: date
    due_on: date
    cure_deadline: date
    files_valid: bool  # every part present and every upload accepted by its checks


def _before_due(facts: ReportFacts, _role: ReportRole) -> bool:
    return facts.today <= facts.due_on


def _within_cure(facts: ReportFacts, _role: ReportRole) -> bool:
    return facts.today <= facts.cure_deadline


def _files_valid(facts: ReportFacts, _role: ReportRole) -> bool:
    return facts.files_valid


BEFORE_DUE: Guard[ReportFacts, ReportRole] = Guard("before_due", "the report's due date has not passed", _before_due)
SUBMITTABLE: Guard[ReportFacts, ReportRole] = Guard(
    "submittable",
    "every part present and valid, and the cure deadline not passed",
    parts=(
        Guard("files_valid", "every part of the report is present and passed its checks", _files_valid),
        Guard("within_cure_deadline", "the cure deadline has not passed", _within_cure),
    ),
)

_S = ReportState
_A = ReportAction
_AUTHORITY = (ReportRole.LOCAL_OFFICER, ReportRole.MIIT_REVIEWER)

REPORT_WORKFLOW: Workflow[ReportState, ReportAction, ReportRole, ReportFacts] = Workflow(
    name="quarterly report",
    states=tuple(ReportState),
    initial=_S.DRAFT,
    final_states=frozenset({_S.ACCEPTED}),
    rows=(
        Transition(_S.DRAFT, _A.SUBMIT, _S.SUBMITTED, (ReportRole.HOLDER,), SUBMITTABLE, citations.REPORTING),
        Transition(_S.SUBMITTED, _A.REOPEN, _S.DRAFT, (ReportRole.HOLDER,), BEFORE_DUE, citations.REPORTING),
        Transition(_S.SUBMITTED, _A.RETURN, _S.DRAFT, _AUTHORITY, None, citations.REPORTING),
        Transition(_S.SUBMITTED, _A.ACCEPT, _S.ACCEPTED, _AUTHORITY, None, citations.REPORTING),
    ),
)
