"""The public register's read models: each filter, the entry with its history, the export rows, and a fixed
number of queries however many licences there are."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pilot_world import World
from register_world import B11, B21, B25_05, SENTINEL_NOTES, TODAY, Register, build_register, more_licences

from vatspilot.domain.licences.lifecycle import LicenceState
from vatspilot.queries.register import (
    EXPORT_COLUMNS,
    LicensedService,
    RegisterEvent,
    RegisterLicence,
    register_entry,
    register_export,
    register_licence,
    search_register,
)

ALL = ["B2-20250006", "B1.B2-20250005", "B2-20250002", "B1-20250001", "B1-20210003", "B1-20200004"]


@pytest.fixture
def register(world: World) -> Register:
    return build_register(world)


def numbers(rows: list[RegisterLicence]) -> list[str]:
    return [row.number for row in rows]


def test_no_filter_gives_every_licence_newest_first(register: Register) -> None:
    assert numbers(search_register(today=TODAY)) == ALL


def test_the_public_licence_states_what_the_licence_states(register: Register) -> None:
    [row] = search_register(number="B1-20250001", today=TODAY)
    assert row == RegisterLicence(
        number="B1-20250001",
        holder_name_zh="港湾云（上海）有限公司",
        holder_name_en="Harbour Cloud (Shanghai) Co., Ltd.",
        uscc="91310115MA1FL1234M",
        region="310000",
        services=(
            LicensedService("B11", B11["name_en"], B11["name_zh"], ("Shanghai",), ("上海市",)),
            LicensedService("B25-05", B25_05["name_en"], B25_05["name_zh"], ("Nationwide",), ("全国",)),
        ),
        conditions=("Keep access logs for 180 days",),
        valid_from=date(2025, 6, 3),
        valid_until=date(2030, 6, 2),
        status=LicenceState.VALID,
    )


def test_text_matches_either_name_case_insensitively(register: Register) -> None:
    assert numbers(search_register(text="harbour CLOUD", today=TODAY)) == [
        "B1-20250001",
        "B1-20210003",
        "B1-20200004",
    ]
    assert numbers(search_register(text="北方数据", today=TODAY)) == ["B2-20250006", "B1.B2-20250005", "B2-20250002"]
    assert search_register(text="nobody at all", today=TODAY) == []


def test_a_search_s_wildcards_are_read_as_the_characters_they_are(register: Register) -> None:
    """The search is a LIKE written out (queries.register._licences): %, _ and a backslash in the text
    are the characters themselves, as the ORM's icontains reads them."""
    assert numbers(search_register(text="%", today=TODAY)) == []
    assert numbers(search_register(text="Harbour_Cloud", today=TODAY)) == []
    assert numbers(search_register(number="B1_", today=TODAY)) == []
    assert numbers(search_register(number="\\", today=TODAY)) == []
    assert numbers(search_register(text="(Shanghai) co.,", today=TODAY)) == [
        "B1-20250001",
        "B1-20210003",
        "B1-20200004",
    ]


def test_one_licence_without_its_history(register: Register) -> None:
    entry = register_entry("B1-20250001", today=TODAY)
    assert entry is not None
    assert register_licence("B1-20250001", today=TODAY) == entry.licence
    assert register_licence("B9-00000000", today=TODAY) is None
    assert register_licence("B1-2025\x000001", today=TODAY) is None


def test_number_matches_part_of_the_number_case_insensitively(register: Register) -> None:
    assert numbers(search_register(number="b1.b2", today=TODAY)) == ["B1.B2-20250005"]
    assert numbers(search_register(number="2025000", today=TODAY)) == [
        "B2-20250006",
        "B1.B2-20250005",
        "B2-20250002",
        "B1-20250001",
    ]


def test_uscc_matches_the_whole_code_in_any_case(register: Register) -> None:
    assert numbers(search_register(uscc="91110105ma01b2c3dl", today=TODAY)) == [
        "B2-20250006",
        "B1.B2-20250005",
        "B2-20250002",
    ]
    assert search_register(uscc="91110105MA01B2C3D", today=TODAY) == []


def test_region_is_the_province_of_the_holders_registration(register: Register) -> None:
    assert numbers(search_register(region="110000", today=TODAY)) == ["B2-20250006", "B1.B2-20250005", "B2-20250002"]
    assert numbers(search_register(region="310000", today=TODAY)) == ["B1-20250001", "B1-20210003", "B1-20200004"]
    assert search_register(region="440000", today=TODAY) == []


def test_service_is_a_code_among_the_licensed_services(register: Register) -> None:
    assert numbers(search_register(service="B21", today=TODAY)) == ["B2-20250006", "B1.B2-20250005", "B2-20250002"]
    assert numbers(search_register(service="B25-05", today=TODAY)) == ["B1-20250001"]
    assert search_register(service="B12", today=TODAY) == []


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (LicenceState.VALID, ["B1-20250001"]),
        (LicenceState.SUSPENDED, ["B2-20250002"]),
        (LicenceState.EXPIRED, ["B1-20210003", "B1-20200004"]),
        (LicenceState.REVOKED, ["B1.B2-20250005"]),
        (LicenceState.CANCELLED, ["B2-20250006"]),
    ],
)
def test_status_is_the_effective_status_on_the_day(
    register: Register, status: LicenceState, expected: list[str]
) -> None:
    assert numbers(search_register(status=status, today=TODAY)) == expected


def test_a_licence_on_its_last_day_is_still_valid(register: Register) -> None:
    assert numbers(search_register(status=LicenceState.VALID, today=date(2026, 12, 1))) == [
        "B1-20250001",
        "B1-20210003",
    ]


def test_filters_combine(register: Register) -> None:
    rows = search_register(text="northern", region="110000", service="B11", status=LicenceState.REVOKED, today=TODAY)
    assert numbers(rows) == ["B1.B2-20250005"]
    assert search_register(text="harbour", region="110000", today=TODAY) == []


def test_the_entry_has_the_licence_and_its_public_history(register: Register) -> None:
    entry = register_entry("B1-20250001", today=TODAY)
    assert entry is not None
    assert entry.licence == search_register(number="B1-20250001", today=TODAY)[0]
    # The first step is the issue (written by issuance on approval, or by the fixture without it).
    assert [(e.on, e.action, e.from_state, e.to_state) for e in entry.history[:1]] == [
        (date(2025, 6, 3), "issue", "", "valid")
    ]
    assert entry.history[1:] == (
        RegisterEvent(date(2026, 3, 2), "suspend", "valid", "suspended", (("until", "2026-04-01"),)),
        RegisterEvent(date(2026, 4, 1), "reinstate", "suspended", "valid", ()),
    )
    assert not any(note in repr(entry) for note in SENTINEL_NOTES)


def test_the_entry_of_an_expired_licence_says_expired(register: Register) -> None:
    entry = register_entry("B1-20210003", today=TODAY)
    assert entry is not None
    assert entry.licence.status is LicenceState.EXPIRED
    assert entry.history == ()


def test_an_unknown_number_has_no_entry(register: Register) -> None:
    assert register_entry("B9-20990001", today=TODAY) is None
    assert register_entry("b1-20250001", today=TODAY) is None


def test_the_export_has_one_row_per_licence_in_the_columns_order(register: Register) -> None:
    table = register_export(TODAY)
    assert table.stem == "licence-register-2026-12-10"
    assert [row[0] for row in table.rows] == ALL
    assert table.header == (
        "number",
        "holder_zh",
        "holder_en",
        "uscc",
        "region",
        "services",
        "areas_zh",
        "areas_en",
        "status",
        "valid_from",
        "valid_to",
    )
    assert table.header == tuple(column.name for column in EXPORT_COLUMNS)
    assert len(table.widths) == len(table.header)
    # Dates stay dates: the CSV writes them in ISO 8601, the spreadsheet as dates.
    assert table.rows[1] == (
        "B1.B2-20250005",
        "北方数据（北京）有限公司",
        "Northern Data (Beijing) Co., Ltd.",
        "91110105MA01B2C3DL",
        "110000",
        "B11; B21",
        "B11: 上海市; B21: 北京市、天津市",
        "B11: Shanghai; B21: Beijing, Tianjin",
        "revoked",
        date(2025, 10, 9),
        date(2030, 10, 8),
    )
    assert table.rows[4][8] == "expired"
    assert B21["code"] in str(table.rows[0][5])


def test_the_export_of_a_search_holds_the_search_s_licences_in_its_order(register: Register) -> None:
    found = search_register(status=LicenceState.EXPIRED, today=TODAY)
    table = register_export(TODAY, found)
    assert [row[0] for row in table.rows] == ["B1-20210003", "B1-20200004"]
    assert register_export(TODAY, []).rows == ()


def _queries(read: object) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert callable(read)
        read()
    return len(captured.captured_queries)


def test_each_read_takes_a_fixed_number_of_queries(register: Register) -> None:
    def reads() -> list[int]:
        return [
            _queries(lambda: search_register(today=TODAY)),
            _queries(lambda: search_register(text="co", service="B11", status=LicenceState.VALID, today=TODAY)),
            _queries(lambda: register_export(TODAY)),
            _queries(lambda: register_entry("B1-20250001", today=TODAY)),
            _queries(lambda: register_licence("B1-20250001", today=TODAY)),
        ]

    # Six licences here; two more, then twelve more: the counts stay the same.
    few = reads()
    more_licences(2, actor=register.official)
    two_more = reads()
    more_licences(10, actor=register.official, first_serial=200)
    assert len(search_register(today=TODAY)) == 18
    assert few == two_more == reads() == [1, 1, 1, 2, 1]
