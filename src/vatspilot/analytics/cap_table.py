"""The rulebook on one date as small lookup tables the vectorised screening joins against.

Built from the rule entries directly (never by calling the single-profile engine), so that the property
test comparing the two paths compares two implementations of rulebook-spec sections 3 to 7.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import polars as pl

from vatspilot.domain.policy.rules import (
    OPENINGS,
    CapRule,
    CapTier,
    ConditionKind,
    ContentEffect,
    ContentProhibition,
    RegionDef,
    Rulebook,
    RulesInForce,
    where_covers,
)

NO_SCOPE = ""
SHARE_SCALE = 2  # the foreign share is compared rounded half-up to two decimals (rulebook-spec section 2)


def decimal_type(scale: int) -> pl.Decimal:
    # Percentages from 0 to 100: 3 integer digits; the scale is the finest the rulebook writes.
    return pl.Decimal(3 + scale, scale)


@dataclass(frozen=True)
class Opening:
    """One opening-up cap rule in force: where it applies (the matched regions, in rulebook order, of
    which the first names the licence area) and its own column of grants in the cap table."""

    rule: CapRule
    regions: tuple[RegionDef, ...]

    @property
    def id(self) -> str:
        return self.rule.meta.id

    @property
    def measure(self) -> str:
        return self.rule.opening or ""

    @property
    def column(self) -> str:
        return f"cap::{self.id}"


@dataclass(frozen=True)
class CapTable:
    frame: pl.DataFrame  # code, scope, national_cap, national_rule, and one cap column per opening rule
    openings: tuple[Opening, ...]  # in the spec's order of precedence; within one measure, rulebook order
    regions: tuple[RegionDef, ...]  # in force, rulebook order
    prohibitions: tuple[ContentProhibition, ...]  # `prohibits` entries in force
    exclusions: tuple[ContentProhibition, ...]  # `excludes-opening` entries in force
    capital_minimum: dict[str, float] | None  # by licence kind; None when no capital condition is in force
    dishonest_condition: bool
    provinces: dict[str, str]  # two-digit prefix -> English name
    nationwide: str
    scale: int  # decimals of the caps (at least the share's two)

    @property
    def dtype(self) -> pl.Decimal:
        return decimal_type(self.scale)


def _scale(caps: tuple[CapRule, ...]) -> int:
    exponents = [g.cap.as_tuple().exponent for c in caps for g in c.grants]
    return max([SHARE_SCALE, *(-e for e in exponents if isinstance(e, int))])


def _national(caps: tuple[CapRule, ...], code: str, scope: str | None) -> tuple[Decimal, str]:
    """A rule naming the code replaces the general cap; among several, the highest, the first on a tie."""
    specific = [
        (cap, c.meta.id) for c in caps if c.tier is CapTier.NATIONAL and (cap := c.cap_for(code, scope)) is not None
    ]
    if specific:
        best = max(cap for cap, _ in specific)
        return best, next(rule for cap, rule in specific if cap == best)
    for c in caps:
        cap = c.cap_for(code, scope) if c.tier is CapTier.NATIONAL_DEFAULT else None
        if cap is not None:
            return cap, c.meta.id
    raise LookupError(code)


def build_cap_table(rules: RulesInForce, rulebook: Rulebook) -> CapTable:
    rank = {measure: i for i, measure in enumerate(OPENINGS)}
    opening_rules = sorted(
        (c for c in rules.caps if c.tier is CapTier.OPENING),
        key=lambda c: rank.get(c.opening or "", len(OPENINGS)),
    )
    openings = tuple(Opening(c, tuple(r for r in rules.regions if c.applies_in(r.id))) for c in opening_rules)
    scale = _scale(rules.caps)
    dtype = decimal_type(scale)
    rows: dict[str, list[object]] = {"code": [], "scope": [], "national_cap": [], "national_rule": []}
    for opening in openings:
        rows[opening.column] = []
    for code, service in rules.services.items():
        for scope in (None, *service.scopes):
            national_cap, national_rule = _national(rules.caps, code, scope)
            rows["code"].append(code)
            rows["scope"].append(scope or NO_SCOPE)
            rows["national_cap"].append(national_cap)
            rows["national_rule"].append(national_rule)
            for opening in openings:
                rows[opening.column].append(opening.rule.cap_for(code, scope))
    schema: dict[str, pl.DataType] = {
        "code": pl.String(),
        "scope": pl.String(),
        "national_cap": dtype,
        "national_rule": pl.String(),
    }
    schema.update({o.column: dtype for o in openings})
    capital = next((c for c in rules.conditions if c.kind is ConditionKind.REGISTERED_CAPITAL), None)
    return CapTable(
        frame=pl.DataFrame(rows, schema=schema),
        openings=openings,
        regions=rules.regions,
        prohibitions=tuple(p for p in rules.prohibitions if p.effect is ContentEffect.PROHIBITS),
        exclusions=tuple(p for p in rules.prohibitions if p.effect is ContentEffect.EXCLUDES_OPENING),
        capital_minimum={k: float(v) for k, v in capital.minimum_by_area.items()} if capital else None,
        dishonest_condition=any(c.kind is ConditionKind.DISHONEST_LIST for c in rules.conditions),
        provinces={k: v.en for k, v in rulebook.provinces.items()},
        nationwide=rulebook.messages["area.nationwide"].en,
        scale=scale,
    )


def covered_regions(where: str, regions: tuple[RegionDef, ...]) -> tuple[RegionDef, ...] | None:
    """The regions a `where` covers; None for `everywhere`."""
    if where == "everywhere":
        return None
    return tuple(r for r in regions if where_covers(where, r.id))
