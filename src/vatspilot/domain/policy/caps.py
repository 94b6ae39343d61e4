"""Which foreign-share cap holds for one service at one place (rulebook-spec section 4).

National tier: a specific national rule for the code (higher, like the e-commerce exception, or lower,
like IP-VPN's 0) replaces the general 50% cap. Opening-up rules then raise it: the highest applicable
cap wins. On a tie between opening-up rules the one listed first in the rulebook carries the service,
so the rulebook's order (Notice 107 before the comprehensive pilot before the FTZ list) names the
pilot region printed on the licence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from vatspilot.domain.policy.rules import CapRule, CapTier, RegionDef


@dataclass(frozen=True, slots=True)
class CapCandidate:
    rule: CapRule
    cap: float
    region: RegionDef | None  # None for national rules


@dataclass(frozen=True, slots=True)
class CapResolution:
    national: CapCandidate
    overridden: tuple[CapCandidate, ...]  # the general cap when a specific national rule replaced it
    openings: tuple[CapCandidate, ...]  # every applicable opening-up rule, in rulebook order
    winner: CapCandidate

    @property
    def max_foreign_share(self) -> float:
        return self.winner.cap

    @property
    def national_cap(self) -> float:
        return self.national.cap


class NoNationalCap(Exception):
    """The rulebook has no national rule for a code: a rulebook error, caught by the loader's checks."""


def resolve_cap(caps: Sequence[CapRule], code: str, scope: str | None, regions: Sequence[RegionDef]) -> CapResolution:
    default: CapCandidate | None = None
    specific: list[CapCandidate] = []
    openings: list[CapCandidate] = []
    for rule in caps:
        cap = rule.cap_for(code, scope)
        if cap is None:
            continue
        if rule.tier is CapTier.NATIONAL_DEFAULT:
            default = CapCandidate(rule, cap, None)
        elif rule.tier is CapTier.NATIONAL:
            specific.append(CapCandidate(rule, cap, None))
        else:
            region = next((r for r in regions if rule.applies_in(r.id)), None)
            if region is not None:
                openings.append(CapCandidate(rule, cap, region))
    if specific:
        national = max(specific, key=lambda c: c.cap)
        overridden = (default,) if default is not None else ()
    elif default is not None:
        national, overridden = default, ()
    else:
        raise NoNationalCap(code)
    winner = national
    for candidate in openings:
        if candidate.cap > winner.cap:
            winner = candidate
    return CapResolution(national, overridden, tuple(openings), winner)
