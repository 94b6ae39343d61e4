"""The holder's filing pages and the decisions on a filing (web.views.licence_filings): the licence page
shows the renewal deadline with the days left, the filings with their status, late flag and re-check; the
holder files a change (shareholder rows, not JSON) and a renewal, errors named at the top with nothing
written; MIIT approves or refuses from the licence page; every other role is refused (403 for those who
see the licence, 404 for those who do not); the pages in Chinese."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from pilot_world import World, client_for
from pytest_django.fixtures import Settings

from vatspilot.domain.applications import Role
from vatspilot.services.licences.filings import file_change, file_renewal
from vatspilot.store.models import AuditEntry, Licence, LicenceEvent, LicenceFiling

pytestmark = pytest.mark.django_db
NUMBER = "B1.B2-20250001"
URL = f"/licences/{NUMBER}/"
TODAY = date(2025, 8, 1)
REASON = "Order 42: change examined (note qx7)"


@pytest.fixture
def licence(world: World, settings: Settings) -> Licence:
    settings.VATSPILOT_TODAY = TODAY.isoformat()
    return world.licence()


def _unchanged(licence: Licence) -> tuple[object, ...]:
    licence.refresh_from_db()
    return (
        licence.version,
        licence.holder_name_zh,
        licence.valid_until,
        list(LicenceFiling.objects.values_list("status", "version")),
        LicenceEvent.objects.count(),
        # Signing in and refused requests (403) are audited too: only the licences' entries count here.
        AuditEntry.objects.filter(action__startswith="licence").count(),
    )


def _change_post(**fields: str) -> dict[str, str]:
    data = {
        "shareholders-TOTAL_FORMS": "3",
        "shareholders-INITIAL_FORMS": "0",
        "shareholders-MIN_NUM_FORMS": "0",
        "shareholders-MAX_NUM_FORMS": "30",
        "services-TOTAL_FORMS": "2",
        "services-INITIAL_FORMS": "0",
        "services-MIN_NUM_FORMS": "0",
        "services-MAX_NUM_FORMS": "20",
    }
    data.update(fields)
    return data


def _filing(world: World, licence: Licence) -> LicenceFiling:
    return file_change(
        actor=world.applicant,
        licence=licence,
        on=TODAY,
        changed_on=date(2025, 6, 20),
        kinds=["capital"],
        registered_capital_cny=Decimal("100000"),
    )


def test_the_holder_sees_the_deadline_and_the_links(world: World, licence: Licence) -> None:
    html = client_for(world.applicant).get(URL).content.decode()
    assert (
        "Renewal: to be filed by 2030-03-04, 90 days before the validity ends on 2030-06-02. Days left to file: 1676."
        in html
    )
    assert f'href="/licences/{NUMBER}/filings/change/"' in html
    assert f'href="/licences/{NUMBER}/filings/renewal/"' in html
    assert "No filings yet." in html
    miit = client_for(world.users[Role.MIIT_REVIEWER]).get(URL).content.decode()
    assert "Days left to file: 1676." in miit
    assert "/filings/change/" not in miit


def test_the_holder_files_a_shareholder_change_from_rows(world: World, licence: Licence) -> None:
    page = client_for(world.applicant).get(f"{URL}filings/change/")
    assert page.status_code == 200
    assert 'name="shareholders-0-name" value="Harbour Cloud Ltd"' in page.content.decode()
    response = client_for(world.applicant).post(
        f"{URL}filings/change/",
        _change_post(
            kinds="shareholders",
            changed_on="2025-06-20",
            **{
                "shareholders-0-name": "Harbour Cloud Ltd",
                "shareholders-0-jurisdiction": "hk",
                "shareholders-0-percent": "50",
                "shareholders-1-name": "上海港云投资有限公司",
                "shareholders-1-jurisdiction": "CN",
                "shareholders-1-percent": "50",
            },
        ),
    )
    assert (response.status_code, response["Location"]) == (302, URL)
    filing = LicenceFiling.objects.get()
    assert (filing.kind, filing.late, filing.changed_on) == ("change", True, date(2025, 6, 20))
    assert [(h["name"], h["jurisdiction"], str(h["percent"])) for h in filing.changes["shareholders"]] == [
        ("Harbour Cloud Ltd", "HK", "50"),
        ("上海港云投资有限公司", "CN", "50"),
    ]
    html = client_for(world.applicant).get(URL).content.decode()
    assert f'<tr data-filing="{filing.pk}" data-status="filed">' in html
    assert "Change filing: Shareholders" in html
    assert "Filed late" in html
    assert "Every service eligible" in html
    assert "A change filing awaits MIIT's decision." in html


def test_a_refused_change_is_named_at_the_top_and_nothing_is_written(world: World, licence: Licence) -> None:
    before = _unchanged(licence)
    response = client_for(world.applicant).post(
        f"{URL}filings/change/", _change_post(kinds="name", changed_on="2025-08-02", name_zh="新名称")
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert '<div class="alert alert--error" role="alert">' in html
    assert "The change took effect on: A change is filed after it took effect, not before." in html
    response = client_for(world.applicant).post(
        f"{URL}filings/change/",
        _change_post(kinds="shareholders", changed_on="2025-07-20", **{"shareholders-0-name": "A Ltd"}),
    )
    assert response.status_code == 422
    assert (
        "Shareholders after the change: Give each shareholder&#x27;s jurisdiction and percentage."
        in response.content.decode()
    )
    assert _unchanged(licence) == before


def test_the_holder_files_a_renewal(world: World, licence: Licence) -> None:
    page = client_for(world.applicant).get(f"{URL}filings/renewal/").content.decode()
    assert "Days left to file: 1676." in page
    response = client_for(world.applicant).post(
        f"{URL}filings/renewal/", {"launched_B11": "2025-07-01", "never_B25-05": "on"}
    )
    assert (response.status_code, response["Location"]) == (302, URL)
    assert LicenceFiling.objects.get().launched == {"B11": "2025-07-01", "B25-05": ""}


def test_an_unanswered_service_is_named_and_nothing_is_filed(world: World, licence: Licence) -> None:
    before = _unchanged(licence)
    response = client_for(world.applicant).post(f"{URL}filings/renewal/", {"launched_B11": "2025-07-01"})
    assert response.status_code == 422
    assert "Say when B25-05 was launched, or that it never was." in response.content.decode()
    assert _unchanged(licence) == before


def test_miit_approves_from_the_licence_page_and_refusal_is_at_the_top(world: World, licence: Licence) -> None:
    filing = file_change(
        actor=world.applicant, licence=licence, on=TODAY, changed_on=date(2025, 7, 20), kinds=["name"], name_zh="新名称"
    )
    miit = client_for(world.users[Role.MIIT_REVIEWER])
    html = miit.get(URL).content.decode()
    assert re.findall(rf'id="filing-{filing.pk}-([a-z]+)"', html) == ["approve", "refuse"]
    before = _unchanged(licence)
    response = miit.post(f"{URL}filings/{filing.pk}/approve/", {"approve-expected_version": "1", "approve-reason": ""})
    assert response.status_code == 422
    assert "Reason and legal basis: This field is required." in response.content.decode()
    response = miit.post(f"{URL}filings/{filing.pk}/approve/", {"approve-expected_version": "9", "approve-reason": "x"})
    assert response.status_code == 409
    assert _unchanged(licence) == before

    response = miit.post(
        f"{URL}filings/{filing.pk}/approve/", {"approve-expected_version": "1", "approve-reason": REASON}
    )

    assert (response.status_code, response["Location"]) == (302, URL)
    licence.refresh_from_db()
    assert (licence.holder_name_zh, licence.version) == ("新名称", 2)
    page = client_for(world.applicant).get(f"{URL}filings/{filing.pk}/").content.decode()
    assert REASON in page
    assert "Approved (2025-08-01)" in page


def test_an_ineligible_change_cannot_be_approved_and_says_which_service(world: World, licence: Licence) -> None:
    filing = _filing(world, licence)
    before = _unchanged(licence)
    response = client_for(world.users[Role.MIIT_REVIEWER]).post(
        f"{URL}filings/{filing.pk}/approve/", {"approve-expected_version": "1", "approve-reason": REASON}
    )
    assert response.status_code == 422
    assert "Not eligible: B11, B25-05." in response.content.decode()
    assert _unchanged(licence) == before


def test_the_others_are_refused_and_nothing_changes(world: World, licence: Licence) -> None:
    filing = _filing(world, licence)
    before = _unchanged(licence)
    # Those who do not see the licence: the 404 of a licence nobody has.
    for user in (world.other_applicant, world.outsider, None):
        client = client_for(user)
        for path in ("filings/change/", "filings/renewal/", f"filings/{filing.pk}/"):
            response = client.get(f"{URL}{path}")
            assert response.status_code == (302 if user is None else 404), (user, path)
        response = client.post(
            f"{URL}filings/{filing.pk}/approve/", {"approve-expected_version": "1", "approve-reason": "x"}
        )
        assert response.status_code == (302 if user is None else 404)
    # Officials who see it may not file; the holder may not decide; a local officer may do neither.
    for user in (world.users[Role.LOCAL_OFFICER], world.users[Role.MIIT_REVIEWER]):
        assert client_for(user).get(f"{URL}filings/change/").status_code == 403
        assert client_for(user).post(f"{URL}filings/renewal/", {}).status_code == 403
    for user in (world.applicant, world.users[Role.LOCAL_OFFICER]):
        response = client_for(user).post(
            f"{URL}filings/{filing.pk}/approve/", {"approve-expected_version": "1", "approve-reason": "x"}
        )
        assert response.status_code == 403
    response = client_for(world.users[Role.MIIT_REVIEWER]).post(
        f"{URL}filings/{filing.pk}/withdraw/", {"withdraw-expected_version": "1"}
    )
    assert response.status_code == 403
    assert client_for(world.applicant).get(f"{URL}filings/{filing.pk + 99}/").status_code == 404
    assert _unchanged(licence) == before


def test_the_pages_in_chinese(world: World, licence: Licence) -> None:
    file_renewal(actor=world.applicant, licence=licence, on=TODAY, launched={"B11": date(2025, 7, 1), "B25-05": None})
    html = client_for(world.applicant, "zh-hans").get(URL).content.decode()
    assert "变更申请和延续" in html
    assert "延续：应于2030年3月4日前提出，即有效期届满（2030年6月2日）前90日。剩余天数：1676。" in html
    change = client_for(world.applicant, "zh-hans").get(f"{URL}filings/change/").content.decode()
    assert "股东（变更后）" in change
    assert "提交变更" in change


def test_the_public_register_shows_the_steps_without_personal_data(world: World, licence: Licence) -> None:
    filing = file_change(
        actor=world.applicant,
        licence=licence,
        on=TODAY,
        changed_on=date(2025, 7, 20),
        kinds=["legal_representative", "shareholders"],
        legal_representative="李四",
        shareholders=[
            {"name": "Harbour Cloud Ltd", "jurisdiction": "HK", "percent": 50},
            {"name": "张三", "jurisdiction": "CN", "percent": 50},
        ],
    )
    client_for(world.users[Role.MIIT_REVIEWER]).post(
        f"{URL}filings/{filing.pk}/approve/", {"approve-expected_version": "1", "approve-reason": "qx9 private note"}
    )
    html = client_for(None).get(f"/register/{NUMBER}/").content.decode()
    assert "Filing made by the holder" in html
    assert "Filing approved" in html
    assert not any(text in html for text in ("李四", "张三", "Harbour Cloud Ltd", "qx9 private note"))
    # The holder's own page shows what was filed, and the reason.
    page = client_for(world.applicant).get(f"{URL}filings/{filing.pk}/").content.decode()
    assert "李四" in page
    assert "qx9 private note" in page


def test_a_late_renewal_is_refused_at_the_top_with_its_deadline(world: World, settings: Settings) -> None:
    settings.VATSPILOT_TODAY = "2030-03-05"
    licence = world.licence()
    before = _unchanged(licence)
    page = client_for(world.applicant).get(URL).content.decode()
    assert "The renewal deadline has passed." in page
    assert "/filings/renewal/" not in page  # the link is gone once the deadline has passed
    response = client_for(world.applicant).post(
        f"{URL}filings/renewal/", {"launched_B11": "2025-07-01", "launched_B25-05": "2025-09-01"}
    )
    assert response.status_code == 422
    assert (
        "The renewal had to be filed by 2030-03-04, 90 days before the validity ends on 2030-06-02 (rulebook "
        "parameter:renewal-lead-days; MIIT Order No. 42, article unverified): it can no longer be filed."
    ) in response.content.decode()
    assert _unchanged(licence) == before


def test_the_holder_withdraws_from_the_licence_page(world: World, licence: Licence) -> None:
    filing = _filing(world, licence)
    html = client_for(world.applicant).get(URL).content.decode()
    assert re.findall(rf'id="filing-{filing.pk}-([a-z]+)"', html) == ["withdraw"]
    response = client_for(world.applicant).post(
        f"{URL}filings/{filing.pk}/withdraw/", {"withdraw-expected_version": "1"}
    )
    assert (response.status_code, response["Location"]) == (302, URL)
    filing.refresh_from_db()
    assert (filing.status, filing.decided_on) == ("withdrawn", TODAY)


def test_a_filings_page_writes_what_was_filed_for_the_reader(world: World, licence: Licence) -> None:
    filing = file_change(
        actor=world.applicant,
        licence=licence,
        on=TODAY,
        changed_on=date(2025, 7, 20),
        kinds=["capital", "shareholders", "scope"],
        registered_capital_cny=Decimal("50000000"),
        shareholders=[
            {"name": "Harbour Cloud Ltd", "jurisdiction": "HK", "percent": 40},
            {"name": "张三", "jurisdiction": "CN", "percent": 60},
        ],
        services=[{"code": "B21", "scope": "edi"}, {"code": "B11"}],
    )
    url = f"{URL}filings/{filing.pk}/"

    def particulars(language: str) -> list[str]:
        html = client_for(world.applicant, language).get(url).content.decode()
        pairs = re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", html, flags=re.S)
        return [f"{what}={re.sub(r'<[^>]+>', '', value).strip()}" for what, value in pairs]

    chinese = particulars("zh-hans")
    assert chinese[4:7] == [
        "变更后注册资本=50,000,000.00元",
        "股东（变更后）=Harbour Cloud Ltd（HK）40%；张三（CN）60%",
        "业务（变更后）=B21 在线数据处理与交易处理业务（电子数据交换业务）；B11 互联网数据中心业务",
    ]
    assert chinese[7].startswith("资格复核=") and chinese[7].endswith(
        f"（截至2025年8月1日，规则库{filing.recheck['rulebook']}）"
    )
    english = particulars("en")
    assert english[4:6] == [
        "New registered capital=50,000,000.00",
        "Shareholders after the change=Harbour Cloud Ltd (HK) 40%; 张三 (CN) 60%",
    ]
    assert english[6].startswith("Services after the change=B21 Online data processing and transaction processing (")
    assert english[7].endswith(f" (as of 2025-08-01, rulebook {filing.recheck['rulebook']})")
