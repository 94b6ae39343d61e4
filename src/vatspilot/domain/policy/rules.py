"""The rulebook's entry types: the law as data, each entry dated, cited in both languages and graded for
confidence."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import TypeVar

from vatspilot.domain.policy.periods import RuleMeta
from vatspilot.domain.shared.text import LocalizedText

# The opening-up measures a pilot-route service can rest on, in the order of precedence the spec states
# (rulebook-spec section 4): the specific telecom pilot first. The decision contract names the same four.
OPENINGS: tuple[str, ...] = ("notice-107", "comprehensive-pilot", "hainan-ftp", "ftz")


class CapTier(StrEnum):
    NATIONAL_DEFAULT = "national-default"  # the general cap, overridden by any specific national rule
    NATIONAL = "national"  # a specific national rule for named codes, higher or lower than the default
    OPENING = "opening"  # an opening-up measure (Notice 107, comprehensive pilot, Hainan FTP list, FTZ list)


def where_covers(where: str, region_id: str) -> bool:
    """Whether a rule's `where` (a region id, or a family such as `notice-107:*`) covers a region."""
    return region_id.startswith(where[:-1]) if where.endswith(":*") else region_id == where


def opening_of(where: str) -> str:
    """The opening-up measure a region id or a `where` belongs to: `notice-107:beijing` -> `notice-107`."""
    return where.split(":", 1)[0]


@dataclass(frozen=True, slots=True)
class ServiceDef:
    """A value-added code of the 2015 Catalogue; `scopes` are the narrower scopes the rules tell apart,
    each with its name and definition in both languages."""

    meta: RuleMeta
    code: str
    name: LocalizedText
    scopes: tuple[str, ...] = ()
    scope_names: dict[str, LocalizedText] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RegionDef:
    """An opening-up region, matched by GB/T 2260 division-code prefix or by a declared zone."""

    meta: RuleMeta
    name: LocalizedText
    licence_area: LocalizedText  # what a licence resting on this region's opening prints as its area
    prefixes: tuple[str, ...] = ()
    zones: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return self.meta.id

    @property
    def opening(self) -> str:
        return opening_of(self.meta.id)

    def matches(self, division_code: str, zones: frozenset[str]) -> bool:
        return any(division_code.startswith(p) for p in self.prefixes) or bool(zones.intersection(self.zones))


@dataclass(frozen=True, slots=True)
class Grant:
    """One line of a cap rule: these codes (optionally only this scope) may carry up to `cap` percent."""

    codes: tuple[str, ...]
    cap: Decimal
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

    def cap_for(self, code: str, scope: str | None) -> Decimal | None:
        caps = [g.cap for g in self.grants if g.covers(code, scope)]
        return max(caps) if caps else None

    def applies_in(self, region_id: str) -> bool:
        return where_covers(self.where, region_id)

    @property
    def opening(self) -> str | None:
        return opening_of(self.where) if self.tier is CapTier.OPENING else None


class ContentEffect(StrEnum):
    PROHIBITS = "prohibits"  # no foreign share at all for a service carrying the content
    EXCLUDES_OPENING = "excludes-opening"  # the content takes the service out of one opening-up measure only


@dataclass(frozen=True, slots=True)
class ContentProhibition:
    """Content that limits foreign investment. `codes` empty means every code; `where` as in CapRule.

    `prohibits`: the Negative List's prohibited items cap the service at 0. `excludes-opening`: the
    measure named in `opening` does not open a service carrying the content (Notice 107 item 2 excludes
    internet news, publishing, audio-visual and internet culture from its B25-01 opening), and whatever
    else allows the share still does.
    """

    meta: RuleMeta
    contents: tuple[str, ...]
    codes: tuple[str, ...]
    where: str
    message: LocalizedText
    effect: ContentEffect = ContentEffect.PROHIBITS
    opening: str | None = None

    def applies_in_any(self, region_ids: Iterable[str]) -> bool:
        return self.where == "everywhere" or any(where_covers(self.where, r) for r in region_ids)

    def concerns(self, code: str, content: Iterable[str]) -> bool:
        return bool(set(content).intersection(self.contents)) and (not self.codes or code in self.codes)


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
    minimum_by_area: dict[str, Decimal] = field(default_factory=dict)


class NoteKind(StrEnum):
    """Reasons with effect `informs`: they tell the reader something and never change an outcome."""

    OPENING_NOT_YET_OPEN = "opening-not-yet-open"  # a measure issued whose application channel is not open yet
    CEPA = "cepa"  # Hong Kong and Macao service suppliers may have a route the rulebook does not encode
    LICENCE_AREA_NARROWED = "licence-area-narrowed"  # a cross-regional declaration met only by pilot areas


@dataclass(frozen=True, slots=True)
class Note:
    meta: RuleMeta
    kind: NoteKind
    message: LocalizedText
    opening: str | None = None  # for OPENING_NOT_YET_OPEN: the measure
    opens_on: date | None = None  # for OPENING_NOT_YET_OPEN: the day its channel opens
    jurisdictions: tuple[str, ...] = ()  # for CEPA: the holders' jurisdictions concerned


class DocumentTrigger(StrEnum):
    ANY_ELIGIBLE = "any-eligible"
    OPENING = "opening"  # an eligible service whose opening is one of `openings`


@dataclass(frozen=True, slots=True)
class DocumentRequirement:
    meta: RuleMeta
    trigger: DocumentTrigger
    documents: tuple[str, ...]
    assessments: tuple[str, ...]
    message: LocalizedText
    openings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Parameter:
    """A policy parameter (rulebook-spec section 9): a value that is policy or unsettled law, never a constant."""

    meta: RuleMeta
    value: object
    description: LocalizedText


@dataclass(frozen=True, slots=True)
class KnownGap:
    """A rule a source reports but the rulebook does not encode until a second source confirms it."""

    id: str
    description: LocalizedText
    source: LocalizedText
    confidence: str


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
    notes: tuple[Note, ...]
    documents: tuple[DocumentRequirement, ...]
    parameters: tuple[Parameter, ...]
    provinces: dict[str, LocalizedText]
    messages: dict[str, LocalizedText]
    gaps: tuple[KnownGap, ...] = ()

    def entries(self) -> tuple[RuleEntry, ...]:
        return (
            *self.services,
            *self.regions,
            *self.caps,
            *self.prohibitions,
            *self.conditions,
            *self.notes,
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
            notes=keep(self.notes),
            documents=keep(self.documents),
        )

    def parameter(self, rule_id: str, on: date) -> object:
        for p in self.parameters:
            if p.meta.id == rule_id and p.meta.period.contains(on):
                return p.value
        raise KeyError(rule_id)


RuleEntry = ServiceDef | RegionDef | CapRule | ContentProhibition | Condition | Note | DocumentRequirement | Parameter


@dataclass(frozen=True, slots=True)
class RulesInForce:
    on: date
    services: dict[str, ServiceDef]
    regions: tuple[RegionDef, ...]
    caps: tuple[CapRule, ...]
    prohibitions: tuple[ContentProhibition, ...]
    conditions: tuple[Condition, ...]
    notes: tuple[Note, ...]
    documents: tuple[DocumentRequirement, ...]


_E = TypeVar("_E", ServiceDef, RegionDef, CapRule, ContentProhibition, Condition, Note, DocumentRequirement, Parameter)
