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
    columns = ("profile_id", "code", "outcome", "route", "opening", "area", "max_foreign_share", "deciding_rule")
    assert result.select(*columns, "profile_outcome").rows() == [
        # IDC: closed nationally (WTO), opened by Notice 107 in Beijing.
        ("p1", "B11", "eligible", "pilot", "notice-107", "Beijing", "100.00", "cap:notice-107", "partly-eligible"),
        # IP-VPN: at most 50% in a comprehensive-pilot city; 100% is too much.
        ("p1", "B13", "ineligible", None, None, None, "50.00", "cap:comprehensive-pilot-2025", "partly-eligible"),
        ("p2", "B14", "eligible", "pilot", "comprehensive-pilot", "Qingdao", "100.00", "cap:comprehensive-pilot-2025",
         "eligible"),
        ("p3", "B25-01", "ineligible", None, None, None, "0.00", "prohibition:negative-list-content", "ineligible"),
        # IDC in Ningbo: the comprehensive pilot does not open it, and the national cap is 0.
        ("p4", "B11", "ineligible", None, None, None, "0.00", "cap:not-opened-wto", "ineligible"),
    ]  # fmt: skip
    assert result["regions"][3] == "notice-107:shenzhen;comprehensive-pilot:shenzhen;ftz"
    assert result["foreign_share"].to_list() == ["100.00", "100.00", "60.00", "10.00", "100.00"]


V2_ROWS = [
    # Music takes B25-01 out of Notice 107 only: 60% exceeds the national 50% that remains.
    "m1,110105,,5000000,60,provincial,,false,B25-01,,music",
    # ... and 50% is within it.
    "m2,110105,,5000000,50,provincial,,false,B25-01,,music",
    # Hainan's own list opens B21; from 2024-10-23 Notice 107 does too, and comes first.
    "h1,460100,,5000000,100,provincial,,false,B21,edi,",
    # Lin-gang is in the FTZ (IP-VPN up to 50%), though not in Pudong's division code.
    "l1,310120,shanghai-lingang,5000000,50,provincial,,false,B13,,",
    # A cross-regional declaration met on the national route needs RMB 10,000,000.
    "c1,440106,,5000000,50,cross-regional,,false,B22,,",
    # ... met only on a pilot route, it is limited to the pilot area: RMB 1,000,000 suffices.
    "c2,440305,,5000000,100,cross-regional,,false,B12,,",
    # Declared provinces name the national-route area; the share is rounded half-up to two decimals.
    "c3,440106,,50000000,49.995,cross-regional,110000;440000,false,B26,,",
    # Public information publishing is prohibited to foreign investors, not to a domestic enterprise.
    "d1,130102,,5000000,0,provincial,,false,B25-03,,public-information-publishing",
]


def test_v2_openings_areas_contents_and_capital(tmp_path: Path) -> None:
    header = HEADER.replace("service_area,", "service_area,service_provinces,")
    path = tmp_path / "v2.csv"
    path.write_text("\n".join([header, *V2_ROWS]) + "\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    code, _, _ = _run("screen", str(path), "--on", "2024-10-23", "-o", str(out))
    assert code == 0
    result = pl.read_csv(out, infer_schema=False)
    columns = (
        "profile_id",
        "foreign_share",
        "outcome",
        "route",
        "opening",
        "area",
        "max_foreign_share",
        "deciding_rule",
    )
    assert result.select(columns).rows() == [
        ("m1", "60.00", "ineligible", None, None, None, "50.00", "prohibition:notice-107-b25-content"),
        ("m2", "50.00", "eligible", "national", None, "Beijing", "50.00", "cap:national-default"),
        ("h1", "100.00", "eligible", "pilot", "notice-107", "Hainan Free Trade Port", "100.00", "cap:notice-107"),
        ("l1", "50.00", "eligible", "pilot", "ftz", "Free trade zone of registration", "50.00", "cap:ftz-2021"),
        ("c1", "50.00", "ineligible", None, None, None, "100.00", "cap:national-exceptions"),
        ("c2", "100.00", "eligible", "pilot", "notice-107", "Shenzhen", "100.00", "cap:notice-107"),
        ("c3", "50.00", "eligible", "national", None, "Beijing, Guangdong Province", "50.00", "cap:national-default"),
        ("d1", "0.00", "eligible", "national", None, "Hebei Province", "0.00", "prohibition:negative-list-content"),
    ]  # fmt: skip
    # The day before, Notice 107 is not open yet: Hainan's own list carries h1, and Shenzhen's CDN (c2) has
    # no opening at all.
    code, _, _ = _run("screen", str(path), "--on", "2024-10-22", "-o", str(out))
    assert code == 0
    before = pl.read_csv(out, infer_schema=False)
    assert before.select("profile_id", "outcome", "opening").rows()[:3] == [
        ("m1", "ineligible", None),
        ("m2", "eligible", None),
        ("h1", "eligible", "hainan-ftp"),
    ]
    assert before.filter(pl.col("profile_id") == "c2")["outcome"].to_list() == ["ineligible"]


def test_a_profile_with_rows_apart_or_disagreeing_is_refused(tmp_path: Path) -> None:
    rows = [ROWS[0], ROWS[2], ROWS[1]]
    code, _, stderr = _run("screen", str(_csv(tmp_path, rows)), "--on", "2025-06-01", "-o", str(tmp_path / "o.csv"))
    assert code == 2
    assert "row 3, column profile_id: 'p1': appears again after other profiles' rows" in stderr
    rows = [ROWS[0], ROWS[1].replace("20000000", "2000000")]
    code, _, stderr = _run("screen", str(_csv(tmp_path, rows)), "--on", "2025-06-01", "-o", str(tmp_path / "o.csv"))
    assert code == 2
    assert "row 2, column registered_capital_cny: 2000000.0: differs from the row above" in stderr


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
    assert [(r["code"], r["foreign_share"], r["outcome"], r["opening"], r["area"]) for r in rows] == [
        ("B21", 70.0, "eligible", "notice-107", "Shanghai Pudong New Area and Lin-gang"),
        ("B25-01", 70.0, "ineligible", None, None),
        ("B25-05", 70.0, "eligible", "notice-107", "Shanghai Pudong New Area and Lin-gang"),
    ]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("p9,110105,,1000000,150,provincial,false,B11,,", "row 2, column foreign_share: '150': must be from 0 to 100"),
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


def test_a_jsonl_line_with_a_duplicate_key_is_refused_by_the_strict_reader(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    good = (ROOT / "examples/profiles/xian-app-store.json").read_text(encoding="utf-8").replace("\n", " ")
    source.write_text(good + "\n" + good.replace('"name": ', '"name": "X", "name": ', 1) + "\n", encoding="utf-8")
    output = tmp_path / "o.csv"
    code, _, stderr = _run("screen", str(source), "--on", "2025-06-01", "-o", str(output))
    assert code == 2
    assert stderr == f"{source} line 2 /name: the key 'name' appears twice in one object\n"
    assert not output.exists()


def test_two_jsonl_profiles_with_one_uscc_are_refused(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    line = (ROOT / "examples/profiles/beijing-cloud-wfoe.json").read_text(encoding="utf-8").replace("\n", " ")
    source.write_text(line + "\n" + line + "\n", encoding="utf-8")
    code, _, stderr = _run("screen", str(source), "--on", "2025-06-01", "-o", str(tmp_path / "o.csv"))
    assert code == 2
    assert stderr.startswith(f"{source} line 2 /uscc: ")
    assert "an earlier line has the same uscc" in stderr


def test_an_input_with_no_rows_gives_an_empty_result(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    code, stdout, _ = _run("screen", str(_csv(tmp_path, [])), "--on", "2025-06-01", "-o", str(out))
    assert code == 0
    assert "0 profiles, 0 services screened" in stdout
    assert pl.read_csv(out).columns[-8:] == [
        "regions", "max_foreign_share", "deciding_rule", "outcome", "route", "opening", "area", "profile_outcome",
    ]  # fmt: skip


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
    # Ningbo's IDC (p4) becomes eligible; Qingdao's ISP (p2) stays eligible, now under Notice 107, which
    # comes before the comprehensive pilot.
    assert "1 profiles change outcome, 2 services change." in stdout
    assert "  ineligible -> eligible: 1" in stdout
