"""The application's guards: named, pure predicates of its facts and the actor's role (the machine is
vatspilot.domain.lifecycle). A refusal names the first condition that fails, so a composite guard such
as `approval_conditions` reports which of its parts is missing.
"""

from __future__ import annotations

from typing import TypeAlias

from vatspilot.domain.applications.facts import CONCURRING_OPINIONS, ApplicationFacts, SecurityAssessment
from vatspilot.domain.applications.roles import AGENCY_OF_ROLE, REVIEWING_AGENCIES, Role
from vatspilot.domain.lifecycle import Guard as LifecycleGuard
from vatspilot.domain.lifecycle import all_of

# The machine's guard, fixed to what the application's guards judge: its facts and the actor's role.
Guard: TypeAlias = LifecycleGuard[ApplicationFacts, Role]


def _documents_complete(facts: ApplicationFacts, role: Role) -> bool:
    return facts.required_documents_complete


def _determination_eligible(facts: ApplicationFacts, role: Role) -> bool:
    return facts.determination_eligible


def _no_earlier_correction_notice(facts: ApplicationFacts, role: Role) -> bool:
    return facts.formal_supplement_requests == 0


# An opinion or assessment given on an earlier version of the dossier does not count: the agency (or
# the expert) may give it again, and approval needs it again.
def _agency_opinion_not_recorded(facts: ApplicationFacts, role: Role) -> bool:
    agency = AGENCY_OF_ROLE.get(role)
    return agency is not None and agency not in facts.in_force_opinions()


def _security_assessment_not_recorded(facts: ApplicationFacts, role: Role) -> bool:
    return facts.assessment_in_force() is None


def _reviews_on_current_dossier(facts: ApplicationFacts, role: Role) -> bool:
    return facts.reviews_on_current_dossier()


def _all_agencies_concur(facts: ApplicationFacts, role: Role) -> bool:
    in_force = facts.in_force_opinions()
    return all(in_force.get(agency) in CONCURRING_OPINIONS for agency in REVIEWING_AGENCIES)


def _security_assessment_positive(facts: ApplicationFacts, role: Role) -> bool:
    return facts.assessment_in_force() is SecurityAssessment.POSITIVE


DOCUMENTS_COMPLETE = Guard(
    "documents_complete", "Every document the determination requires is in the dossier.", _documents_complete
)
DETERMINATION_ELIGIBLE = Guard(
    "determination_eligible",
    "The eligibility determination finds every requested service eligible.",
    _determination_eligible,
)
DOSSIER_READY = all_of(
    "dossier_ready",
    "The dossier is complete and the determination is eligible.",
    DOCUMENTS_COMPLETE,
    DETERMINATION_ELIGIBLE,
)
NO_EARLIER_CORRECTION_NOTICE = Guard(
    "no_earlier_correction_notice",
    "No correction notice was sent before: one notice lists everything missing.",
    _no_earlier_correction_notice,
)
AGENCY_OPINION_NOT_RECORDED = Guard(
    "agency_opinion_not_recorded",
    "The actor's agency (MIIT, CAC or MPS) has not yet recorded its opinion on the dossier as it stands.",
    _agency_opinion_not_recorded,
)
SECURITY_ASSESSMENT_NOT_RECORDED = Guard(
    "security_assessment_not_recorded",
    "The expert security assessment result has not yet been recorded on the dossier as it stands.",
    _security_assessment_not_recorded,
)
REVIEWS_ON_CURRENT_DOSSIER = Guard(
    "reviews_on_current_dossier",
    "Every opinion and the security assessment on record were given on the dossier as it stands "
    "(their dossier hash is the current one).",
    _reviews_on_current_dossier,
)
ALL_AGENCIES_CONCUR = Guard(
    "all_agencies_concur",
    "MIIT, the CAC and the MPS each recorded concur or concur_with_conditions on the dossier as it stands.",
    _all_agencies_concur,
)
SECURITY_ASSESSMENT_POSITIVE = Guard(
    "security_assessment_positive",
    "The expert security assessment result, given on the dossier as it stands, is positive.",
    _security_assessment_positive,
)
APPROVAL_CONDITIONS = all_of(
    "approval_conditions",
    "The reviews rest on the dossier as it stands, every agency concurs, the security assessment is "
    "positive and the determination taken on the decision day finds every service eligible.",
    REVIEWS_ON_CURRENT_DOSSIER,
    ALL_AGENCIES_CONCUR,
    SECURITY_ASSESSMENT_POSITIVE,
    DETERMINATION_ELIGIBLE,
)
