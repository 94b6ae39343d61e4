"""The determination (contract vatspilot/decision/v1) as domain values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

SCHEMA_ID = "vatspilot/decision/v1"


class Effect(StrEnum):
    ALLOWS = "allows"
    BLOCKS = "blocks"
    REQUIRES = "requires"
    INFORMS = "informs"


class Route(StrEnum):
    PILOT = "pilot"
    NATIONAL = "national"


@dataclass(frozen=True, slots=True)
class Reason:
    rule: str
    effect: Effect
    citation: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {
            "rule": self.rule,
            "effect": self.effect.value,
            "citation": self.citation,
            "message": self.message,
        }


@dataclass(frozen=True, slots=True)
class ServiceOutcome:
    code: str
    scope: str | None
    eligible: bool
    route: Route | None
    max_foreign_share: float
    reasons: tuple[Reason, ...]
    pilot_region: str | None = None  # the region whose opening rule carries a pilot-route service

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "scope": self.scope,
            "outcome": "eligible" if self.eligible else "ineligible",
            "route": self.route.value if self.route else None,
            "max_foreign_share": self.max_foreign_share,
            "reasons": [r.to_dict() for r in self.reasons],
        }


@dataclass(frozen=True, slots=True)
class Licence:
    area: str
    services: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Determination:
    on: date
    rulebook: str
    foreign_share: float
    regions: tuple[str, ...]
    services: tuple[ServiceOutcome, ...]
    conditions: tuple[Reason, ...]
    required_documents: tuple[str, ...]
    required_assessments: tuple[str, ...]
    licence: Licence | None

    @property
    def outcome(self) -> str:
        eligible = sum(1 for s in self.services if s.eligible)
        if eligible == len(self.services):
            return "eligible"
        return "partly-eligible" if eligible else "ineligible"

    def to_dict(self) -> dict[str, object]:
        return {
            "schema": SCHEMA_ID,
            "on": self.on.isoformat(),
            "rulebook": self.rulebook,
            "foreign_share": self.foreign_share,
            "regions": list(self.regions),
            "outcome": self.outcome,
            "services": [s.to_dict() for s in self.services],
            "conditions": [c.to_dict() for c in self.conditions],
            "required_documents": list(self.required_documents),
            "required_assessments": list(self.required_assessments),
            "licence": ({"area": self.licence.area, "services": list(self.licence.services)} if self.licence else None),
        }
