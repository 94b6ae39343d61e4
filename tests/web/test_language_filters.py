"""The pages in the reader's language (web/templatetags/vatspilot_language.py, services/legal_text.py):
rule ids become names, stored English citations and licence areas are shown in Chinese on Chinese pages,
enterprises by their registered Chinese name, the full-width colon and the enumeration comma, dates per
language, and the inbox rendered again in the reader's language."""

from __future__ import annotations

import ast
import inspect
from datetime import date

import pytest
from django.db import transaction
from django.template import Context, Template
from django.utils import translation
from pilot_world import World

from vatspilot.domain.applications import citations as application_citations
from vatspilot.domain.licences import citations as licence_citations
from vatspilot.domain.supervision import citations as supervision_citations
from vatspilot.services import legal_text
from vatspilot.services.notifications import NotificationKind, notify_about
from vatspilot.services.notifications.messages import render_stored
from vatspilot.store.models import Notification
from vatspilot.web.templatetags import vatspilot_language as filters

NOTICE_107_BEIJING_CITATION = (
    "MIIT Communications Letter [2024] No. 107, item 1; MIIT approval of the regional plans and opening of the "
    "application channel, 2024-10-23"
)


def _render(source: str, language: str, **context: object) -> str:
    with translation.override(language):
        return Template(source).render(Context(context))


@pytest.mark.parametrize(
    ("rule_id", "language", "name"),
    [
        ("notice-107:beijing", "en", "Beijing (Notice 107 pilot region)"),
        ("notice-107:beijing", "zh-hans", "北京市（107号通告试点地区）"),
        ("cap:national-default", "en", "National foreign-share cap"),
        ("cap:national-default", "zh-hans", "全国外资股比上限"),
        ("catalogue:B11", "zh-hans", "B11 互联网数据中心业务"),
        ("parameter:review-period-days", "zh-hans", "法定审查期限（日）"),
        ("no-such:rule", "zh-hans", "no-such:rule"),
    ],
)
def test_a_rule_id_is_shown_by_its_name(rule_id: str, language: str, name: str) -> None:
    assert _render("{{ rule|rule_name }}", language, rule=rule_id) == name


def test_every_rulebook_entry_has_a_name_in_both_languages() -> None:
    from vatspilot.rulebook.loader import default_rulebook

    for entry in default_rulebook().entries():
        for language in ("en", "zh"):
            assert legal_text.rule_name(entry.meta.id, language) != entry.meta.id, entry.meta.id


def test_a_stored_english_citation_is_shown_in_chinese_on_chinese_pages() -> None:
    template = "{{ text|citation }}"
    assert _render(template, "en", text=NOTICE_107_BEIJING_CITATION) == NOTICE_107_BEIJING_CITATION
    assert _render(template, "zh-hans", text=NOTICE_107_BEIJING_CITATION) == (
        "《工业和信息化部关于开展增值电信业务扩大对外开放试点工作的通告》（工信部通信函〔2024〕107号）第一条；"
        "2024年10月23日工业和信息化部批复各地试点方案并开通申请渠道"
    )
    assert _render(template, "zh-hans", text=application_citations.DECISION) == "工业和信息化部令第42号第十一条"
    # A citation nobody wrote in Chinese (typed by an official) stays as it was written.
    assert _render(template, "zh-hans", text="As typed by the reviewer") == "As typed by the reviewer"


def _constants(module: object) -> dict[str, str]:
    tree = ast.parse(inspect.getsource(module))  # type: ignore[arg-type]
    names = [
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name) and target.id.isupper()
    ]
    return {name: getattr(module, name) for name in names}


@pytest.mark.parametrize("module", [application_citations, licence_citations, supervision_citations])
def test_every_workflow_citation_has_its_chinese(module: object) -> None:
    constants = _constants(module)
    cited = {name: text for name, text in constants.items() if name != "SOURCE_ARTICLE"}
    assert cited
    missing = sorted(name for name, text in cited.items() if text not in legal_text.WORKFLOW_CITATIONS_ZH)
    assert missing == []


def test_a_licence_area_is_shown_in_the_readers_language() -> None:
    assert _render("{{ area|licence_area }}", "zh-hans", area="Shanghai Pudong New Area and Lin-gang") == (
        "上海市浦东新区和临港新片区"
    )
    assert _render("{{ area|licence_area }}", "zh-hans", area="Nationwide") == "全国"
    assert _render("{{ area|licence_area }}", "en", area="Nationwide") == "Nationwide"


class _Organisation:
    name = "Nimbus Cloud Services (Beijing) Co., Ltd."
    name_zh = "宁巴斯云服务（北京）有限公司"


class _EnglishOnly:
    name = "Harbour Data Technology (Shanghai) Co., Ltd."
    name_zh = ""


def test_an_enterprise_shows_its_registered_chinese_name_on_chinese_pages() -> None:
    assert _render("{{ o|org_name }}", "zh-hans", o=_Organisation()) == "宁巴斯云服务（北京）有限公司"
    assert _render("{{ o|org_name }}", "en", o=_Organisation()) == "Nimbus Cloud Services (Beijing) Co., Ltd."
    assert _render("{{ o|org_name }}", "zh-hans", o=_EnglishOnly()) == "Harbour Data Technology (Shanghai) Co., Ltd."
    row = {"holder_name_en": "", "holder_name_zh": "海港数据科技（上海）有限公司"}
    assert _render("{{ o|org_name }}", "en", o=row) == "海港数据科技（上海）有限公司"


def test_labels_and_lists_take_each_languages_punctuation() -> None:
    template = "{{ label }}{% colon %}{{ items|enum }}"
    assert _render(template, "zh-hans", label="业务", items=["B11", "B12"]) == "业务：B11、B12"
    assert _render(template, "en", label="Services", items=["B11", "B12"]) == "Services: B11, B12"
    assert _render("a{% sep %}b", "zh-hans") == "a、b"
    assert (_render("a{% semicolon %}b", "zh-hans"), _render("a{% semicolon %}b", "en")) == ("a；b", "a; b")


@pytest.mark.parametrize(
    ("value", "language", "shown"),
    [
        (date(2026, 12, 7), "en", "2026-12-07"),
        (date(2026, 12, 7), "zh-hans", "2026年12月7日"),
        ("2026-12-07", "zh-hans", "2026年12月7日"),
        ("not a date", "zh-hans", "not a date"),
        ("2026-02-30", "zh-hans", "2026-02-30"),  # the shape of a day, but none
        ("20261207", "zh-hans", "20261207"),  # a number, not a day (fromisoformat would read it as one)
    ],
)
def test_a_date_is_written_the_readers_way(value: object, language: str, shown: str) -> None:
    assert _render("{{ value|day }}", language, value=value) == shown
    if isinstance(value, date):
        assert _render('{{ value|date:"DATE_FORMAT" }}', language, value=value) == shown


def test_a_licence_historys_particulars_are_named_and_written_for_the_reader() -> None:
    with translation.override("zh-hans"):
        assert filters.detail_name("migration_deadline") == "用户迁移截止日"
        assert filters.detail_value("migration_deadline", "2026-11-19") == "2026年11月19日"
        assert (
            filters.detail_value("basis", licence_citations.EXIT)
            == legal_text.WORKFLOW_CITATIONS_ZH[licence_citations.EXIT]
        )
        assert filters.detail_value("users_migrated", 830) == "830"


@pytest.mark.django_db
def test_the_inbox_shows_a_message_in_the_language_of_whoever_reads_it(world: World) -> None:
    application = world.new_application()
    world.organisation.name_zh = "港湾数据（上海）有限公司"
    world.organisation.save(update_fields=["name_zh"])
    application.refresh_from_db()
    with transaction.atomic():
        rows = notify_about(
            kind=NotificationKind.LICENCE_EXPIRY_REMINDER,
            application=application,
            context={"licence": "B1-20260001", "valid_until": date(2026, 12, 7), "days_left": 30},
        )
    notification = Notification.objects.select_related("application__organisation").get(pk=rows[0].pk)
    assert notification.params == {"licence": "B1-20260001", "valid_until": {"date": "2026-12-07"}, "days_left": 30}

    subject_en, body_en = render_stored(notification, "en")
    subject_zh, body_zh = render_stored(notification, "zh-hans")
    with translation.override("zh-hans"):
        assert "2026年12月7日" in body_zh
        assert "港湾数据（上海）有限公司" in body_zh
        assert "B1-20260001" in subject_zh and subject_zh != subject_en
    assert "2026-12-07" in body_en
    assert world.organisation.name in body_en


@pytest.mark.django_db
def test_a_message_written_whole_is_shown_as_written(world: World) -> None:
    application = world.new_application()
    row = Notification.objects.create(
        recipient=world.applicant, kind="custom", application=application, subject="Hello", body="As written"
    )
    assert render_stored(row, "zh-hans") == ("Hello", "As written")


@pytest.mark.parametrize(
    ("rule_id", "message", "chinese"),
    [
        (
            "cap:notice-107",
            "Notice 107 removes the foreign equity cap for Information publishing platform and delivery in "
            "Shenzhen (Notice 107 pilot region): up to 100%; the foreign share of 100% is within it.",
            "107号通告在深圳市（107号通告试点地区）取消信息发布平台和递送服务外资股比限制：外资股比可达100%；"
            "外资股比100%未超出。",
        ),
        (
            "condition:registered-capital",
            "Registered capital of RMB 10,000,000 meets the minimum of RMB 1,000,000 for a provincial licence.",
            "注册资本人民币10,000,000元，达到省内经营许可最低人民币1,000,000元的要求。",
        ),
        ("cap:notice-107", "Typed by hand, matching no template.", "Typed by hand, matching no template."),
    ],
)
def test_a_stored_reason_is_shown_in_the_readers_language(rule_id: str, message: str, chinese: str) -> None:
    template = "{{ message|reason_text:rule }}"
    assert _render(template, "zh-hans", message=message, rule=rule_id) == chinese
    assert _render(template, "en", message=message, rule=rule_id) == message


def test_amounts_are_grouped_exactly_in_each_language() -> None:
    from decimal import Decimal

    from django.utils import translation

    from vatspilot.web.templatetags.vatspilot_language import amount

    with translation.override("en"):
        assert amount(Decimal("20000000")) == "20,000,000.00"
        assert amount(Decimal("1234.5")) == "1,234.50"
        assert amount(None) == ""
    with translation.override("zh-hans"):
        assert amount(Decimal("20000000.10")) == "20,000,000.10元"
