"""The licence overview page (/licences/): each role gets exactly its licences, flagged rows are marked
and named, the filters (needs attention first), the sign-in page for the anonymous visitor, the nav link,
the page in Chinese, and as many queries for 12 licences as for 2."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pilot_world import ON, World, client_for, record_event
from pytest_django.fixtures import Settings
from register_world import B11, B21, add_licence

from vatspilot.domain.applications import Role
from vatspilot.store.models import Licence, NetworkExit, Organisation

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 10)
URL = "/licences/"


def licence(world: World, organisation: Organisation, number: str, **fields: Any) -> Licence:
    made = add_licence(organisation, number, actor=world.users[Role.MIIT_REVIEWER], **fields)
    member = world.applicant if organisation == world.organisation else world.other_applicant
    record_event(made.application, "submit", "draft", "submitted", ON, actor=member)
    return made


@pytest.fixture
def licences(world: World, settings: Settings) -> None:
    settings.VATSPILOT_TODAY = TODAY
    licence(world, world.organisation, "B1-20250001", services=[B11])
    revoked = licence(world, world.organisation, "B1-20250003", status="revoked")
    NetworkExit.objects.create(licence=revoked, status="required", opened_on=date(2026, 12, 1))
    licence(world, world.other_organisation, "B2-20250002", services=[B21], valid_until=TODAY + timedelta(days=30))


def rows(response: Any) -> list[str]:
    assert response.status_code == 200
    return re.findall(r'<tr class="licences__row[^"]*" data-number="([^"]+)"', response.content.decode())


def marked(response: Any) -> dict[str, str]:
    html = response.content.decode()
    return dict(
        re.findall(
            r'class="licences__row licences__row--attention" data-number="([^"]+)" data-attention="([^"]+)"', html
        )
    )


def test_each_role_sees_exactly_its_licences(world: World, licences: None) -> None:
    everything = ["B2-20250002", "B1-20250003", "B1-20250001"]  # flagged first, by last valid day
    assert rows(client_for(world.users[Role.MIIT_REVIEWER]).get(URL)) == everything
    assert rows(client_for(world.users[Role.CAC_REVIEWER]).get(URL)) == everything
    assert rows(client_for(world.users[Role.LOCAL_OFFICER]).get(URL)) == ["B1-20250003", "B1-20250001"]
    assert rows(client_for(world.outsider).get(URL)) == ["B2-20250002"]
    assert rows(client_for(world.applicant).get(URL)) == ["B1-20250003", "B1-20250001"]
    assert rows(client_for(world.other_applicant).get(URL)) == ["B2-20250002"]


def test_another_organisations_applicant_sees_none_of_them(world: World, licences: None) -> None:
    Licence.objects.exclude(organisation=world.organisation).delete()  # only Shanghai's licences left
    response = client_for(world.other_applicant).get(URL)
    assert rows(response) == []
    assert "No licence matches the filter." in response.content.decode()
    assert "0 of 0 licences" in response.content.decode()


def test_the_anonymous_visitor_is_sent_to_sign_in(licences: None) -> None:
    response = client_for(None).get(URL)
    assert (response.status_code, response["Location"]) == (302, f"/accounts/login/?next={URL}")


def test_flagged_rows_are_marked_and_named(world: World, licences: None) -> None:
    response = client_for(world.users[Role.MIIT_REVIEWER]).get(URL)
    assert marked(response) == {"B1-20250003": "exit_required_no_plan", "B2-20250002": "expiring_within_90_days"}
    html = response.content.decode()
    badge = '<span class="badge badge--overdue flag flag--exit_required_no_plan">'
    assert f"{badge}Network exit required: no plan filed</span>" in html
    assert '<span class="badge badge--overdue flag flag--expiring_within_90_days">Expires within 90 days</span>' in html
    assert '<a href="/licences/B1-20250001/">B1-20250001</a>' in html
    assert "<td>30</td>" in html  # days to expiry of B2-20250002
    assert "3 of 3 licences" in html


def test_the_filters(world: World, licences: None) -> None:
    miit = client_for(world.users[Role.MIIT_REVIEWER])
    html = miit.get(URL).content.decode()
    # "needs attention" is the attention filter's first choice after "any"
    options = re.findall(r'<option value="([^"]*)"', html.split('name="flag"')[1].split("</select>")[0])
    assert options[:3] == ["", "attention", "exit_overdue"]
    assert rows(miit.get(URL, {"flag": "attention"})) == ["B2-20250002", "B1-20250003"]
    assert rows(miit.get(URL, {"flag": "expiring_within_90_days"})) == ["B2-20250002"]
    assert rows(miit.get(URL, {"status": "revoked"})) == ["B1-20250003"]
    assert rows(miit.get(URL, {"service": "B21"})) == ["B2-20250002"]
    assert rows(miit.get(URL, {"text": "B1-2025"})) == ["B1-20250003", "B1-20250001"]
    filtered = miit.get(URL, {"service": "B21", "text": "northern"}).content.decode()
    assert '<option value="B21" selected>B21 Online data processing and transaction processing</option>' in filtered
    assert "1 of 3 licences" in filtered
    # the local officer filters their own licences only
    assert rows(client_for(world.users[Role.LOCAL_OFFICER]).get(URL, {"service": "B21"})) == []


def test_a_bad_filter_is_a_400_naming_the_field(world: World, licences: None) -> None:
    response = client_for(world.users[Role.MIIT_REVIEWER]).get(URL, {"status": "nonsense"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Status: Select a valid choice. nonsense is not one of the available choices." in html
    assert 'class="licences__row' not in html


def test_the_nav_links_to_it_for_officials_and_applicants(world: World, licences: None) -> None:
    link = f'<a href="{URL}">Licences</a>'
    assert link in client_for(world.users[Role.LOCAL_OFFICER]).get("/register/").content.decode()
    assert link in client_for(world.applicant).get("/register/").content.decode()
    assert link not in client_for(None).get("/register/").content.decode()


def test_the_page_in_chinese(world: World, licences: None) -> None:
    Licence.objects.filter(number="B1-20250001").update(holder_name_zh="港湾云（上海）有限公司")
    response = client_for(world.users[Role.MIIT_REVIEWER], "zh-hans").get(URL)
    html = response.content.decode()
    assert "<h1>许可证</h1>" in html
    assert "<td>港湾云（上海）有限公司</td>" in html
    assert ">需要关注</option>" in html
    assert ">网络退出：尚未提交退出方案</span>" in html
    assert ">90日内到期</span>" in html
    assert "显示3张，共3张许可证" in html
    assert ">已吊销</td>" in html


def test_the_page_reads_as_many_queries_for_12_licences_as_for_2(world: World, settings: Settings) -> None:
    settings.VATSPILOT_TODAY = TODAY
    browser = client_for(world.users[Role.MIIT_REVIEWER])

    def read() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            found = rows(browser.get(URL, {"flag": "attention"}))
        return len(queries.captured_queries), len(found)

    def add(start: int, count: int) -> None:
        for index in range(start, start + count):
            made = licence(world, world.organisation, f"B1-2025{index:04d}", status="revoked")
            NetworkExit.objects.create(licence=made, status="required", opened_on=date(2026, 12, 1))

    add(0, 2)
    read()
    short = read()
    add(2, 10)
    long = read()
    assert (short[1], long[1]) == (2, 12)
    assert long[0] == short[0]


def test_the_page_only_reads(world: World, licences: None) -> None:
    before = list(Licence.objects.order_by("pk").values_list("number", "status", "version"))
    assert client_for(world.users[Role.MIIT_REVIEWER]).post(URL, {"flag": "attention"}).status_code == 405
    assert list(Licence.objects.order_by("pk").values_list("number", "status", "version")) == before
