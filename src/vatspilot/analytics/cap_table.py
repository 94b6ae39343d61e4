"""The rulebook on one date as small lookup tables the vectorised screening joins against.

Built from the rule data directly (not by calling the single-profile engine), so that the property test
comparing the two paths compares two implementations of rulebook-spec section 4.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from vatspilot.domain.policy.rules import CapRule, CapTier, RegionDef, RulesInForce

NO_SCOPE = ""


@dataclass(frozen=True)
class CapTable:
    frame: pl.DataFrame  # code, scope, national_cap, national_rule, and one cap column per opening rule
    openings: tuple[CapRule, ...]  # in rulebook order: the order ties are broken in
    regions: tuple[RegionDef, ...]

    @staticmethod
    def column(rule: CapRule) -> str:
        return f"cap::{rule.meta.id}"


def _national(caps: tuple[CapRule, ...], code: str, scope: str | None) -> tuple[float, str]:
    specific = [(c.cap_for(code, scope), c.meta.id) for c in caps if c.tier is CapTier.NATIONAL]
    specific_caps = [(cap, rule) for cap, rule in specific if cap is not None]
    if specific_caps:
        best = max(cap for cap, _ in specific_caps)
        return best, next(rule for cap, rule in specific_caps if cap == best)
    for c in caps:
        cap = c.cap_for(code, scope) if c.tier is CapTier.NATIONAL_DEFAULT else None
        if cap is not None:
            return cap, c.meta.id
    raise LookupError(code)


def build_cap_table(rules: RulesInForce) -> CapTable:
    openings = tuple(c for c in rules.caps if c.tier is CapTier.OPENING)
    rows: dict[str, list[object]] = {"code": [], "scope": [], "national_cap": [], "national_rule": []}
    for rule in openings:
        rows[CapTable.column(rule)] = []
    for code, service in rules.services.items():
        for scope in (None, *service.scopes):
            national_cap, national_rule = _national(rules.caps, code, scope)
            rows["code"].append(code)
            rows["scope"].append(scope or NO_SCOPE)
            rows["national_cap"].append(national_cap)
            rows["national_rule"].append(national_rule)
            for rule in openings:
                rows[CapTable.column(rule)].append(rule.cap_for(code, scope))
    schema = {"code": pl.String, "scope": pl.String, "national_cap": pl.Float64, "national_rule": pl.String}
    schema.update({CapTable.column(r): pl.Float64 for r in openings})
    return CapTable(pl.DataFrame(rows, schema=schema), openings, rules.regions)
