"""The security log: streamed reading, line-numbered errors, incident deadlines and remediation deadlines."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import pytest

from vatspilot.analytics.supervision import tabular
from vatspilot.analytics.supervision.security_log import (
    RULES,
    check_incidents,
    check_vulnerabilities,
    end_of_day,
    read_security_log,
    remediation_days_on,
    summarise,
)
from vatspilot.analytics.supervision.tabular import (
    Progress,
    RowError,
    UploadRejected,
    chunks,
    ndjson_chunks,
    records,
)
from vatspilot.rulebook.loader import default_rulebook

RULEBOOK = default_rulebook()
COLUMNS = ("time", "severity", "category", "incident_grade", "reported_at", "vulnerability_id", "status")
DAYS = {"critical": 15, "high": 30, "medium": 60, "low": 90}


def ndjson(tmp_path: Path, lines: list[dict[str, object] | str], name: str = "log.ndjson") -> Path:
    path = tmp_path / name
    path.write_text(
        "".join((line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)) + "\n" for line in lines),
        encoding="utf-8",
    )
    return path


def incident(when: str, grade: str, reported: str | None = None, **more: object) -> dict[str, object]:
    line: dict[str, object] = {"time": when, "severity": "high", "category": "intrusion", "incident_grade": grade}
    if reported is not None:
        line["reported_at"] = reported
    return {**line, "status": "closed", **more}


def vulnerability(when: str, vid: str, severity: str, status: str) -> dict[str, object]:
    return {"time": when, "severity": severity, "vulnerability_id": vid, "status": status}


def test_times_are_read_as_instants_china_time_without_an_offset(tmp_path: Path) -> None:
    log = read_security_log(
        ndjson(
            tmp_path,
            [
                {"time": "2025-11-03T10:00:00+08:00", "severity": "info"},
                {"time": "2025-11-03T02:00:00Z", "severity": "INFO"},
                {"time": "2025-11-03 10:00:00", "severity": "info"},
                {"time": "2025-11-03T10:00", "severity": "info", "Incident Grade": "较大", "status": "In Progress"},
            ],
        )
    )
    instant = datetime(2025, 11, 3, 2, tzinfo=UTC)
    assert log["time"].to_list() == [instant] * 4
    assert log.select("severity", "incident_grade", "status").rows()[3] == ("info", "major", "in-progress")


def test_errors_name_line_field_and_reason(tmp_path: Path) -> None:
    path = ndjson(
        tmp_path,
        [
            {"time": "2025-11-03T10:00:00+08:00", "severity": "high"},
            {"time": "yesterday", "severity": "urgent"},
            "not json",
            "",
            incident("2025-11-03T10:00:00", "catastrophic", "2025-11-03T09:00:00"),
            {"time": "2025-11-03T10:00:00", "severity": "low", "vulnerability_id": "CVE-1"},
            {"severity": "low", "vulnerability_id": "CVE-2", "status": "wontfix"},
            "[1, 2]",
        ],
    )
    with pytest.raises(UploadRejected) as caught:
        read_security_log(path)
    assert [str(e) for e in caught.value.errors] == [
        "line 2, field time: not a date and time (ISO 8601, e.g. 2025-11-03T10:00:00+08:00)",
        "line 2, field severity: not one of critical, high, medium, low, info",
        "line 3, field (row): not a JSON object",
        "line 5, field incident_grade: not one of general, major, serious, especially-serious "
        "(or 一般, 较大, 重大, 特别重大)",
        "line 5, field reported_at: before the event's time",
        "line 6, field status: required for an incident or a vulnerability",
        "line 7, field time: required",
        "line 7, field status: not one of open, in-progress, fixed, closed",
        "line 8, field (row): not a JSON object",
    ]
    assert (caught.value.error_count, caught.value.rows_read) == (9, 7)


def test_a_csv_log_and_its_header(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text(
        "time,severity,category,incident-grade,reported-at,vulnerability id,status\n"
        "2025-11-03T10:00:00,high,intrusion,major,2025-11-03T15:00:00,,closed\n"
        "2025-10-01T09:00:00,critical,,,,CVE-1,open\n",
        encoding="utf-8",
    )
    log = read_security_log(path)
    assert log.select("line", "incident_grade", "vulnerability_id", "status").rows() == [
        (2, "major", None, "closed"),
        (3, None, "CVE-1", "open"),
    ]
    path.write_text("time,severity\n2025-11-03T10:00:00,high\n", encoding="utf-8")
    with pytest.raises(UploadRejected) as caught:
        read_security_log(path)
    assert [e.field for e in caught.value.errors] == [
        "category",
        "incident_grade",
        "reported_at",
        "vulnerability_id",
        "status",
    ]
    assert {(e.line, e.reason) for e in caught.value.errors} == {(1, "missing column")}
    with pytest.raises(UploadRejected) as caught:
        read_security_log(tmp_path / "log.xlsx")
    assert caught.value.errors == (RowError(0, "(row)", "the file must be one of .csv, .jsonl, .ndjson"),)


def test_only_the_first_hundred_errors_are_reported(tmp_path: Path) -> None:
    path = ndjson(tmp_path, [{"time": "2025-11-03T10:00:00", "severity": "bad"}] * 130)
    with pytest.raises(UploadRejected) as caught:
        read_security_log(path, chunk_rows=16)
    assert (len(caught.value.errors), caught.value.error_count, caught.value.rows_read) == (100, 130, 130)
    assert caught.value.errors[-1] == RowError(100, "severity", "not one of critical, high, medium, low, info")


def test_a_large_log_is_streamed_in_chunks(tmp_path: Path) -> None:
    path = tmp_path / "big.ndjson"
    with path.open("w", encoding="utf-8") as handle:
        for i in range(30_000):
            handle.write(json.dumps({"time": f"2025-11-{1 + i % 28:02d}T10:00:00", "severity": "info"}) + "\n")
    seen: list[Progress] = []
    log = read_security_log(path, chunk_rows=2_500, progress=seen.append)
    assert log.height == 30_000
    assert [(p.chunks, p.rows_read) for p in seen] == [(n, 2_500 * n) for n in range(1, 13)]


@pytest.fixture
def incidents(tmp_path: Path) -> pl.DataFrame:
    return read_security_log(
        ndjson(
            tmp_path,
            [
                incident("2025-11-03T10:00:00", "major", "2025-11-03T14:00:00"),  # 4 h exactly: on time
                incident("2025-11-03T10:00:00", "较大", "2025-11-03T14:00:01"),  # a second late
                incident("2025-11-03T10:00:00", "especially-serious", "2025-11-03T10:30:00+08:00"),
                incident("2025-11-04T23:00:00", "serious"),  # unreported; 4 h deadline 2025-11-05T03:00
                incident("2025-11-03T10:00:00", "general", "2025-11-10T10:00:00"),  # below major: not judged
                incident("2025-10-31T23:00:00", "major", "2025-11-02T10:00:00"),  # before the Measures
                incident("2025-11-01T00:00:00", "major", "2025-11-01T05:00:00"),  # their first day
            ],
        )
    )


def test_incidents_reported_late_by_an_ordinary_operator(incidents: pl.DataFrame) -> None:
    findings = check_incidents(incidents, RULEBOOK, "other", date(2025, 11, 5))
    assert findings.select("rule", "severity", "confidence", "line").rows() == [
        ("log:incident-reported-late", "high", "C1", 2),
        ("log:incident-not-reported", "critical", "C1", 4),
        ("log:incident-reported-late", "high", "C1", 7),
    ]
    assert findings["detail"][0] == (
        "major incident at 2025-11-03T10:00:00+08:00 reported at 2025-11-03T14:00:01+08:00, "
        "deadline 2025-11-03T14:00:00+08:00 (4 h)"
    )
    # On the incident's own day its deadline (03:00 the next day) has not passed yet.
    assert check_incidents(incidents, RULEBOOK, "other", date(2025, 11, 4))["line"].to_list() == [2, 7]


def test_incidents_reported_late_by_a_critical_infrastructure_operator(incidents: pl.DataFrame) -> None:
    findings = check_incidents(incidents, RULEBOOK, "cii", date(2025, 11, 4))
    # Line 4 happened at 23:00 on 2025-11-04: its 1-hour deadline is midnight, after that day's end.
    assert findings.select("rule", "line").rows() == [
        ("log:incident-reported-late", 1),
        ("log:incident-reported-late", 2),
        ("log:incident-reported-late", 7),
    ]
    assert check_incidents(incidents, RULEBOOK, "cii", date(2025, 11, 5))["line"].to_list() == [1, 2, 4, 7]
    with pytest.raises(ValueError, match="no hours for 'bank'"):
        check_incidents(incidents, RULEBOOK, "bank", date(2025, 11, 4))


def test_vulnerabilities_open_past_their_remediation_deadline(tmp_path: Path) -> None:
    log = read_security_log(
        ndjson(
            tmp_path,
            [
                vulnerability("2025-10-01T09:00:00", "CVE-C", "critical", "open"),  # due 2025-10-16
                vulnerability("2025-10-01T09:00:00", "CVE-H", "high", "open"),  # due 2025-10-31
                vulnerability("2025-10-20T09:00:00", "CVE-H", "high", "fixed"),  # ... fixed in time
                vulnerability("2025-10-02T09:00:00", "CVE-M", "medium", "in progress"),  # due 2025-12-01
                vulnerability("2025-09-01T09:00:00", "CVE-L", "low", "open"),  # due 2025-11-30
                vulnerability("2025-10-01T23:30:00Z", "CVE-Z", "critical", "open"),  # 2025-10-02 in China
                vulnerability("2025-10-01T09:00:00", "CVE-I", "info", "open"),  # no deadline
                vulnerability("2025-11-20T09:00:00", "CVE-L", "low", "closed"),  # closed late: not open
            ],
        )
    )
    days = remediation_days_on(RULEBOOK, date(2025, 12, 1))
    assert days == DAYS
    assert check_vulnerabilities(log, days, date(2025, 10, 16)).rows() == []
    findings = check_vulnerabilities(log, days, date(2025, 10, 17))
    assert findings.select("rule", "severity", "confidence", "vulnerability_id", "line").rows() == [
        ("log:vulnerability-overdue", "critical", "U", "CVE-C", 1),
    ]
    assert findings["detail"][0] == "critical vulnerability CVE-C open since 2025-10-01, due 2025-10-16 (15 days)"
    assert check_vulnerabilities(log, days, date(2025, 10, 18))["vulnerability_id"].to_list() == ["CVE-C", "CVE-Z"]
    on_december_second = check_vulnerabilities(log, days, date(2025, 12, 2))
    assert on_december_second["vulnerability_id"].to_list() == ["CVE-C", "CVE-M", "CVE-Z"]
    assert on_december_second["severity"].to_list() == ["critical", "medium", "critical"]


def test_summary_and_rules(incidents: pl.DataFrame) -> None:
    assert summarise(incidents).rows() == [("incident", "high", 7)]
    assert end_of_day(date(2025, 11, 4)).isoformat() == "2025-11-04T23:59:59.999999+08:00"
    assert {rule.confidence for rule in RULES.values()} == {"C1", "U"}


def test_the_block_parser_reads_as_the_line_by_line_parser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "mixed.ndjson"
    path.write_bytes(
        b'{"time": "2025-11-03T10:00:00", "severity": "high", "category": "scan  ", "status": ""}\r\n'
        b'{"time": "2025-11-03T10:00:00", "severity": "info", "category": 12, "vulnerability_id": 110105.0}\n'
        b'{"time": "2025-11-03T10:00:00", "severity": "info", "category": true, "status": null}\n'
        b'{"time": "2025-11-03T10:00:00", "severity": "low", "category": [1, 2]}\n'
        + '{"time": "2025-11-03T10:00:00", "severity": "low", "category": "入侵 \\"quoted\\"!"}\n'.encode()
        + b'{"time": "2025-11-03T10:00:00", "severity": "low"}'  # no newline at the end
    )
    columns = ("time", "severity", "category", "incident_grade", "reported_at", "vulnerability_id", "status")
    (slow,) = list(chunks(records(path, columns, ("ndjson",)), columns, chunk_rows=100))

    def line_by_line(*_: object) -> None:
        raise AssertionError("the block was read line by line")

    monkeypatch.setattr(tabular, "_ndjson_record", line_by_line)
    (fast,) = list(ndjson_chunks(path, columns, chunk_rows=100))
    assert fast[1:] == slow[1:] == ([], 6)
    assert fast[0].rows() == slow[0].rows()
    assert fast[0].select("line", "category", "vulnerability_id", "status").rows() == [
        (1, "scan", None, None),
        (2, "12", "110105", None),
        (3, "true", None, None),
        (4, "[1, 2]", None, None),
        (5, '入侵 "quoted"!', None, None),
        (6, None, None, None),
    ]


def test_a_block_with_an_unexpected_name_is_read_line_by_line(tmp_path: Path) -> None:
    path = ndjson(
        tmp_path,
        [
            {"time": "2025-11-03T10:00:00", "severity": "high", "Incident Grade": "major", "status": "closed"},
            {"time": "2025-11-03T10:00:00", "severity": "high", "extra": 1},
        ],
    )
    log = read_security_log(path)
    assert log["incident_grade"].to_list() == ["major", None]


def test_blank_lines_and_bare_values_send_a_block_line_by_line(tmp_path: Path) -> None:
    path = tmp_path / "log.ndjson"
    columns = ("time", "severity", "category", "incident_grade", "reported_at", "vulnerability_id", "status")
    path.write_bytes(b'{"time": "2025-11-03T10:00:00", "severity": "low"}\n\n   \n{"time": "x", "severity": "low"}\n')
    ((frame, errors, read),) = list(ndjson_chunks(path, columns))
    assert (frame["line"].to_list(), errors, read) == ([1, 4], [], 2)
    path.write_bytes(b'{"time": "2025-11-03T10:00:00", "severity": "low"}\nnull\n"text"\n')
    ((frame, errors, read),) = list(ndjson_chunks(path, columns))
    assert (frame["line"].to_list(), errors, read) == (
        [1],
        [RowError(2, "(row)", "not a JSON object"), RowError(3, "(row)", "not a JSON object")],
        3,
    )


def test_findings_have_one_schema_whatever_the_check(tmp_path: Path) -> None:
    log = read_security_log(
        ndjson(
            tmp_path,
            [
                incident("2025-11-03T10:00:00", "major", "2025-11-03T15:00:00"),
                vulnerability("2025-10-01T09:00:00", "CVE-1", "critical", "open"),
            ],
        )
    )
    assert log.schema["severity"] == pl.Enum(["critical", "high", "medium", "low", "info"])
    incidents = check_incidents(log, RULEBOOK, "other", date(2025, 12, 1))
    vulnerabilities = check_vulnerabilities(log, DAYS, date(2025, 12, 1))
    assert incidents.schema == vulnerabilities.schema
    assert pl.concat([incidents, vulnerabilities])["severity"].to_list() == ["high", "critical"]


def test_an_empty_log_has_no_lines_and_no_findings(tmp_path: Path) -> None:
    log = read_security_log(ndjson(tmp_path, []))
    assert (log.height, log.columns[-1]) == (0, "kind")
    assert summarise(log).height == 0
    assert check_incidents(log, RULEBOOK, "other", date(2026, 1, 1)).height == 0
    assert check_vulnerabilities(log, DAYS, date(2026, 1, 1)).height == 0


TIMES = [
    "2025-11-03T10:00:00+08:00",
    "2025-11-03T10:00:00Z",
    "2025-11-03T10:00:00",
    "2025-11-03T10:00:00-05:30",
    "2025-11-03T10:00:00+23:59",
    "2025-11-03T10:00:00+24:00",
    "2025-11-03T10:00:00+8:00",
    "2025-11-03T10:00:00 +08:00",
    "2025-11-03T10:00:00.5+08:00",
    "2025-11-03T10:00:00.123456",
    "2025-11-03 10:00:00",
    "2025-11-03T10:00",
    "2025-11-03T10:00:00+08",
    "2025-11-03T10:00:00+0800",
    "2025-11-03T10:00:00z",
    "2025-11-03T24:00:00",
    "2025-02-30T10:00:00",
    "2025-11-03T10:00:60",
    "2025-11-03t10:00:00",
    "２０２５-11-03T10:00:00",
    "2025-11-03T10:00:00+０8:00",
    "2025-11-03T10:00:00++8:00",
    "2025-11-03T10:00:00+08:00x",
    "2025-11-03T10:00:00+08:00 ",
    "yesterday",
    None,
]


def test_the_usual_form_of_time_reads_as_the_general_parse_reads_it() -> None:
    """Times of the usual form are read by a faster way (`_usual_instants`); every text reads as the
    general parse reads it, whichever way it went."""
    from vatspilot.analytics.supervision.security_log import _general_instants, _typed

    texts = pl.Series("time", TIMES, dtype=pl.String)
    raw = pl.DataFrame({column: [None] * len(TIMES) for column in COLUMNS}, schema=dict.fromkeys(COLUMNS, pl.String))
    typed = _typed(raw.with_columns(time=texts, reported_at=texts.reverse()))
    assert typed["_time"].to_list() == _general_instants(texts).to_list()
    assert typed["_reported_at"].to_list() == _general_instants(texts.reverse()).to_list()
    assert typed["_time"][:5].to_list() == [
        datetime(2025, 11, 3, 2, tzinfo=UTC),
        datetime(2025, 11, 3, 10, tzinfo=UTC),
        datetime(2025, 11, 3, 2, tzinfo=UTC),
        datetime(2025, 11, 3, 15, 30, tzinfo=UTC),
        datetime(2025, 11, 2, 10, 1, tzinfo=UTC),
    ]
