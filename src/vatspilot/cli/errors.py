"""One clear line for bad input: the field's JSON pointer (or the option) and what is wrong."""

from __future__ import annotations

import sys
from typing import NoReturn

import click

from vatspilot.cli.i18n import translator
from vatspilot.domain.shared.errors import InputError
from vatspilot.domain.shared.text import Lang

EXIT_BAD_INPUT = 2


def _templates(lang: Lang) -> dict[str, str]:
    _ = translator(lang).gettext
    return {
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
        "date-before-rulebook": _("%(on)s is before the rulebook, which covers determinations from %(start)s"),
        "not-json": _("is not valid JSON: %(detail)s"),
        "not-a-date": _("%(value)r is not a date (YYYY-MM-DD)"),
        "unreadable": _("cannot be read: %(detail)s"),
        "bad-scenario": _("is not a usable scenario: %(detail)s"),
        "bad-format-file": _("is not a supported format (use .jsonl, .csv or .parquet)"),
        "bad-row": _("row %(row)s, column %(column)s: %(detail)s"),
    }


def describe(error: InputError, lang: Lang) -> str:
    template = _templates(lang).get(error.code, error.code)
    try:
        text = template % error.params
    except (KeyError, TypeError, ValueError):
        text = f"{error.code} {error.params}"
    return f"{error.pointer}: {text}"


def fail(error: InputError, lang: Lang) -> NoReturn:
    click.echo(describe(error, lang), err=True)
    sys.exit(EXIT_BAD_INPUT)
