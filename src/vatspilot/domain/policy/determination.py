"""The determination (contract vatspilot/decision/v2) as domain values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from vatspilot.domain.policy.periods import Confidence, Period

SCHEMA_ID = "vatspilot/decision/v2"


class Effect(StrEnum):
    ALLOWS = "allows"
    BLOCKS = "blocks"
    REQUIRES = "requires"
    INFORMS = "informs"


class Route(StrEnum):
    PILOT = "pilot"
    NATIONAL = "national"


def json_number(value: Decimal) -> int | float:
    """A percentage or amount for JSON: a whole number stays whole (50, not 50.0)."""
    return int(value) if value == value.to_integral_value() else float(value)


@dataclass(frozen=True, slots=True)
class Reason:
    rule: str
    effect: Effect
    citation: str  # in the determination's language
    message: str
    confidence: Confidence
    in_force: Period  # the period of the rule entry that was applied

    def to_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "effect": self.effect.value,
            "citation": self.citation,
            "confidence": self.confidence.value,
            "in_force": {
                "from": self.in_force.start.isoformat(),
                "to": self.in_force.end.isoformat() if self.in_force.end else None,
            },
            "message": self.message,
        }


@dataclass(frozen=True, slots=True)
class ServiceOutcome:
    code: str
    scope: str | None
    eligible: bool
    route: Route | None
    opening: str | None  # the opening-up measure that carries a pilot-route service
    area: str | None  # where the licence would let this service run, in the determination's language
    max_foreign_share: Decimal
    reasons: tuple[Reason, ...]

    @property
    def licence_label(self) -> str:
        return self.code if self.scope is None else f"{self.code}/{self.scope}"

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "scope": self.scope,
            "outcome": "eligible" if self.eligible else "ineligible",
            "route": self.route.value if self.route else None,
            "opening": self.opening,
            "area": self.area,
            "max_foreign_share": json_number(self.max_foreign_share),
            "reasons": [r.to_dict() for r in self.reasons],
        }


@dataclass(frozen=True, slots=True)
class LicenceArea:
    area: str
    services: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Licence:
    areas: tuple[LicenceArea, ...]
    services: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "areas": [{"area": a.area, "services": list(a.services)} for a in self.areas],
            "services": list(self.services),
        }


@dataclass(frozen=True, slots=True)
class Determination:
    on: date
    rulebook: str
    foreign_share: Decimal  # rounded half-up to two decimals: the figure compared with the caps
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
            "foreign_share": json_number(self.foreign_share),
            "regions": list(self.regions),
            "outcome": self.outcome,
            "services": [s.to_dict() for s in self.services],
            "conditions": [c.to_dict() for c in self.conditions],
            "required_documents": list(self.required_documents),
            "required_assessments": list(self.required_assessments),
            "licence": self.licence.to_dict() if self.licence else None,
        }
