"""Which foreign-share cap holds for one service at one place (rulebook-spec section 4).

National tier: a specific national rule for the code (higher, like the e-commerce exception, or lower,
like the 0 for the services not opened under the WTO commitments) replaces the general 50% cap.
Opening-up measures then raise it where they apply: the highest applicable cap is the maximum foreign
share. Which measure carries a pilot-route service is the first, in the spec's order of precedence
(Notice 107, the comprehensive pilot, the Hainan FTP list, the FTZ list), whose cap allows the share.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal

from vatspilot.domain.policy.rules import OPENINGS, CapRule, CapTier, RegionDef


@dataclass(frozen=True, slots=True)
class CapCandidate:
    rule: CapRule
    cap: Decimal
    region: RegionDef | None  # None for national rules

    @property
    def opening(self) -> str | None:
        return self.rule.opening


@dataclass(frozen=True, slots=True)
class CapResolution:
    national: CapCandidate
    overridden: tuple[CapCandidate, ...]  # the general cap when a specific national rule replaced it
    openings: tuple[CapCandidate, ...]  # every applicable opening-up rule, in order of precedence

    @property
    def max_foreign_share(self) -> Decimal:
        return max((self.national.cap, *(o.cap for o in self.openings)))

    @property
    def national_cap(self) -> Decimal:
        return self.national.cap

    def carrying(self, share: Decimal) -> CapCandidate | None:
        """The rule that allows `share`: the national one when it suffices, else the first opening that does."""
        if share <= self.national.cap:
            return self.national
        return next((o for o in self.openings if share <= o.cap), None)

    def highest(self) -> CapCandidate:
        """The rule with the highest cap; on a tie the opening first, by precedence, the national rule last."""
        best = max(o.cap for o in self.openings) if self.openings else None
        if best is None or self.national.cap > best:
            return self.national
        return next(o for o in self.openings if o.cap == best)


class NoNationalCap(Exception):
    """The rulebook has no national rule for a code: a rulebook error, caught by the loader's checks."""


def resolve_cap(
    caps: Sequence[CapRule],
    code: str,
    scope: str | None,
    regions: Sequence[RegionDef],
    excluded_openings: Collection[str] = (),
) -> CapResolution:
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
        elif rule.opening not in excluded_openings:
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
    # Stable sort: within one measure the rulebook's order holds.
    openings.sort(key=lambda c: OPENINGS.index(c.opening) if c.opening in OPENINGS else len(OPENINGS))
    return CapResolution(national, overridden, tuple(openings))
