"""A day as the reader's language writes it: the active language's DATE_FORMAT (2026-12-07 in English,
2026年12月7日 in Chinese; config/formats), from a date, a datetime or the ISO text JSON records keep. The one
place a page, a message or a read model turns a stored day into words."""

from __future__ import annotations

import re
from datetime import date, datetime

from django.utils import formats

__all__ = ["day_text"]

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def day_text(value: object) -> str:
    """``value`` written the reader's way when it is a day (a date, a datetime's day, or a YYYY-MM-DD
    text); anything else as it is, None as ""."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, str) and _ISO_DAY.fullmatch(value):
        try:
            value = date.fromisoformat(value)
        except ValueError:  # 2026-02-30: not a day
            return str(value)
    if isinstance(value, date):
        return formats.date_format(value, "DATE_FORMAT")
    return str(value)
