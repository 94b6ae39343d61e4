"""The pages in the reader's language (issue 11, "Chinese throughout"): names for the rulebook's ids,
citations and enterprise names in the reader's language, Chinese punctuation, dates per language.

A built-in library (settings TEMPLATES "builtins"): every template can use these without a {% load %}.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from vatspilot.services import legal_text
from vatspilot.services.notifications.messages import render_stored

register = template.Library()

# The names of the particulars a licence's public history records (the register's "Particulars").
DETAIL_NAMES: Mapping[str, StrOrPromise] = {
    "basis": _("Legal basis"),
    "removed_services": _("Services removed"),
    "narrowed_areas": _("Areas withdrawn"),
    "filing": _("Filing"),
    "users_notified_on": _("Users told on"),
    "migration_deadline": _("Migration deadline"),
    "users_to_migrate": _("Users to migrate"),
    "users_migrated": _("Users migrated"),
    "confirmed_on": _("Confirmed on"),
}


def _chinese() -> bool:
    return legal_text.reader_language() == "zh"


@register.filter
def rule_name(rule_id: Any) -> str:
    """``{{ reason.rule|rule_name }}``: ``notice-107:beijing`` -> "Beijing (Notice 107 pilot region)" or
    "北京市（107号通告试点地区）"; an id the rulebook does not know is shown as it is."""
    if rule_id is None:
        return ""
    return legal_text.rule_name(str(rule_id))


@register.filter
def citation(text: Any) -> str:
    """``{{ reason.citation|citation }}``: a citation stored in English, in the reader's language."""
    if text is None:
        return ""
    return legal_text.citation_in(str(text))


@register.filter
def reason_text(message: Any, rule_id: Any) -> str:
    """``{{ reason.message|reason_text:reason.rule }}``: a determination's reason, stored in English, in
    the reader's language (the rule's Chinese template filled with the same values)."""
    if message is None:
        return ""
    return legal_text.reason_in(str(rule_id or ""), str(message))


@register.filter
def system_text(text: Any) -> str:
    """A text the platform wrote and stored as its English msgid (an approval's reasons), in the
    reader's language; a text a person wrote has no entry in the catalogue and is shown as written."""
    if text is None:
        return ""
    return gettext(str(text)) if text else ""


@register.filter
def org_name(organisation: Any) -> str:
    """An enterprise's name for the reader: its registered Chinese name on Chinese pages (its English
    name when it has no Chinese one), its English name on English pages (else its Chinese one). Takes an
    organisation (name, name_zh) or a licence-like row (holder_name_en, holder_name_zh)."""
    if organisation is None:
        return ""
    if isinstance(organisation, Mapping):
        english = organisation.get("name") or organisation.get("holder_name_en") or ""
        chinese = organisation.get("name_zh") or organisation.get("holder_name_zh") or ""
    else:
        english = getattr(organisation, "name", None) or getattr(organisation, "holder_name_en", None) or ""
        chinese = getattr(organisation, "name_zh", None) or getattr(organisation, "holder_name_zh", None) or ""
    if _chinese():
        return str(chinese or english)
    return str(english or chinese)


@register.simple_tag
def colon() -> str:
    """What follows a label: the full-width colon in Chinese, ": " in English."""
    return "：" if _chinese() else ": "


@register.simple_tag
def sep() -> str:
    """Between the items of a list: the enumeration comma in Chinese, ", " in English."""
    return "、" if _chinese() else ", "


@register.simple_tag
def comma() -> str:
    """Between the parts of a phrase: the full-width comma in Chinese, ", " in English."""
    return "，" if _chinese() else ", "


@register.simple_tag
def stop() -> str:
    """The end of a sentence: "。" in Chinese, ". " in English."""
    return "。" if _chinese() else ". "


class _ParenNode(template.Node):
    def __init__(self, nodelist: template.NodeList) -> None:
        self.nodelist = nodelist

    def render(self, context: template.Context) -> str:
        inner = self.nodelist.render(context)
        return f"（{inner}）" if _chinese() else f"({inner})"


@register.tag
def paren(parser: template.base.Parser, token: template.base.Token) -> _ParenNode:
    """``{% paren %}...{% endparen %}``: the words in brackets, full-width ones in Chinese."""
    nodelist = parser.parse(("endparen",))
    parser.delete_first_token()
    return _ParenNode(nodelist)


@register.filter
def licence_area(text: Any) -> str:
    """A licence area stored in English (a determination's), in the reader's language."""
    if text is None:
        return ""
    return legal_text.area_in(str(text))


@register.filter
def enum(values: Any) -> str:
    """A list joined the reader's way: "a、b、c" in Chinese, "a, b, c" in English."""
    if values is None:
        return ""
    if isinstance(values, str):
        return values
    items = [str(value) for value in values] if isinstance(values, Iterable) else [str(values)]
    return ("、" if _chinese() else ", ").join(items)


@register.filter
def day(value: Any) -> str:
    """A date in the reader's format (DATE_FORMAT: 2026-12-07 in English, 2026年12月7日 in Chinese); also
    takes an ISO date text (as JSON details keep them). Anything else is shown as it is."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, date):
        return formats.date_format(value, "DATE_FORMAT")
    return str(value)


@register.filter
def detail_name(key: Any) -> str:
    """The name of a particular in a licence's public history."""
    name = DETAIL_NAMES.get(str(key))
    return str(name) if name is not None else str(key).replace("_", " ")


@register.filter
def detail_value(text: Any, key: Any) -> str:
    """A particular's value for the reader: the basis as a citation in their language, a date in their
    format, anything else as recorded."""
    if str(key) == "basis":
        return citation(text)
    if str(key).endswith(("_on", "_deadline")):
        return day(text)
    if isinstance(text, str) and text.startswith("["):
        try:
            listed = json.loads(text)
        except ValueError:
            return text
        if isinstance(listed, list):
            return enum(listed)
    return "" if text is None else str(text)


@register.filter
def message_part(notification: Any, part: str) -> str:
    """``{{ notification|message_part:"subject" }}`` (or "body"): a notification in the reader's language,
    rendered again from its kind and stored placeholders (services.notifications.messages.render_stored)."""
    language = "zh-hans" if _chinese() else "en"
    cache_name = f"_rendered_{language}"
    rendered = getattr(notification, cache_name, None)
    if rendered is None:
        rendered = render_stored(notification, language)
        setattr(notification, cache_name, rendered)
    return rendered[0] if part == "subject" else rendered[1]


@register.filter
def amount(value: Any) -> str:
    """A sum of money as the reader's language writes it: grouped by thousands, two decimals, in yuan
    ("20,000,000.00"; in Chinese "20,000,000.00元"). Exact: a Decimal is never turned into a float."""
    if value is None or value == "":
        return ""
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation:
        return str(value)
    text = f"{number.quantize(Decimal('0.01')):,}"
    return f"{text}元" if _chinese() else text
