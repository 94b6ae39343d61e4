"""/api/v1/rules: the public rulebook without signing in: the rules in force on a date (a page at a time),
one rule with its history, the changes between two dates; titles and summaries in both languages, as the
rules pages give them; a bad date is a 422 naming its parameter."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.utils import translation
from pilot_world import client_for

from vatspilot.queries.rulebook_pages import rule_page, rules_diff_page, rules_in_force_page
from vatspilot.rulebook.loader import default_rulebook
from vatspilot.services.accounts.api_tokens import create_api_token

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 1)
PROBLEM = "application/problem+json"
NOTICE_107_EN = "MIIT Communications Letter [2024] No. 107, item 2"
NOTICE_107_ZH = "《工业和信息化部关于开展增值电信业务扩大对外开放试点工作的通告》（工信部通信函〔2024〕107号）第二条"


@pytest.fixture(autouse=True)
def english(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"
    settings.VATSPILOT_TODAY = TODAY


def _all_pages(client: Client, path: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every item of the list at ``path`` (following `next`), and each page's body."""
    items: list[dict[str, Any]] = []
    pages = []
    while path:
        response = client.get(path)
        assert response.status_code == 200, response.content
        body = response.json()
        pages.append(body)
        items.extend(body["items"])
        path = body["next"]
    return items, pages


def test_the_rules_in_force_today_page_by_page_as_the_page_lists_them() -> None:
    client = Client()
    items, pages = _all_pages(client, "/api/v1/rules?limit=30")
    page = rules_in_force_page(TODAY, "en")
    assert len(pages) == 3 and [len(body["items"]) for body in pages] == [30, 30, 12]
    assert [item["rule_id"] for item in items] == [row.rule_id for s in page.sections for row in s.rules]
    assert len(items) == page.count == 72
    first = pages[0]
    assert (first["on"], first["rulebook_start"], first["count"]) == ("2026-12-01", "2022-05-01", 72)
    assert first["rulebook_version"] == default_rulebook().version
    assert first["next"].startswith("/api/v1/rules?limit=30&cursor=")
    assert pages[-1]["next"] is None and pages[-1]["next_cursor"] is None
    [notice] = [item for item in items if item["rule_id"] == "cap:notice-107"]
    with translation.override("zh-hans"):
        chinese_title = rule_page("cap:notice-107", TODAY, "zh").title
    assert notice == {
        "rule_id": "cap:notice-107",
        "kind": "caps",
        "kind_heading_en": "Foreign-share caps",
        "kind_heading_zh": "外资股比上限",
        "title_en": "Foreign-share cap of the Notice 107 pilot",
        "title_zh": chinese_title,
        "version": {
            "start": "2024-10-23",
            "end": None,
            "in_force": True,
            "citation_en": NOTICE_107_EN,
            "citation_zh": NOTICE_107_ZH,
            "confidence": "C1",
            "confidence_label_en": "C1: confirmed from the official text or a regulator's page",
            "confidence_label_zh": "C1：已据官方文本或监管部门网页确认",
            "summary_en": notice["version"]["summary_en"],
            "summary_zh": notice["version"]["summary_zh"],
        },
        "versions": 1,
        "periods": [{"start": "2024-10-23", "end": None}],
    }
    assert chinese_title == "107号通告试点外资股比上限"
    assert notice["version"]["summary_en"].startswith("B11 Internet data center (IDC)")
    assert notice["version"]["summary_zh"].startswith("B11 互联网数据中心业务")
    assert [gap["confidence"] for gap in first["gaps"]] == ["M", "U", "U"]
    assert first["gaps"][1]["title_en"].startswith("Hainan Free Trade Port")
    assert first["gaps"][1]["confidence_label_en"] == "U: uncertain or conflicting sources"


def test_on_a_date_before_notice_107_its_rules_are_not_in_force() -> None:
    client = Client()
    before = client.get("/api/v1/rules?on=2024-10-22&limit=200").json()
    after = client.get("/api/v1/rules?on=2024-10-23&limit=200").json()
    assert (before["count"], len(before["items"]), after["count"]) == (43, 43, 50)
    assert "cap:notice-107" not in [item["rule_id"] for item in before["items"]]
    assert "cap:notice-107" in [item["rule_id"] for item in after["items"]]
    national = next(item for item in before["items"] if item["rule_id"] == "cap:national-default")
    assert (national["version"]["start"], national["version"]["end"], national["versions"]) == (
        "2022-05-01",
        "2024-10-31",
        2,
    )
    assert national["periods"] == [{"start": "2022-05-01", "end": "2024-10-31"}, {"start": "2024-11-01", "end": None}]


@pytest.mark.parametrize(
    ("query", "field", "code", "detail"),
    [
        ("on=2024-13-01", "/on", "not-a-date", "on: “2024-13-01” is not a date; write it as YYYY-MM-DD."),
        ("on=yesterday", "/on", "not-a-date", "on: “yesterday” is not a date; write it as YYYY-MM-DD."),
        ("on=20241023", "/on", "date-format", "on: write the date as YYYY-MM-DD."),
        ("on=2020-01-01", "/on", "before-rulebook", "on: the rulebook covers dates from 2022-05-01."),
    ],
)
def test_a_bad_date_is_a_422_naming_the_field(query: str, field: str, code: str, detail: str) -> None:
    for path in ("/api/v1/rules", "/api/v1/rules/cap:notice-107"):
        response = Client().get(f"{path}?{query}")
        assert response.status_code == 422, path
        assert response["Content-Type"] == PROBLEM
        body = response.json()
        assert (body["field"], body["code"], body["detail"]) == (field, code, detail)


def test_a_date_too_long_and_a_bad_cursor_are_422_naming_the_field() -> None:
    client = Client()
    long = client.get("/api/v1/rules?on=" + "2" * 40)
    assert (long.status_code, long.json()["field"]) == (422, "/on")
    cursor = client.get("/api/v1/rules?cursor=not-a-cursor")
    assert (cursor.status_code, cursor.json()["field"], cursor.json()["code"]) == (422, "/cursor", "invalid-cursor")
    limit = client.get("/api/v1/rules?limit=0")
    assert (limit.status_code, limit.json()["field"]) == (422, "/limit")


def test_the_problem_is_in_the_readers_language() -> None:
    response = client_for(None, "zh-hans").get("/api/v1/rules?on=2020-01-01")
    assert response.status_code == 422
    assert response.json()["detail"] != "on: the rulebook covers dates from 2022-05-01."
    assert "2022-05-01" in response.json()["detail"]


def test_one_rule_with_its_history() -> None:
    response = Client().get("/api/v1/rules/cap:national-default?on=2024-10-31")
    assert response.status_code == 200
    body = response.json()
    assert (body["rule_id"], body["kind"], body["on"]) == ("cap:national-default", "caps", "2024-10-31")
    assert (body["title_en"], body["title_zh"]) == (
        "National foreign-share cap (default)",
        "全国外资股比上限（一般规定）",
    )
    assert (body["kind_heading_en"], body["kind_heading_zh"]) == ("Foreign-share caps", "外资股比上限")
    assert [(v["start"], v["end"], v["in_force"], v["day_before"]) for v in body["history"]] == [
        ("2022-05-01", "2024-10-31", True, None),
        ("2024-11-01", None, False, "2024-10-31"),
    ]
    assert body["current"] == body["history"][0]
    assert "Negative List, 2021 edition" in body["history"][0]["citation_en"]
    assert "（2024年版）" in body["history"][1]["citation_zh"]
    assert body["history"][0]["confidence"] == "C2"
    # Today the second entry is in force.
    today = Client().get("/api/v1/rules/cap:national-default").json()
    assert today["current"] == {**today["history"][1]} and today["on"] == "2026-12-01"


def test_a_rule_not_in_force_on_the_date_has_no_current_entry_and_an_unknown_id_is_404() -> None:
    client = Client()
    body = client.get("/api/v1/rules/cap:notice-107?on=2024-10-01").json()
    assert body["current"] is None
    assert [v["start"] for v in body["history"]] == ["2024-10-23"]
    assert body["title_en"] == rule_page("cap:notice-107", date(2024, 10, 1), "en").title
    for rule_id in ("cap:nothing", "diffs", "notice-107"):
        missing = client.get(f"/api/v1/rules/{rule_id}")
        assert (missing.status_code, missing["Content-Type"]) == (404, PROBLEM), rule_id


def test_the_diff_between_two_dates() -> None:
    response = Client().get("/api/v1/rules/diff?from=2024-10-31&to=2024-11-01")
    assert response.status_code == 200
    body = response.json()
    assert (body["from"], body["to"]) == ("2024-10-31", "2024-11-01")
    assert [(c["kind"], c["rule_id"], c["fields_en"], c["fields_zh"]) for c in body["changes"]] == [
        ("changed", "cap:national-default", ["citation"], ["依据"]),
        ("changed", "cap:national-exceptions", ["citation"], ["依据"]),
        ("changed", "cap:not-opened-wto", ["citation"], ["依据"]),
        ("changed", "prohibition:negative-list-content", ["citation"], ["依据"]),
    ]
    first = body["changes"][0]
    assert (first["before"]["start"], first["before"]["end"]) == ("2022-05-01", "2024-10-31")
    assert (first["after"]["start"], first["after"]["end"]) == ("2024-11-01", None)
    assert (first["before"]["in_force"], first["after"]["in_force"]) == (True, True)
    assert first["title_zh"] == "全国外资股比上限（一般规定）"


def test_the_diff_of_notice_107_as_the_page_gives_it_with_to_today_by_default() -> None:
    body = Client().get("/api/v1/rules/diff?from=2024-10-22&to=2024-10-23").json()
    page = rules_diff_page(date(2024, 10, 22), date(2024, 10, 23), "en")
    assert [(c["kind"], c["rule_id"]) for c in body["changes"]] == [(c.kind, c.rule_id) for c in page.changes]
    ended = body["changes"][0]
    assert (ended["kind"], ended["rule_id"], ended["after"]) == ("ended", "note:notice-107-channel", None)
    started = next(c for c in body["changes"] if c["rule_id"] == "cap:notice-107")
    assert (started["before"], started["after"]["citation_en"]) == (None, NOTICE_107_EN)
    since = Client().get("/api/v1/rules/diff?from=2024-10-22").json()
    assert since["to"] == "2026-12-01"
    expected = rules_diff_page(date(2024, 10, 22), TODAY, "en")
    assert [c["rule_id"] for c in since["changes"]] == [c.rule_id for c in expected.changes]


@pytest.mark.parametrize(
    ("query", "field", "code"),
    [
        ("", "/from", None),  # the request's validation: the parameter is required
        ("from=", "/from", "required"),
        ("from=2024-1-1", "/from", "not-a-date"),
        ("from=2024-10-22&to=2019-01-01", "/to", "before-rulebook"),
        ("from=2024-10-22&to=soon", "/to", "not-a-date"),
    ],
)
def test_a_bad_diff_date_is_a_422_naming_the_field(query: str, field: str, code: str | None) -> None:
    response = Client().get(f"/api/v1/rules/diff?{query}")
    assert response.status_code == 422
    assert (response.json()["field"], response.json().get("code")) == (field, code)


def test_tokens_and_sessions_read_the_same() -> None:
    from pilot_world import make_user

    user = make_user("reader-of-rules")
    secret = create_api_token(actor=user, name="reader", scope="read").secret
    anonymous = Client().get("/api/v1/rules/cap:notice-107").json()
    assert Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/rules/cap:notice-107").json() == anonymous
    assert client_for(user, "zh-hans").get("/api/v1/rules/cap:notice-107").json() == anonymous


def test_writes_are_not_allowed() -> None:
    assert Client().post("/api/v1/rules", "{}", content_type="application/json").status_code == 405
    assert Client().delete("/api/v1/rules/cap:notice-107").status_code == 405


def test_the_milestones_page_by_page_as_the_rules_page_shows_them() -> None:
    from vatspilot.queries.rulebook_pages import milestones

    items, pages = _all_pages(Client(), "/api/v1/rules/milestones?limit=5")
    expected = milestones("en")
    assert len(items) == len(expected) == 18
    assert [len(body["items"]) for body in pages] == [5, 5, 5, 3]
    assert [(item["on"], item["text_en"]) for item in items] == [(m.on.isoformat(), m.text) for m in expected]
    assert [item["on"] for item in items] == sorted(item["on"] for item in items)
    first, order_42 = items[0], items[1]
    assert (first["on"], first["from_rulebook"], first["browsable"], first["text_en"]) == (
        "2016-03-01",
        True,
        False,
        "In the rulebook",
    )
    assert len(first["started"]) == 14
    assert first["started"][0] == {
        "rule_id": "catalogue:B11",
        "title_en": "B11 Internet data center (IDC), incl. internet resource collaboration",
        "title_zh": first["started"][0]["title_zh"],
    }
    assert first["started"][0]["title_zh"].startswith("B11 互联网数据中心业务")
    assert (order_42["on"], order_42["source_en"], order_42["confidence"], order_42["from_rulebook"]) == (
        "2017-09-01",
        "MIIT Order No. 42 (legal-facts 2)",
        "C1",
        False,
    )
    assert order_42["text_en"].startswith("MIIT Order No. 42, the Administrative Measures for the Licensing")
    assert order_42["text_zh"] and order_42["text_zh"] != order_42["text_en"]
    assert order_42["confidence_label_zh"] == "C1：已据官方文本或监管部门网页确认"
    beginning = next(item for item in items if item["on"] == "2022-05-01" and item["from_rulebook"])
    assert beginning["text_en"] == "The rulebook begins: 41 rules in force on its first day."
    bad = Client().get("/api/v1/rules/milestones?cursor=WzEsMl0")
    assert (bad.status_code, bad.json()["field"]) == (422, "/cursor")


def test_the_service_guide_in_both_languages_as_the_page_gives_it() -> None:
    from vatspilot.queries.service_guide import service_guide

    response = Client().get("/api/v1/guide")
    assert response.status_code == 200
    body = response.json()
    page = service_guide(TODAY, "en")
    assert (body["on"], body["rulebook_version"]) == ("2026-12-01", default_rulebook().version)
    assert [opening["code"] for opening in body["openings"]] == [opening.code for opening in page.openings]
    notice = body["openings"][0]
    assert (notice["code"], notice["name_en"]) == ("notice-107", "Notice 107 pilot")
    assert notice["cap"] == {
        "text_en": "In the places where it applies, foreign investors may hold up to:",
        "text_zh": notice["cap"]["text_zh"],
        "basis_en": NOTICE_107_EN,
        "basis_zh": NOTICE_107_ZH,
        "confidence": "C1",
        "confidence_label_en": "C1: confirmed from the official text or a regulator's page",
        "confidence_label_zh": "C1：已据官方文本或监管部门网页确认",
        "rule_id": "cap:notice-107",
        "points_en": [
            "B11 Internet data center (IDC), incl. internet resource collaboration: up to 100%",
            "B12 Content delivery network (CDN): up to 100%",
            "B14 Internet access service (ISP): up to 100%",
            "B21 Online data processing and transaction processing: up to 100%",
            "B25-01 Information publishing platform and delivery: up to 100%",
            "B25-05 Information protection and processing: up to 100%",
        ],
        "points_zh": notice["cap"]["points_zh"],
    }
    assert len(notice["cap"]["points_zh"]) == 6 and notice["cap"]["points_zh"][0].startswith("B11 互联网数据中心业务")
    assert notice["regions"][0] == {
        "name_en": "Beijing (Notice 107 pilot region)",
        "name_zh": notice["regions"][0]["name_zh"],
        "licence_area_en": "Beijing",
        "licence_area_zh": "北京市",
    }
    assert [step["heading_en"] for step in body["steps"]] == [
        "1. Apply",
        "2. Formal review and acceptance",
        "3. Two-tier review and security assessment",
        "4. Decision",
        "5. Licence",
        "6. After approval",
    ]
    decision = body["steps"][3]["items"]
    assert [(item["text_en"], item["rule_id"], item["confidence"]) for item in decision] == [
        ("The authority decides within 60 days.", "parameter:review-period-days", "C2"),
        ("The period is counted in working days.", "parameter:review-period-unit", "U"),
    ]
    assert (len(body["about"]), len(body["who_may_apply"]), len(body["documents"]), len(body["contacts"])) == (
        2,
        8,
        2,
        3,
    )
    # Each Chinese text is the page's in Chinese.
    chinese = client_for(None, "zh-hans").get("/guide/").content.decode()
    for step in body["steps"]:
        assert step["heading_zh"] in chinese and step["heading_zh"] != step["heading_en"]
    assert notice["cap"]["text_zh"] in chinese and notice["regions"][0]["name_zh"] in chinese
