"""An NDJSON block parsed at once reads exactly as its lines read one by one, whatever the lines hold.

The block path (Polars, a block at a time) is taken only when counting the block's bytes proves that
every name in it is one the reader reads (`tabular._names_all_known`); every doubt sends the block line
by line. These lines are built to fool the count: names that differ from a column only in spelling,
spaced colons, escapes, nulls named and nested, names given twice.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from vatspilot.analytics.supervision import tabular
from vatspilot.analytics.supervision.tabular import chunks, ndjson_chunks, records

COLUMNS = ("time", "severity", "category", "incident_grade", "reported_at", "vulnerability_id", "status")
PLAIN = '{"time": "2025-11-03T10:00:00", "severity": "low", "category": "scan"}'
TRICKY = [
    '{"time": "x", "Severity": "high"}',  # a name read only once respelled
    '{"time"\t: "x", "Severity": "high"}',  # ... beside a read name spaced from its colon
    '{"time" : "x", "severity": "high"}',
    '{"status": "open", "status": null}',  # a name twice: the first is read
    '{"status": null, "status": "open"}',
    '{"status": "open", "Status": null}',
    '{"Status": null}',
    '{"category": "a:null", "Status": "open"}',
    '{"category": "a: null", "Incident grade": "major"}',
    '{"category": "\\u003a", "Status": "open"}',  # an escaped colon
    '{"category": "\\u003A", "Status": "open"}',
    '{"category": "\\u0022status\\u0022: null", "Status": null}',  # a named null spelled with escapes
    '{"category": "\\u006eull", "Status": null}',
    '{"category": {"status": null}, "Status": "open"}',  # a named null inside a nested value
    '{"category": {"status" :null}}',
    '{"category": [null, {"a": "b:c"}], "severity": "low"}',
    '{"x:null": 1, "Status": "open"}',
    '{"nullnull": 1, "Status": "open"}',
    '{"note": {"status": null}, "Status": "open"}',
    '{"category": "入侵 \\"q\\" : x", "severity": "low"}',
    '{"category": "C:\\\\Windows", "severity": "low"}',
    '{"category": "\\u5165\\u4fb5", "severity": "low"}',
    '{"time": null, "severity": null, "category": null}',
    '{"category": 1.0, "vulnerability_id": true, "status": 12}',
    "{}",
    '{"status": "open", "status": "closed"}',
    '{"status": "open" , "Status" : "x"}',
    '{"severity": "low", "extra": "2025-11-03T10:00:00"}',
]


def read_both(path: Path) -> tuple[list[object], list[object]]:
    (slow,) = list(chunks(records(path, COLUMNS, ("ndjson",)), COLUMNS, chunk_rows=1000))
    (fast,) = list(ndjson_chunks(path, COLUMNS, chunk_rows=1000))
    return [fast[0].rows(), fast[1], fast[2]], [slow[0].rows(), slow[1], slow[2]]


@pytest.mark.parametrize("line", TRICKY)
def test_a_tricky_line_reads_the_same_either_way(tmp_path: Path, line: str) -> None:
    path = tmp_path / "log.ndjson"
    for lines in ([line], [PLAIN, line, PLAIN], [line, line]):
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        fast, slow = read_both(path)
        assert fast == slow, lines


def test_every_tricky_line_in_one_block_reads_the_same_either_way(tmp_path: Path) -> None:
    path = tmp_path / "log.ndjson"
    path.write_text("\n".join([PLAIN, *TRICKY, PLAIN]) + "\n", encoding="utf-8")
    fast, slow = read_both(path)
    assert fast == slow


@pytest.mark.parametrize(
    "line",
    [
        PLAIN,
        '{"time": "2025-11-03T10:00:00+08:00", "status": null, "category": null}',  # a writer's nulls
        '{"time":"2025-11-03T10:00:00","category":"a: b : c","status":"open"}',  # no spaces, colons inside
        '{"category": {"status": null, "a": [1, "x:y"]}, "severity": "low"}',
        '{"category": "入侵 \\"quoted\\" \\u5165 C:\\\\path", "severity": "low"}',
        '{"category": "Caf\\u00e9 \\u00a0 \\u0041", "severity": "low"}',  # escapes of other characters
        '{"category": "null", "status": null}',
        "{}",
    ],
)
def test_a_plain_block_is_parsed_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, line: str) -> None:
    path = tmp_path / "log.ndjson"
    path.write_text("\n".join([PLAIN, line, line]) + "\n", encoding="utf-8")
    _, slow = read_both(path)

    def line_by_line(*_: object) -> None:
        raise AssertionError("the block was read line by line")

    monkeypatch.setattr(tabular, "_ndjson_record", line_by_line)
    (fast,) = list(ndjson_chunks(path, COLUMNS, chunk_rows=1000))
    assert [fast[0].rows(), fast[1], fast[2]] == slow
