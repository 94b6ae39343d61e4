"""The supervision pages' words (findings, quarterly reports, the supervisors' dashboard, inspections):
a finding's severity and status for their codes, a month and a quarter the reader's way. Loaded with
``{% load vatspilot_findings %}``; the rules' names are the built-in ``rule_name`` filter
(services.legal_text.rule_name), the one look-up every page uses."""

from __future__ import annotations

import re
from typing import Any

from django import template

from vatspilot.services import legal_text
from vatspilot.services.vocabulary import FINDING_SEVERITIES, FINDING_STATES

register = template.Library()

_MONTH = re.compile(r"(\d{4})-(\d{2})")
_QUARTER = re.compile(r"(\d{4})-Q([1-4])")
_QUARTERS_ZH = {"1": "一", "2": "二", "3": "三", "4": "四"}


@register.filter
def finding_severity(code: Any) -> str:
    """``critical`` -> "Critical" / "严重"; an unknown code as it is."""
    return str(FINDING_SEVERITIES.get(str(code), code))


@register.filter
def finding_state(code: Any) -> str:
    """``rectification_ordered`` -> "Rectification ordered" / "已责令限期整改"; an unknown code as it is."""
    return str(FINDING_STATES.get(str(code), code))


def month_label(value: Any) -> str:
    """``2026-07`` -> "2026年7月" on a Chinese page, as it is on an English one."""
    text = str(value)
    match = _MONTH.fullmatch(text)
    if match is None or legal_text.reader_language() != "zh":
        return text
    return f"{match.group(1)}年{int(match.group(2))}月"


def quarter_label(value: Any) -> str:
    """``2025-Q1`` -> "2025年第一季度" on a Chinese page, as it is on an English one."""
    text = str(value)
    match = _QUARTER.fullmatch(text)
    if match is None or legal_text.reader_language() != "zh":
        return text
    return f"{match.group(1)}年第{_QUARTERS_ZH[match.group(2)]}季度"


register.filter("month", month_label)
register.filter("quarter", quarter_label)


@register.filter
def rejection(reason: Any) -> str:
    """``{{ error.reason|rejection }}``: why an upload's line was refused, in the reader's language."""
    return legal_text.rejection_in(str(reason)) if reason else ""


@register.filter
def rejected_field(field: Any) -> str:
    """``{{ error.field|rejected_field }}``: the column named, or "（整行）" for a whole line in Chinese."""
    return legal_text.rejected_field(str(field)) if field is not None else ""
