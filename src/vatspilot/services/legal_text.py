"""Legal texts in the reader's language: a rule's name for its id, and a citation in Chinese for the English
one that was stored.

Stored records keep the citation they were given, in English (a determination's reasons, a transition's
basis on a timeline or in the register's history). They are shown in the reader's language by looking the
English text up here, never by recomputing anything: the rulebook's own entries (every version of every
entry carries its citation in both languages), then the workflow tables' citations
(``domain/*/citations.py``, written in English only; their Chinese is ``WORKFLOW_CITATIONS_ZH``, which
``tests/services/test_legal_text.py`` holds complete). A text found in neither is shown as stored.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator, Mapping
from functools import cache

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from vatspilot.domain.applications import citations as application_citations
from vatspilot.domain.licences import citations as licence_citations
from vatspilot.domain.shared.text import LocalizedText
from vatspilot.domain.supervision import citations as supervision_citations
from vatspilot.rulebook.loader import default_rulebook

_NOTICE_107 = "《工业和信息化部关于开展增值电信业务扩大对外开放试点工作的通告》（工信部通信函〔2024〕107号）"
_ORDER_42 = "《电信业务经营许可管理办法》（工业和信息化部令第42号）"
_LICENCE_SOURCE = "关于试点的介绍文章（2025年7月1日），监管与退出机制"
_SUPERVISION_SOURCE = "关于试点的介绍文章（2025年7月1日），监督管理"

# The Chinese of each citation the workflow tables give in English, word for word (no article is added
# that the English does not give).
WORKFLOW_CITATIONS_ZH: Mapping[str, str] = {
    application_citations.PILOT_NOTICE: _NOTICE_107,
    application_citations.ORDER_42_MATERIALS: (
        "工业和信息化部令第42号（申请材料）；" + _NOTICE_107 + "，申请材料清单（介绍文章，2025年7月1日）"
    ),
    application_citations.CORRECTION_NOTICE: "工业和信息化部行政许可办事指南（一次性补正通知，5个工作日）",
    application_citations.FORMAL_REVIEW: _NOTICE_107 + "，两级审查：地方通信管理局形式审查",
    application_citations.PRELIMINARY_ASSESSMENT: _NOTICE_107 + "，两级审查：地方通信管理局初步安全评估",
    application_citations.MINISTERIAL_REVIEW: _NOTICE_107 + "，两级审查：工业和信息化部会同网信办、公安部实质审查",
    application_citations.SECURITY_ASSESSMENT: _NOTICE_107 + "，安全评估（介绍文章，2025年7月1日）",
    application_citations.ONSITE_VERIFICATION: _NOTICE_107 + "，两级审查：必要时现场核查",
    application_citations.DECISION: "工业和信息化部令第42号第十一条",
    application_citations.APPROVAL: (
        "工业和信息化部令第42号第十一条；" + _NOTICE_107 + "，安全评估通过是颁发许可证的前提（介绍文章，2025年7月1日）"
    ),
    application_citations.MINISTERIAL_SUPPLEMENT: "实施惯例（实质审查期间的补正；未引用具体条款）",
    application_citations.WITHDRAWAL: "实施惯例（作出决定前撤回申请；未引用具体条款）",
    licence_citations.VALIDITY: _ORDER_42 + "（有效期5年；条款待核）",
    licence_citations.RENEWAL: _ORDER_42 + "（续期：有效期届满前90日申请；逾期申请或从未开展业务的不予续期；条款待核）",
    licence_citations.CHANGES: _ORDER_42 + "（变更事项于30日内办理；条款待核）",
    licence_citations.FILINGS: _ORDER_42 + "（30日内办理变更；有效期届满前90日申请续期；条款待核）",
    licence_citations.CANCELLATION: _ORDER_42 + "（依申请注销，须先妥善处理用户善后；条款待核）",
    licence_citations.RECTIFICATION: _NOTICE_107 + "，" + _LICENCE_SOURCE + "：整改",
    licence_citations.SCOPE_REDUCTION: _NOTICE_107 + "，" + _LICENCE_SOURCE + "：缩减业务范围",
    licence_citations.REVOCATION: _NOTICE_107 + "，" + _LICENCE_SOURCE + "：吊销许可证并有序退出",
    licence_citations.EXIT: _NOTICE_107 + "，" + _LICENCE_SOURCE + "：有序退出网络",
    supervision_citations.REPORTING: (
        _NOTICE_107 + "，" + _SUPERVISION_SOURCE + "：向地方通信管理局报送季度运行数据、节点清单和安全日志"
    ),
    supervision_citations.INSPECTION: (
        _NOTICE_107
        + "，"
        + _SUPERVISION_SOURCE
        + "：渗透测试、代码审计和跨境数据流动随机抽查；工业和信息化部令第42号第三十六条（随机抽查）"
    ),
    supervision_citations.REMEDIATION: (
        "《中华人民共和国网络安全法》第二十二条（立即采取补救措施）；"
        + _SUPERVISION_SOURCE
        + "：实践中高危漏洞于十五日内完成修复（未见法定期限）"
    ),
    supervision_citations.RECTIFICATION: _NOTICE_107 + "，" + _SUPERVISION_SOURCE + "：退出机制，限期整改",
    supervision_citations.SCOPE_REDUCTION: _NOTICE_107 + "，" + _SUPERVISION_SOURCE + "：退出机制，缩减业务范围",
    supervision_citations.REVOCATION: _NOTICE_107 + "，" + _SUPERVISION_SOURCE + "：退出机制，吊销许可证并有序退出网络",
}

# The names of the rulebook's entries that have none of their own (regions and services are named in the
# rulebook, parameters and known gaps described there).
RULE_NAMES: Mapping[str, StrOrPromise] = {
    "cap:national-default": _("National foreign-share cap"),
    "cap:national-exceptions": _("National exceptions to the foreign-share cap"),
    "cap:not-opened-wto": _("Services not opened under the WTO commitments"),
    "cap:notice-107": _("Notice 107 opening-up measure"),
    "cap:comprehensive-pilot-2025": _("Comprehensive pilot opening-up measures (2025)"),
    "cap:hainan-ftp": _("Hainan Free Trade Port negative list"),
    "cap:ftz-2021": _("Pilot Free Trade Zone negative list (2021)"),
    "condition:registered-capital": _("Minimum registered capital"),
    "condition:dishonest-list": _("Not on the dishonest list"),
    "condition:licence-area-narrowed": _("Licence area limited to the pilot regions"),
    "documents:order-42": _("Order 42 application materials"),
    "documents:pilot-additions": _("Pilot additions and the security assessment"),
    "prohibition:negative-list-content": _("Content closed to foreign investment (negative list)"),
    "prohibition:notice-107-b25-content": _("Content Notice 107 leaves out of information publishing"),
    "note:notice-107-channel": _("Notice 107 application channel"),
    "note:cepa-hk-mo": _("CEPA (Hong Kong and Macao service suppliers)"),
}


def reader_language() -> str:
    """ "zh" when the active language is Chinese, else "en": the rulebook's two languages."""
    return "zh" if (get_language() or "en").lower().startswith("zh") else "en"


@cache
def _rulebook_names() -> dict[str, LocalizedText]:
    names: dict[str, LocalizedText] = {}
    rulebook = default_rulebook()
    for entry in rulebook.entries():
        name = getattr(entry, "name", None) or getattr(entry, "description", None)
        if isinstance(name, LocalizedText):
            code = getattr(entry, "code", None)
            if code and entry.meta.id.startswith("catalogue:"):
                name = LocalizedText(en=f"{code} {name.en}", zh=f"{code} {name.zh}")
            names.setdefault(entry.meta.id, name)
    for gap in rulebook.gaps:
        if isinstance(gap.description, LocalizedText):
            names.setdefault(gap.id, gap.description)
    return names


@cache
def _citations_zh() -> dict[str, str]:
    """Every English citation the rulebook ever gave (each version of each entry) -> its Chinese."""
    index = dict(WORKFLOW_CITATIONS_ZH)
    for entry in default_rulebook().entries():
        citation = entry.meta.citation
        index.setdefault(citation.en, citation.zh)
    return index


@cache
def _areas_zh() -> dict[str, str]:
    """Every licence area the rulebook names (each region's), English -> Chinese."""
    rulebook = default_rulebook()
    areas: dict[str, str] = {}
    for region in rulebook.regions:
        areas.setdefault(region.licence_area.en, region.licence_area.zh)
    for key, text in rulebook.messages.items():
        if key.startswith("area.") and "{" not in text.en:
            areas.setdefault(text.en, text.zh)
    return areas


def area_in(text: str, language: str | None = None) -> str:
    """A licence area stored in English, in ``language`` (the reader's by default); the
    areas the rulebook does not name stay as stored."""
    language = language or reader_language()
    if language != "zh":
        return text
    return _areas_zh().get(text, text)


def _entry_messages(rule_id: str) -> Iterator[LocalizedText]:
    """The message templates a reason of ``rule_id`` may have been written from (every version): a
    cap's message followed by each verdict, a condition's met and failed messages, others' message."""
    rulebook = default_rulebook()
    verdicts = [text for key, text in rulebook.messages.items() if key.startswith("verdict.")]
    for entry in rulebook.entries():
        if entry.meta.id != rule_id:
            continue
        for field in ("message", "message_met", "message_failed"):
            text = getattr(entry, field, None)
            if not isinstance(text, LocalizedText):
                continue
            if entry.meta.id.startswith("cap:"):
                for verdict in verdicts:
                    yield LocalizedText(en=text.en + verdict.en, zh=text.zh + verdict.zh)
            yield text


@cache
def _template_pattern(template: str) -> re.Pattern[str] | None:
    """The English template as a pattern: its text literally, each {name} a lazy group (a name used
    twice must match the same text twice)."""
    pattern = ""
    seen: set[str] = set()
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError:
        return None
    for literal, name, _spec, _conversion in parsed:
        pattern += re.escape(literal)
        if name is None:
            continue
        if not name.isidentifier():
            return None
        pattern += f"(?P={name})" if name in seen else f"(?P<{name}>.+?)"
        seen.add(name)
    return re.compile(pattern, re.DOTALL)


@cache
def _words_zh() -> dict[str, str]:
    """The rulebook's words a message's placeholders are filled with (services, regions, areas, content
    kinds, area kinds), English -> Chinese."""
    rulebook = default_rulebook()
    words: dict[str, str] = dict(_areas_zh())
    for entry in rulebook.entries():
        name = getattr(entry, "name", None)
        if isinstance(name, LocalizedText):
            words.setdefault(name.en, name.zh)
    for text in rulebook.messages.values():
        if "{" not in text.en:
            words.setdefault(text.en, text.zh)
    return words


def _word_zh(value: str) -> str:
    words = _words_zh()
    if value in words:
        return words[value]
    parts = value.split(", ")
    if len(parts) > 1 and all(part in words for part in parts):
        return "、".join(words[part] for part in parts)
    return value


def reason_in(rule_id: str, message: str, language: str | None = None) -> str:
    """A reason's message, stored in English, in ``language`` (the reader's by default): matched against
    the rule's English templates, its placeholders' words put into Chinese, the Chinese template filled.
    A message no template matches is shown as stored."""
    language = language or reader_language()
    if language != "zh" or not message or not rule_id:
        return message
    for template in _entry_messages(rule_id):
        pattern = _template_pattern(template.en)
        match = pattern.fullmatch(message) if pattern is not None else None
        if match is None:
            continue
        try:
            return template.zh.format(**{name: _word_zh(value) for name, value in match.groupdict().items()})
        except (KeyError, IndexError, ValueError):
            continue
    return message


def rule_name(rule_id: str, language: str | None = None) -> str:
    """The name of a rulebook entry in ``language`` ("en" or "zh"; the reader's by default): the
    rulebook's own name, a parameter's description, or RULE_NAMES. An unknown id is returned as it is."""
    language = language or reader_language()
    named = _rulebook_names().get(rule_id)
    if named is not None:
        return named.get("zh" if language == "zh" else "en")
    name = RULE_NAMES.get(rule_id)
    return str(name) if name is not None else rule_id


def citation_in(text: str, language: str | None = None) -> str:
    """``text``, a citation stored in English, in ``language`` (the reader's by default). A citation
    made of several, joined by "; ", is looked up whole, then part by part; what is not known stays."""
    language = language or reader_language()
    if language != "zh" or not text:
        return text
    index = _citations_zh()
    if text in index:
        return index[text]
    parts = text.split("; ")
    if len(parts) > 1 and all(part in index for part in parts):
        return "；".join(index[part] for part in parts)
    return text
