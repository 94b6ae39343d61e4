"""Legal texts in the reader's language: a rule's name for its id, and a citation in Chinese for the English
one that was stored.

Stored records keep the citation they were given, in English (a determination's reasons, a transition's
basis on a timeline or in the register's history). They are shown in the reader's language by looking the
English text up here, never by recomputing anything: the rulebook's own entries (every version of every
entry carries its citation in both languages), then the workflow tables' citations
(``domain/*/citations.py``, written in English only; their Chinese is ``WORKFLOW_CITATIONS_ZH``, which
``tests/services/test_legal_text.py`` holds complete). A text found in neither is shown as stored.

The supervision's checks are named here too (`SUPERVISION_RULE_NAMES`, part of `RULE_NAMES`: the report
checks' rules, the cross-border check's, an inspection's of each kind), and the texts they write into a
finding's details are shown in the reader's language by `detail_in`, as `reason_in` does for a
determination's reasons: the stored English matched against the rule's template, the Chinese filled.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import cache

from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from vatspilot.analytics.supervision import rejections
from vatspilot.analytics.supervision.details import WORDS_ZH, DetailTemplate
from vatspilot.analytics.supervision.node_list import MISMATCH, OUTSIDE_AREA, OUTSIDE_MAINLAND, CheckRule
from vatspilot.analytics.supervision.node_list import RULES as NODE_RULES
from vatspilot.analytics.supervision.security_log import RULES as LOG_RULES
from vatspilot.domain.applications import citations as application_citations
from vatspilot.domain.licences import citations as licence_citations
from vatspilot.domain.shared.text import LocalizedText
from vatspilot.domain.supervision import citations as supervision_citations
from vatspilot.domain.supervision import cross_border
from vatspilot.domain.supervision.findings import inspection_rule
from vatspilot.rulebook.loader import default_rulebook
from vatspilot.services.day_text import day_text
from vatspilot.store.models.supervision import InspectionKind

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
    cross_border.CITATION: "《促进和规范数据跨境流动规定》（2024年3月22日）第五条至第八条（条款序号待核）",
}

# The rules of the supervision's checks: a quarterly report's (node list, security log, cross-border data)
# and an inspection's of each kind (the rule an inspector picks; one typed otherwise is shown as typed).
CHECK_RULES: tuple[CheckRule, ...] = (*NODE_RULES.values(), *LOG_RULES.values())
SUPERVISION_RULE_NAMES: Mapping[str, StrOrPromise] = {
    NODE_RULES[OUTSIDE_AREA].id: _("Node outside the licensed area"),
    NODE_RULES[OUTSIDE_MAINLAND].id: _("Node outside mainland China"),
    NODE_RULES[MISMATCH].id: _("Node's declared location not matching its address"),
    LOG_RULES["incident-reported-late"].id: _("Cybersecurity incident reported late"),
    LOG_RULES["incident-not-reported"].id: _("Cybersecurity incident not reported"),
    LOG_RULES["vulnerability-overdue"].id: _("Vulnerability not remedied by its deadline"),
    cross_border.RULE: _("Cross-border data transfer mechanism"),
    inspection_rule(InspectionKind.PENETRATION_TEST.value): _("Found in a penetration test"),
    inspection_rule(InspectionKind.CODE_AUDIT.value): _("Found in a code audit"),
    inspection_rule(InspectionKind.CROSS_BORDER.value): _("Found in a cross-border data flow check"),
    inspection_rule(InspectionKind.ON_SITE.value): _("Found in an on-site check"),
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
    **SUPERVISION_RULE_NAMES,
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


def _filled(templates: Iterable[LocalizedText | DetailTemplate], text: str, value_zh: Callable[[str, str], str]) -> str:
    """``text``, written in English from one of ``templates``, in Chinese: the first template whose English
    matches it whole, its Chinese filled with each placeholder's value (``value_zh(name, value)`` puts it
    into Chinese). A text no template matches (a person's, an older wording) is returned as it is."""
    for template in templates:
        pattern = _template_pattern(template.en)
        match = pattern.fullmatch(text) if pattern is not None else None
        if match is None:
            continue
        try:
            return template.zh.format(**{name: value_zh(name, value) for name, value in match.groupdict().items()})
        except (KeyError, IndexError, ValueError):  # a Chinese template naming a placeholder the English lacks
            continue
    return text


def reason_in(rule_id: str, message: str, language: str | None = None) -> str:
    """A reason's message, stored in English, in ``language`` (the reader's by default): matched against
    the rule's English templates, its placeholders' words put into Chinese, the Chinese template filled.
    A message no template matches is shown as stored."""
    language = language or reader_language()
    if language != "zh" or not message or not rule_id:
        return message
    return _filled(_entry_messages(rule_id), message, lambda _name, value: _word_zh(value))


def rule_name(rule_id: str, language: str | None = None) -> str:
    """The name of a rulebook entry in ``language`` ("en" or "zh"; the reader's by default): the
    rulebook's own name, a parameter's description, or RULE_NAMES. An unknown id is returned as it is."""
    language = language or reader_language()
    named = _rulebook_names().get(rule_id)
    if named is not None:
        return named.get("zh" if language == "zh" else "en")
    name = RULE_NAMES.get(rule_id)
    if name is None:
        return rule_id
    with translation.override("zh-hans" if language == "zh" else "en"):
        return str(name)


def is_named(rule_id: str) -> bool:
    """Whether ``rule_id`` has a name (`rule_name` gives something other than the id)."""
    return rule_id in RULE_NAMES or rule_id in _rulebook_names()


_RULE_ID = re.compile(r"(?<![\w:/.-])([a-z][a-z0-9-]*:[a-z0-9][a-z0-9-]*)")


def name_ids(text: str, language: str | None = None) -> str:
    """``text`` with each rule id in it that has a name replaced by that name in quotation marks
    ("rulebook parameter:remediation-days" -> 'rulebook "Remediation deadline by severity, in days"')."""
    language = language or reader_language()

    def named(match: re.Match[str]) -> str:
        rule_id = match.group(1)
        if not is_named(rule_id):
            return rule_id
        return f"“{rule_name(rule_id, language)}”"

    replaced = _RULE_ID.sub(named, text)
    return re.sub(r"(?<=[\u4e00-\u9fff]) (?=“)", "", replaced) if language == "zh" else replaced


def basis_in(citation: str, citation_zh: str = "", language: str | None = None) -> str:
    """A finding's legal basis in ``language`` (the reader's by default): the Chinese stored with it
    (an automatic check's) or the citation's Chinese (`citation_in`), the English on an English page; the
    rule ids in it named."""
    language = language or reader_language()
    text = citation_zh if language == "zh" and citation_zh else citation_in(citation, language)
    return name_ids(text, language)


@cache
def _detail_templates() -> dict[str, tuple[DetailTemplate | LocalizedText, ...]]:
    """Each check rule's id -> the templates of the texts its findings' details hold."""
    templates: dict[str, tuple[DetailTemplate | LocalizedText, ...]] = {
        rule.id: (rule.detail,) for rule in CHECK_RULES if rule.detail is not None
    }
    templates[cross_border.RULE] = cross_border.REASONS
    return templates


_ISO_CHINA_TIME = re.compile(r"(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2}):(\d{2})\+08:00")


def _value_zh(name: str, value: str) -> str:
    """A placeholder's value in Chinese: its word (`WORDS_ZH`), a date or a China time the Chinese way
    (2025年12月1日, 2025年11月3日 10:00), or as written."""
    words = WORDS_ZH.get(name, {})
    if value in words:
        return words[value]
    with translation.override("zh-hans"):
        if (moment := _ISO_CHINA_TIME.fullmatch(value)) is not None:
            day, hour, minute, second = moment.groups()
            clock = f"{hour}:{minute}" if second == "00" else f"{hour}:{minute}:{second}"
            return f"{day_text(day)} {clock}"
        return day_text(value)


def detail_in(rule_id: str, text: str, language: str | None = None) -> str:
    """A text a check wrote into a finding's details (stored in English), in ``language`` (the reader's
    by default): matched against the rule's English templates, each value put into Chinese, the Chinese
    template filled. A text no template matches (one a person wrote, an older wording) is shown as stored."""
    language = language or reader_language()
    if language != "zh" or not text:
        return text
    return _filled(_detail_templates().get(rule_id, ()), text, _value_zh)


def rejection_in(reason: str, language: str | None = None) -> str:
    """Why an upload's line was refused (stored in English, as the CLI and the API give it), in ``language``
    (the reader's by default): matched against the readers' templates (analytics.supervision.rejections),
    the Chinese filled with the same values. A reason no template matches is shown as stored."""
    language = language or reader_language()
    if language != "zh" or not reason:
        return reason
    return _filled(rejections.REJECTIONS, reason, lambda _name, value: value)


def rejected_field(field: str, language: str | None = None) -> str:
    """The field an upload's error names: a column as the file names it, a whole line in the reader's words."""
    language = language or reader_language()
    return rejections.ROW_FIELD_ZH if language == "zh" and field == rejections.ROW_FIELD else field


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
