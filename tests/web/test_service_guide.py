"""The public service guide (办事指南): anonymous visitors get it at `/`, everyone at `/guide/`; each item
is drawn from the rulebook in force on the day, with its citation in the reader's language, and no rule id
shows as text."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse
from pilot_world import World, client_for

from vatspilot.domain.applications import Role
from vatspilot.queries.service_guide import service_guide
from vatspilot.rulebook.errors import RulebookError
from vatspilot.rulebook.public_facts import load_public_facts, public_facts

pytestmark = pytest.mark.django_db

ON = date(2025, 6, 10)


@pytest.fixture(autouse=True)
def pinned_day(settings):
    settings.LANGUAGE_CODE = "en"
    settings.VATSPILOT_TODAY = ON


def _visible(response) -> str:
    """The page's text as a reader sees it: tags (and so link targets) removed, spaces collapsed."""
    body = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def test_an_anonymous_visitor_reads_the_guide_at_the_root() -> None:
    response = client_for(None).get("/")

    assert response.status_code == 200
    text = _visible(response)
    assert "Service guide: the VATS opening-up pilot" in text
    assert "As the rulebook stands on 2025-06-10." in text
    # The Notice 107 opening: its services with their caps, its regions by name, its citation.
    assert "B11 Internet data center (IDC), incl. internet resource collaboration: up to 100%" in text
    assert "Beijing (Notice 107 pilot region)" in text
    assert "Licence area: Shanghai Pudong New Area and Lin-gang" in text
    assert "MIIT Communications Letter [2024] No. 107, item 2" in text
    # Who may apply, the documents, the steps and time limits, the contacts.
    assert (
        "Registered capital of at least RMB 1,000,000 for a provincial licence, "
        "RMB 10,000,000 for a cross-regional licence." in text
    )
    assert "Ownership structure statement" in text and "Network topology (overseas)" in text
    assert (
        "If the materials are incomplete, one correction notice lists everything to correct, within 5 working days."
        in text
    )
    assert "The authority decides within 60 days." in text
    assert "The period is counted in working days." in text
    assert "The annual report is filed each year between 01-01 and 03-31 (month-day)." in text
    assert "MIIT Order No. 42, Arts. 3 and 9; Telecommunications Regulations, Art. 9" in text
    # Ids never show as text, only in the links to the rules' pages.
    for raw in ("notice-107:beijing", "cap:notice-107", "cap:national-default", "documents:order-42"):
        assert raw not in text
    assert 'href="/rules/cap:notice-107/"' in response.content.decode()


def test_the_guide_links_to_the_public_services() -> None:
    body = client_for(None).get("/guide/").content.decode()

    for path in ("/eligibility/", "/track/", "/statistics/", "/register/", "/rules/", "/accounts/login/"):
        assert f'href="{path}"' in body


def test_the_guide_is_in_chinese_for_a_chinese_reader() -> None:
    response = client_for(None, "zh-hans").get("/")

    text = _visible(response)
    assert response.status_code == 200
    assert "办事指南：增值电信业务扩大对外开放试点" in text
    assert "北京市（107号通告试点地区）" in text
    assert "《工业和信息化部关于开展增值电信业务扩大对外开放试点工作的通告》（工信部通信函〔2024〕107号）第二条" in text
    assert "申请材料不齐全的，在5个工作日内一次性告知需要补正的全部内容。" in text
    assert "B11 互联网数据中心业务：外资股比可达100%" in text
    # The English citation is not what a Chinese reader gets.
    assert "MIIT Communications Letter [2024] No. 107, item 2" not in text


def test_a_signed_in_user_keeps_the_home_redirect_and_has_the_guide_at_its_own_address(world: World) -> None:
    client = client_for(world.users[Role.APPLICANT])

    assert client.get("/").status_code == 302
    assert client.get(reverse("web:guide")).status_code == 200


def test_the_guide_follows_the_day(settings) -> None:
    settings.VATSPILOT_TODAY = date(2024, 6, 1)

    guide = service_guide(date(2024, 6, 1), "en")

    # Notice 107 was issued but its channel was not open: its opening is not listed, a note says when.
    assert [o.code for o in guide.openings] == ["hainan-ftp", "ftz"]
    assert [i.text for i in guide.not_yet_open] == [
        "The Notice 107 pilot has been issued; its application channel opens on 2024-10-23."
    ]
    text = _visible(client_for(None).get("/"))
    assert "The Notice 107 pilot has been issued; its application channel opens on 2024-10-23." in text


def test_the_read_model_draws_each_item_from_a_rule_or_a_sourced_fact() -> None:
    guide = service_guide(ON, "en")

    assert [o.code for o in guide.openings] == ["notice-107", "comprehensive-pilot", "hainan-ftp", "ftz"]
    notice = guide.openings[0]
    assert notice.cap.rule_id == "cap:notice-107" and notice.cap.confidence == "C1"
    assert notice.cap.points == (
        "B11 Internet data center (IDC), incl. internet resource collaboration: up to 100%",
        "B12 Content delivery network (CDN): up to 100%",
        "B14 Internet access service (ISP): up to 100%",
        "B21 Online data processing and transaction processing: up to 100%",
        "B25-01 Information publishing platform and delivery: up to 100%",
        "B25-05 Information protection and processing: up to 100%",
    )
    assert [r.name for r in notice.regions] == [
        "Beijing (Notice 107 pilot region)",
        "Shanghai Pudong New Area and Lin-gang Special Area (Notice 107 pilot region)",
        "Hainan Free Trade Port (Notice 107 pilot region)",
        "Shenzhen (Notice 107 pilot region)",
    ]
    assert [i.rule_id for i in guide.documents] == ["documents:order-42", "documents:pilot-additions"]
    items = [*guide.about, *guide.who_may_apply, *guide.documents, *guide.contacts]
    items += [i for step in guide.steps for i in step.items]
    items += [o.cap for o in guide.openings] + [i for o in guide.openings for i in (*o.regions_basis, *o.exclusions)]
    assert all(i.basis for i in items)
    assert [s.heading for s in guide.steps] == [
        "1. Apply",
        "2. Formal review and acceptance",
        "3. Two-tier review and security assessment",
        "4. Decision",
        "5. Licence",
        "6. After approval",
    ]


def test_every_public_fact_has_a_source_in_both_languages() -> None:
    facts = public_facts()

    assert [m.on for m in facts.milestones] == sorted(m.on for m in facts.milestones)
    first_batch = next(m for m in facts.milestones if m.id == "first-batch")
    assert first_batch.on == date(2025, 2, 28)
    assert "13 pilot approvals" in first_batch.text.en and "13家" in first_batch.text.zh


def test_a_fact_without_chinese_does_not_load(tmp_path: Path) -> None:
    path = tmp_path / "public_facts.yaml"
    path.write_text(
        "procedure: []\ncontacts: []\nmilestones:\n"
        "  - {id: x, date: 2025-01-01, text: {en: 'A fact'}, source: {en: 'S', zh: '来源'}}\n",
        encoding="utf-8",
    )

    with pytest.raises(RulebookError, match="'text' needs both an 'en' and a 'zh' text"):
        load_public_facts(path)
