"""Which U rules an answer rests on (vatspilot.rulebook.uncertainty), the warning the command line, the
pages and the API give at the top: U reasons that shape the answer, and the U-graded pilot checklist."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from vatspilot.rulebook.loader import default_rulebook
from vatspilot.rulebook.uncertainty import stored_uncertain_rules, uncertain_rules

V1 = json.loads((Path(__file__).parents[1] / "support" / "v1_snapshot.json").read_text("utf-8"))
PERIOD = {"from": "2022-05-01", "to": None}


def _reason(rule: str, effect: str, confidence: str) -> dict[str, Any]:
    return {
        "rule": rule,
        "effect": effect,
        "citation": "c",
        "confidence": confidence,
        "in_force": PERIOD,
        "message": "m",
    }


def _determination(*services: dict[str, Any], conditions: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "schema": "vatspilot/decision/v2",
        "on": "2025-06-01",
        "services": list(services),
        "conditions": conditions or [],
    }


def _service(outcome: str, opening: str | None, *reasons: dict[str, Any]) -> dict[str, Any]:
    return {"code": "B11", "outcome": outcome, "opening": opening, "reasons": list(reasons)}


def test_a_service_opened_by_notice_107_rests_on_the_u_graded_pilot_checklist() -> None:
    determination = _determination(_service("eligible", "notice-107", _reason("cap:notice-107", "allows", "C1")))
    assert uncertain_rules(determination, default_rulebook()) == ("documents:pilot-additions",)


def test_a_national_route_or_an_ineligible_answer_rests_on_no_u_rule() -> None:
    national = _determination(_service("eligible", None, _reason("cap:national-exceptions", "allows", "C2")))
    ftz = _determination(_service("eligible", "ftz", _reason("cap:ftz-2021", "allows", "M")))
    ineligible = _determination(_service("ineligible", None, _reason("cap:not-opened-wto", "blocks", "M")))
    assert [uncertain_rules(d, default_rulebook()) for d in (national, ftz, ineligible)] == [(), (), ()]


def test_a_u_reason_counts_when_it_shapes_the_answer_and_not_when_it_only_informs() -> None:
    determination = _determination(
        _service(
            "ineligible",
            None,
            _reason("note:cepa-hk-mo", "informs", "U"),
            _reason("cap:some-u-rule", "blocks", "U"),
            _reason("cap:some-u-rule", "blocks", "U"),
        ),
        conditions=[_reason("condition:some-u-condition", "requires", "U")],
    )
    assert uncertain_rules(determination, default_rulebook()) == ("condition:some-u-condition", "cap:some-u-rule")


def test_a_v1_determination_carries_no_confidence_and_warns_of_nothing() -> None:
    assert V1["required_assessments"] == ["security-assessment"]  # the pilot checklist, but no codes in v1
    assert uncertain_rules(V1, default_rulebook()) == ()


def test_a_stored_document_that_is_not_the_contract_warns_of_nothing() -> None:
    rulebook = default_rulebook()
    broken = {"schema": "vatspilot/decision/v2", "on": "not a date", "services": []}
    assert [stored_uncertain_rules(x, rulebook) for x in (None, [], {}, broken)] == [(), (), (), ()]
