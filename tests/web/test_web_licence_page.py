"""The licence page (/licences/<number>/): the holder's members and the officials who see the application
read the licence and its history with notes; another organisation gets the 404 of a number nobody has;
MIIT sees the decision forms and a POST suspends; the holder's POST is refused with nothing changed; a
bad reduction is a 422 naming the field; the page in Chinese."""

from __future__ import annotations

import re

import pytest
from pilot_world import World, client_for
from pytest_django.fixtures import Settings

from vatspilot.domain.applications import Role, State
from vatspilot.store.models import AuditEntry, Licence, LicenceEvent

pytestmark = pytest.mark.django_db
NUMBER = "B1.B2-20250001"
URL = f"/licences/{NUMBER}/"
REASON = "Order 42: logging duty breached (note for the record qx9)"


@pytest.fixture
def licence(world: World, settings: Settings) -> Licence:
    settings.VATSPILOT_TODAY = "2025-09-01"
    world.drive_to(State.APPROVED)
    return Licence.objects.get()


def _unchanged(licence: Licence) -> tuple[object, ...]:
    licence.refresh_from_db()
    licence_entries = AuditEntry.objects.filter(action__startswith="licence.")
    return (licence.status, licence.version, licence.services, LicenceEvent.objects.count(), licence_entries.count())


def _forms(html: str) -> list[str]:
    return re.findall(r'id="licence-action-([a-z_]+)"', html)


def test_a_member_reads_the_licence_without_forms(world: World, licence: Licence) -> None:
    response = client_for(world.applicant).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<h1>Licence {NUMBER}</h1>" in html
    assert f'href="/licences/{NUMBER}/certificate.pdf"' in html
    assert "B11</strong> Internet data center (IDC), incl. internet resource collaboration" in html
    assert "Shanghai Pudong New Area and Lin-gang" in html
    assert "logs 180 days" in html  # the conditions
    assert "2030-06-02" in html
    assert '<tr data-action="issue">' in html
    assert _forms(html) == []


def test_the_application_page_links_to_it(world: World, licence: Licence) -> None:
    page = client_for(world.applicant).get(f"/applications/{licence.application_id}/").content.decode()
    assert f'href="{URL}">Licence {NUMBER}</a>' in page


def test_another_organisation_and_a_local_officer_elsewhere_get_404(world: World, licence: Licence) -> None:
    assert client_for(world.other_applicant).get(URL).status_code == 404
    assert client_for(world.other_applicant).get("/licences/B1-20259999/").status_code == 404
    assert client_for(world.outsider).get(URL).status_code == 404
    assert client_for(None).get(URL).status_code == 302


def test_miit_sees_the_forms_and_suspends(world: World, licence: Licence) -> None:
    miit = client_for(world.users[Role.MIIT_REVIEWER])
    html = miit.get(URL).content.decode()
    assert _forms(html) == ["suspend", "reduce_scope", "revoke"]
    assert 'name="suspend-expected_version" value="1"' in html
    response = miit.post(
        f"{URL}actions/suspend/", {"suspend-expected_version": "1", "suspend-reason": REASON}, follow=True
    )
    assert response.redirect_chain == [(URL, 302)]
    licence.refresh_from_db()
    assert (licence.status, licence.version) == ("suspended", 2)
    html = response.content.decode()
    assert _forms(html) == ["reinstate", "revoke"]
    assert REASON in html  # the note, for the officials and the holder
    assert REASON in client_for(world.applicant).get(URL).content.decode()
    assert REASON not in client_for(None).get(f"/register/{NUMBER}/").content.decode()


def test_the_holder_may_not_post_a_decision(world: World, licence: Licence) -> None:
    before = _unchanged(licence)
    response = client_for(world.applicant).post(
        f"{URL}actions/suspend/", {"suspend-expected_version": "1", "suspend-reason": REASON}
    )
    assert response.status_code == 403
    other = client_for(world.other_applicant).post(
        f"{URL}actions/revoke/", {"revoke-expected_version": "1", "revoke-reason": REASON}
    )
    assert other.status_code == 404
    assert _unchanged(licence) == before


def test_a_refusal_is_shown_on_the_form_naming_the_field(world: World, licence: Licence) -> None:
    before = _unchanged(licence)
    miit = client_for(world.users[Role.MIIT_REVIEWER])
    response = miit.post(
        f"{URL}actions/reduce_scope/",
        {
            "reduce_scope-expected_version": "1",
            "reduce_scope-reason": REASON,
            "reduce_scope-remove_services": ["B11", "B25-05"],
        },
    )
    assert response.status_code == 422
    assert (
        "<p>Services to remove: At least one service must remain: removing every service is a revocation.</p>"
        in response.content.decode()
    )
    narrowed = miit.post(
        f"{URL}actions/reduce_scope/",
        {
            "reduce_scope-expected_version": "1",
            "reduce_scope-reason": REASON,
            "reduce_scope-narrow_areas": ["B11::Shanghai Pudong New Area and Lin-gang"],
        },
    )
    assert narrowed.status_code == 422
    assert (
        "<p>Areas to withdraw: Keep at least one area of B11, or remove the service.</p>" in narrowed.content.decode()
    )
    missing = miit.post(f"{URL}actions/suspend/", {"suspend-expected_version": "1", "suspend-reason": ""})
    assert missing.status_code == 422
    assert "<p>Reason and legal basis: This field is required.</p>" in missing.content.decode()
    assert _unchanged(licence) == before


def test_a_stale_form_is_a_conflict(world: World, licence: Licence) -> None:
    miit = client_for(world.users[Role.MIIT_REVIEWER])
    miit.post(f"{URL}actions/suspend/", {"suspend-expected_version": "1", "suspend-reason": REASON})
    before = _unchanged(licence)
    response = miit.post(f"{URL}actions/revoke/", {"revoke-expected_version": "1", "revoke-reason": REASON})
    assert response.status_code == 409
    assert _unchanged(licence) == before


def test_a_reduction_removes_a_service(world: World, licence: Licence) -> None:
    miit = client_for(world.users[Role.MIIT_REVIEWER])
    response = miit.post(
        f"{URL}actions/reduce_scope/",
        {
            "reduce_scope-expected_version": "1",
            "reduce_scope-reason": REASON,
            "reduce_scope-remove_services": ["B25-05"],
        },
    )
    assert response.status_code == 302
    licence.refresh_from_db()
    assert [service["code"] for service in licence.services] == ["B11"]
    register = client_for(None).get(f"/register/{NUMBER}/").content.decode()
    assert "<td>Scope reduced</td>" in register
    assert "Services removed: B25-05 Information protection and processing<br>Legal basis: " in register
    chinese = client_for(None, "zh-hans").get(f"/register/{NUMBER}/").content.decode()
    assert "<td>取消的业务：B25-05 信息保护和处理服务<br>法律依据：" in chinese
    assert REASON not in register  # the note stays off the public register


def test_the_page_in_chinese(world: World, licence: Licence) -> None:
    html = client_for(world.users[Role.MIIT_REVIEWER], "zh-hans").get(URL).content.decode()
    assert f"<h1>许可证 {NUMBER}</h1>" in html
    assert "互联网数据中心业务" in html
    assert "上海市浦东新区和临港新片区" in html
    assert '<th scope="col">变更事项</th>' in html
    assert "<legend>暂停许可证</legend>" in html
    assert "<legend>吊销许可证</legend>" in html
    assert "<legend>缩减许可证业务范围</legend>" in html
    assert "B25-05 信息保护和处理服务</label>" in html
    assert "B11：上海市浦东新区和临港新片区</label>" in html
    assert ">有效</span>" in html
