"""Foreign share by look-through (rulebook-spec section 2).

A holder whose jurisdiction is not CN is a foreign investor; HK, MO and TW holders count as foreign
(Foreign Investment Law and its implementing regulations), and a foreign holder counts as wholly foreign.
A CN holder with its own shareholders is looked through; a CN holder without them is wholly domestic.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from vatspilot.domain.policy.profile import Holder
from vatspilot.domain.shared.errors import InputError

DOMESTIC = "CN"
MAX_DEPTH = 20
SUM_TOLERANCE = Decimal("0.01")
_HUNDRED = Decimal(100)


def _dec(value: float) -> Decimal:
    # Through str, so that 33.33 stays 33.33 rather than its binary neighbour.
    return Decimal(str(value))


def check_holdings(holders: Sequence[Holder], pointer: str = "/shareholders", depth: int = 1) -> None:
    """Percentages add up to 100 (within 0.01) at every level; no deeper than MAX_DEPTH levels."""
    if depth > MAX_DEPTH:
        raise InputError(pointer, "holding-too-deep", max_depth=MAX_DEPTH)
    total = sum((_dec(h.percent) for h in holders), Decimal(0))
    if abs(total - _HUNDRED) > SUM_TOLERANCE:
        raise InputError(pointer, "shares-do-not-add-up", total=format(total.normalize(), "f"))
    for i, holder in enumerate(holders):
        if holder.shareholders is not None:
            check_holdings(holder.shareholders, f"{pointer}/{i}/shareholders", depth + 1)


def _foreign_share(holders: Sequence[Holder]) -> Decimal:
    share = Decimal(0)
    for holder in holders:
        if holder.jurisdiction != DOMESTIC:
            share += _dec(holder.percent)
        elif holder.shareholders is not None:
            share += _dec(holder.percent) * _foreign_share(holder.shareholders) / _HUNDRED
    return share


def foreign_share(holders: Sequence[Holder]) -> float:
    """The effective foreign share in percent, rounded to 6 places and kept within 0..100.

    The tolerance on sums lets a total reach 100.01; the share is clamped so it never exceeds 100.
    """
    share = _foreign_share(holders)
    clamped = min(max(share, Decimal(0)), _HUNDRED)
    return float(round(clamped, 6))
