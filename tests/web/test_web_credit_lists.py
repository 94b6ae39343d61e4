"""The public credit lists (/lists/ and its CSV and XLSX exports): open without signing in, in both
languages; each list's entries in force, then the removed entries with their removal; the CSV exact, UTF-8
with a BOM, and the XLSX the same rows with real dates; the page in a fixed number of queries; and no
person's name or e-mail anywhere."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from credit_list_world import USCC_A, USCC_B, list_three
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pilot_world import World, client_for

from tests.web.xlsx_cells import XLSX, cells, csv_rows, every_word, rows_as_csv, workbook
from vatspilot.domain.applications import Role
from vatspilot.domain.licences.credit_lists import CreditList
from vatspilot.services.licences.lists import MIIT_AUTHORITY, REVOCATION_REASON, list_enterprise

pytestmark = pytest.mark.django_db


@pytest.fixture
def listed(world: World) -> World:
    return list_three(world)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("url", ["/lists/", "/lists/export.csv", "/lists/export.xlsx"])
def test_anyone_may_read_the_lists_without_signing_in(listed: World, url: str, language: str) -> None:
    assert client_for(None, language).get(url).status_code == 200


def test_the_page_shows_each_list_then_the_removed_entries(listed: World) -> None:
    html = client_for(None).get("/lists/").content.decode()
    bad = html[html.index('id="bad-record"') : html.index('id="dishonest"')]
    dishonest = html[html.index('id="dishonest"') : html.index('id="removed"')]
    removed = html[html.index('id="removed"') :]
    assert (bad.count("credit-list__row"), dishonest.count("credit-list__row"), removed.count("credit-list__row")) == (
        1,
        1,
        1,
    )
    # The platform's own words in English (the authority, a revocation's reason); what an official typed, as typed.
    for text in ["海港云（上海）有限公司", USCC_A, "2025-09-01", "逾期未报送年度报告"]:
        assert text in bad
    assert "<td>Ministry of Industry and Information Technology (MIIT)</td>" in bad
    assert MIIT_AUTHORITY not in bad
    for text in ["北方数据（北京）有限公司", USCC_B, "B2-20250001", "2025-09-02", "<td>经营许可证被吊销</td>"]:
        assert text in dishonest
    for text in [
        'Bad-record list: <span lang="en">Northern Data (Beijing) Co., Ltd.</span>',
        "2025-01-05",
        "2025-04-01",
        "已补报并经确认",
    ]:
        assert text in removed
    assert "<h1>Bad-record and dishonest lists</h1>" in html


def test_the_chinese_page(listed: World) -> None:
    html = client_for(None, "zh-hans").get("/lists/").content.decode()
    for text in [
        "<h1>不良名单和失信名单</h1>",
        "<h2>电信业务经营不良名单</h2>",
        "<h2>电信业务经营失信名单</h2>",
        "已移出的记录",
        "列入机关",
        f"<td>{MIIT_AUTHORITY}</td>",
        '<span lang="zh-Hans">海港云（上海）有限公司</span></td>',
    ]:
        assert text in html
    assert "Ministry of Industry" not in html
    assert '<span lang="en">' not in html  # the Chinese page names an enterprise by its listed Chinese name


def test_the_english_page_names_a_registered_enterprise_in_english_beside_its_listed_name(listed: World) -> None:
    html = client_for(None).get("/lists/").content.decode()
    bad = html[html.index('id="bad-record"') : html.index('id="dishonest"')]
    english = '<span lang="en">Harbour Cloud (Shanghai) Co., Ltd.</span><br>'
    assert f'<td>{english}<span lang="zh-Hans">海港云（上海）有限公司</span></td>' in bad
    removed = html[html.index('id="removed"') :]
    english = '<span lang="en">Northern Data (Beijing) Co., Ltd.</span><br>'
    assert f'<td>Bad-record list: {english}<span lang="zh-Hans">北方数据（北京）有限公司</span></td>' in removed


def test_a_revocations_fixed_reason_is_in_the_readers_language(world: World) -> None:
    list_enterprise(
        actor=world.users[Role.MIIT_REVIEWER],
        list=CreditList.DISHONEST,
        name="某公司",
        uscc="91440300MA5G1A2B3R",  # not registered here
        listed_on=date(2025, 10, 1),
        reason=REVOCATION_REASON,
    )
    english = client_for(None).get("/lists/").content.decode()
    assert (
        "<td>The operating licence was revoked (Measures for the Administration of Telecommunications Business "
        "Operating Licences, MIIT Order No. 42, Art. 42)</td>"
    ) in english
    chinese = client_for(None, "zh-hans").get("/lists/").content.decode()
    assert f"<td>{REVOCATION_REASON}</td>" in chinese
    # An enterprise not registered here: its listed name alone, in both languages.
    assert '<td><span lang="zh-Hans">某公司</span></td>' in english
    # The export keeps the text as listed.
    assert REVOCATION_REASON in client_for(None).get("/lists/export.csv").content.decode("utf-8-sig")


def test_empty_lists_say_so(world: World) -> None:
    html = client_for(None).get("/lists/").content.decode()
    assert html.count('<p class="credit-list__empty">No entries.</p>') == 3


def test_the_csv_export_is_exact(listed: World) -> None:
    response = client_for(None).get("/lists/export.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="credit-lists-')
    assert response.content.decode("utf-8") == (
        "\ufefflist,name,uscc,licence_number,listed_on,reason,listing_authority,removed_on,removal_reason\r\n"
        f"bad_record,海港云（上海）有限公司,{USCC_A},,2025-09-01,逾期未报送年度报告,{MIIT_AUTHORITY},,\r\n"
        f"dishonest,北方数据（北京）有限公司,{USCC_B},B2-20250001,2025-09-02,经营许可证被吊销,{MIIT_AUTHORITY},,\r\n"
        f"bad_record,北方数据（北京）有限公司,{USCC_B},,2025-01-05,逾期未报送年度报告,{MIIT_AUTHORITY},"
        "2025-04-01,已补报并经确认\r\n"
    )


def test_the_xlsx_export_is_exact(listed: World) -> None:
    response = client_for(None).get("/lists/export.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith('attachment; filename="credit-lists-')
    assert response["Content-Disposition"].endswith('.xlsx"')
    assert cells(response.content) == [
        (
            "list",
            "name",
            "uscc",
            "licence_number",
            "listed_on",
            "reason",
            "listing_authority",
            "removed_on",
            "removal_reason",
        ),
        ("bad_record", "海港云（上海）有限公司", USCC_A, None, datetime(2025, 9, 1), "逾期未报送年度报告",
         MIIT_AUTHORITY, None, None),
        ("dishonest", "北方数据（北京）有限公司", USCC_B, "B2-20250001", datetime(2025, 9, 2), "经营许可证被吊销",
         MIIT_AUTHORITY, None, None),
        ("bad_record", "北方数据（北京）有限公司", USCC_B, None, datetime(2025, 1, 5), "逾期未报送年度报告",
         MIIT_AUTHORITY, datetime(2025, 4, 1), "已补报并经确认"),
    ]  # fmt: skip
    sheet = workbook(response.content).worksheets[0]
    assert (sheet.title, sheet.freeze_panes) == ("credit lists", "A2")
    assert [cell.font.b for cell in sheet[1]] == [True] * 9
    assert (sheet["E2"].is_date, sheet["E2"].number_format) == (True, "yyyy-mm-dd")
    assert [sheet.column_dimensions[letter].width for letter in "ABCDEFGHI"] == [11, 30, 21, 18, 12, 40, 18, 12, 30]


def test_both_exports_hold_the_same_rows(listed: World) -> None:
    client = client_for(None)
    from_csv = csv_rows(client.get("/lists/export.csv").content)
    assert rows_as_csv(client.get("/lists/export.xlsx").content) == from_csv
    assert len(from_csv) == 4


def test_a_name_that_looks_like_a_formula_stays_text_in_the_xlsx(listed: World) -> None:
    miit = listed.users[Role.MIIT_REVIEWER]
    list_enterprise(
        actor=miit,
        list=CreditList.BAD_RECORD,
        name='=HYPERLINK("http://example.invalid","x")',
        uscc=USCC_A,
        listed_on=date(2025, 10, 1),
        reason="x",
    )
    sheet = workbook(client_for(None).get("/lists/export.xlsx").content).worksheets[0]
    assert (sheet["B2"].data_type, sheet["B2"].value) == ("s", '=HYPERLINK("http://example.invalid","x")')


def test_the_page_links_to_both_exports(listed: World) -> None:
    html = client_for(None).get("/lists/").content.decode()
    assert '<a href="/lists/export.csv">Download both lists (CSV)</a>' in html
    assert '<a href="/lists/export.xlsx">Download both lists (XLSX)</a>' in html
    assert "下载两份名单（XLSX）" in client_for(None, "zh-hans").get("/lists/").content.decode()


def test_the_page_takes_a_fixed_number_of_queries(listed: World) -> None:
    client = client_for(None)
    with CaptureQueriesContext(connection) as few:
        client.get("/lists/")
    miit = listed.users[Role.MIIT_REVIEWER]
    for day in range(1, 6):
        list_enterprise(
            actor=miit, list=CreditList.DISHONEST, name="某公司", uscc=USCC_A, listed_on=date(2025, 10, day), reason="x"
        )
    with CaptureQueriesContext(connection) as many:
        client.get("/lists/")
    assert len(many.captured_queries) == len(few.captured_queries)
    credit_queries = [q["sql"] for q in many.captured_queries if "store_creditlistentry" in q["sql"]]
    assert len(credit_queries) == 1


def test_the_navigation_links_to_the_lists_for_everyone(listed: World) -> None:
    link = '<a href="/lists/">Bad-record and dishonest lists</a>'
    assert link in client_for(None).get("/accounts/login/").content.decode()
    assert link in client_for(listed.applicant).get("/inbox/").content.decode()


def test_no_person_appears_on_the_lists(listed: World) -> None:
    client = client_for(None)
    pages = [client.get(url).content.decode() for url in ["/lists/", "/lists/export.csv"]]
    pages.append(every_word(client.get("/lists/export.xlsx").content))
    for user in listed.users.values():
        for page in pages:
            assert user.get_username() not in page.replace("credit-list", "")
            assert user.email not in page
