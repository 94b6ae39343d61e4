"""The public tracking number an application gets at submission (办件查询): what the public types into
/track/ to see the stage of an application, never its content.

Written `VP-XXXX-XXXX-C`: eight symbols of Crockford's base 32 (digits and letters without I, L, O, U,
so nothing reads as another) drawn at random, then one check symbol, the value mod 37 in Crockford's
check alphabet, so a mistyped number is told apart from an unknown one. Random rather than sequential:
a number does not reveal how many applications came before it, and cannot be guessed from a neighbour's.
Input is read leniently: case, spaces, hyphens, and the letters I, L (as 1) and O (as 0) are forgiven.
"""

from __future__ import annotations

import secrets
from enum import StrEnum

from vatspilot.domain.applications.states import State

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32
CHECK_ALPHABET = ALPHABET + "*~$=U"  # the 37 check symbols
PREFIX = "VP"
SYMBOLS = 8
_ALIASES = {"I": "1", "L": "1", "O": "0"}


def _value(symbols: str) -> int:
    value = 0
    for symbol in symbols:
        value = value * 32 + ALPHABET.index(symbol)
    return value


def check_symbol(symbols: str) -> str:
    return CHECK_ALPHABET[_value(symbols) % 37]


def format_number(symbols: str) -> str:
    return f"{PREFIX}-{symbols[:4]}-{symbols[4:]}-{check_symbol(symbols)}"


def new_tracking_number(token: int | None = None) -> str:
    """A fresh number; ``token`` (below 32**8) fixes the symbols, for tests."""
    value = secrets.randbelow(32**SYMBOLS) if token is None else token
    symbols = "".join(ALPHABET[(value >> (5 * shift)) & 31] for shift in reversed(range(SYMBOLS)))
    return format_number(symbols)


def parse_tracking_number(text: str) -> str | None:
    """The number in its written form, or None when ``text`` is not one (wrong length, unknown symbol, or a
    check symbol that does not match: a typing mistake)."""
    cleaned = "".join(text.upper().split()).replace("-", "")
    if cleaned.startswith(PREFIX):
        cleaned = cleaned[len(PREFIX) :]
    if len(cleaned) != SYMBOLS + 1:
        return None
    body = "".join(_ALIASES.get(symbol, symbol) for symbol in cleaned[:SYMBOLS])
    check = cleaned[SYMBOLS]
    if any(symbol not in ALPHABET for symbol in body) or check != check_symbol(body):
        return None
    return format_number(body)


# --- The stages the public sees ------------------------------------------------------------------------


class Stage(StrEnum):
    """The steps of the review as the tracker and the statistics name them, in order."""

    SUBMITTED = "submitted"
    FORMAL_REVIEW = "formal_review"
    PRELIMINARY_ASSESSMENT = "preliminary_assessment"
    MINISTERIAL_REVIEW = "ministerial_review"
    ONSITE_VERIFICATION = "onsite_verification"
    DECISION = "decision"


# The stage each status stands in (a supplement stands in the stage that asked for it); drafts have none.
STAGE_OF_STATE: dict[State, Stage] = {
    State.SUBMITTED: Stage.FORMAL_REVIEW,
    State.FORMAL_SUPPLEMENT: Stage.FORMAL_REVIEW,
    State.PRELIMINARY_ASSESSMENT: Stage.PRELIMINARY_ASSESSMENT,
    State.MINISTERIAL_REVIEW: Stage.MINISTERIAL_REVIEW,
    State.MINISTERIAL_SUPPLEMENT: Stage.MINISTERIAL_REVIEW,
    State.ONSITE_VERIFICATION: Stage.ONSITE_VERIFICATION,
    State.APPROVED: Stage.DECISION,
    State.REFUSED: Stage.DECISION,
    State.WITHDRAWN: Stage.DECISION,
}
# The stages an application in progress stands in (between submission and the decision), in order.
REVIEW_STAGES: tuple[Stage, ...] = (
    Stage.FORMAL_REVIEW,
    Stage.PRELIMINARY_ASSESSMENT,
    Stage.MINISTERIAL_REVIEW,
    Stage.ONSITE_VERIFICATION,
)
