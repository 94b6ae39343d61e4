"""Determinations stored under decision contract v1 stay readable as they were taken, on the application
page and in the API; v2 ones show each reason's confidence code beside its citation, the opening and area
of each service, the licence by area and, at the top, the U rules the answer rests on. A draft is judged
again under v2 when it is next edited; a decision never is.

tests/support/v1_snapshot.json is the v1 engine's own output (the rulebook of 2026-11-29) for the world's
dossier on 2025-06-03, copied literally."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from pilot_world import BASIS, DOSSIER, ON, World, client_for

from vatspilot.domain.applications import Action, Role, State
from vatspilot.rulebook.loader import default_rulebook
from vatspilot.services import applications as svc
from vatspilot.store.models import Application, Decision

V1: dict[str, Any] = json.loads((Path(__file__).parents[1] / "support" / "v1_snapshot.json").read_text("utf-8"))
V1_RULEBOOK = "2026.11.29+c2b4c280f5cd"
V1_AREA = "Shanghai Pudong New Area and Lin-gang Special Area"
V1_NOTE = {
    "en": "Taken under decision contract v1 and shown as it was recorded: it carries no confidence codes, no "
    "opening per service and a single licence area.",
    "zh": "本判定依据判定格式第1版作出，按记录原样显示：不含可信度代码、各业务的开放措施，许可地域仅一项。",
}
LANGUAGES = [("en", "en"), ("zh-hans", "zh")]


def _page(world: World, application: Application, language: str = "en", role: Role = Role.LOCAL_OFFICER) -> str:
    response = client_for(world.users[role], language).get(reverse("web:application", args=[application.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _stored_as_v1(application: Application) -> None:
    """The row as the v1 code left it (a stored row, never recomputed: written as it was)."""
    Application.objects.filter(pk=application.pk).update(determination=V1, rulebook_version=V1_RULEBOOK)


def _decided_under_v1(world: World) -> Application:
    """An application approved before the upgrade: its row and its decision hold the v1 snapshot."""
    application = world.drive_to(State.MINISTERIAL_REVIEW)
    Application.objects.filter(pk=application.pk).update(
        status=State.APPROVED.value, determination=V1, rulebook_version=V1_RULEBOOK
    )
    Decision.objects.create(
        application=application,
        outcome="approved",
        legal_basis=BASIS,
        reasons="Every agency concurred and the security assessment is positive.",
        licence_area=V1["licence"]["area"],
        licence_services=V1["licence"]["services"],
        determination=V1,
        rulebook_version=V1_RULEBOOK,
        actor=world.users[Role.MIIT_REVIEWER],
        decided_at=datetime(2025, 6, 3, 2, 0, tzinfo=UTC),
    )
    return Application.objects.get(pk=application.pk)


def test_the_fixture_is_a_v1_snapshot() -> None:
    assert V1["schema"] == "vatspilot/decision/v1"
    assert V1["rulebook"] == V1_RULEBOOK
    assert V1["licence"] == {"area": V1_AREA, "services": ["B11", "B25-05"]}
    assert all(set(r) == {"rule", "effect", "citation", "message"} for s in V1["services"] for r in s["reasons"])


@pytest.mark.parametrize(("language", "lang"), LANGUAGES)
def test_a_decision_taken_under_v1_renders_as_it_was_taken(world: World, language: str, lang: str) -> None:
    # Given an application approved under v1, its decision and its row holding the v1 snapshot
    application = _decided_under_v1(world)

    # When an official opens it, in English or Chinese
    page = _page(world, application, language)

    # Then the stored determination is shown as it was taken: its words (stored in English; on a Chinese
    # page their Chinese is looked up, never recomputed: services/legal_text.py), its rules by name, its
    # single licence area, its rulebook version; nothing of v2 and no recomputation
    assert V1_NOTE[lang] in page
    assert f"<dd><code>{V1_RULEBOOK}</code></dd>" in page
    assert f"<cite>{NOTICE_107[lang]}</cite>" in page
    assert {
        "en": "Notice 107 removes the foreign equity cap for Information protection and processing in Shanghai "
        "Pudong New Area and Lin-gang Special Area (Notice 107 pilot region): up to 100%; the foreign share of "
        "100% is within it.",
        "zh": "107号通告在上海市浦东新区和临港新片区（107号通告试点地区）取消信息保护和处理服务外资股比限制："
        "外资股比可达100%；外资股比100%未超出。",
    }[lang] in page
    assert {"en": "Licence obtainable: B11, B25-05", "zh": "可取得的许可： B11、B25-05"}[
        lang
    ] + f" — {V1_AREA}</p>" in page
    rule_name = {"en": "National foreign-share cap", "zh": "全国外资股比上限"}[lang]
    assert page.count(f'<span class="reason__rule">{rule_name}</span>') == 2
    for absent in ("cap:not-opened-wto", "cap:national-default", 'class="confidence', "reason__period"):
        assert absent not in page
    assert {"en": '<th scope="col">Opening-up measure</th>', "zh": '<th scope="col">开放措施</th>'}[lang] not in page
    # and the decision's own record
    assert {"en": "Licensed area", "zh": "许可地域"}[lang] in page
    assert f"<dd>{V1_AREA}</dd>" in page
    assert "<dd>B11, B25-05</dd>" in page


def test_the_api_gives_a_v1_decision_exactly_as_stored(world: World) -> None:
    application = _decided_under_v1(world)

    body = client_for(world.users[Role.LOCAL_OFFICER]).get(f"/api/v1/applications/{application.pk}").json()

    assert body["determination"] == V1
    assert body["uncertain_basis"] == []
    assert body["rulebook_version"] == V1_RULEBOOK
    assert body["decision"]["determination"] == V1
    assert body["decision"]["rulebook_version"] == V1_RULEBOOK
    assert (body["decision"]["licence_area"], body["decision"]["licence_services"]) == (V1_AREA, ["B11", "B25-05"])


def test_a_refusal_keeps_the_v1_determination_it_was_taken_on(world: World) -> None:
    # Given a submitted application whose stored determination is still the v1 one
    application = world.drive_to(State.SUBMITTED)
    _stored_as_v1(application)

    # When the officer refuses it (a refusal does not take the determination again)
    refused = world.act(Role.LOCAL_OFFICER, application, Action.REFUSE, legal_basis=BASIS, reasons="r")

    # Then the decision relied on the v1 snapshot, and the page and the API show it as such
    assert Decision.objects.get(application=refused).determination == V1
    page = _page(world, refused)
    assert V1_NOTE["en"] in page
    assert "cap:not-opened-wto" not in page
    body = client_for(world.users[Role.LOCAL_OFFICER]).get(f"/api/v1/applications/{refused.pk}").json()
    assert body["decision"]["determination"] == V1


def test_editing_a_draft_held_under_v1_judges_it_again_under_v2(world: World) -> None:
    # Given a draft whose stored determination was taken under v1
    application = world.new_application()
    _stored_as_v1(application)

    # When the applicant next saves the dossier
    edited = svc.update_dossier(
        actor=world.applicant, application=Application.objects.get(pk=application.pk), on=ON, **DOSSIER
    )

    # Then it is judged again, under the current rulebook and contract v2
    assert edited.determination["schema"] == "vatspilot/decision/v2"
    assert edited.rulebook_version == edited.determination["rulebook"] == default_rulebook().version
    assert [(s["code"], s["opening"], s["area"]) for s in edited.determination["services"]] == [
        ("B11", "notice-107", "Shanghai Pudong New Area and Lin-gang"),
        ("B25-05", "notice-107", "Shanghai Pudong New Area and Lin-gang"),
    ]


C1_TITLE = {
    "en": "C1: confirmed from the official text or a regulator&#x27;s page",
    "zh": "C1：已据官方文本或监管部门网页确认",
}
NOTICE_107 = {
    "en": "MIIT Communications Letter [2024] No. 107, item 2",
    "zh": "《工业和信息化部关于开展增值电信业务扩大对外开放试点工作的通告》（工信部通信函〔2024〕107号）第二条",
}


@pytest.mark.parametrize(("language", "lang"), LANGUAGES)
def test_a_v2_determination_shows_confidence_opening_area_and_the_u_warning(
    world: World, language: str, lang: str
) -> None:
    # Given a draft judged under v2: B11 and B25-05 opened by Notice 107 in Pudong, the pilot checklist (U)
    application = world.new_application()

    page = _page(world, application, language, role=Role.APPLICANT)

    # Then the U warning comes first, each citation follows its confidence code (with a title), each
    # service names its opening and area, the licence is given by area, and a legend explains the codes
    warning = {
        "en": "<strong>This answer rests on rules graded U (uncertain or conflicting sources):</strong> "
        "Pilot additions and the security assessment. Check them against the sources before relying on it.",
        "zh": "<strong>本结论依据可信度为U（来源不确定或相互矛盾）的规则：</strong> "
        "试点补充材料和安全评估。依赖本结论前，请对照原始来源核实。",
    }[lang]
    assert warning in page
    assert page.index(warning) < page.index('<p class="outcome outcome--eligible">')
    period = {"en": "(in force 2024-10-23..)", "zh": "（有效期 2024年10月23日起）"}[lang]
    gap = {"en": " ", "zh": ""}[lang]  # Chinese puts no space before its full-width bracket
    assert (
        f'<cite><abbr class="confidence confidence--C1" title="{C1_TITLE[lang]}">C1</abbr> {NOTICE_107[lang]}{gap}'
        f'<small class="reason__period">{period}</small></cite>'
    ) in page
    opening = {"en": "Notice 107 pilot", "zh": "107号通告试点"}[lang]
    area = {"en": "Shanghai Pudong New Area and Lin-gang", "zh": "上海市浦东新区和临港新片区"}[lang]
    assert page.count(f"<td>{opening}</td>\n            <td>{area}</td>") == 2
    listed = {"en": f"{area}: B11, B25-05", "zh": f"{area}：B11、B25-05"}[lang]
    assert f'<ul class="licence-areas"><li>{listed}</li></ul>' in page
    legend = {
        "en": "Confidence codes: C1: confirmed from the official text or a regulator&#x27;s page; C2: confirmed "
        "from reliable secondary sources; M: not confirmed by a source (a widely repeated claim or a reasoned "
        "reading), to be verified; U: uncertain or "
        "conflicting sources",
        "zh": "可信度代码： C1：已据官方文本或监管部门网页确认；C2：已据可靠的二手来源确认；"
        "M：未经来源确认（广为流传的说法或推理解读），有待核实；U：不确定或来源相互矛盾",
    }[lang]
    assert legend in page
    assert V1_NOTE[lang] not in page


def test_the_api_names_the_u_rules_of_a_v2_determination(world: World) -> None:
    application = world.new_application()

    body = client_for(world.applicant).get(f"/api/v1/applications/{application.pk}").json()

    assert body["uncertain_basis"] == ["documents:pilot-additions"]
    reasons = body["determination"]["services"][0]["reasons"]
    assert [(r["rule"], r["confidence"], r["citation"]) for r in reasons] == [
        (
            "cap:not-opened-wto",
            "M",
            "Special Administrative Measures for Foreign Investment Access (Negative List, 2024 edition, NDRC/MOFCOM "
            "Order No. 23), item 13 (number unverified): limited to telecom businesses opened under China's WTO "
            "commitments",
        ),
        ("cap:notice-107", "C1", NOTICE_107["en"]),
    ]


def test_a_chinese_page_rewords_only_under_the_exact_rulebook_version(world: World) -> None:
    # Given a v2 determination taken under another version of the rulebook than the current one
    application = world.new_application()
    # whose Notice 107 citation was worded otherwise then (no rulebook entry, of any period, says it so)
    older_wording = NOTICE_107["en"] + " (older wording)"
    older = json.loads(
        json.dumps({**application.determination, "rulebook": "2026.12.01+000000000000"}).replace(
            json.dumps(NOTICE_107["en"]), json.dumps(older_wording)
        )
    )
    Application.objects.filter(pk=application.pk).update(determination=older, rulebook_version=older["rulebook"])

    page = _page(world, application, "zh-hans", role=Role.APPLICANT)

    # Then the Chinese page shows the stored words, not a recomputation under today's rulebook: a citation
    # is put into Chinese only by looking its exact English up (services/legal_text.py), so the older
    # wording stays as it was recorded
    assert "<dd><code>2026.12.01+000000000000</code></dd>" in page
    assert older_wording in page
    assert NOTICE_107["zh"] not in page
