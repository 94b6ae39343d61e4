"""Foreign share by look-through (rulebook-spec section 2).

A holder whose jurisdiction is not CN is a foreign investor; HK, MO and TW holders count as foreign
(Foreign Investment Law and its implementing regulations), and a foreign holder counts as wholly foreign.
A CN holder with its own shareholders is looked through; a CN holder without them is wholly domestic,
unless it is marked foreign-invested: then the look-through cannot be skipped, and the list is required.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import ROUND_HALF_UP, Decimal

from vatspilot.domain.policy.profile import Holder
from vatspilot.domain.shared.errors import InputError

DOMESTIC = "CN"
MAX_DEPTH = 20
SUM_TOLERANCE = Decimal("0.01")
_HUNDRED = Decimal(100)
_CENT = Decimal("0.01")


def check_holdings(holders: Sequence[Holder], pointer: str = "/shareholders", depth: int = 1) -> None:
    """Percentages add up to 100 (within 0.01) at every level; no deeper than MAX_DEPTH levels; a
    foreign-invested CN holder lists its shareholders."""
    if depth > MAX_DEPTH:
        raise InputError(pointer, "holding-too-deep", max_depth=MAX_DEPTH)
    total = sum((h.percent for h in holders), Decimal(0))
    if abs(total - _HUNDRED) > SUM_TOLERANCE:
        raise InputError(pointer, "shares-do-not-add-up", total=format(total.normalize(), "f"))
    for i, holder in enumerate(holders):
        if holder.foreign_invested and holder.jurisdiction == DOMESTIC and holder.shareholders is None:
            raise InputError(f"{pointer}/{i}", "foreign-invested-needs-holders", name=holder.name)
        if holder.shareholders is not None:
            check_holdings(holder.shareholders, f"{pointer}/{i}/shareholders", depth + 1)


def _foreign_share(holders: Sequence[Holder]) -> Decimal:
    share = Decimal(0)
    for holder in holders:
        if holder.jurisdiction != DOMESTIC:
            share += holder.percent
        elif holder.shareholders is not None:
            share += holder.percent * _foreign_share(holder.shareholders) / _HUNDRED
    return share


def foreign_share(holders: Sequence[Holder]) -> Decimal:
    """The effective foreign share in percent: computed exactly, kept within 0..100 (the tolerance on sums
    lets a total reach 100.01), then rounded half-up to two decimals. That figure is the one compared with
    the caps and reported."""
    share = min(max(_foreign_share(holders), Decimal(0)), _HUNDRED)
    return share.quantize(_CENT, rounding=ROUND_HALF_UP)


def counted_jurisdictions(holders: Sequence[Holder]) -> Iterator[str]:
    """The jurisdictions of the holders the look-through counts: direct holders, and the holders of every
    CN holder that lists its own (a foreign holder counts whole, so its own holders are not reached)."""
    for holder in holders:
        yield holder.jurisdiction
        if holder.jurisdiction == DOMESTIC and holder.shareholders is not None:
            yield from counted_jurisdictions(holder.shareholders)
