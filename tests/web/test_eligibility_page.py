"""The public eligibility check (/eligibility/): the steps, the determination with its rule links, the PDF
and starting an application from the answers."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from pilot_world import World, client_for

from vatspilot.store.models import Application, AuditEntry

pytestmark = pytest.mark.django_db

URL = "/eligibility/"
# 60% Hong Kong, 40% a Shanghai company held by one Chinese person: the look-through walks a level.
TREE: list[dict[str, Any]] = [
    {"name": "Example Holdings Ltd", "jurisdiction": "HK", "percent": 60},
    {
        "name": "上海示例科技有限公司",
        "jurisdiction": "CN",
        "percent": 40,
        "shareholders": [{"name": "张三", "jurisdiction": "CN", "percent": 100}],
    },
]


@pytest.fixture(autouse=True)
def _today(settings: Any) -> None:
    settings.VATSPILOT_TODAY = "2026-06-01"


def _answers(**changes: Any) -> dict[str, Any]:
    answers: dict[str, Any] = {
        "province": "310000",
        "district": "310115",  # Pudong New Area (Shanghai has no city level in the lists)
        "registered_capital_cny": "10000000",
        "ownership": json.dumps(TREE, ensure_ascii=False),
        "service_area_kind": "provincial",
        "service_B11": "on",
        "scopes_B21": "e-commerce",
        "check": "1",
    }
    answers.update(changes)
    return {k: v for k, v in answers.items() if v is not None}


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_steps_are_public_and_offer_only_each_services_own_options() -> None:
    response = client_for(None).get(URL)
    assert response.status_code == 200
    form = response.context["form"]
    assert len(form.fields["province"].choices) == 35  # the blank and the 34 province-level divisions
    assert ("310000", "Shanghai") in form.fields["province"].choices
    assert "scopes_B11" not in form.fields
    assert form.fields["scopes_B14"].choices == [
        ("end-user-access", "Internet access for end users"),
        ("website-access", "Internet access for websites"),
    ]
    assert [c for c, _ in form.fields["scopes_B24"].choices] == ["domestic", "offshore"]
    assert [c for c, _ in form.fields["scopes_B25-01"].choices] == ["app-store"]
    assert "music" in dict(form.fields["contents_B25-01"].choices)
    assert "music" not in dict(form.fields["contents_B11"].choices)
    page = response.content.decode()
    assert "Connecting end users or websites to the internet." in page
    assert "data-ownership-editor" in page


def test_the_place_lists_follow_the_province_and_city() -> None:
    client = client_for(None)
    guangdong = client.get(reverse("web:eligibility_places"), {"province": "440000"}).context["form"]
    assert ("440300", "深圳市") in guangdong.fields["city"].choices
    assert guangdong.fields["district"].choices == [("", "---------")]
    shenzhen = client.get(reverse("web:eligibility_places"), {"province": "440000", "city": "440300"})
    assert ("440305", "南山区") in shenzhen.context["form"].fields["district"].choices
    assert 'hx-get="/eligibility/places/"' in shenzhen.content.decode()
    # A municipality's districts hang under the province: no city list.
    beijing = client.get(reverse("web:eligibility_places"), {"province": "110000"})
    assert 'name="city"' not in beijing.content.decode()
    assert ("110105", "朝阳区") in beijing.context["form"].fields["district"].choices
    # A city left from another province is dropped, not offered.
    stale = client.get(reverse("web:eligibility_places"), {"province": "110000", "city": "440300"}).context["form"]
    assert ("440305", "南山区") not in stale.fields["district"].choices


def test_the_update_button_reloads_the_lists_without_judging() -> None:
    response = client_for(None).get(URL, {"province": "440000", "city": "440300", "refresh": "1"})
    assert response.status_code == 200
    assert response.context["determination"] is None and response.context["errors"] == []
    assert ("440305", "南山区") in response.context["form"].fields["district"].choices


def test_the_determination_shows_reasons_confidence_and_rule_links() -> None:
    response = client_for(None).get(URL, _answers())

    assert response.status_code == 200
    determination = response.context["determination"]
    assert determination["outcome"] == "eligible"
    assert determination["foreign_share"] == 60
    assert [s["code"] for s in determination["services"]] == ["B11", "B21"]
    b11, b21 = determination["services"]
    assert (b11["route"], b11["opening"]) == ("pilot", "notice-107")
    assert (b21["scope"], b21["scope_name"]) == ("e-commerce", "Operational e-commerce only")
    assert [r["link"] for r in b11["reasons"]] == [f"/rules/{r['rule']}/" for r in b11["reasons"]]
    page = response.content.decode()
    assert '<a href="/rules/cap:notice-107/">MIIT Communications Letter [2024] No. 107, item 2</a>' in page
    assert 'title="C1: confirmed from the official text or a regulator&#x27;s page">C1</abbr>' in page
    text = _text(page)
    assert "Place of registration Shanghai · 浦东新区 310115 " in text
    assert "Shanghai Pudong New Area and Lin-gang Special Area (Notice 107 pilot region)" in text
    assert "notice-107:shanghai" not in text
    assert f'href="/eligibility/result.pdf?{response.context["answers"]}"'.replace("&", "&amp;") in page


def test_the_determination_speaks_the_readers_language() -> None:
    response = client_for(None, "zh-hans").get(URL, _answers())
    page = response.content.decode()
    assert response.status_code == 200
    assert "工信部通信函〔2024〕107号" in page
    assert "上海市浦东新区和临港新片区（107号通告试点地区）" in page
    assert ("310000", "上海市") in response.context["form"].fields["province"].choices


def test_no_service_is_named_at_the_top_and_nothing_is_written() -> None:
    before = (Application.objects.count(), AuditEntry.objects.count())
    response = client_for(None).get(URL, _answers(service_B11=None, scopes_B21=None))

    assert response.status_code == 422
    assert response.context["errors"] == [
        {"label": "", "message": "Tick at least one service.", "anchor": "eligibility-form"}
    ]
    assert response.context["determination"] is None
    assert (Application.objects.count(), AuditEntry.objects.count()) == before


def test_shares_that_do_not_add_up_are_put_on_the_ownership_step() -> None:
    bad = [{"name": "A", "jurisdiction": "HK", "percent": 60}, {"name": "B", "jurisdiction": "CN", "percent": 30}]
    response = client_for(None).get(URL, _answers(ownership=json.dumps(bad)))

    assert response.status_code == 422
    [error] = response.context["errors"]
    assert error["label"] == "Ownership (direct shareholders)"
    assert error["anchor"] == "ownership-section"
    assert list(response.context["form"].errors) == ["ownership"]
    assert 'id="error-summary"' in response.content.decode()


def test_a_missing_province_and_a_bad_capital_are_named_in_the_users_words() -> None:
    response = client_for(None).get(URL, _answers(province="", district=None, registered_capital_cny="ten"))
    assert response.status_code == 422
    assert response.context["errors"] == [
        {"label": "Province", "message": "Choose the province of registration.", "anchor": "id_province"},
        {"label": "Registered capital (yuan)", "message": "Enter a number.", "anchor": "id_registered_capital_cny"},
    ]


def test_a_scope_that_is_not_the_services_own_is_refused() -> None:
    response = client_for(None).get(URL, _answers(scopes_B21=None, scopes_B11="e-commerce"))
    # B11 has no scopes: the field does not exist, so the answer is ignored; B11 is still asked.
    assert response.status_code == 200
    assert [s.get("scope") for s in response.context["determination"]["services"]] == [None]
    refused = client_for(None).get(URL, _answers(scopes_B21="app-store"))
    assert refused.status_code == 422
    assert refused.context["errors"][0]["label"] == "Narrower scope"


def test_the_pdf_carries_the_same_determination() -> None:
    response = client_for(None).get(reverse("web:eligibility_pdf"), _answers())

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="eligibility-2026-06-01.pdf"'
    assert response.content.startswith(b"%PDF-")


def test_the_pdf_of_bad_answers_is_the_form_with_its_errors() -> None:
    response = client_for(None).get(reverse("web:eligibility_pdf"), _answers(service_B11=None, scopes_B21=None))
    assert response.status_code == 422
    assert response["Content-Type"].startswith("text/html")


def test_a_visitor_is_offered_to_sign_in_and_come_back_to_the_result() -> None:
    response = client_for(None).get(URL, _answers())
    login = response.context["login_url"]
    assert login.startswith("/accounts/login/?next=%2Feligibility%2F%3F")
    assert 'action="/eligibility/apply/"' not in response.content.decode()


def test_a_visitor_is_asked_to_sign_in_before_applying() -> None:
    before = Application.objects.count()
    response = client_for(None).post(reverse("web:eligibility_apply"), {"answers": "check=1"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert Application.objects.count() == before


def test_an_applicant_starts_an_application_prefilled_from_the_answers(world: World) -> None:
    client = client_for(world.applicant)
    page = client.get(URL, _answers())
    assert 'action="/eligibility/apply/"' in page.content.decode()

    response = client.post(
        reverse("web:eligibility_apply"),
        {"answers": page.context["answers"], "organisation": str(world.organisation.pk)},
    )

    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("web:dossier", args=[application.pk])
    assert application.organisation == world.organisation
    assert application.status == "draft"
    assert application.ownership == TREE
    assert application.services == [{"code": "B11"}, {"code": "B21", "scope": "e-commerce"}]
    assert application.service_area == {"kind": "provincial"}
    assert application.determination["outcome"] == "eligible"
    assert list(
        AuditEntry.objects.filter(object_type="store.application", object_id=str(application.pk)).values_list(
            "action", flat=True
        )
    ) == [
        "application.created",
        "application.dossier_changed",
    ]


def test_exact_shares_reach_the_dossier_exactly(world: World) -> None:
    tree = [
        {"name": "A", "jurisdiction": "HK", "percent": 33.33},
        {"name": "B", "jurisdiction": "CN", "percent": 66.67},
    ]
    client = client_for(world.applicant)
    answers = client.get(URL, _answers(ownership=json.dumps(tree))).context["answers"]
    client.post(reverse("web:eligibility_apply"), {"answers": answers})
    application = Application.objects.get()
    assert [h["percent"] for h in application.ownership] == [Decimal("33.33"), Decimal("66.67")]


def test_bad_answers_start_no_application(world: World) -> None:
    client = client_for(world.applicant)
    before = AuditEntry.objects.count()
    bad = json.dumps([{"name": "A", "jurisdiction": "HK", "percent": 50}])
    response = client.post(reverse("web:eligibility_apply"), {"answers": urlencode(_answers(ownership=bad))})
    assert response.status_code == 422
    assert Application.objects.count() == 0
    assert AuditEntry.objects.count() == before
