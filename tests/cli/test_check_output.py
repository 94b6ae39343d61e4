"""A determination through the real command line: exit 0 and readable text in en and zh carrying every
citation, contract JSON that validates, and `vatspilot schema` printing exactly the shipped contract."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

VATSPILOT = Path(sys.executable).parent / "vatspilot"
REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_CONTRACT_DIRS = [Path("/work/shared/contracts"), REPO_ROOT.parent / "shared" / "contracts"]
SCHEMA_NAMES = ["profile", "decision"]

# Beijing, 100% foreign, B11 on 2025-06-01: eligible on the pilot route (Notice 107 item 2).
ELIGIBLE: dict[str, Any] = {
    "name": "Jingwei Compute Co. Ltd.",
    "registration": {"division_code": "110108"},
    "registered_capital_cny": 10_000_000,
    "shareholders": [{"name": "Northwind Cloud Inc.", "jurisdiction": "US", "percent": 100}],
    "services": [{"code": "B11"}, {"code": "B22"}],
    "service_area": {"kind": "provincial"},
}
# Zhengzhou (no region), 60% foreign, B11 and B13, capital below the provincial minimum: nothing eligible.
INELIGIBLE: dict[str, Any] = {
    "name": "Zhongyuan Cloud Co. Ltd.",
    "registration": {"division_code": "410105"},
    "registered_capital_cny": 999_999,
    "shareholders": [
        {"name": "Lakeside Capital LLC", "jurisdiction": "US", "percent": 60},
        {"name": "Henan Investment Group", "jurisdiction": "CN", "percent": 40},
    ],
    "services": [{"code": "B11"}, {"code": "B13"}],
    "service_area": {"kind": "provincial"},
}
PROFILES = {"eligible": (ELIGIBLE, "eligible"), "ineligible": (INELIGIBLE, "ineligible")}
ON = "2025-06-01"


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(VATSPILOT), *args], cwd=cwd, capture_output=True, text=True, encoding="utf-8", timeout=120
    )


def write_profile(tmp_path: Path, profile: dict[str, Any]) -> Path:
    path = tmp_path / "profile.json"
    path.write_text(json.dumps(profile, ensure_ascii=False), encoding="utf-8")
    return path


def shipped_schema_text(name: str) -> str:
    return resources.files("vatspilot.contracts").joinpath(f"{name}.schema.json").read_text(encoding="utf-8")


def decision_validator() -> Draft202012Validator:
    schema = json.loads(shipped_schema_text("decision"))
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def check_json(tmp_path: Path, profile: dict[str, Any], lang: str) -> dict[str, Any]:
    result = run(["check", str(write_profile(tmp_path, profile)), "--on", ON, "--json", "--lang", lang], tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    decision: dict[str, Any] = json.loads(result.stdout)
    return decision


def citations(decision: dict[str, Any]) -> set[str]:
    reasons = list(decision["conditions"])
    for service in decision["services"]:
        reasons.extend(service["reasons"])
    return {r["citation"] for r in reasons}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("which", list(PROFILES))
def test_text_output_is_readable_and_cites_every_rule(tmp_path: Path, which: str, lang: str) -> None:
    profile, outcome = PROFILES[which]
    decision = check_json(tmp_path, profile, lang)
    assert decision["outcome"] == outcome

    result = run(["check", str(write_profile(tmp_path, profile)), "--on", ON, "--lang", lang], tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    text = result.stdout
    assert "Traceback" not in text
    assert profile["name"] in text
    assert ON in text
    for service in profile["services"]:
        assert service["code"] in text
    found = citations(decision)
    assert found, "a determination without a single citation"
    for citation in found:
        assert citation in text, f"citation missing from the {lang} text: {citation}"
    for reason in decision["conditions"]:
        assert reason["message"] in text
    if lang == "zh":
        assert any("\u4e00" <= ch <= "\u9fff" for ch in text), "the zh text has no Chinese in it"


def test_eligible_text_names_the_instruments(tmp_path: Path) -> None:
    result = run(["check", str(write_profile(tmp_path, ELIGIBLE)), "--on", ON], tmp_path)
    assert result.returncode == 0
    assert "No. 107" in result.stdout  # Notice 107 carries B11 at 100% in Beijing
    assert "Order No. 42" in result.stdout  # the conditions on the enterprise


def test_ineligible_text_names_the_failing_condition(tmp_path: Path) -> None:
    result = run(["check", str(write_profile(tmp_path, INELIGIBLE)), "--on", ON], tmp_path)
    assert result.returncode == 0
    assert "condition:registered-capital" in result.stdout
    assert "Order No. 42" in result.stdout


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("which", list(PROFILES))
def test_json_output_validates_against_the_decision_schema(tmp_path: Path, which: str, lang: str) -> None:
    profile, outcome = PROFILES[which]
    decision = check_json(tmp_path, profile, lang)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in decision_validator().iter_errors(decision)]
    assert not errors
    assert decision["schema"] == "vatspilot/decision/v1"
    assert decision["on"] == ON
    assert decision["outcome"] == outcome
    if outcome == "ineligible":
        assert decision["licence"] is None
        assert decision["required_documents"] == []
    else:
        assert decision["licence"] is not None


def test_json_output_is_the_same_decision_in_both_languages_apart_from_words(tmp_path: Path) -> None:
    en = check_json(tmp_path, ELIGIBLE, "en")
    zh = check_json(tmp_path, ELIGIBLE, "zh")

    def shape(d: dict[str, Any]) -> Any:
        return (
            d["foreign_share"],
            d["regions"],
            d["outcome"],
            [(s["code"], s["outcome"], s["route"], s["max_foreign_share"]) for s in d["services"]],
            [(r["rule"], r["effect"]) for r in d["conditions"]],
            sorted(d["required_documents"]),
            d["required_assessments"],
            d["licence"]["services"],
        )

    assert shape(en) == shape(zh)


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_schema_command_prints_the_shipped_contract(tmp_path: Path, name: str) -> None:
    result = run(["schema", name], tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == shipped_schema_text(name)
    source_copy = REPO_ROOT / "src" / "vatspilot" / "contracts" / f"{name}.schema.json"
    assert result.stdout == source_copy.read_text(encoding="utf-8")
    assert json.loads(result.stdout)["$id"] == f"vatspilot/{name}/v1"


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_schema_command_matches_the_shared_contract(tmp_path: Path, name: str) -> None:
    folders = [d for d in SHARED_CONTRACT_DIRS if d.is_dir()]
    if not folders:
        pytest.skip("no shared contracts folder next to the repository")
    result = run(["schema", name], tmp_path)
    assert result.returncode == 0, result.stderr
    for folder in folders:
        shared = (folder / f"{name}.schema.json").read_text(encoding="utf-8")
        assert result.stdout == shared, f"`vatspilot schema {name}` differs from {folder}"


def test_schema_command_rejects_an_unknown_name(tmp_path: Path) -> None:
    result = run(["schema", "licence"], tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
