"""Filters for showing a stored determination as it was taken: contract v1 (no confidence codes, no
openings, one licence area) or v2 (each reason's confidence and period, each service's opening and area,
the licence by area), and the U rules the answer rests on."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template
from django.utils.translation import get_language

from vatspilot.domain.policy.periods import Confidence
from vatspilot.rulebook.loader import default_rulebook
from vatspilot.rulebook.uncertainty import SCHEMA_V2, stored_uncertain_rules
from vatspilot.services.day_text import day_text

register = template.Library()


@register.filter
def is_decision_v2(determination: Any) -> bool:
    """Whether the stored determination follows contract v2 (else it is shown as v1 recorded it)."""
    return isinstance(determination, Mapping) and determination.get("schema") == SCHEMA_V2


@register.filter
def uncertain_basis(determination: Any) -> tuple[str, ...]:
    """The U rules the answer rests on (rulebook.uncertainty); none for a v1 determination."""
    return stored_uncertain_rules(determination, default_rulebook())


@register.filter
def in_force_text(in_force: Any) -> str:
    """A reason's in_force period: `2024-11-01..` or `2022-05-01..2024-10-31` as the command line prints
    it, and in Chinese with Chinese dates (2024年11月1日起, 2022年5月1日至2024年10月31日)."""
    if not isinstance(in_force, Mapping) or not in_force.get("from"):
        return ""
    start, end = str(in_force["from"]), str(in_force.get("to") or "")
    if get_language() != "zh-hans":
        return f"{start}..{end}"
    start_text = day_text(start)
    return f"{start_text}至{day_text(end)}" if end else f"{start_text}起"


@register.simple_tag
def confidence_codes() -> tuple[str, ...]:
    """C1, C2, M, U: the codes the legend explains, in the order legal-facts.md gives them."""
    return tuple(code.value for code in Confidence)
