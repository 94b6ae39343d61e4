"""The pages in the reader's language (issue 11, "Chinese throughout"): names for the rulebook's ids,
citations and enterprise names in the reader's language, Chinese punctuation, dates per language.

A built-in library (settings TEMPLATES "builtins"): every template can use these without a {% load %}.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from vatspilot.rulebook.loader import default_rulebook
from vatspilot.services import legal_text
from vatspilot.services.day_text import day_text
from vatspilot.services.licences.filings import CHANGE_FILING_DAYS
from vatspilot.services.licences.lists import MIIT_AUTHORITY, REVOCATION_REASON
from vatspilot.services.notifications.messages import render_stored
from vatspilot.services.vocabulary import CHANGE_KINDS

register = template.Library()

# The names of the particulars a licence's public history records (the register's "Particulars"), in the
# order the register lists them: every key a licence event's public ``details`` may hold (services/licences:
# actions, expiry, filings, exits; tests/web/test_register_particulars.py holds the services to it).
DETAIL_NAMES: Mapping[str, StrOrPromise] = {
    "filing": pgettext_lazy("register particulars", "Filing"),
    "kind": pgettext_lazy("register particulars", "Kind of filing"),
    "changes": pgettext_lazy("register particulars", "What changed"),
    "changed_on": _("The change took effect on"),
    "late": _("Filed late"),
    "renewal_deadline": pgettext_lazy("register particulars", "Renewal to be filed by"),
    "valid_until_before": pgettext_lazy("register particulars", "Valid until, before the renewal"),
    "valid_until": pgettext_lazy("register particulars", "Valid until, after the renewal"),
    "services_before": pgettext_lazy("register particulars", "Services before the change"),
    "services": _("Services after the change"),
    "removed_services": _("Services removed"),
    "narrowed_areas": _("Areas withdrawn"),
    "users_notified_on": _("Users told on"),
    "users_to_migrate": _("Users to migrate"),
    "users_migrated": _("Users migrated"),
    "migration_deadline": _("Migration deadline"),
    "confirmed_on": _("Confirmed on"),
    "basis": _("Legal basis"),
}

# The particulars whose value is a day (stored as ISO text), a list of service codes, or a flag that is
# named when set and says nothing when not.
_DAYS = frozenset({"changed_on", "renewal_deadline", "valid_until_before", "valid_until", "users_notified_on"})
_SERVICE_LISTS = frozenset({"services_before", "services", "removed_services"})
_FLAGS = frozenset({"late"})


# A filing's kind as the register names a filing (FILING_KINDS names the kind of a filing's form).
FILING_KIND_NAMES: Mapping[str, StrOrPromise] = {
    "change": pgettext_lazy("register particulars", "Change filing"),
    "renewal": pgettext_lazy("register particulars", "Renewal filing"),
}


@dataclass(frozen=True)
class FiledAs:
    """What the register knows of a filing from its first step: its kind and the day it was filed."""

    kind: str
    on: date


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
def semicolon() -> str:
    """Between clauses or definitions: the full-width semicolon in Chinese, "; " in English."""
    return "；" if _chinese() else "; "


@register.simple_tag
def stop() -> str:
    """The end of a sentence: "。" in Chinese, ". " in English."""
    return "。" if _chinese() else ". "


@register.simple_tag
def gap() -> str:
    """The space English puts between two sentences, or between words and a bracket that follows them
    ("2026-07-15 (inspection)"); Chinese puts none ("2026年7月15日（检查）", "…。下一句")."""
    return "" if _chinese() else " "


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
    return day_text(value)


def detail_name(key: Any) -> str:
    """The name of a particular in a licence's public history (a key no service writes: as it is, spaced)."""
    name = DETAIL_NAMES.get(str(key))
    return str(name) if name is not None else str(key).replace("_", " ")


@register.filter
def service_name(code: Any) -> str:
    """A catalogue code with its name in the reader's language ("B25-05 信息保护和处理服务"); a code the
    rulebook does not know is shown as it is."""
    named = legal_text.rule_name(f"catalogue:{code}")
    return str(code) if named == f"catalogue:{code}" else named


@register.filter
def service_names(codes: Any) -> str:
    """Catalogue codes, each with its name, as the reader's language lists them."""
    if codes is None:
        return ""
    listed = [codes] if isinstance(codes, str) else list(codes)
    return enum([service_name(code) for code in listed])


def _areas_withdrawn(value: Any) -> str:
    """``{"B21": ["Shanghai"]}``: each service named with the areas it lost, in brackets."""
    if not isinstance(value, Mapping):
        return "" if value is None else str(value)
    parts = []
    for code, areas in value.items():
        listed = areas if isinstance(areas, list) else [areas]
        inner = enum([licence_area(area) for area in listed])
        parts.append(f"{service_name(code)}（{inner}）" if _chinese() else f"{service_name(code)} ({inner})")
    return ("；" if _chinese() else "; ").join(parts)


def _filing_text(value: Any, kind: Any, filings: Mapping[int, FiledAs] | None, own: bool) -> str:
    """The filing an event concerns, as a reader knows it: its kind and the day it was filed ("2026年10月2日
    提出的变更申请"); on the filing's own first step, its kind alone. Never the store's number."""
    filed = filings.get(value) if filings and isinstance(value, int) else None
    kind_code = str(kind) if kind else (filed.kind if filed else "")
    label = str(FILING_KIND_NAMES.get(kind_code, kind_code)) if kind_code else ""
    if filed is None or own:
        return label
    if not label:
        label = str(DETAIL_NAMES["filing"])
    return pgettext("register particulars", "%(kind)s of %(day)s") % {"kind": label, "day": day(filed.on)}


def detail_value(name: str, value: Any) -> str:
    """A particular's value, as the event stored it, for the reader: the basis as a citation in their
    language, a day in their format, services by their names, the kinds of filing and of change by their
    names, a flag as its name alone (nothing when unset)."""
    if value is None or value == "" or value == [] or value == {}:
        return ""
    if name == "basis":
        return citation(value)
    if name in _DAYS or name.endswith(("_on", "_deadline")):
        return day(value)
    if name in _SERVICE_LISTS:
        return enum([service_name(code) for code in (value if isinstance(value, list) else [value])])
    if name == "narrowed_areas":
        return _areas_withdrawn(value)
    if name == "changes":
        listed = value if isinstance(value, list) else [value]
        return enum([str(CHANGE_KINDS.get(str(kind), kind)) for kind in listed])
    if name == "kind":
        return str(FILING_KIND_NAMES.get(str(value), value))
    if name == "filing":
        return _filing_text(value, None, None, own=False)
    if name in _FLAGS:
        return str(DETAIL_NAMES[name]) if value is True else ""
    if isinstance(value, list):
        return enum(value)
    if isinstance(value, Mapping):
        return ("；" if _chinese() else "; ").join(f"{key}{colon()}{item}" for key, item in value.items())
    return str(value)


def _late(on: date | None) -> str:
    """The late flag's words: how many days a change had to be filed in (the rulebook's parameter in force
    on ``on``, the day it was filed), or just "filed late" when the day is not known."""
    days = default_rulebook().parameter(CHANGE_FILING_DAYS, on) if on is not None else None
    if not isinstance(days, int):
        return str(DETAIL_NAMES["late"])
    return pgettext("register particulars", "Filed more than %(days)s days after the change") % {"days": days}


def particulars(
    details: Iterable[tuple[str, Any]],
    filings: Mapping[int, FiledAs] | None = None,
    *,
    action: str = "",
    on: date | None = None,
) -> list[tuple[str, str]]:
    """An event's public particulars as the register shows them: (name, value) pairs in DETAIL_NAMES's
    order, each written for the reader, those with nothing to say left out. A flag set is its name alone
    (value ""): the late flag says how many days a change had to be filed in on ``on``. The filing is named
    by its kind and the day it was filed (``filings``, from the history's own first steps), its kind folded
    into it; on the filing's own first step (``action`` "filing.file"), by its kind alone."""
    stored = {str(key): value for key, value in details}
    shown: list[tuple[str, str]] = []
    for key in [*DETAIL_NAMES, *sorted(key for key in stored if key not in DETAIL_NAMES)]:
        if key not in stored or (key == "kind" and "filing" in stored):
            continue
        value = stored[key]
        if key in _FLAGS:
            if value is True:
                shown.append((_late(on), ""))
            continue
        if key == "filing":
            own = action == "filing.file"
            text = _filing_text(value, stored.get("kind"), filings, own=own)
            if text:
                shown.append((detail_name("kind" if own else key), text))
            continue
        text = detail_value(key, value)
        if text:
            shown.append((detail_name(key), text))
    return shown


# The texts the platform itself writes on the credit lists, in Chinese as a list publishes them
# (services.licences.lists): the English page gives them in English; the Chinese page as written.
LISTED_TEXTS: Mapping[str, StrOrPromise] = {
    MIIT_AUTHORITY: pgettext_lazy("credit lists", "Ministry of Industry and Information Technology (MIIT)"),
    REVOCATION_REASON: pgettext_lazy(
        "credit lists",
        "The operating licence was revoked (Measures for the Administration of Telecommunications Business "
        "Operating Licences, MIIT Order No. 42, Art. 42)",
    ),
}


@register.filter
def listed_text(text: Any) -> str:
    """A credit list's authority or reason: the platform's own words in the reader's language; what an
    official typed, as typed."""
    if text is None:
        return ""
    if _chinese():
        return str(text)
    named = LISTED_TEXTS.get(str(text))
    return str(named) if named is not None else str(text)


@register.filter
def listed_english(names: Any, uscc: Any) -> str:
    """``{{ english_names|listed_english:entry.uscc }}``: the listed enterprise's English name, if known."""
    if not isinstance(names, Mapping):
        return ""
    return str(names.get(str(uscc), ""))


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
