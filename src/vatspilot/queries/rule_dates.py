"""A date asked of the public rulebook (`?on=`, `?from=`, `?to=`), read as the rules pages read it: written
YYYY-MM-DD, and not before the first day the rulebook covers. A bad one names its field."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from vatspilot.queries.rulebook_pages import rulebook_start

__all__ = ["BadRuleDate", "rule_date"]


class BadRuleDate(ValueError):
    """``field`` is not a date the rulebook can answer for; ``code`` says why, ``message`` in words."""

    def __init__(self, field: str, code: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.code = code
        self.message = message


def rule_date(field: str, text: str, default: date | None) -> date | None:
    """The date ``text`` of the parameter ``field``, or ``default`` when it is empty."""
    text = text.strip()
    if not text:
        return default
    try:
        value = date.fromisoformat(text)
    except ValueError:
        raise BadRuleDate(
            field,
            "not-a-date",
            _("%(field)s: “%(value)s” is not a date; write it as YYYY-MM-DD.") % {"field": field, "value": text},
        ) from None
    if len(text) != 10:
        raise BadRuleDate(field, "date-format", _("%(field)s: write the date as YYYY-MM-DD.") % {"field": field})
    start = rulebook_start()
    if value < start:
        raise BadRuleDate(
            field,
            "before-rulebook",
            _("%(field)s: the rulebook covers dates from %(start)s.") % {"field": field, "start": start.isoformat()},
        )
    return value
