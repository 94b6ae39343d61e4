"""The holder's filings on a licence, change filings and renewals: one small table on the shared machine.

A filing is `filed` by the holder; the authority approves it (a change filing's approval is the licence's
`approve_change` row, a renewal's the licence's `renew` row: those rows carry the guards, eligibility
re-checked and renewal in time) or refuses it with its reason; the holder may withdraw it while it is
pending. Nothing else writes a filing's status.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from vatspilot.domain.licences import citations
from vatspilot.domain.lifecycle import Transition, Workflow


class FilingKind(StrEnum):
    CHANGE = "change"
    RENEWAL = "renewal"


class ChangeKind(StrEnum):
    """What a change filing changes (Order 42: entity or scope within 30 days of the company's decision;
    name, legal representative or registered capital within 30 days of the business-registration change)."""

    SHAREHOLDERS = "shareholders"
    SCOPE = "scope"
    NAME = "name"
    LEGAL_REPRESENTATIVE = "legal_representative"
    CAPITAL = "capital"


# The changes whose new state is re-checked for eligibility before approval (ownership and scope).
RECHECKED_CHANGES = frozenset({ChangeKind.SHAREHOLDERS, ChangeKind.SCOPE, ChangeKind.CAPITAL})


class FilingState(StrEnum):
    FILED = "filed"
    APPROVED = "approved"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


class FilingAction(StrEnum):
    APPROVE = "approve"
    REFUSE = "refuse"
    WITHDRAW = "withdraw"


class FilingRole(StrEnum):
    HOLDER = "holder"
    MIIT_REVIEWER = "miit_reviewer"


@dataclass(frozen=True)
class FilingFacts:
    """Nothing beyond the state and the role: the licence's own rows judge an approval."""


_S = FilingState
_A = FilingAction
_MIIT = (FilingRole.MIIT_REVIEWER,)

FILING_WORKFLOW: Workflow[FilingState, FilingAction, FilingRole, FilingFacts] = Workflow(
    name="licence filing",
    states=tuple(FilingState),
    initial=_S.FILED,
    final_states=frozenset({_S.APPROVED, _S.REFUSED, _S.WITHDRAWN}),
    rows=(
        Transition(_S.FILED, _A.APPROVE, _S.APPROVED, _MIIT, None, citations.FILINGS),
        Transition(_S.FILED, _A.REFUSE, _S.REFUSED, _MIIT, None, citations.FILINGS),
        Transition(_S.FILED, _A.WITHDRAW, _S.WITHDRAWN, (FilingRole.HOLDER,), None, citations.FILINGS),
    ),
)
