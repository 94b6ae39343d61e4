"""`vatspilot screen`: CSV, Parquet and JSONL in, the same formats out; bad rows named; scenarios compared."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from vatspilot.cli.main import cli

ROOT = Path(__file__).resolve().parents[2]
HEADER = (
    "profile_id,division_code,zones,registered_capital_cny,foreign_share,service_area,dishonest_list,code,scope,content"
)
ROWS = [
    "p1,110105,,20000000,100,cross-regional,false,B11,,",
    "p1,110105,,20000000,100,cross-regional,false,B13,,",
    "p2,370212,,5000000,60,provincial,false,B14,end-user-access,",
    "p3,440305,ftz,500000,10,provincial,false,B25-01,,news",
    "p4,330212,,5000000,100,provincial,false,B11,,",
]


def _csv(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "in.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_csv_in_csv_out_with_exact_outcomes(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    code, stdout, _ = _run("screen", str(_csv(tmp_path, ROWS)), "--on", "2025-06-01", "-o", str(out))
    assert code == 0
    assert "4 profiles, 5 services screened on 2025-06-01" in stdout
    result = pl.read_csv(out, infer_schema=False)
    assert result.select("profile_id", "code", "outcome", "route", "max_foreign_share", "profile_outcome").rows() == [
        ("p1", "B11", "eligible", "pilot", "100.0", "partly-eligible"),
        ("p1", "B13", "ineligible", None, "50.0", "partly-eligible"),
        ("p2", "B14", "eligible", "pilot", "100.0", "eligible"),
        ("p3", "B25-01", "ineligible", None, "0.0", "ineligible"),
        ("p4", "B11", "ineligible", None, "50.0", "ineligible"),
    ]
    assert result["regions"][3] == "notice-107:shenzhen;comprehensive-pilot:shenzhen;ftz"


def test_parquet_in_parquet_out(tmp_path: Path) -> None:
    source = tmp_path / "in.parquet"
    pl.read_csv(_csv(tmp_path, ROWS), infer_schema=False).with_columns(
        pl.col("foreign_share").cast(pl.Float64),
        pl.col("registered_capital_cny").cast(pl.Float64),
        (pl.col("dishonest_list") == "true").alias("dishonest_list"),
    ).write_parquet(source)
    out = tmp_path / "out.parquet"
    code, _, _ = _run("screen", str(source), "--on", "2024-10-22", "-o", str(out))
    assert code == 0
    # The day before Notice 107's regions opened: the Beijing IDC at 100% is not yet possible.
    assert pl.read_parquet(out)["outcome"].to_list() == ["ineligible"] * 5


def test_jsonl_profiles_are_looked_through(tmp_path: Path) -> None:
    profile = json.loads((ROOT / "examples/profiles/shanghai-lingang-jv.json").read_text(encoding="utf-8"))
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(profile) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    code, _, _ = _run("screen", str(source), "--on", "2025-06-01", "-o", str(out))
    assert code == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["code"], r["foreign_share"], r["outcome"]) for r in rows] == [
        ("B21", 70.0, "eligible"),
        ("B25-01", 70.0, "ineligible"),
        ("B25-05", 70.0, "eligible"),
    ]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("p9,110105,,1000000,150,provincial,false,B11,,", "row 2, column foreign_share: 150.0: must be from 0 to 100"),
        ("p9,110105,,1000000,ten,provincial,false,B11,,", "row 2, column foreign_share: 'ten': not a number"),
        ("p9,990105,,1000000,10,provincial,false,B11,,", "row 2, column division_code"),
        ("p9,110105,,1000000,10,provincial,false,A11,,", "row 2, column code: 'A11': basic telecom is out of scope"),
        ("p9,110105,,1000000,10,provincial,false,B11,app-store,", "row 2, column scope: 'app-store'"),
        ("p9,110105,moon,1000000,10,provincial,false,B11,,", "row 2, column zones: 'moon'"),
        ("p9,110105,,1000000,10,statewide,false,B11,,", "row 2, column service_area"),
    ],
)
def test_a_bad_row_is_named_by_number_and_column(tmp_path: Path, row: str, message: str) -> None:
    out = tmp_path / "out.csv"
    code, stdout, stderr = _run("screen", str(_csv(tmp_path, [ROWS[0], row])), "--on", "2025-06-01", "-o", str(out))
    assert code == 2
    assert stdout == ""
    assert len(stderr.strip().splitlines()) == 1 and message in stderr
    assert not out.exists()


def test_a_bad_profile_in_jsonl_is_named_by_line_and_pointer(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    good = (ROOT / "examples/profiles/xian-app-store.json").read_text(encoding="utf-8").replace("\n", " ")
    source.write_text(good + "\n" + good.replace('"percent": 100', '"percent": 90') + "\n", encoding="utf-8")
    code, _, stderr = _run("screen", str(source), "--on", "2025-06-01", "-o", str(tmp_path / "o.csv"))
    assert code == 2
    assert stderr.startswith(f"{source} line 2 /shareholders: percentages at this level add up to 90")


def test_an_unknown_output_format_is_refused(tmp_path: Path) -> None:
    code, _, stderr = _run("screen", str(_csv(tmp_path, ROWS)), "-o", str(tmp_path / "out.xlsx"))
    assert code == 2 and "out.xlsx: is not a supported format" in stderr


def test_compare_scenario_counts_profiles_that_change_and_which_way(tmp_path: Path) -> None:
    scenario = ROOT / "examples/scenarios/article-nine-cities.yaml"
    code, stdout, _ = _run(
        "screen", str(_csv(tmp_path, ROWS)), "--on", "2025-06-01", "-o", str(tmp_path / "o.csv"),
        "--compare-scenario", str(scenario),
    )  # fmt: skip
    assert code == 0
    assert "1 profiles change outcome, 1 services change." in stdout
    assert "  ineligible -> eligible: 1" in stdout
