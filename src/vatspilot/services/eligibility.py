"""Eligibility as a use case: raw profile data in, the contract's determination out."""

from __future__ import annotations

from datetime import date

from vatspilot.contracts.json_types import JSONValue
from vatspilot.contracts.profiles import parse_profile
from vatspilot.domain.policy.determination import Determination
from vatspilot.domain.policy.eligibility import evaluate
from vatspilot.domain.policy.rules import Rulebook
from vatspilot.domain.shared.text import Lang
from vatspilot.rulebook.loader import default_rulebook


def determine(data: JSONValue, *, on: date, lang: Lang = "en", rulebook: Rulebook | None = None) -> Determination:
    """Raises InputError (with the field's JSON pointer) for a profile the engine cannot take."""
    return evaluate(parse_profile(data), on=on, lang=lang, rulebook=rulebook or default_rulebook())
