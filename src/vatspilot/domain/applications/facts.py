"""What the guards may look at: a frozen snapshot of one application, built by the caller."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from types import MappingProxyType

from vatspilot.domain.applications.roles import Agency


class Opinion(StrEnum):
    """An agency's opinion in the ministerial review."""

    CONCUR = "concur"
    CONCUR_WITH_CONDITIONS = "concur_with_conditions"
    OBJECT = "object"


CONCURRING_OPINIONS: frozenset[Opinion] = frozenset({Opinion.CONCUR, Opinion.CONCUR_WITH_CONDITIONS})


class SecurityAssessment(StrEnum):
    """The result of the cross-departmental expert security assessment."""

    POSITIVE = "positive"
    NEGATIVE = "negative"


@dataclass(frozen=True)
class ApplicationFacts:
    """The facts of one application that the transition guards depend on.

    `formal_supplement_requests` counts the correction notices already sent at formal review (the
    service guide allows one notice listing everything missing). `opinions` holds at most one opinion
    per agency, the ones not voided; it is copied into a read-only mapping.

    Reviews rest on a dossier version: `dossier_hash` is the content hash of the dossier as it stands
    (see dossier_version), `opinion_hashes` the hash each opinion was given on and `assessment_hash` the
    one the security assessment was given on. Only an opinion or assessment given on the current hash
    counts. The services always fill all three; a caller that leaves them all empty (the table's own
    tests) judges every review as given on the dossier as it stands.

    `determination_eligible` holds when the determination finds every service of the dossier eligible;
    at approval the services take the determination again on the decision day before asking.
    """

    required_documents_complete: bool = False
    determination_eligible: bool = False
    formal_supplement_requests: int = 0
    opinions: Mapping[Agency, Opinion] = field(default_factory=dict)
    security_assessment: SecurityAssessment | None = None
    dossier_hash: str = ""
    opinion_hashes: Mapping[Agency, str] = field(default_factory=dict)
    assessment_hash: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "opinions", MappingProxyType(dict(self.opinions)))
        object.__setattr__(self, "opinion_hashes", MappingProxyType(dict(self.opinion_hashes)))

    def __hash__(self) -> int:
        return hash(
            (
                self.required_documents_complete,
                self.determination_eligible,
                self.formal_supplement_requests,
                frozenset(self.opinions.items()),
                self.security_assessment,
                self.dossier_hash,
                frozenset(self.opinion_hashes.items()),
                self.assessment_hash,
            )
        )

    def with_opinion(self, agency: Agency, opinion: Opinion) -> ApplicationFacts:
        """The facts once `agency` gave `opinion` on the dossier as it stands."""
        return replace(
            self,
            opinions={**self.opinions, agency: opinion},
            opinion_hashes={**self.opinion_hashes, agency: self.dossier_hash},
        )

    def in_force_opinions(self) -> Mapping[Agency, Opinion]:
        """The opinions given on the dossier as it stands: the only ones that count."""
        return MappingProxyType(
            {
                agency: opinion
                for agency, opinion in self.opinions.items()
                if self.opinion_hashes.get(agency, "") == self.dossier_hash
            }
        )

    def assessment_in_force(self) -> SecurityAssessment | None:
        """The security assessment if it was given on the dossier as it stands, else None."""
        if self.security_assessment is None or self.assessment_hash != self.dossier_hash:
            return None
        return self.security_assessment

    def reviews_on_current_dossier(self) -> bool:
        """Every opinion and the assessment on record were given on the dossier as it stands."""
        return len(self.in_force_opinions()) == len(self.opinions) and (
            self.security_assessment is None or self.assessment_in_force() is not None
        )
