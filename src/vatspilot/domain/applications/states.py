"""The statuses an application passes through, from draft to a final decision."""

from __future__ import annotations

from enum import StrEnum


class State(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"  # formal review by the local Communications Administration
    FORMAL_SUPPLEMENT = "formal_supplement"  # correction notice open at formal review
    PRELIMINARY_ASSESSMENT = "preliminary_assessment"  # accepted; local preliminary security assessment
    MINISTERIAL_REVIEW = "ministerial_review"  # substantive review by MIIT with the CAC and the MPS
    MINISTERIAL_SUPPLEMENT = "ministerial_supplement"  # MIIT asked for a supplement
    ONSITE_VERIFICATION = "onsite_verification"  # optional, ordered by MIIT
    APPROVED = "approved"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


FINAL_STATES: frozenset[State] = frozenset({State.APPROVED, State.REFUSED, State.WITHDRAWN})

# The applicant may change the dossier (its data and its documents) only in a draft or while a
# supplement request is open: once submitted, the authority reviews what was filed.
DOSSIER_EDITABLE_STATES: frozenset[State] = frozenset(
    {State.DRAFT, State.FORMAL_SUPPLEMENT, State.MINISTERIAL_SUPPLEMENT}
)
