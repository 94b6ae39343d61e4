"""The supervision's checks in the reader's language (services.legal_text): every check rule named in both
languages, every text a check writes into a finding's details translated from its one template (and
back to the English it was stored as), the legal basis once in the reader's language with the rulebook's
ids in it named, and what no template knows shown as stored."""

from __future__ import annotations

import string
from datetime import date

import polars as pl
import pytest

from vatspilot.analytics.supervision.details import WORDS_ZH, DetailTemplate
from vatspilot.analytics.supervision.node_list import NODE_DETAIL
from vatspilot.analytics.supervision.node_list import RULES as NODE_RULES
from vatspilot.analytics.supervision.security_log import RULES as LOG_RULES
from vatspilot.analytics.supervision.security_log import check_vulnerabilities, read_security_log
from vatspilot.domain.supervision import cross_border
from vatspilot.domain.supervision.findings import inspection_rule
from vatspilot.services import legal_text
from vatspilot.store.models.supervision import InspectionKind

NAMES = {
    "node:outside-licensed-area": ("Node outside the licensed area", "节点超出许可覆盖范围"),
    "node:outside-mainland": ("Node outside mainland China", "节点位于中国大陆境外"),
    "node:declared-location-mismatch": (
        "Node's declared location not matching its address",
        "节点申报位置与其地址不符",
    ),
    "log:incident-reported-late": ("Cybersecurity incident reported late", "网络安全事件逾期报告"),
    "log:incident-not-reported": ("Cybersecurity incident not reported", "网络安全事件未报告"),
    "log:vulnerability-overdue": ("Vulnerability not remedied by its deadline", "漏洞逾期未修复"),
    "cross-border:mechanism": ("Cross-border data transfer mechanism", "数据出境机制"),
    "inspection:penetration-test": ("Found in a penetration test", "渗透测试发现的问题"),
    "inspection:code-audit": ("Found in a code audit", "代码审计发现的问题"),
    "inspection:cross-border": ("Found in a cross-border data flow check", "数据跨境流动检查发现的问题"),
    "inspection:on-site": ("Found in an on-site check", "现场检查发现的问题"),
}


def test_every_check_rule_is_named_in_both_languages() -> None:
    ids = {
        *(rule.id for rule in NODE_RULES.values()),
        *(rule.id for rule in LOG_RULES.values()),
        cross_border.RULE,
        *(inspection_rule(kind.value) for kind in InspectionKind),
    }
    assert ids == set(NAMES)
    for rule_id, (english, chinese) in NAMES.items():
        assert (legal_text.rule_name(rule_id, "en"), legal_text.rule_name(rule_id, "zh")) == (english, chinese)
        assert legal_text.is_named(rule_id)


def test_a_rule_an_inspector_typed_is_shown_as_typed() -> None:
    assert legal_text.rule_name("inspection:pt", "zh") == "inspection:pt"
    assert not legal_text.is_named("inspection:pt")


def _templates() -> list[tuple[str, DetailTemplate]]:
    rules = [(rule.id, rule.detail) for rule in (*NODE_RULES.values(), *LOG_RULES.values())]
    reasons = [(cross_border.RULE, DetailTemplate(en=text.en, zh=text.zh)) for text in cross_border.REASONS]
    return [(rule_id, template) for rule_id, template in rules if template is not None] + reasons


def _names(text: str) -> set[str]:
    return {name for _literal, name, _spec, _conversion in string.Formatter().parse(text) if name is not None}


def test_every_check_rule_has_its_detail_template() -> None:
    assert all(rule.detail is not None for rule in (*NODE_RULES.values(), *LOG_RULES.values()))
    assert len(_templates()) == 6 + len(cross_border.REASONS)


@pytest.mark.parametrize(("rule_id", "template"), _templates(), ids=lambda value: getattr(value, "en", value))
def test_every_detail_template_has_its_chinese_and_round_trips(rule_id: str, template: DetailTemplate) -> None:
    assert _names(template.zh) == _names(template.en)
    assert all("\u4e00" <= char <= "\u9fff" for char in template.zh if char.isalpha() and not char.isascii())
    values = {name: f"v{index}x" for index, name in enumerate(template.names)}
    stored = template.en.format(**values)
    assert legal_text.detail_in(rule_id, stored, "en") == stored
    assert legal_text.detail_in(rule_id, stored, "zh") == template.zh.format(**values)


def test_the_stored_details_read_in_chinese() -> None:
    cases = {
        (
            "log:vulnerability-overdue",
            "critical vulnerability CVE-2025-0001 open since 2025-12-01, due 2025-12-16 (15 days)",
        ): "严重漏洞 CVE-2025-0001 自2025年12月1日起未修复，整改期限为2025年12月16日（15天）",
        (
            "log:incident-reported-late",
            "major incident at 2025-11-03T10:00:00+08:00 reported at 2025-11-03T15:30:00+08:00, "
            "deadline 2025-11-03T14:00:00+08:00 (4 h)",
        ): (
            "较大网络安全事件发生于2025年11月3日 10:00，报告于2025年11月3日 15:30，"
            "报告时限为2025年11月3日 14:00（4小时）"
        ),
        (
            "log:incident-not-reported",
            "serious incident at 2025-11-03T10:00:05+08:00 not reported, deadline 2025-11-03T14:00:05+08:00 (4 h)",
        ): "重大网络安全事件发生于2025年11月3日 10:00:05，未报告，报告时限为2025年11月3日 14:00:05（4小时）",
        (
            "node:outside-mainland",
            "node us-edge-01 at 8.8.8.8 declared in 310115, address country US",
        ): "节点 us-edge-01（地址 8.8.8.8）申报位置为 310115，地址所属国家或地区为 US",
        (
            "node:declared-location-mismatch",
            "node lan-1 at 10.0.0.0/8 declared in 110105, address country unknown",
        ): "节点 lan-1（地址 10.0.0.0/8）申报位置为 110105，地址所属国家或地区为 未知",
        (
            "cross-border:mechanism",
            "personal information of 100,000 to 1,000,000 people",
        ): "向境外提供100,000人至1,000,000人的个人信息（不含敏感个人信息）",
    }
    for (rule_id, stored), chinese in cases.items():
        assert legal_text.detail_in(rule_id, stored, "zh") == chinese
        assert legal_text.detail_in(rule_id, stored, "en") == stored


def test_a_text_no_template_matches_is_shown_as_stored() -> None:
    assert legal_text.detail_in("node:outside-mainland", "203.0.113.9 resolves to US", "zh") == (
        "203.0.113.9 resolves to US"
    )
    assert legal_text.detail_in("inspection:pt", "critical vulnerability x open since 2025-12-01", "zh") == (
        "critical vulnerability x open since 2025-12-01"
    )


def test_the_words_inside_are_put_into_chinese() -> None:
    assert WORDS_ZH["severity"]["critical"] == "严重"
    assert WORDS_ZH["status"]["in-progress"] == "修复中"
    assert WORDS_ZH["grade"]["especially-serious"] == "特别重大"


def test_the_polars_check_writes_what_the_template_reads(tmp_path: object) -> None:
    frame = NODE_DETAIL.expr(node="id", address="address", location="location", country=pl.lit("unknown"))
    written = pl.DataFrame({"id": ["n-1"], "address": ["1.2.3.4"], "location": ["HK"]}).select(frame).item()
    assert written == "node n-1 at 1.2.3.4 declared in HK, address country unknown"


def test_a_vulnerability_found_by_the_check_reads_in_chinese(tmp_path) -> None:  # type: ignore[no-untyped-def]
    log = tmp_path / "log.ndjson"
    log.write_text(
        '{"time": "2025-12-01T09:00:00+08:00", "severity": "critical", "vulnerability_id": "CVE-2025-0001", '
        '"status": "in-progress"}\n',
        encoding="utf-8",
    )
    found = check_vulnerabilities(read_security_log(log), {"critical": 15}, date(2026, 1, 5))
    (detail,) = found["detail"].to_list()
    assert detail == "critical vulnerability CVE-2025-0001 in-progress since 2025-12-01, due 2025-12-16 (15 days)"
    assert legal_text.detail_in(found["rule"][0], detail, "zh") == (
        "严重漏洞 CVE-2025-0001 自2025年12月1日起修复中，整改期限为2025年12月16日（15天）"
    )


def test_the_basis_once_in_the_readers_language_with_the_ids_named() -> None:
    rule = LOG_RULES["vulnerability-overdue"]
    assert legal_text.basis_in(rule.citation_en, rule.citation_zh, "zh") == (
        "《网络产品安全漏洞管理规定》第八条、《网络安全法》第二十二条（及时修补，未规定天数）："
        "平台按严重程度设定的整改期限（规则库“按严重程度的整改期限（日）”）"
    )
    assert legal_text.basis_in(rule.citation_en, rule.citation_zh, "en") == (
        "Provisions on the Management of Security Vulnerabilities of Network Products (2021), Art. 8 and "
        "Cybersecurity Law Art. 22 (remedy in a timely way; no number of days is set): the platform's "
        "remediation deadlines by severity (rulebook “Remediation deadline by severity, in days”)"
    )
    # A workflow's citation (no Chinese stored with it), the cross-border check's.
    assert legal_text.basis_in(cross_border.CITATION, "", "zh") == (
        "《促进和规范数据跨境流动规定》（2024年3月22日）第五条至第八条（条款序号待核）"
    )
    assert legal_text.basis_in(cross_border.CITATION, "", "en") == cross_border.CITATION
    # What is not a known id stays: a URL, a time.
    assert legal_text.name_ids("see https://example.org at 10:00", "zh") == "see https://example.org at 10:00"
