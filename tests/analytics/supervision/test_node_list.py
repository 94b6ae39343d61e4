"""The node list: streamed reading, line-numbered errors, and the checks with known answers."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from openpyxl import Workbook

from vatspilot.analytics.supervision.node_list import (
    RULES,
    check_nodes,
    classify_nodes,
    diff_nodes,
    mainland_provinces,
    node_flags,
    read_node_list,
)
from vatspilot.analytics.supervision.tabular import Progress, RowError, UploadRejected
from vatspilot.rulebook.loader import default_rulebook

RULEBOOK = default_rulebook()

HEADER = "id,address,role,location\n"
# Addresses whose countries geoip2fast's data gives: CN, CN (IPv6), US, AU, private.
CN, CN6, US, AU, PRIVATE = "114.114.114.114", "2400:da00::6666", "8.8.8.8", "1.1.1.1", "10.0.0.0/8"


def write(tmp_path: Path, text: str, name: str = "nodes.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def rejected(path: Path, **options: object) -> UploadRejected:
    with pytest.raises(UploadRejected) as caught:
        read_node_list(path, RULEBOOK, **options)  # type: ignore[arg-type]
    return caught.value


def test_a_good_list_is_read_into_a_typed_frame(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEADER
        + f"n1,{CN},idc,110105\n"
        + f"n2,{CN6},CDN-Edge,440305\n"
        + f"n3,{US},offshore-cache,us\n"
        + f"n4,{PRIVATE},access,460100\n"
        + "\n"  # a blank line is skipped
        + f"n5,{AU},other,AU\n",
    )
    nodes = read_node_list(path, RULEBOOK)
    assert nodes.select("line", "id", "ip", "prefix", "role", "location", "declared_country", "country").rows() == [
        (2, "n1", CN, None, "idc", "110105", "CN", "CN"),
        (3, "n2", CN6, None, "cdn-edge", "440305", "CN", "CN"),
        (4, "n3", US, None, "offshore-cache", "US", "US", "US"),
        (5, "n4", "10.0.0.0", 8, "access", "460100", "CN", None),
        (7, "n5", AU, None, "other", "AU", "AU", "AU"),
    ]


def test_errors_name_line_field_and_reason(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEADER
        + f"n1,{CN},idc,110105\n"
        + "n2,999.1.1.1,idc,110105\n"
        + ",10.0.0.1/8,router,CN\n"
        + f"n1,{US},idc,810000\n"
        + f'"n5\nstill n5",{CN},idc,990000\n'  # a quoted field over two lines: the row starts on line 6
        + f"n6,{CN},idc\n"
        + f"n7,{CN},idc,ZZ\n"
        + f"n8,{CN},idc,Beijing\n",
    )
    error = rejected(path)
    assert [e.to_dict() for e in error.errors] == [
        {"line": 3, "field": "address", "reason": "not an IP address or CIDR"},
        {"line": 4, "field": "id", "reason": "required"},
        {"line": 4, "field": "address", "reason": "CIDR has host bits set"},
        {"line": 4, "field": "role", "reason": "not one of idc, cdn-edge, offshore-cache, access, other"},
        {"line": 4, "field": "location", "reason": "a place in mainland China is given by its six-digit division code"},
        {"line": 5, "field": "id", "reason": "repeats the id on line 2"},
        {
            "line": 5,
            "field": "location",
            "reason": "Hong Kong, Macao and Taiwan are not mainland China: give the ISO code (HK, MO or TW)",
        },
        {"line": 6, "field": "location", "reason": "not a GB/T 2260 division code"},
        {"line": 8, "field": "(row)", "reason": "has 3 fields, the header has 4"},
        {"line": 9, "field": "location", "reason": "not an ISO 3166 country code"},
        {"line": 10, "field": "location", "reason": "not a six-digit division code or an ISO 3166 country code"},
    ]
    assert (error.error_count, error.rows_read) == (11, 8)
    assert str(error.errors[0]) == "line 3, field address: not an IP address or CIDR"


def test_only_the_first_hundred_errors_are_reported_and_all_are_counted(tmp_path: Path) -> None:
    rows = "".join(f"n{i},bad-{i},idc,110105\n" for i in range(250))
    error = rejected(write(tmp_path, HEADER + rows), chunk_rows=40)
    assert len(error.errors) == 100
    assert (error.error_count, error.rows_read) == (250, 250)
    assert (error.errors[0].line, error.errors[-1].line) == (2, 101)
    assert {e.reason for e in error.errors} == {"not an IP address or CIDR"}


def test_a_missing_column_is_reported_on_the_header_line(tmp_path: Path) -> None:
    error = rejected(write(tmp_path, "ID,Address,Role\nn1,1.1.1.1,idc\n"))
    assert error.errors == (RowError(1, "location", "missing column"),)
    error = rejected(write(tmp_path, ""))
    assert error.errors == (RowError(1, "(row)", "the file is empty: a header line is needed"),)


def test_unreadable_files(tmp_path: Path) -> None:
    path = tmp_path / "nodes.csv"
    path.write_bytes(HEADER.encode() + b"n1,1.1.1.1,idc,\xff\xfe\n")
    assert rejected(path).errors == (RowError(2, "(row)", "not UTF-8 text"),)
    assert rejected(write(tmp_path, HEADER, "nodes.txt")).errors == (
        RowError(0, "(row)", "the file must be one of .csv, .xlsx"),
    )
    assert rejected(write(tmp_path, "not a workbook", "nodes.xlsx")).errors == (
        RowError(1, "(row)", "not a readable XLSX workbook (BadZipFile)"),
    )


def test_an_xlsx_list_is_read_row_by_row(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Location", "ID", "Address", "Role", "Comment"])  # any order, other columns ignored
    sheet.append([110105, 1, CN, "idc", "x"])  # numbers, as a spreadsheet stores them
    sheet.append([None, None, None, None, None])
    sheet.append(["US", "n2", "8.8.8.0/24", "cdn-edge", None])
    sheet.append(["440305", "n3", "nope", "idc", None])
    path = tmp_path / "nodes.xlsx"
    workbook.save(path)
    assert rejected(path).errors == (RowError(5, "address", "not an IP address or CIDR"),)
    sheet.delete_rows(5)
    workbook.save(path)
    nodes = read_node_list(path, RULEBOOK)
    assert nodes.select("line", "id", "ip", "prefix", "location", "country").rows() == [
        (2, "1", CN, None, "110105", "CN"),
        (4, "n2", "8.8.8.0", 24, "US", "US"),
    ]


def test_a_large_list_is_streamed_in_chunks(tmp_path: Path) -> None:
    rows = 20_000
    lines = [HEADER]
    lines.extend(f"n{i},1.{i // 256 % 256}.{i % 256}.0/24,idc,110105\n" for i in range(rows))
    path = write(tmp_path, "".join(lines))
    seen: list[Progress] = []
    nodes = read_node_list(path, RULEBOOK, chunk_rows=1_000, progress=seen.append)
    assert nodes.height == rows
    # Twenty chunks of a thousand rows: the file was never held as one frame of text.
    assert [p.chunks for p in seen] == list(range(1, 21))
    assert [p.rows_read for p in seen] == [1_000 * n for n in range(1, 21)]
    assert {p.errors for p in seen} == {0}
    assert nodes["line"].to_list()[:2] == [2, 3] and nodes["line"][-1] == rows + 1


def test_a_list_of_divisions_checks_that_each_code_exists(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + f"n1,{CN},idc,110105\nn2,{CN},idc,110199\n")
    error = rejected(path, divisions={"110000", "110100", "110105"})
    assert error.errors == (RowError(3, "location", "not a GB/T 2260 division code"),)
    assert read_node_list(path, RULEBOOK).height == 2  # without the list, the province part is what is checked


def test_the_mainland_provinces_come_from_the_rulebook() -> None:
    provinces = mainland_provinces(RULEBOOK)
    assert len(provinces) == 31
    assert {"11", "46", "65"} <= provinces and not {"71", "81", "82"} & provinces


@pytest.fixture
def nodes(tmp_path: Path) -> pl.DataFrame:
    return read_node_list(
        write(
            tmp_path,
            HEADER
            + f"beijing,{CN},idc,110105\n"
            + f"shenzhen,{CN6},cdn-edge,440305\n"
            + f"abroad,{US},offshore-cache,US\n"
            + f"liar,{US},idc,110105\n"
            + f"private,{PRIVATE},access,460100\n"
            + f"hongkong,{AU},other,HK\n",
        ),
        RULEBOOK,
    )


def flags(nodes: pl.DataFrame, area: list[str] | None) -> dict[str, list[str]]:
    return {str(n["id"]): list(n["flags"]) for n in node_flags(nodes, area)}  # type: ignore[call-overload]


def test_flags_for_a_beijing_licence(nodes: pl.DataFrame) -> None:
    assert flags(nodes, ["110000"]) == {
        "beijing": [],
        "shenzhen": ["outside-licensed-area"],
        "abroad": ["outside-licensed-area", "outside-mainland"],
        "liar": ["outside-licensed-area", "outside-mainland", "declared-location-mismatch"],
        "private": ["outside-licensed-area"],
        "hongkong": ["outside-licensed-area", "outside-mainland", "declared-location-mismatch"],
    }


def test_flags_for_a_nationwide_licence_and_narrower_areas(nodes: pl.DataFrame) -> None:
    nationwide = flags(nodes, None)
    assert [k for k, v in nationwide.items() if "outside-licensed-area" in v] == ["abroad", "liar", "hongkong"]
    # A city-level code covers its districts; a district code only itself.
    assert flags(nodes, ["440300", "460100"])["shenzhen"] == []
    assert flags(nodes, ["440300", "460100"])["private"] == []
    assert flags(nodes, ["440304"])["shenzhen"] == ["outside-licensed-area"]
    with pytest.raises(ValueError, match="six-digit division code"):
        classify_nodes(nodes, ["11"])


def test_findings_carry_rule_citation_and_confidence(nodes: pl.DataFrame) -> None:
    findings = check_nodes(nodes, ["110000", "440000"])
    assert findings.select("rule", "severity", "confidence", "id", "line").rows() == [
        ("node:outside-licensed-area", "high", "U", "abroad", 4),
        ("node:outside-mainland", "high", "U", "abroad", 4),
        ("node:declared-location-mismatch", "medium", "U", "liar", 5),
        ("node:outside-licensed-area", "high", "U", "liar", 5),
        ("node:outside-mainland", "high", "U", "liar", 5),
        ("node:outside-licensed-area", "high", "U", "private", 6),
        ("node:declared-location-mismatch", "medium", "U", "hongkong", 7),
        ("node:outside-licensed-area", "high", "U", "hongkong", 7),
        ("node:outside-mainland", "high", "U", "hongkong", 7),
    ]
    assert findings.filter(pl.col("id") == "liar")["detail"][0] == (
        "node liar at 8.8.8.8 declared in 110105, address country US"
    )
    for rule in RULES.values():
        assert rule.citation_en and rule.citation_zh and rule.confidence in {"C1", "C2", "M", "U"}


def test_quarter_over_quarter_diff(tmp_path: Path, nodes: pl.DataFrame) -> None:
    current = read_node_list(
        write(
            tmp_path,
            HEADER
            + f"beijing,{US},idc,US\n"  # moved abroad
            + f"shenzhen,{CN},cdn-edge,440306\n"  # moved within China: not a change this diff reports
            + f"abroad,{AU},offshore-cache,AU\n"  # abroad before and after
            + f"new,{CN},idc,110105\n",
            "next.csv",
        ),
        RULEBOOK,
    )
    assert diff_nodes(nodes, current).rows() == [
        ("added", "new", None, "110105"),
        ("moved-abroad", "beijing", "110105", "US"),
        ("removed", "hongkong", "HK", None),
        ("removed", "liar", "110105", None),
        ("removed", "private", "460100", None),
    ]


def test_a_header_alone_is_an_empty_list(tmp_path: Path) -> None:
    nodes = read_node_list(write(tmp_path, HEADER), RULEBOOK)
    assert (nodes.height, nodes.columns[-1]) == (0, "country")
    assert check_nodes(nodes, None).height == 0 and diff_nodes(nodes, nodes).height == 0
