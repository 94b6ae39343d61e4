"""The dossier's errors in the applicant's words.

The services refuse a dossier the engine cannot judge with the JSON pointer of the field at fault and
the input error's code and parameters (``ActionRefused.params``: ``pointer``, then ``input_<name>`` for
each parameter of the vatspilot.contracts.input_errors template). That wording is for developers
("/shareholders/0/percent: 150 is above the maximum of 100"); this module says the same thing for a
person filling in the form: "Shareholder 1: the percentage must be 100 or less".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

INPUT_PREFIX = "input_"


def _field_name(name: str) -> str:
    names = {
        "percent": pgettext("dossier error", "the percentage"),
        "name": pgettext("dossier error", "the name"),
        "jurisdiction": pgettext("dossier error", "the country or region"),
        "shareholders": pgettext("dossier error", "its own shareholders"),
        "foreign_invested": pgettext("dossier error", "the foreign-invested mark"),
        "code": pgettext("dossier error", "the service"),
        "scope": pgettext("dossier error", "the scope"),
        "content": pgettext("dossier error", "the content carried"),
        "kind": pgettext("dossier error", "the kind of service area"),
        "provinces": pgettext("dossier error", "the provinces"),
    }
    return names.get(name, pgettext("dossier error", "this entry"))


def subject_of(pointer: str) -> str:
    """Who the pointer is about: "Shareholder 1", "Shareholder 2 of shareholder 1", "Service row 3",
    "Ownership", "Service area"."""
    parts = [p for p in pointer.split("/") if p != ""]
    if not parts:
        return _("Dossier")
    member = parts[0]
    if member == "shareholders":
        numbers = [int(p) + 1 for p in parts if p.isdigit()]
        # Only the holders' own levels: /shareholders/0/shareholders/1/percent -> [1, 2].
        if not numbers:
            return _("Ownership")
        subject = _("Shareholder %(number)s") % {"number": numbers[0]}
        for number in numbers[1:]:
            subject = _("Shareholder %(number)s of %(holder)s") % {"number": number, "holder": subject.lower()}
        return subject
    if member == "services":
        index = parts[1] if len(parts) > 1 and parts[1].isdigit() else None
        if index is None:
            return _("Services requested")
        return _("Service row %(number)s") % {"number": int(index) + 1}
    if member == "service_area":
        return _("Service area")
    if member == "dishonest_list":
        return _("Dishonest list")
    return _("Dossier")


def _last_field(pointer: str) -> str:
    parts = [p for p in pointer.split("/") if p != "" and not p.isdigit()]
    return parts[-1] if parts else ""


def plain_message(code: str, pointer: str, params: Mapping[str, Any], fallback: str) -> str:
    """``code`` at ``pointer`` (the input error's parameters in ``params``) in the user's words, or
    ``fallback`` (the services' own message) for a code this page has no words for."""
    field = _field_name(_last_field(pointer))
    values = {"field": field, **{k: v for k, v in params.items()}}
    templates = {
        "maximum": _("%(field)s must be %(limit)s or less"),
        "minimum": _("%(field)s must be %(limit)s or more"),
        "exclusiveMinimum": _("%(field)s must be more than %(limit)s"),
        "exclusiveMaximum": _("%(field)s must be less than %(limit)s"),
        "missing": _("%(field)s is missing"),
        "wrong-type": _("%(field)s is not filled in the right way"),
        "not-one-of": _("%(field)s %(value)s is not one of the choices offered"),
        "bad-format": _("%(field)s %(value)s is not written the expected way"),
        "minItems": _("add at least %(limit)s"),
        "minLength": _("%(field)s is empty"),
        "maxLength": _("%(field)s is longer than %(limit)s characters"),
        "duplicates": _("%(field)s lists the same item twice"),
        "unknown-field": _("%(field)s is not asked for"),
        "shares-do-not-add-up": _("the percentages add up to %(total)s%%; they must add up to 100%%"),
        "holding-too-deep": _("the chain of holders is deeper than %(max_depth)s levels"),
        "foreign-invested-needs-holders": _(
            "%(name)s is marked foreign-invested: list its own shareholders so that they can be counted"
        ),
        "code-out-of-scope": _("%(code)s is not a value-added service of the pilot"),
        "code-basic-telecom": _("%(code)s is a basic telecommunications service, outside the pilot"),
        "scope-not-of-code": _("the scope chosen is not a scope of service %(code)s"),
        "unknown-province": _("%(division_code)s is not a known province"),
        "provinces-only-cross-regional": _("provinces are chosen only for a cross-regional service area"),
    }
    template = templates.get(code)
    if template is None:
        return fallback
    try:
        text = template % values
    except (KeyError, TypeError, ValueError):
        return fallback
    return _("%(subject)s: %(problem)s") % {"subject": subject_of(pointer), "problem": text}


def input_params(params: Mapping[str, object]) -> dict[str, object]:
    """The input error's own parameters, from a refusal's ``params``."""
    return {key[len(INPUT_PREFIX) :]: value for key, value in params.items() if key.startswith(INPUT_PREFIX)}
