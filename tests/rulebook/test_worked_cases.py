"""Worked cases: the reading of the law in rulebook-spec.md, derived by hand, checked against the engine.

Every file in cases/ holds one spec section's cases. A case gives a date, a full contract profile and the
fields of the decision it expects (only those are compared, with exact values); or, for bad input, the
error's JSON pointer and code. Every decision the engine produces is also validated against the
decision schema. A case the engine disagrees with carries `xfail_reason` (strict) until the lead decides.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from vatspilot.contracts import schema as contract_schema
from vatspilot.domain.shared.errors import InputError
from vatspilot.services.eligibility import determine

CASES_DIR = Path(__file__).parent / "cases"
REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_CONTRACTS = [Path("/work/shared/contracts"), REPO_ROOT.parent / "shared" / "contracts"]

CASE_KEYS = {"name", "on", "lang", "profile", "expect", "xfail_reason", "note"}
EXPECT_KEYS = {
    "error",
    "foreign_share",
    "regions",
    "outcome",
    "services",
    "conditions",
    "required_documents",
    "required_assessments",
    "licence",
}
SERVICE_KEYS = {
    "code",
    "scope",
    "outcome",
    "route",
    "max_foreign_share",
    "opening",
    "area",
    "confidence",
    "in_force",
    "rules_include",
    "rules_exclude",
    "effects",
}


class CaseLoader(yaml.SafeLoader):
    """YAML 1.2 booleans only: `on:` is a key and `NO` a country, never a boolean."""


CaseLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
CaseLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def load_cases() -> list[tuple[str, dict[str, Any]]]:
    cases = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=CaseLoader)
        for case in document["cases"]:
            cases.append((f"{path.name}::{case['name']}", case))
    return cases


CASES = load_cases()


def _params() -> list[Any]:
    params = []
    for case_id, case in CASES:
        marks = []
        if case.get("xfail_reason"):
            marks.append(pytest.mark.xfail(reason=case["xfail_reason"], strict=True))
        params.append(pytest.param(case, id=case_id, marks=marks))
    return params


@cache
def decision_validators() -> list[Draft202012Validator]:
    schemas = [contract_schema("decision")]
    for folder in SHARED_CONTRACTS:
        path = folder / "decision.schema.json"
        if path.is_file():
            schemas.append(json.loads(path.read_text(encoding="utf-8")))
            break
    return [Draft202012Validator(s, format_checker=Draft202012Validator.FORMAT_CHECKER) for s in schemas]


@cache
def profile_validator() -> Draft202012Validator:
    return Draft202012Validator(contract_schema("profile"))


def _same(expected: Any, actual: Any) -> bool:
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual
    if isinstance(expected, int | float) and isinstance(actual, int | float):
        return math.isclose(expected, actual, rel_tol=0, abs_tol=1e-9)
    return bool(expected == actual)


def compare_service(i: int, expected: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    problems = []
    where = f"services[{i}] ({expected['code']})"
    for key in ("code", "scope", "outcome", "route", "opening", "area", "max_foreign_share"):
        if key in expected and not _same(expected[key], actual.get(key)):
            problems.append(f"{where}.{key}: expected {expected[key]!r}, engine {actual.get(key)!r}")
    reasons = actual.get("reasons", [])
    rules = [r["rule"] for r in reasons]
    for rule in expected.get("rules_include", []):
        if rule not in rules:
            problems.append(f"{where}: reasons lack {rule} (engine cites {rules})")
    for rule in expected.get("rules_exclude", []):
        if rule in rules:
            problems.append(f"{where}: reasons cite {rule}, which should not apply here")
    for rule, effect in expected.get("effects", {}).items():
        effects = [r["effect"] for r in reasons if r["rule"] == rule]
        if not effects:
            problems.append(f"{where}: no reason with rule {rule} (expected effect {effect!r})")
        elif any(e != effect for e in effects):
            problems.append(f"{where}: {rule} has effect {effects}, expected {effect!r}")
    for rule, confidence in expected.get("confidence", {}).items():
        codes = [r["confidence"] for r in reasons if r["rule"] == rule]
        if not codes or any(c != confidence for c in codes):
            problems.append(f"{where}: {rule} has confidence {codes}, expected {confidence!r}")
    for rule, (start, end) in expected.get("in_force", {}).items():
        wanted = {"from": str(start), "to": None if end is None else str(end)}
        periods = [r["in_force"] for r in reasons if r["rule"] == rule]
        if not periods or any(p != wanted for p in periods):
            problems.append(f"{where}: {rule} in force {periods}, expected {wanted}")
    return problems


def compare(expect: dict[str, Any], decision: dict[str, Any]) -> list[str]:
    problems = []
    if "foreign_share" in expect and not _same(expect["foreign_share"], decision["foreign_share"]):
        problems.append(f"foreign_share: expected {expect['foreign_share']}, engine {decision['foreign_share']}")
    for key in ("regions", "outcome", "required_assessments", "licence"):
        if key in expect and expect[key] != decision[key]:
            problems.append(f"{key}: expected {expect[key]!r}, engine {decision[key]!r}")
    if "required_documents" in expect:
        actual_docs = decision["required_documents"]
        if len(set(actual_docs)) != len(actual_docs):
            problems.append(f"required_documents has duplicates: {actual_docs}")
        if set(expect["required_documents"]) != set(actual_docs):
            missing = sorted(set(expect["required_documents"]) - set(actual_docs))
            extra = sorted(set(actual_docs) - set(expect["required_documents"]))
            problems.append(f"required_documents: missing {missing}, unexpected {extra}")
    if "conditions" in expect:
        actual_conditions: dict[str, list[str]] = {}
        for reason in decision["conditions"]:
            actual_conditions.setdefault(reason["rule"], []).append(reason["effect"])
        wanted = {rule: [effect] for rule, effect in expect["conditions"].items()}
        if actual_conditions != wanted:
            problems.append(f"conditions: expected {wanted}, engine {actual_conditions}")
    if "services" in expect:
        actual_services = decision["services"]
        if len(actual_services) != len(expect["services"]):
            problems.append(f"services: expected {len(expect['services'])}, engine gave {len(actual_services)}")
        else:
            for i, (wanted_service, got) in enumerate(zip(expect["services"], actual_services, strict=True)):
                problems.extend(compare_service(i, wanted_service, got))
    return problems


def test_case_files_are_well_formed() -> None:
    assert CASES, f"no cases under {CASES_DIR}"
    names = Counter(case_id for case_id, _ in CASES)
    assert not [n for n, count in names.items() if count > 1], "duplicate case names"
    for case_id, case in CASES:
        assert set(case) <= CASE_KEYS, f"{case_id}: unknown keys {set(case) - CASE_KEYS}"
        assert {"name", "on", "profile", "expect"} <= set(case), f"{case_id}: incomplete case"
        assert isinstance(case["on"], date), f"{case_id}: `on` is not a date"
        expect = case["expect"]
        assert expect and set(expect) <= EXPECT_KEYS, f"{case_id}: unknown expect keys {set(expect) - EXPECT_KEYS}"
        if "error" in expect:
            assert set(expect) == {"error"} and set(expect["error"]) == {"pointer", "code"}, case_id
            continue
        # A worked case's profile is a valid contract profile: the case tests the rules, not the parser.
        errors = [e.message for e in profile_validator().iter_errors(case["profile"])]
        assert not errors, f"{case_id}: profile breaks the contract: {errors}"
        for service in expect.get("services", []):
            assert set(service) <= SERVICE_KEYS, f"{case_id}: unknown service keys {set(service) - SERVICE_KEYS}"


@pytest.mark.parametrize("case", _params())
def test_worked_case(case: dict[str, Any]) -> None:
    expect = case["expect"]
    lang = case.get("lang", "en")
    if "error" in expect:
        with pytest.raises(InputError) as caught:
            determine(case["profile"], on=case["on"], lang=lang)
        got = (caught.value.pointer, caught.value.code)
        wanted = (expect["error"]["pointer"], expect["error"]["code"])
        assert got == wanted, f"error: expected {wanted}, engine {got}"
        return
    decision = determine(case["profile"], on=case["on"], lang=lang).to_dict()
    for validator in decision_validators():
        schema_errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(decision)]
        assert not schema_errors, f"decision breaks the schema: {schema_errors}"
    problems = compare(expect, decision)
    assert not problems, "\n".join(problems)
