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
    per agency; it is copied into a read-only mapping.
    """

    required_documents_complete: bool = False
    determination_eligible: bool = False
    formal_supplement_requests: int = 0
    opinions: Mapping[Agency, Opinion] = field(default_factory=dict)
    security_assessment: SecurityAssessment | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "opinions", MappingProxyType(dict(self.opinions)))

    def __hash__(self) -> int:
        return hash(
            (
                self.required_documents_complete,
                self.determination_eligible,
                self.formal_supplement_requests,
                frozenset(self.opinions.items()),
                self.security_assessment,
            )
        )

    def with_opinion(self, agency: Agency, opinion: Opinion) -> ApplicationFacts:
        return replace(self, opinions={**self.opinions, agency: opinion})
