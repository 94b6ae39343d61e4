"""A determination through the real command line: exit 0 and readable text in en and zh carrying every
citation with its confidence code, contract JSON that validates, and `vatspilot schema` printing exactly the
shipped contract."""

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
    # Each citation follows its reason's confidence code.
    basis = {"en": "Basis [{code}]: {citation}", "zh": "依据［{code}］：{citation}"}[lang]
    for reason in [*decision["conditions"], *(r for s in decision["services"] for r in s["reasons"])]:
        assert basis.format(code=reason["confidence"], citation=reason["citation"]) in text
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
    assert decision["schema"] == "vatspilot/decision/v2"
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
            [(s["code"], s["opening"]) for s in d["services"]],
            [[(r["rule"], r["effect"], r["confidence"], r["in_force"]) for r in s["reasons"]] for s in d["services"]],
            [a["services"] for a in d["licence"]["areas"]],
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
    assert (
        json.loads(result.stdout)["$id"]
        == {"profile": "vatspilot/profile/v1", "decision": "vatspilot/decision/v2"}[name]
    )


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


def text_lines(tmp_path: Path, profile: dict[str, Any], lang: str) -> list[str]:
    result = run(["check", str(write_profile(tmp_path, profile)), "--on", ON, "--lang", lang], tmp_path)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_eligible_text_shows_confidence_opening_area_and_the_u_warning_in_english(tmp_path: Path) -> None:
    # Given Beijing, 100% US-held, B11 (opened by Notice 107) and B22 (excepted nationally) on 2025-06-01
    lines = text_lines(tmp_path, ELIGIBLE, "en")

    # Then the answer says at the top that it rests on the U-graded pilot checklist, and a legend follows
    assert lines[1] == (
        "Caution: this answer rests on rules graded U (uncertain or conflicting sources): "
        "documents:pilot-additions. Check them against the sources before relying on it."
    )
    assert lines[2:6] == [
        "Outcome: eligible",
        "Foreign share after look-through: 100%",
        "Opening-up regions: notice-107:beijing, comprehensive-pilot:beijing",
        "Confidence: C1 = official text; C2 = secondary source paraphrasing the rule; M = unsourced, to be "
        "verified; U = uncertain or conflicting sources",
    ]
    # Each service with its route, opening and area; each citation after its confidence code and period
    assert (
        "  B11 Internet data center (IDC), incl. internet resource collaboration: eligible, pilot route "
        "(opening: Notice 107), area: Beijing (foreign share allowed up to 100%)"
    ) in lines
    assert "        Basis [C1]: MIIT Communications Letter [2024] No. 107, item 2 (in force 2024-10-23..)" in lines
    assert (
        "  B22 Domestic multi-party communication: eligible, national route, area: Beijing "
        "(foreign share allowed up to 100%)"
    ) in lines
    assert lines[-4:] == [
        "Required documents: business-licence, articles-of-association, ownership-structure-statement, "
        "business-plan, technical-solution, service-quality-measures, data-security-measures, "
        "lawful-operation-undertaking, network-topology-domestic, network-topology-overseas, contingency-plan",
        "Required assessments: security-assessment",
        "Licence, by area:",
        "  Beijing: B11, B22",
    ]


def test_eligible_text_in_chinese_cites_the_chinese_instruments(tmp_path: Path) -> None:
    lines = text_lines(tmp_path, ELIGIBLE, "zh")

    assert lines[1] == (
        "注意：本结论依据可信度为U（来源不确定或相互矛盾）的规则：documents:pilot-additions。"
        "依赖本结论前，请对照原始来源核实。"
    )
    assert lines[5] == "可信度：C1 = 官方文本；C2 = 转述规则的二手来源；M = 无来源，有待核实；U = 来源不确定或相互矛盾"
    assert (
        "        依据［C1］：《工业和信息化部关于开展增值电信业务扩大对外开放试点工作的通告》"
        "（工信部通信函〔2024〕107号）第二条（有效期 2024-10-23..）"
    ) in lines
    assert (
        "  B11 互联网数据中心业务：符合条件, 试点路径 （开放措施：107号通告）, 经营地域：北京市（外资股比上限 100%）"
        in lines
    )
    assert lines[-2:] == ["许可证（按经营地域）：", "  北京市: B11, B22"]


def test_an_answer_resting_on_no_u_rule_has_no_warning(tmp_path: Path) -> None:
    # Given a determination where nothing is eligible: no pilot checklist, no U rule shaping it
    lines = text_lines(tmp_path, INELIGIBLE, "en")

    assert lines[1] == "Outcome: ineligible"
    assert not [line for line in lines if line.startswith("Caution")]
    assert (
        "        Basis [M]: Special Administrative Measures for Foreign Investment Access (Negative List, 2024 "
        "edition, NDRC/MOFCOM Order No. 23), item 13 (number unverified): limited to telecom businesses opened "
        "under China's WTO commitments (in force 2024-11-01..)"
    ) in lines
    assert lines[-1] == "Licence: none (nothing is eligible)"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_json_reasons_carry_confidence_and_period_with_the_citation_in_the_language(tmp_path: Path, lang: str) -> None:
    decision = check_json(tmp_path, ELIGIBLE, lang)

    b11 = decision["services"][0]
    assert (b11["code"], b11["route"], b11["opening"], b11["area"]) == (
        "B11",
        "pilot",
        "notice-107",
        {"en": "Beijing", "zh": "北京市"}[lang],
    )
    allows = [r for r in b11["reasons"] if r["effect"] == "allows"]
    assert [(r["rule"], r["confidence"], r["in_force"], r["citation"]) for r in allows] == [
        (
            "cap:notice-107",
            "C1",
            {"from": "2024-10-23", "to": None},
            {
                "en": "MIIT Communications Letter [2024] No. 107, item 2",
                "zh": "《工业和信息化部关于开展增值电信业务扩大对外开放试点工作的通告》"
                "（工信部通信函〔2024〕107号）第二条",
            }[lang],
        )
    ]
    assert decision["licence"]["areas"] == [
        {"area": {"en": "Beijing", "zh": "北京市"}[lang], "services": ["B11", "B22"]}
    ]
