"""The actions' declared fields and the one check every edge runs them through."""

from __future__ import annotations

import pytest

from vatspilot.domain.applications import Action
from vatspilot.domain.applications.action_fields import (
    ASSESSMENT_CODES,
    LEGAL_BASIS_MAX_LENGTH,
    OPINION_CODES,
    check_fields,
    fields_of,
)
from vatspilot.domain.shared.errors import InputError


def _refusal(action: Action, given: dict[str, object]) -> tuple[str, str, dict[str, object]]:
    with pytest.raises(InputError) as caught:
        check_fields(action, given)
    return caught.value.pointer, caught.value.code, caught.value.params


def test_the_declared_fields_of_each_action() -> None:
    assert {action: fields_of(action).names() for action in Action if fields_of(action).fields} == {
        Action.REQUEST_SUPPLEMENT: ("items",),
        Action.REFUSE: ("legal_basis", "reasons"),
        Action.COMPLETE_PRELIMINARY_ASSESSMENT: ("findings",),
        Action.COMPLETE_ONSITE_VERIFICATION: ("findings",),
        Action.RECORD_OPINION: ("opinion", "conditions"),
        Action.RECORD_SECURITY_ASSESSMENT: ("result", "findings"),
        Action.APPROVE: ("legal_basis",),
    }


def test_the_choice_codes_are_the_domains() -> None:
    assert OPINION_CODES == ("concur", "concur_with_conditions", "object")
    assert ASSESSMENT_CODES == ("positive", "negative")
    assert fields_of(Action.RECORD_OPINION).field("opinion").choices == OPINION_CODES
    assert fields_of(Action.RECORD_SECURITY_ASSESSMENT).field("result").choices == ASSESSMENT_CODES


def test_optional_fields_not_given_take_their_defaults() -> None:
    assert check_fields(Action.RECORD_OPINION, {"opinion": "concur"}) == {"opinion": "concur", "conditions": ""}
    assert check_fields(Action.RECORD_SECURITY_ASSESSMENT, {"result": "negative", "findings": None}) == {
        "result": "negative",
        "findings": "",
    }
    assert check_fields(Action.ACCEPT, {}) == {}


def test_the_first_unknown_field_by_name_is_refused_before_anything_else() -> None:
    assert _refusal(Action.ACCEPT, {"reasons": "x", "items": ["y"]}) == ("items", "unknown-field", {"field": "items"})
    assert _refusal(Action.REFUSE, {"colour": "blue"}) == ("colour", "unknown-field", {"field": "colour"})


@pytest.mark.parametrize("blank", [None, "", "   \n", []], ids=["none", "empty", "whitespace", "empty-list"])
def test_a_required_field_left_blank_is_refused_naming_it(blank: object) -> None:
    given = {"legal_basis": "Order 42", "reasons": blank}
    assert _refusal(Action.REFUSE, given) == ("reasons", "required", {"field": "reasons"})


def test_required_fields_are_checked_in_their_declared_order() -> None:
    assert _refusal(Action.REFUSE, {}) == ("legal_basis", "required", {"field": "legal_basis"})
    assert _refusal(Action.REQUEST_SUPPLEMENT, {"items": []}) == ("items", "required", {"field": "items"})


def test_a_concurrence_with_conditions_needs_its_conditions() -> None:
    assert _refusal(Action.RECORD_OPINION, {"opinion": "concur_with_conditions", "conditions": " "}) == (
        "conditions",
        "required-with",
        {"field": "conditions", "other": "opinion", "value": "concur_with_conditions"},
    )
    given = {"opinion": "concur_with_conditions", "conditions": "Logs for 180 days"}
    assert check_fields(Action.RECORD_OPINION, given) == given


def test_a_choice_outside_its_codes_is_refused() -> None:
    assert _refusal(Action.RECORD_SECURITY_ASSESSMENT, {"result": "maybe"}) == (
        "result",
        "not-one-of",
        {"field": "result", "value": "maybe", "allowed": "positive, negative"},
    )


def test_the_legal_basis_holds_at_most_500_characters() -> None:
    assert LEGAL_BASIS_MAX_LENGTH == 500
    assert check_fields(Action.APPROVE, {"legal_basis": "x" * 500}) == {"legal_basis": "x" * 500}
    assert _refusal(Action.APPROVE, {"legal_basis": "x" * 501}) == (
        "legal_basis",
        "maxLength",
        {"field": "legal_basis", "limit": 500},
    )


def test_a_value_of_the_wrong_type_is_refused() -> None:
    assert _refusal(Action.REQUEST_SUPPLEMENT, {"items": "one item"}) == (
        "items",
        "wrong-type",
        {"field": "items", "expected": "list of strings"},
    )
    assert _refusal(Action.REFUSE, {"legal_basis": 42, "reasons": "r"}) == (
        "legal_basis",
        "wrong-type",
        {"field": "legal_basis", "expected": "string"},
    )
