"""Why an upload's line is refused, in both languages: every reason the readers write is one of the
templates of analytics.supervision.rejections, and the report's page shows it in the reader's language
(services.legal_text.rejection_in) while the stored run, the CLI and the API keep the English."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vatspilot.analytics.supervision import rejections
from vatspilot.analytics.supervision.node_list import read_node_list
from vatspilot.analytics.supervision.security_log import read_security_log
from vatspilot.analytics.supervision.tabular import UploadRejected
from vatspilot.rulebook.loader import default_rulebook
from vatspilot.services.legal_text import rejected_field, rejection_in

NODE_LINES = [
    "id,address,role,location",
    "a,10.0.0.1,idc,110105",  # good
    "a,10.0.0.2,idc,110105",  # the id again
    ",300.0.0.1,router,810000",  # no id, no address, an unknown role, Hong Kong by a division code
    "b,10.0.0.0/8x,idc,990000",  # not an address, not a division
    "c,10.0.0.1/8,idc,CN",  # host bits set; China by its ISO code
    "d,10.0.0.3,idc,ZZ",  # not a country
    "e,10.0.0.4,idc,abc",  # neither
    "f,10.0.0.5,idc",  # a field short
]
LOG_LINES = [
    {"time": "yesterday", "severity": "extreme", "category": "x", "incident_grade": "huge"},
    {"time": "2025-11-03T10:00:00+08:00", "severity": "high", "category": "x", "vulnerability_id": "CVE-1"},
    {
        "time": "2025-11-03T10:00:00+08:00",
        "severity": "high",
        "category": "x",
        "incident_grade": "major",
        "status": "open",
        "reported_at": "2025-11-03T09:00:00+08:00",
    },
    ["not", "an", "object"],
]


def _reasons(path: Path, read: object) -> list[tuple[str, str]]:
    with pytest.raises(UploadRejected) as caught:
        read(path)  # type: ignore[operator]
    return [(error.field, error.reason) for error in caught.value.errors]


def test_every_reason_the_readers_write_reads_in_chinese(tmp_path: Path) -> None:
    nodes = tmp_path / "nodes.csv"
    nodes.write_text("\n".join(NODE_LINES) + "\n", encoding="utf-8")
    log = tmp_path / "log.ndjson"
    log.write_text("\n".join(json.dumps(line) for line in LOG_LINES) + "\n", encoding="utf-8")

    found = _reasons(nodes, lambda path: read_node_list(path, default_rulebook())) + _reasons(log, read_security_log)

    assert [(rejected_field(field, "zh"), rejection_in(reason, "zh")) for field, reason in found] == [
        ("id", "与第2行的标识重复"),
        ("id", "必填"),
        ("address", "不是IP地址或CIDR地址段"),
        ("role", "不是以下取值之一：idc, cdn-edge, offshore-cache, access, other"),
        ("location", "香港、澳门和台湾不属于中国大陆：请填写ISO代码（HK、MO或TW）"),
        ("address", "不是IP地址或CIDR地址段"),
        ("location", "不是GB/T 2260行政区划代码"),
        ("address", "CIDR地址段的主机位不为零"),
        ("location", "中国大陆的地点须以六位行政区划代码填写"),
        ("location", "不是ISO 3166国家或地区代码"),
        ("location", "既不是六位行政区划代码，也不是ISO 3166国家或地区代码"),
        ("（整行）", "有3个字段，标题行有4个"),
        ("time", "不是日期时间（ISO 8601格式，例如2025-11-03T10:00:00+08:00）"),
        ("severity", "不是以下取值之一：critical, high, medium, low, info"),
        (
            "incident_grade",
            "不是以下取值之一：general, major, serious, especially-serious（或一般、较大、重大、特别重大）",
        ),
        ("status", "网络安全事件和漏洞必须填写"),
        ("status", "网络安全事件和漏洞必须填写"),
        ("reported_at", "早于事件发生时间"),
        ("（整行）", "不是JSON对象"),
    ]
    # The English is kept as the readers wrote it (the stored run, the CLI and the API give it so).
    assert [rejection_in(reason, "en") for _field, reason in found] == [reason for _field, reason in found]


@pytest.mark.parametrize(
    ("stored", "chinese"),
    [
        ("required", "必填"),
        ("repeats the id on line 2", "与第2行的标识重复"),
        ("has 3 fields, the header has 4", "有3个字段，标题行有4个"),
        ("not one of edge, router", "不是以下取值之一：edge, router"),
        ("longer than 64 characters", "超过64个字符"),
        ("not valid CSV (line contains NUL)", "不是有效的CSV（line contains NUL）"),
        ("the file must be one of .csv, .xlsx", "文件格式须为以下之一：.csv, .xlsx"),
        ("a reason from an older release", "a reason from an older release"),
    ],
)
def test_a_stored_reason_is_shown_in_chinese(stored: str, chinese: str) -> None:
    assert rejection_in(stored, "zh") == chinese


def test_each_template_names_the_same_placeholders_in_both_languages() -> None:
    for template in rejections.REJECTIONS:
        filled = {name: f"<{name}>" for name in template.names}
        assert rejection_in(template.en.format(**filled), "zh") == template.zh.format(**filled)


def test_a_whole_line_is_named_in_the_readers_words() -> None:
    assert (rejected_field("(row)", "zh"), rejected_field("(row)", "en"), rejected_field("location", "zh")) == (
        "（整行）",
        "(row)",
        "location",
    )
