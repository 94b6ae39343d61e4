"""The public register's pages: the search, a licence's entry, the QR code's verification page and the CSV
and XLSX exports, open to anyone without signing in, in both languages; bad input is a 400 naming the field, an
unknown number a 404; and nothing personal or internal ever appears on them."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from pilot_world import World, client_for
from pytest_django.fixtures import Settings
from register_world import (
    SENTINEL_EMAIL,
    SENTINEL_NOTES,
    SENTINEL_OWNER,
    SENTINEL_REASONS,
    SENTINEL_USERNAME,
    TODAY,
    Register,
    build_register,
)

from tests.web.xlsx_cells import XLSX, cells, csv_rows, every_word, rows_as_csv, workbook
from vatspilot.store.models import LicenceEvent

PUBLIC_PAGES = [
    "/register/",
    "/register/?text=harbour&region=310000&service=B11&status=valid",
    "/register/B1-20250001/",
    "/register/B2-20250002/",
    "/verify/B1-20250001/",
    "/verify/B1.B2-20250005/",
    "/register/export.csv",
    "/register/export.xlsx",
    "/register/export.xlsx?text=northern&status=revoked",
    "/lists/",
    "/lists/export.csv",
    "/lists/export.xlsx",
]


@pytest.fixture
def register(world: World, settings: Settings) -> Register:
    settings.VATSPILOT_TODAY = TODAY
    return build_register(world)


@pytest.fixture
def anonymous() -> Client:
    return client_for(None)


def text_of(html: str) -> str:
    """The page's visible words, one space apart."""
    main = html[html.index("<main") : html.index("</main>")]
    return " ".join(re.sub(r"<[^>]+>", " ", main).split())


def numbers_listed(html: str) -> list[str]:
    return re.findall(r'data-number="([^"]+)"', html)


# --- Anyone, without signing in ----------------------------------------------------------------------------


@pytest.mark.parametrize("url", PUBLIC_PAGES)
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_public_page_answers_anyone_without_signing_in(register: Register, url: str, language: str) -> None:
    response = client_for(None, language).get(url)
    assert response.status_code == 200
    assert "login" not in response.get("Location", "")


def test_signed_in_users_see_the_same_register(register: Register) -> None:
    for user in (register.world.applicant, register.official):
        response = client_for(user).get("/register/?status=valid")
        assert response.status_code == 200
        assert numbers_listed(response.content.decode()) == ["B1-20250001"]


def test_the_navigation_links_to_the_register_for_everyone(register: Register) -> None:
    link = f'href="{reverse("web:register")}"'
    assert link in client_for(None).get("/accounts/login/").content.decode()
    assert link in client_for(register.world.applicant).get("/inbox/").content.decode()


# --- The search ---------------------------------------------------------------------------------------------


def test_the_register_lists_every_licence_newest_first_with_its_particulars(
    register: Register, anonymous: Client
) -> None:
    html = anonymous.get("/register/").content.decode()
    assert numbers_listed(html) == [
        "B2-20250006",
        "B1.B2-20250005",
        "B2-20250002",
        "B1-20250001",
        "B1-20210003",
        "B1-20200004",
    ]
    row = html[html.index('data-number="B1-20250001"') :]
    row = text_of("<main>" + row[: row.index("</tr>")] + "</main>")
    assert row == (
        'data-number="B1-20250001"> B1-20250001 Harbour Cloud (Shanghai) Co., Ltd. 港湾云（上海）有限公司 '
        "B11 Internet data center (IDC) (area: Shanghai) B25-05 Information protection and processing "
        "(area: Nationwide) Valid 2025-06-03 2030-06-02"
    )
    assert "6 licences" in text_of(html)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("text=HARBOUR", ["B1-20250001", "B1-20210003", "B1-20200004"]),
        ("text=北方数据", ["B2-20250006", "B1.B2-20250005", "B2-20250002"]),
        ("number=b1.b2", ["B1.B2-20250005"]),
        ("uscc=91110105MA01B2C3DL", ["B2-20250006", "B1.B2-20250005", "B2-20250002"]),
        ("region=110000", ["B2-20250006", "B1.B2-20250005", "B2-20250002"]),
        ("service=B25-05", ["B1-20250001"]),
        ("status=valid", ["B1-20250001"]),
        ("status=suspended", ["B2-20250002"]),
        ("status=expired", ["B1-20210003", "B1-20200004"]),
        ("status=revoked", ["B1.B2-20250005"]),
        ("status=cancelled", ["B2-20250006"]),
        ("text=northern&service=B11&status=revoked&region=110000", ["B1.B2-20250005"]),
        (
            "text=&number=&uscc=&region=&service=&status=",
            [
                "B2-20250006",
                "B1.B2-20250005",
                "B2-20250002",
                "B1-20250001",
                "B1-20210003",
                "B1-20200004",
            ],
        ),
    ],
)
def test_each_filter_narrows_the_list(register: Register, anonymous: Client, query: str, expected: list[str]) -> None:
    response = anonymous.get(f"/register/?{query}")
    assert response.status_code == 200
    assert numbers_listed(response.content.decode()) == expected


def test_a_search_that_matches_nothing_says_so(register: Register, anonymous: Client) -> None:
    html = anonymous.get("/register/?text=nobody").content.decode()
    assert numbers_listed(html) == []
    assert "No licence matches the search." in text_of(html)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("status=bogus", "Status: Select a valid choice. bogus is not one of the available choices."),
        ("region=999999", "Region: Select a valid choice. 999999 is not one of the available choices."),
        ("service=B99", "Service: Select a valid choice. B99 is not one of the available choices."),
        ("uscc=" + "9" * 19, "Unified Social Credit Code: Ensure this value has at most 18 characters (it has 19)."),
    ],
)
def test_bad_input_is_a_400_naming_the_field(register: Register, anonymous: Client, query: str, message: str) -> None:
    response = anonymous.get(f"/register/?{query}")
    assert response.status_code == 400
    page = text_of(response.content.decode())
    assert f"The search could not be run. Check these fields: {message}" in page
    assert numbers_listed(response.content.decode()) == []


def test_bad_input_on_the_chinese_page_names_the_field_in_chinese(register: Register) -> None:
    response = client_for(None, "zh-hans").get("/register/?status=bogus")
    assert response.status_code == 400
    assert "无法执行查询，请检查以下字段： 状态：" in text_of(response.content.decode())


def test_the_chinese_register_shows_chinese_names_and_areas(register: Register) -> None:
    html = client_for(None, "zh-hans").get("/register/?number=B1.B2").content.decode()
    row = html[html.index('data-number="B1.B2-20250005"') :]
    row = text_of("<main>" + row[: row.index("</tr>")] + "</main>")
    assert row == (
        'data-number="B1.B2-20250005"> B1.B2-20250005 北方数据（北京）有限公司 Northern Data (Beijing) Co., Ltd. '
        "B11 互联网数据中心业务 （覆盖范围：上海市） B21 在线数据处理与交易处理业务 （覆盖范围：北京市、天津市） "
        "已吊销 2025年10月9日 2030年10月8日"
    )
    page = text_of(html)
    assert "许可证公示名录" in page
    assert "B21 在线数据处理与交易处理业务" in page  # the service choice, in Chinese
    assert "上海市" in page  # the region choice, from the jurisdictions


# --- A licence's entry --------------------------------------------------------------------------------------


def test_the_entry_shows_the_licence_and_its_history(register: Register, anonymous: Client) -> None:
    response = anonymous.get("/register/B1-20250001/")
    assert response.status_code == 200
    page = text_of(response.content.decode())
    assert (
        "Licence B1-20250001 Licence number B1-20250001 Status Valid "
        "Holder Harbour Cloud (Shanghai) Co., Ltd. 港湾云（上海）有限公司 "
        "Unified Social Credit Code 91310115MA1FL1234M "
        "Services and areas B11 Internet data center (IDC) (area: Shanghai) "
        "B25-05 Information protection and processing (area: Nationwide) "
        "Valid from 2025-06-03 Valid until 2030-06-02 "
        "Conditions Keep access logs for 180 days"
    ) in page
    history = page[page.index("History of changes") :]
    assert "2025-06-03 Issued — Valid" in history
    assert "2026-03-02 Suspended Valid Suspended until: 2026-04-01 2026-04-01 Reinstated Suspended Valid —" in history
    assert history.index("Issued") < history.index("2026-03-02")


def test_the_entry_of_a_licence_past_its_last_day_says_expired(register: Register, anonymous: Client) -> None:
    page = text_of(anonymous.get("/register/B1-20210003/").content.decode())
    assert "Status Expired" in page
    assert "No change recorded." in page


def test_the_chinese_entry(register: Register) -> None:
    page = text_of(client_for(None, "zh-hans").get("/register/B2-20250002/").content.decode())
    assert (
        "许可证 B2-20250002 许可证编号 B2-20250002 状态 暂停 "
        "持证单位 北方数据（北京）有限公司 Northern Data (Beijing) Co., Ltd. "
        "统一社会信用代码 91110105MA01B2C3DL "
        "业务种类及覆盖范围 B21 在线数据处理与交易处理业务 （覆盖范围：北京市、天津市） "
        "有效期自 2025年9月1日 有效期至 2030年8月31日"
    ) in page


@pytest.mark.parametrize("url", ["/register/B9-20990001/", "/register/b1-20250001/"])
def test_an_unknown_number_is_a_404(register: Register, anonymous: Client, url: str) -> None:
    response = anonymous.get(url)
    assert response.status_code == 404
    assert "Not found" in text_of(response.content.decode())


# --- The verification page ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "word", "verdict"),
    [
        ("B1-20250001", "Valid", "This licence is valid."),
        ("B2-20250002", "Suspended", "This licence is suspended."),
        ("B1-20210003", "Expired", "This licence has expired."),  # stored valid, past its last day
        ("B1-20200004", "Expired", "This licence has expired."),
        ("B1.B2-20250005", "Revoked", "This licence has been revoked."),
        ("B2-20250006", "Cancelled", "This licence has been cancelled."),
    ],
)
def test_the_verification_page_gives_the_verdict(
    register: Register, anonymous: Client, number: str, word: str, verdict: str
) -> None:
    response = anonymous.get(f"/verify/{number}/")
    assert response.status_code == 200
    html = response.content.decode()
    page = text_of(html)
    assert page.startswith(
        f"Verify a licence {word} {verdict} Licence number {number}, as recorded in the register today. "
        f"Licence number {number} Status {word} Holder"
    )
    assert f'href="/register/{number}/"' in html


def test_the_verification_page_of_a_valid_licence_states_holder_services_and_validity(
    register: Register, anonymous: Client
) -> None:
    page = text_of(anonymous.get("/verify/B1-20250001/").content.decode())
    assert (
        "Holder Harbour Cloud (Shanghai) Co., Ltd. 港湾云（上海）有限公司 "
        "Unified Social Credit Code 91310115MA1FL1234M "
        "Services and areas B11 Internet data center (IDC) (area: Shanghai) "
        "B25-05 Information protection and processing (area: Nationwide) "
        "Valid from 2025-06-03 Valid until 2030-06-02"
    ) in page


def test_verifying_an_unknown_number_says_no_such_licence_with_a_404(register: Register) -> None:
    response = client_for(None).get("/verify/B9-20990001/")
    assert response.status_code == 404
    assert text_of(response.content.decode()) == (
        "Verify a licence No such licence The register has no licence numbered B9-20990001. "
        "A certificate bearing it is not genuine. Search the licence register"
    )
    chinese = client_for(None, "zh-hans").get("/verify/B9-20990001/")
    assert chinese.status_code == 404
    assert text_of(chinese.content.decode()).startswith("许可证核验 查无此证 名录中没有编号为 B9-20990001 的许可证。")


def test_the_chinese_verification_page(register: Register) -> None:
    page = text_of(client_for(None, "zh-hans").get("/verify/B1.B2-20250005/").content.decode())
    assert page.startswith(
        "许可证核验 已吊销 该许可证已被吊销。 许可证编号 B1.B2-20250005，以名录今日记载为准。 "
        "许可证编号 B1.B2-20250005 状态 已吊销 持证单位 北方数据（北京）有限公司"
    )


# --- The export ---------------------------------------------------------------------------------------------


def test_the_csv_export_is_the_whole_register_in_utf8_with_a_bom(register: Register, anonymous: Client) -> None:
    response = anonymous.get("/register/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="licence-register-2026-12-10.csv"'
    body = response.content
    assert body.startswith("\ufeff".encode())
    lines = body.decode("utf-8-sig").split("\r\n")
    assert lines[0] == ("number,holder_zh,holder_en,uscc,region,services,areas_zh,areas_en,status,valid_from,valid_to")
    assert lines[2] == (
        'B1.B2-20250005,北方数据（北京）有限公司,"Northern Data (Beijing) Co., Ltd.",91110105MA01B2C3DL,110000,'
        'B11; B21,B11: 上海市; B21: 北京市、天津市,"B11: Shanghai; B21: Beijing, Tianjin",revoked,2025-10-09,2030-10-08'
    )
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == [
        "B2-20250006",
        "B1.B2-20250005",
        "B2-20250002",
        "B1-20250001",
        "B1-20210003",
        "B1-20200004",
    ]
    assert [row[8] for row in rows[1:]] == ["cancelled", "revoked", "suspended", "valid", "expired", "expired"]


HEADER = ("number", "holder_zh", "holder_en", "uscc", "region", "services", "areas_zh", "areas_en", "status",
          "valid_from", "valid_to")  # fmt: skip


def test_the_xlsx_export_is_the_whole_register_with_real_dates(register: Register, anonymous: Client) -> None:
    response = anonymous.get("/register/export.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == 'attachment; filename="licence-register-2026-12-10.xlsx"'
    rows = cells(response.content)
    assert rows[0] == HEADER
    assert rows[2] == (
        "B1.B2-20250005",
        "北方数据（北京）有限公司",
        "Northern Data (Beijing) Co., Ltd.",
        "91110105MA01B2C3DL",
        "110000",
        "B11; B21",
        "B11: 上海市; B21: 北京市、天津市",
        "B11: Shanghai; B21: Beijing, Tianjin",
        "revoked",
        datetime(2025, 10, 9),
        datetime(2030, 10, 8),
    )
    assert [row[0] for row in rows[1:]] == [
        "B2-20250006",
        "B1.B2-20250005",
        "B2-20250002",
        "B1-20250001",
        "B1-20210003",
        "B1-20200004",
    ]
    assert [row[8] for row in rows[1:]] == ["cancelled", "revoked", "suspended", "valid", "expired", "expired"]


def test_the_xlsx_sheet_has_a_bold_frozen_header_dated_cells_and_column_widths(
    register: Register, anonymous: Client
) -> None:
    sheet = workbook(anonymous.get("/register/export.xlsx").content).worksheets[0]
    assert sheet.title == "licence register"
    assert sheet.freeze_panes == "A2"
    assert [cell.font.b for cell in sheet[1]] == [True] * 11
    assert [cell.font.b for cell in sheet[2]] == [False] * 11
    assert (sheet["J3"].is_date, sheet["J3"].number_format) == (True, "yyyy-mm-dd")
    assert (sheet["E3"].data_type, sheet["E3"].value) == ("s", "110000")  # a division code is text
    widths = [sheet.column_dimensions[letter].width for letter in "ABCDEFGHIJK"]
    assert widths == [18, 30, 40, 21, 9, 16, 30, 40, 11, 12, 12]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["B2-20250006", "B1.B2-20250005", "B2-20250002", "B1-20250001", "B1-20210003", "B1-20200004"]),
        ("?text=HARBOUR", ["B1-20250001", "B1-20210003", "B1-20200004"]),
        ("?status=expired", ["B1-20210003", "B1-20200004"]),
        ("?text=northern&service=B11&status=revoked&region=110000", ["B1.B2-20250005"]),
        ("?number=b1.b2&uscc=&region=&service=&status=", ["B1.B2-20250005"]),
        ("?text=nobody", []),
    ],
)
def test_both_exports_hold_the_search_s_rows_alike(
    register: Register, anonymous: Client, query: str, expected: list[str]
) -> None:
    page = numbers_listed(anonymous.get(f"/register/{query}").content.decode())
    from_csv = csv_rows(anonymous.get(f"/register/export.csv{query}").content)
    from_xlsx = rows_as_csv(anonymous.get(f"/register/export.xlsx{query}").content)
    assert page == expected
    assert from_xlsx == from_csv
    assert from_csv[0] == list(HEADER)
    assert [row[0] for row in from_csv[1:]] == expected


@pytest.mark.parametrize("url", ["/register/export.csv?status=bogus", "/register/export.xlsx?status=bogus"])
def test_an_export_with_a_bad_filter_is_the_search_s_400_naming_the_field(
    register: Register, anonymous: Client, url: str
) -> None:
    response = anonymous.get(url)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "Status: Select a valid choice. bogus is not one of the available choices." in text_of(
        response.content.decode()
    )


def test_the_page_links_to_both_exports_of_what_it_lists(register: Register, anonymous: Client) -> None:
    whole = anonymous.get("/register/").content.decode()
    assert '<a href="/register/export.csv">Download the whole register (CSV)</a>' in whole
    assert '<a href="/register/export.xlsx">Download the whole register (XLSX)</a>' in whole
    searched = anonymous.get("/register/?text=northern&number=&status=revoked").content.decode()
    assert '<a href="/register/export.csv?text=northern&amp;status=revoked">Download these licences (CSV)</a>' in (
        searched
    )
    assert '<a href="/register/export.xlsx?text=northern&amp;status=revoked">Download these licences (XLSX)</a>' in (
        searched
    )
    chinese = client_for(None, "zh-hans").get("/register/?status=valid").content.decode()
    assert "下载以上许可证（CSV）" in chinese and "下载以上许可证（XLSX）" in chinese
    assert "下载全部名录（XLSX）" in client_for(None, "zh-hans").get("/register/").content.decode()


# --- Privacy ------------------------------------------------------------------------------------------------


def test_no_public_page_shows_anything_personal_or_internal(register: Register) -> None:
    users = get_user_model().objects.all()
    secrets = {
        SENTINEL_USERNAME,
        SENTINEL_EMAIL,
        SENTINEL_OWNER,
        SENTINEL_REASONS,
        *SENTINEL_NOTES,
        *(user.get_username() for user in users),
        *(user.email for user in users if user.email),
        *register.document_names(),
        *(note for note in LicenceEvent.objects.values_list("note", flat=True) if note),
    }
    # The fixture put each sentinel where it would leak from.
    assert {SENTINEL_USERNAME, "applicant", "miit_reviewer", "applicant@example.cn"} <= secrets
    assert len(register.document_names()) >= 1
    assert LicenceEvent.objects.filter(note=SENTINEL_NOTES[0]).exists()
    not_found = ["/register/B9-20990001/", "/verify/B9-20990001/", "/register/?status=bogus"]
    for language in ("en", "zh-hans"):
        client = client_for(None, language)
        for url in [*PUBLIC_PAGES, *not_found]:
            response = client.get(url)
            if response["Content-Type"] == XLSX:
                body = every_word(response.content)
            else:
                body = response.content.decode("utf-8-sig")
            leaked = sorted(secret for secret in secrets if secret in body)
            assert leaked == [], f"{url} ({language}) shows {leaked}"


def test_no_public_page_shows_the_network_exits_notes_or_who_took_its_steps(register: Register) -> None:
    """The revoked licence's orderly network exit (services.licences.exits), each step with typed text: the
    register shows the exit's state, dates and counts, never a note, a reason or who took a step."""
    # Imported here: this test was added to the file's end, leaving its head as others wrote it.
    from datetime import date

    from vatspilot.domain.applications import Role
    from vatspilot.services.licences.exits import (
        file_exit_plan,
        open_exit,
        report_exit_done,
        report_exit_progress,
        send_exit_back,
    )

    revoked, holder = register.revoked, register.world.other_applicant
    on = date(2026, 11, 2)
    typed = ("SENTINEL-EXIT-NOTE-qx7", "SENTINEL-EXIT-DONE-qx7", "SENTINEL-EXIT-REASON-qx7")
    network_exit = open_exit(actor=register.official, licence=revoked, on=on)
    network_exit = file_exit_plan(
        actor=holder,
        network_exit=network_exit,
        on=on,
        expected_version=1,
        users_notified_on=on,
        migration_deadline=date(2026, 12, 31),
        users_to_migrate=10,
    )
    network_exit = report_exit_progress(
        actor=holder, network_exit=network_exit, on=on, expected_version=2, users_migrated=10, note=typed[0]
    )
    network_exit = report_exit_done(actor=holder, network_exit=network_exit, on=on, expected_version=3, note=typed[1])
    send_exit_back(
        actor=register.world.users[Role.MIIT_REVIEWER],
        network_exit=network_exit,
        on=on,
        expected_version=4,
        reason=typed[2],
    )
    users = get_user_model().objects.all()
    secrets = {
        *typed,
        *(user.get_username() for user in users),
        *(user.email for user in users if user.email),
        *(note for note in LicenceEvent.objects.values_list("note", flat=True) if note),
    }
    entry = f"/register/{revoked.number}/"
    for language in ("en", "zh-hans"):
        client = client_for(None, language)
        for url in [*PUBLIC_PAGES, entry]:
            response = client.get(url)
            body = every_word(response.content) if response["Content-Type"] == XLSX else response.content.decode()
            leaked = sorted(secret for secret in secrets if secret in body)
            assert leaked == [], f"{url} ({language}) shows {leaked}"
    html = client_for(None).get(entry).content.decode()
    assert 'data-exit-state="in_progress"' in html
    assert "<td>Network exit: sent back</td>" in html
