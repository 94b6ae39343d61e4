"""The public rules pages: the rulebook in force on a date (each rule with its citation in both languages,
its confidence code and its history), a rule's page (`web:rule`, which determination reasons link to),
the diff between two dates (the domain's, as `vatspilot rules diff`) and the legal milestones. Bad dates
get 400 naming the field; nobody needs to sign in."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse
from pilot_world import client_for

from vatspilot.queries.rulebook_pages import milestones, rule_page, rules_diff_page, rules_in_force_page
from vatspilot.rulebook.loader import default_rulebook

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def pinned_day(settings):
    settings.LANGUAGE_CODE = "en"
    settings.VATSPILOT_TODAY = date(2025, 6, 10)


def _visible(response) -> str:
    body = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def test_the_rules_in_force_show_each_citation_in_both_languages_and_its_confidence() -> None:
    response = client_for(None).get("/rules/?on=2025-06-10")

    assert response.status_code == 200
    text = _visible(response)
    assert "71 rules in force on 2025-06-10." in text
    assert "Foreign-share cap of the Notice 107 pilot" in text
    assert "MIIT Communications Letter [2024] No. 107, item 2" in text
    assert "《工业和信息化部关于开展增值电信业务扩大对外开放试点工作的通告》（工信部通信函〔2024〕107号）第二条" in text
    # The national default cap: the 2021 and the 2024 Negative Lists.
    assert "History (2 dated entries): from 2022-05-01 to 2024-10-31; from 2024-11-01, no end date" in text
    assert 'class="confidence confidence--C1"' in response.content.decode()
    assert "Known gaps: reported by one source, listed and never applied" in text
    for raw in ("notice-107:beijing", "cap:notice-107", "cap:national-default", "parameter:review-period-days"):
        assert raw not in text


def test_the_read_model_lists_the_rules_in_force_on_the_date() -> None:
    page = rules_in_force_page(date(2024, 10, 22), "en")

    ids = [r.rule_id for s in page.sections for r in s.rules]
    assert "cap:notice-107" not in ids and "note:notice-107-channel" in ids
    caps = next(s for s in page.sections if s.kind == "caps")
    default = next(r for r in caps.rules if r.rule_id == "cap:national-default")
    assert default.version.start == date(2022, 5, 1) and default.version.end == date(2024, 10, 31)
    assert default.version.citation_en.startswith("Provisions on the Administration of Foreign-Invested")
    assert "（2021年版）" in default.version.citation_zh
    assert default.versions == 2


def test_a_rule_page_shows_its_whole_history() -> None:
    url = reverse("web:rule", args=["cap:national-default"])
    assert url == "/rules/cap:national-default/"

    response = client_for(None).get(url)

    assert response.status_code == 200
    text = _visible(response)
    assert "National foreign-share cap (default)" in text
    assert "2 dated entries, oldest first." in text
    assert "from 2022-05-01 to 2024-10-31" in text
    assert "from 2024-11-01, no end date" in text
    assert "Negative List, 2021 edition" in text and "Negative List, 2024 edition" in text
    assert "（2024年版）" in text
    assert 'href="/rules/diff/?from=2024-10-31&amp;to=2024-11-01"' in response.content.decode()


def test_every_rule_id_a_reason_can_carry_has_a_page() -> None:
    client = client_for(None)
    for rule_id in sorted({e.meta.id for e in default_rulebook().entries()}):
        response = client.get(reverse("web:rule", args=[rule_id]))
        assert response.status_code == 200, rule_id
        assert rule_id not in _visible(response), rule_id


def test_a_region_shows_by_name_in_each_language() -> None:
    english = _visible(client_for(None).get("/rules/notice-107:beijing/"))
    chinese = _visible(client_for(None, "zh-hans").get("/rules/notice-107:beijing/"))

    assert "Beijing (Notice 107 pilot region)" in english
    assert "北京市（107号通告试点地区）" in chinese
    assert "依据（中文）" in chinese and "沿革" in chinese


def test_an_unknown_rule_is_not_found() -> None:
    assert client_for(None).get("/rules/cap:nowhere/").status_code == 404
    assert rule_page("cap:nowhere", date(2025, 6, 10), "en") is None


def test_the_diff_lists_the_rules_that_changed_between_two_dates() -> None:
    diff = rules_diff_page(date(2024, 10, 31), date(2024, 11, 1), "en")

    assert [(c.kind, c.rule_id, c.fields) for c in diff.changes] == [
        ("changed", "cap:national-default", ("citation",)),
        ("changed", "cap:national-exceptions", ("citation",)),
        ("changed", "cap:not-opened-wto", ("citation",)),
        ("changed", "prohibition:negative-list-content", ("citation",)),
    ]
    response = client_for(None).get("/rules/diff/?from=2024-10-31&to=2024-11-01")
    text = _visible(response)
    assert response.status_code == 200
    assert "4 changes from 2024-10-31 to 2024-11-01" in text
    assert "Changed National foreign-share cap (default)" in text
    assert "What changed: citation" in text


def test_the_diff_when_notice_107_opened() -> None:
    diff = rules_diff_page(date(2024, 10, 22), date(2024, 10, 23), "en")

    assert [(c.kind, c.rule_id) for c in diff.changes] == [
        ("ended", "note:notice-107-channel"),
        ("started", "cap:notice-107"),
        ("started", "documents:pilot-additions"),
        ("started", "notice-107:beijing"),
        ("started", "notice-107:hainan"),
        ("started", "notice-107:shanghai"),
        ("started", "notice-107:shenzhen"),
        ("started", "parameter:quarterly-report-due-days"),
        ("started", "prohibition:notice-107-b25-content"),
    ]
    text = _visible(client_for(None, "zh-hans").get("/rules/diff/?from=2024-10-22&to=2024-10-23"))
    assert "2024年10月22日至2024年10月23日期间共9项变化" in text
    assert "北京市（107号通告试点地区）" in text


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/rules/?on=2025-13-01", "on"),
        ("/rules/?on=yesterday", "on"),
        ("/rules/diff/?from=x&to=2025-01-01", "from"),
        ("/rules/diff/?from=2025-01-01&to=2025-02-30", "to"),
        ("/rules/cap:notice-107/?on=20250101", "on"),
    ],
)
def test_a_bad_date_is_refused_naming_the_field(url: str, field: str) -> None:
    response = client_for(None).get(url)

    assert response.status_code == 400
    assert f"{field}: " in _visible(response)
    assert f'href="#field-{field}"' in response.content.decode()


def test_a_date_before_the_rulebook_is_refused() -> None:
    response = client_for(None).get("/rules/?on=2020-01-01")

    assert response.status_code == 400
    assert "on: the rulebook covers dates from 2022-05-01." in _visible(response)


def test_the_milestones_join_sourced_facts_and_the_rulebook_dates() -> None:
    rows = milestones("en")

    on_opening = [m for m in rows if m.on == date(2024, 10, 23)]
    assert [m.from_rulebook for m in on_opening] == [False, True]
    assert on_opening[0].confidence == "C2"
    assert "opens the application channel" in on_opening[0].text
    assert [link.title for link in on_opening[1].ended] == ["Notice 107 pilot: application channel not yet open"]
    assert "Beijing (Notice 107 pilot region)" in [link.title for link in on_opening[1].started]
    negative_list = next(m for m in rows if m.on == date(2024, 11, 1) and m.from_rulebook)
    assert [link.rule_id for link in negative_list.changed] == [
        "cap:national-default",
        "cap:national-exceptions",
        "cap:not-opened-wto",
        "prohibition:negative-list-content",
    ]
    assert negative_list.started == () and negative_list.ended == ()
    # The Catalogue's day is before the rulebook's first: no link to a list of rules it cannot give.
    catalogue = next(m for m in rows if m.on == date(2016, 3, 1))
    assert catalogue.from_rulebook and not catalogue.browsable and negative_list.browsable
    text = _visible(client_for(None).get("/rules/"))
    assert "2025-02-28 MIIT announces the first batch of 13 pilot approvals" in text
    assert "2025-06-26 Beijing has approved a cumulative 10 enterprises, 40% of all pilot approvals nationwide." in text


def test_the_rules_page_is_in_chinese_and_has_no_inline_script_or_style() -> None:
    response = client_for(None, "zh-hans").get("/rules/")

    body = response.content.decode()
    assert response.status_code == 200
    assert "试点规则" in body and "可信度代码" in body and "试点法律大事记" in body
    assert "style=" not in body
    assert re.search(r"<script(?![^>]*\bsrc=)", body) is None
