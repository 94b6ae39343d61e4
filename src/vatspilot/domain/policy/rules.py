"""The rulebook's entry types: the law as data, each entry dated, cited and graded for confidence."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import TypeVar

from vatspilot.domain.policy.periods import RuleMeta
from vatspilot.domain.shared.text import LocalizedText


class CapTier(StrEnum):
    NATIONAL_DEFAULT = "national-default"  # the general cap, overridden by any specific national rule
    NATIONAL = "national"  # a specific national rule for named codes, higher or lower than the default
    OPENING = "opening"  # an opening-up measure (FTZ list, Notice 107, comprehensive pilot)


def where_covers(where: str, region_id: str) -> bool:
    """Whether a rule's `where` (a region id, or a family such as `notice-107:*`) covers a region."""
    return region_id.startswith(where[:-1]) if where.endswith(":*") else region_id == where


@dataclass(frozen=True, slots=True)
class ServiceDef:
    """A value-added code of the 2015 Catalogue; `scopes` are the narrower scopes the rules tell apart."""

    meta: RuleMeta
    code: str
    name: LocalizedText
    scopes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RegionDef:
    """An opening-up region, matched by GB/T 2260 division-code prefix or by a declared zone."""

    meta: RuleMeta
    name: LocalizedText
    licence_area: LocalizedText
    prefixes: tuple[str, ...] = ()
    zones: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return self.meta.id

    def matches(self, division_code: str, zones: frozenset[str]) -> bool:
        return any(division_code.startswith(p) for p in self.prefixes) or bool(zones.intersection(self.zones))


@dataclass(frozen=True, slots=True)
class Grant:
    """One line of a cap rule: these codes (optionally only this scope) may carry up to `cap` percent."""

    codes: tuple[str, ...]
    cap: float
    scope: str | None = None  # None: any scope, including none declared

    def covers(self, code: str, scope: str | None) -> bool:
        return code in self.codes and (self.scope is None or self.scope == scope)


@dataclass(frozen=True, slots=True)
class CapRule:
    """A maximum foreign share. `where` is `everywhere`, a region id, or a region family such as `notice-107:*`."""

    meta: RuleMeta
    tier: CapTier
    where: str
    grants: tuple[Grant, ...]
    message: LocalizedText

    def cap_for(self, code: str, scope: str | None) -> float | None:
        caps = [g.cap for g in self.grants if g.covers(code, scope)]
        return max(caps) if caps else None

    def applies_in(self, region_id: str) -> bool:
        return where_covers(self.where, region_id)


@dataclass(frozen=True, slots=True)
class ContentProhibition:
    """Content no foreign investment may carry; `codes` empty means every code, `where` as in CapRule."""

    meta: RuleMeta
    contents: tuple[str, ...]
    codes: tuple[str, ...]
    where: str
    message: LocalizedText

    def applies_in_any(self, region_ids: Iterable[str]) -> bool:
        return self.where == "everywhere" or any(where_covers(self.where, r) for r in region_ids)


class ConditionKind(StrEnum):
    REGISTERED_CAPITAL = "registered-capital"
    DISHONEST_LIST = "dishonest-list"


@dataclass(frozen=True, slots=True)
class Condition:
    """A condition on the whole enterprise; failing it blocks every service."""

    meta: RuleMeta
    kind: ConditionKind
    message_met: LocalizedText
    message_failed: LocalizedText
    minimum_by_area: dict[str, float] = field(default_factory=dict)


class DocumentTrigger(StrEnum):
    ANY_ELIGIBLE = "any-eligible"
    PILOT_ROUTE = "pilot-route"


@dataclass(frozen=True, slots=True)
class DocumentRequirement:
    meta: RuleMeta
    trigger: DocumentTrigger
    documents: tuple[str, ...]
    assessments: tuple[str, ...]
    message: LocalizedText


@dataclass(frozen=True, slots=True)
class Parameter:
    """A policy parameter (rulebook-spec section 8): a value that is policy or unsettled law, never a constant."""

    meta: RuleMeta
    value: object
    description: LocalizedText


@dataclass(frozen=True, slots=True)
class Rulebook:
    """Every version of every entry; `in_force(on)` gives the ones that hold on a date."""

    version: str
    start: date
    services: tuple[ServiceDef, ...]
    regions: tuple[RegionDef, ...]
    caps: tuple[CapRule, ...]
    prohibitions: tuple[ContentProhibition, ...]
    conditions: tuple[Condition, ...]
    documents: tuple[DocumentRequirement, ...]
    parameters: tuple[Parameter, ...]
    provinces: dict[str, LocalizedText]
    messages: dict[str, LocalizedText]

    def entries(self) -> tuple[RuleEntry, ...]:
        return (
            *self.services,
            *self.regions,
            *self.caps,
            *self.prohibitions,
            *self.conditions,
            *self.documents,
            *self.parameters,
        )

    def in_force(self, on: date) -> RulesInForce:
        def keep(items: tuple[_E, ...]) -> tuple[_E, ...]:
            return tuple(i for i in items if i.meta.period.contains(on))

        return RulesInForce(
            on=on,
            services={s.code: s for s in keep(self.services)},
            regions=keep(self.regions),
            caps=keep(self.caps),
            prohibitions=keep(self.prohibitions),
            conditions=keep(self.conditions),
            documents=keep(self.documents),
        )

    def parameter(self, rule_id: str, on: date) -> object:
        for p in self.parameters:
            if p.meta.id == rule_id and p.meta.period.contains(on):
                return p.value
        raise KeyError(rule_id)


RuleEntry = ServiceDef | RegionDef | CapRule | ContentProhibition | Condition | DocumentRequirement | Parameter


@dataclass(frozen=True, slots=True)
class RulesInForce:
    on: date
    services: dict[str, ServiceDef]
    regions: tuple[RegionDef, ...]
    caps: tuple[CapRule, ...]
    prohibitions: tuple[ContentProhibition, ...]
    conditions: tuple[Condition, ...]
    documents: tuple[DocumentRequirement, ...]


_E = TypeVar("_E", ServiceDef, RegionDef, CapRule, ContentProhibition, Condition, DocumentRequirement, Parameter)
