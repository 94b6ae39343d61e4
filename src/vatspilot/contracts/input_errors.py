"""The wording of input errors, for any edge: give it the gettext of the catalogue in use."""

from __future__ import annotations

from collections.abc import Callable

from vatspilot.domain.shared.errors import InputError


def _(message: str) -> str:
    """Marks a message for extraction; the caller's gettext translates it."""
    return message


TEMPLATES: dict[str, str] = {
    "missing": _("is required"),
    "unknown-field": _("is not a field of the profile"),
    "not-one-of": _("%(value)r is not one of: %(allowed)s"),
    "must-be": _("must be %(value)r"),
    "wrong-type": _("must be of type %(expected)s"),
    "bad-format": _("%(value)r does not have the expected form (%(pattern)s)"),
    "minimum": _("%(value)s is below the minimum of %(limit)s"),
    "maximum": _("%(value)s is above the maximum of %(limit)s"),
    "exclusiveMinimum": _("%(value)s must be greater than %(limit)s"),
    "exclusiveMaximum": _("%(value)s must be less than %(limit)s"),
    "minItems": _("needs at least %(limit)s item(s)"),
    "minLength": _("needs at least %(limit)s character(s)"),
    "maxLength": _("has more than %(limit)s characters"),
    "duplicates": _("has duplicate items"),
    "invalid": _("is invalid: %(detail)s"),
    "bad-uscc": _("%(value)r is not a valid Unified Social Credit Code (check digit or form)"),
    "provinces-only-cross-regional": _("is only for a cross-regional service area"),
    "code-basic-telecom": _(
        "%(code)s is a basic telecommunications code: only value-added codes (B11-B26) are in scope"
    ),
    "code-out-of-scope": _("%(code)s is not a value-added code of the rulebook"),
    "scope-not-of-code": _("%(scope)r is not a scope of %(code)s (its scopes: %(scopes)s)"),
    "unknown-province": _("%(division_code)s is not in a known province-level division (GB/T 2260)"),
    "shares-do-not-add-up": _("percentages at this level add up to %(total)s, not 100 (within 0.01)"),
    "holding-too-deep": _("the holding chain is deeper than %(max_depth)s levels"),
    "foreign-invested-needs-holders": _(
        "%(name)s is marked foreign-invested: list its shareholders so that the look-through can count them"
    ),
    "date-before-rulebook": _("%(on)s is before the rulebook, which covers determinations from %(start)s"),
    "not-json": _("is not valid JSON: %(detail)s"),
    "not-a-date": _("%(value)r is not a date (YYYY-MM-DD)"),
    "unreadable": _("cannot be read: %(detail)s"),
    "bad-scenario": _("is not a usable scenario: %(detail)s"),
    "bad-format-file": _("is not a supported format (use .jsonl, .csv or .parquet)"),
    "bad-row": _("row %(row)s, column %(column)s: %(detail)s"),
    # The strict JSON reader (contracts/strict_json.py). Its errors carry line and column; the edges
    # say where (see describe_json_error), these say what.
    "json-at": _("JSON at %(at)s (line %(line)s, column %(column)s): %(problem)s"),
    "json-not-utf8": _("the text is not UTF-8"),
    "json-empty": _("the document is empty"),
    "json-trailing": _("something follows the end of the document"),
    "json-unexpected-end": _("the document ends too early"),
    "json-unexpected": _("unexpected character %(char)r"),
    "json-expected-key": _("a key in double quotes was expected"),
    "json-expected-colon": _("a colon was expected after the key"),
    "json-expected-comma": _("a comma or %(closing)s was expected"),
    "json-bad-string": _("a string has a bad escape, a control character or no closing quote"),
    "json-not-a-number": _("%(token)s is refused: JSON numbers are finite"),
    "json-too-deep": _("nested deeper than %(limit)s levels"),
    "json-duplicate-key": _("the key %(key)r appears twice in one object"),
    "json-nul": _("a string contains a NUL character"),
    "json-lone-surrogate": _("a string contains a lone surrogate (half of a UTF-16 pair)"),
    "json-number-too-long": _("a number with %(digits)s digits (at most %(limit)s)"),
}


def describe_input_error(error: InputError, gettext: Callable[[str], str]) -> str:
    """One line: the field's JSON pointer (or the option), then what is wrong, in the caller's language."""
    template = TEMPLATES.get(error.code)
    if template is None:
        return f"{error.pointer}: {error.code}"
    try:
        text = gettext(template) % error.params
    except (KeyError, TypeError, ValueError):
        text = f"{error.code} {error.params}"
    return f"{error.pointer}: {text}"


def describe_json_problem(error: InputError, gettext: Callable[[str], str]) -> str:
    """What the strict JSON reader found wrong, without the place (the caller names it its own way)."""
    template = TEMPLATES.get(error.code)
    if template is None:
        return error.code
    try:
        return gettext(template) % error.params
    except (KeyError, TypeError, ValueError):
        return f"{error.code} {error.params}"
