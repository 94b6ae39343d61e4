"""The supervision pages in the reader's language (issue "Chinese throughout"): a check's rule by its name
(never its id), the texts the checks wrote in the reader's language, the legal basis once, Chinese
punctuation and dates; on a finding's page, the findings list, a report's page, the supervisors'
dashboard and an inspection's page, in Chinese and in English."""

from __future__ import annotations

import html as html_lib
import re
from datetime import date

import pytest
from pilot_world import World, client_for, make_user
from pytest_django.fixtures import Settings

from vatspilot.analytics.supervision.node_list import RULES as NODE_RULES
from vatspilot.analytics.supervision.security_log import RULES as LOG_RULES
from vatspilot.domain.applications import Role
from vatspilot.domain.supervision import cross_border
from vatspilot.domain.supervision.findings import Severity
from vatspilot.services.supervision.findings import raise_finding
from vatspilot.store.models import Finding, InspectionDraw, Licence, QuarterlyReport

pytestmark = pytest.mark.django_db
RAISED = date(2025, 10, 16)  # critical: remediation due 2025-10-31
IDS = (
    "node:outside-licensed-area",
    "node:outside-mainland",
    "node:declared-location-mismatch",
    "log:incident-reported-late",
    "log:incident-not-reported",
    "log:vulnerability-overdue",
    "cross-border:mechanism",
    "inspection:penetration-test",
    "parameter:remediation-days",
    "parameter:incident-report-hours",
)


def text_of(page: str) -> str:
    """What a reader reads in <main>: the tags gone, the entities read."""
    main = page[page.index("<main") : page.index("</main>")]
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", main))


@pytest.fixture
def licence(world: World, settings: Settings) -> Licence:
    settings.VATSPILOT_TODAY = "2025-11-20"
    return world.licence()


@pytest.fixture
def report(licence: Licence) -> QuarterlyReport:
    return QuarterlyReport.objects.create(
        licence=licence,
        year=2025,
        quarter=3,
        due_on=date(2025, 10, 15),
        cure_deadline=date(2025, 10, 30),
        rulebook_version="test",
    )


def _raise(licence: Licence, report: QuarterlyReport, rule_id: str, severity: Severity, **details: object) -> Finding:
    rule = next(rule for rule in (*NODE_RULES.values(), *LOG_RULES.values()) if rule.id == rule_id)
    made, _new = raise_finding(
        actor=None,
        licence=licence,
        rule=rule.id,
        citation=rule.citation_en,
        severity=severity,
        fingerprint=f"report:{report.pk}:{rule.id}",
        on=RAISED,
        report=report,
        details={**details, "confidence": rule.confidence, "citation_zh": rule.citation_zh},
    )
    return made


@pytest.fixture
def findings(licence: Licence, report: QuarterlyReport) -> dict[str, Finding]:
    vulnerability = _raise(
        licence,
        report,
        "log:vulnerability-overdue",
        Severity.CRITICAL,
        line=4,
        detail="critical vulnerability CVE-2025-0001 open since 2025-08-01, due 2025-08-16 (15 days)",
    )
    incident = _raise(
        licence,
        report,
        "log:incident-reported-late",
        Severity.HIGH,
        line=2,
        detail="major incident at 2025-11-03T10:00:00+08:00 reported at 2025-11-03T15:30:00+08:00, "
        "deadline 2025-11-03T14:00:00+08:00 (4 h)",
    )
    nodes = _raise(
        licence,
        report,
        "node:outside-mainland",
        Severity.HIGH,
        nodes=1,
        listed=[
            {
                "id": "us-edge-01",
                "line": 7,
                "detail": "node us-edge-01 at 8.8.8.8 declared in 310115, address country US",
            }
        ],
    )
    border, _new = raise_finding(
        actor=None,
        licence=licence,
        rule=cross_border.RULE,
        citation=cross_border.CITATION,
        severity=Severity.HIGH,
        fingerprint=f"report:{report.pk}:{cross_border.RULE}",
        on=RAISED,
        report=report,
        details={
            "required": "standard-contract-or-certification",
            "on_file": "none",
            "reasons": ["personal information of 100,000 to 1,000,000 people"],
            "on_boundary": False,
            "confidence": cross_border.CONFIDENCE,
        },
    )
    return {"vulnerability": vulnerability, "incident": incident, "nodes": nodes, "border": border}


def test_a_findings_page_in_chinese(world: World, findings: dict[str, Finding], report: QuarterlyReport) -> None:
    finding = findings["vulnerability"]
    page = client_for(world.applicant, "zh-hans").get(f"/findings/{finding.pk}/").content.decode()
    assert '<dd id="finding-rule" data-rule="log:vulnerability-overdue">漏洞逾期未修复</dd>' in page
    assert (
        '<dd id="finding-basis">《网络产品安全漏洞管理规定》第八条、《网络安全法》第二十二条（及时修补，未规定天数）：'
        "平台按严重程度设定的整改期限（规则库“按严重程度的整改期限（日）”）</dd>"
    ) in page
    assert "Provisions on the Management" not in page  # the basis once, in Chinese
    assert (
        f'<dd id="finding-raised">2025年10月16日（<a href="/reports/{report.pk}/">季度报告的自动检查</a>）</dd>'
    ) in page
    assert '<dd id="finding-deadline">2025年10月31日：<span class="badge badge--overdue">' in page
    assert (
        '<dd data-detail="detail">严重漏洞 CVE-2025-0001 自2025年8月1日起未修复，整改期限为2025年8月16日（15天）</dd>'
    ) in page
    assert '<dd data-detail="confidence">U：不确定或来源相互矛盾</dd>' in page
    text = text_of(page)
    assert not [rule_id for rule_id in IDS if rule_id in text]
    assert not re.search(r"\b(critical|open)\b", text)
    # No ASCII colon, semicolon or bracket after Chinese text.
    assert not re.search(r"[\u4e00-\u9fff）] ?[:;(]", text)


def test_the_same_page_in_english(world: World, findings: dict[str, Finding], report: QuarterlyReport) -> None:
    finding = findings["vulnerability"]
    page = client_for(world.applicant).get(f"/findings/{finding.pk}/").content.decode()
    assert (
        '<dd id="finding-rule" data-rule="log:vulnerability-overdue">Vulnerability not remedied by its deadline</dd>'
        in page
    )
    assert (
        '<dd id="finding-basis">Provisions on the Management of Security Vulnerabilities of Network Products (2021), '
        "Art. 8 and Cybersecurity Law Art. 22 (remedy in a timely way; no number of days is set): the platform&#x27;s "
        "remediation deadlines by severity (rulebook “Remediation deadline by severity, in days”)</dd>"
    ) in page
    assert "《网络产品安全漏洞管理规定》" not in page
    link = f'<a href="/reports/{report.pk}/">automatic check of a quarterly report</a>'
    assert f'<dd id="finding-raised">2025-10-16 ({link})</dd>' in page
    assert (
        '<dd data-detail="detail">critical vulnerability CVE-2025-0001 open since 2025-08-01, '
        "due 2025-08-16 (15 days)</dd>"
    ) in page
    assert not [rule_id for rule_id in IDS if rule_id in text_of(page)]


def test_the_other_checks_texts_in_chinese(world: World, findings: dict[str, Finding]) -> None:
    client = client_for(world.users[Role.LOCAL_OFFICER], "zh-hans")
    incident = client.get(f"/findings/{findings['incident'].pk}/").content.decode()
    assert ">网络安全事件逾期报告</dd>" in incident
    assert (
        '<dd data-detail="detail">较大网络安全事件发生于2025年11月3日 10:00，报告于2025年11月3日 15:30，'
        "报告时限为2025年11月3日 14:00（4小时）</dd>"
    ) in incident
    assert "（规则库“较大及以上网络安全事件报告时限（小时）”）" not in incident  # its Chinese basis names no id
    nodes = client.get(f"/findings/{findings['nodes'].pk}/").content.decode()
    assert ">节点位于中国大陆境外</dd>" in nodes
    assert (
        "<td>us-edge-01</td><td>7</td>"
        "<td>节点 us-edge-01（地址 8.8.8.8）申报位置为 310115，地址所属国家或地区为 US</td>" in nodes
    )
    border = client.get(f"/findings/{findings['border'].pk}/").content.decode()
    assert ">数据出境机制</dd>" in border
    assert (
        '<dd id="finding-basis">《促进和规范数据跨境流动规定》（2024年3月22日）第五条至第八条（条款序号待核）</dd>'
        in border
    )
    assert '<dd data-detail="required">标准合同或认证</dd>' in border
    assert '<dd data-detail="on_file">未备案</dd>' in border
    assert '<dd data-detail="reasons">向境外提供100,000人至1,000,000人的个人信息（不含敏感个人信息）</dd>' in border
    for page in (incident, nodes, border):
        text = text_of(page)
        assert not [rule_id for rule_id in IDS if rule_id in text]
        assert not re.search(r"[\u4e00-\u9fff）] ?[:;(]", text), re.findall(r".{10}[\u4e00-\u9fff）] ?[:;(].{10}", text)


def test_the_list_the_report_and_the_dashboard_name_the_rules(
    world: World, findings: dict[str, Finding], report: QuarterlyReport
) -> None:
    officer = client_for(world.users[Role.MIIT_REVIEWER], "zh-hans")
    listing = officer.get("/findings/").content.decode()
    assert "<h1>发现问题</h1>" in listing
    assert '<td data-rule="log:vulnerability-overdue">漏洞逾期未修复</td>' in listing
    assert '<td data-rule="cross-border:mechanism">数据出境机制</td>' in listing
    report_page = officer.get(f"/reports/{report.pk}/").content.decode()
    vulnerability = findings["vulnerability"].pk
    assert (
        f'<td data-rule="log:vulnerability-overdue"><a href="/findings/{vulnerability}/">漏洞逾期未修复</a></td>'
        "\n            <td>严重</td>\n            <td>待整改</td>"
    ) in report_page
    board = officer.get("/supervision/").content.decode()
    assert '<td data-rule="node:outside-mainland">节点位于中国大陆境外</td><td>高危</td><td>待整改</td>' in board
    assert "<tr><td>2025年10月</td>" in board
    assert '<tr><th scope="row">严重</th>' in board
    assert "2025年第三季度报告" in board
    for page in (listing, report_page, board):
        text = text_of(page)
        assert not [rule_id for rule_id in IDS if rule_id in text]
        assert not re.search(r"\b(critical|high|medium|low|open|rectification_ordered)\b", text)
    english = client_for(world.users[Role.MIIT_REVIEWER]).get("/supervision/").content.decode()
    assert '<td data-rule="node:outside-mainland">Node outside mainland China</td><td>High</td><td>Open</td>' in english
    assert "<tr><td>2025-10</td>" in english and "Quarterly report 2025-Q3" in english


def test_an_inspections_findings_by_name_and_its_form_names_the_rules(world: World, licence: Licence) -> None:
    make_user("insp_a", Role.INSPECTOR.value)
    data = {
        "draw-jurisdiction": "nationwide",
        "draw-seed": "seed",
        "draw-kind": "penetration_test",
        "draw-licensee_count": "1",
        "draw-inspectors_per_licensee": "2",
        "draw-conflicts": "",
    }
    assert client_for(world.users[Role.MIIT_REVIEWER]).post("/inspections/", data).status_code == 302
    inspection = InspectionDraw.objects.latest("pk").inspections.get()
    member = client_for(inspection.inspectors.order_by("username").first(), "zh-hans")
    url = f"/inspections/{inspection.pk}/"
    form = member.get(url).content.decode()
    assert (
        "每行一条：规则 | 严重程度 | 发现的情况。各类检查的规则：渗透测试发现的问题；代码审计发现的问题；"
        "数据跨境流动检查发现的问题；现场检查发现的问题；其他规则可填写其标识。严重程度：严重、高危、中危、低危。未发现问题时留空。"
    ) in form
    assert not [rule_id for rule_id in IDS if rule_id in text_of(form)]
    # A declared conflict is written with a full-width colon in the Chinese help.
    board = client_for(world.users[Role.MIIT_REVIEWER], "zh-hans").get("/inspections/").content.decode()
    assert "每行一条：检查人员用户名，后接冒号和许可证编号（多个编号用逗号分隔）。" in board
    response = member.post(
        f"{url}record/",
        {
            "record-done_on": "2025-11-20",
            "record-summary": "现场两天",
            "record-found": "渗透测试发现的问题 | 高危 | 管理后台可从互联网访问\n"
            "inspection:pt | low | 弱口令\nFound in a code audit | Medium | 硬编码密钥",
        },
        follow=True,
    )
    page = response.content.decode()
    assert [(f.rule, f.severity) for f in Finding.objects.filter(inspection=inspection).order_by("pk")] == [
        ("inspection:penetration-test", "high"),
        ("inspection:pt", "low"),
        ("inspection:code-audit", "medium"),
    ]
    assert '<td data-rule="inspection:penetration-test">渗透测试发现的问题</td>' in page
    assert '<td data-rule="inspection:pt">inspection:pt</td>' in page  # typed by the inspector: as typed
    assert '<h2 id="found-heading">发现问题</h2>' in page
    assert f"#{inspection.draw_id}</a>（2025年11月20日）</dd>" in page
    english = client_for(inspection.inspectors.order_by("username").first()).get(url).content.decode()
    assert '<td data-rule="inspection:penetration-test">Found in a penetration test</td>' in english


def test_a_declared_conflict_may_be_written_with_chinese_punctuation(world: World, licence: Licence) -> None:
    make_user("insp_a", Role.INSPECTOR.value)
    data = {
        "draw-jurisdiction": "nationwide",
        "draw-seed": "seed",
        "draw-kind": "code_audit",
        "draw-licensee_count": "1",
        "draw-inspectors_per_licensee": "1",
        "draw-conflicts": f"insp_a：{licence.number}，B2-20990001",
    }
    assert client_for(world.users[Role.MIIT_REVIEWER], "zh-hans").post("/inspections/", data).status_code == 302
    assert InspectionDraw.objects.latest("pk").conflicts["insp_a"] == sorted([licence.number, "B2-20990001"])
