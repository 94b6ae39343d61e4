"""Each action's fields are declared once (domain.applications.action_fields); the web forms, the API body
and the writers `perform` dispatches to must take exactly those. Adding a field in one place and not in
the others fails here."""

from __future__ import annotations

import inspect
import typing

import pytest
from pilot_world import World

from vatspilot.api.action_schemas import ActionIn, fields_for
from vatspilot.api.problems import FieldProblem
from vatspilot.domain.applications import Action, Role, State
from vatspilot.domain.applications.action_fields import (
    ACTION_FIELDS,
    ASSESSMENT_CODES,
    OPINION_CODES,
    FieldKind,
    fields_of,
)
from vatspilot.services import applications as svc
from vatspilot.store.models import AssessmentResult, OpinionKind
from vatspilot.web.forms import action_form

ACTIONS = [pytest.param(action, id=action.value) for action in Action]
# What every writer takes besides the action's own fields.
_WRITER_FRAME = {"actor", "application", "on", "expected_version"}


def _declared(action: Action) -> set[str]:
    return set(fields_of(action).names())


def _a_value(name: str) -> object:
    """A value of the right type for the API body's field `name`."""
    annotation = ActionIn.model_fields[name].annotation
    for arm in typing.get_args(annotation):
        if typing.get_origin(arm) is typing.Literal:
            return typing.get_args(arm)[0]
        if typing.get_origin(arm) is list:
            return ["x"]
    return "x"


def _taken_by_the_api(action: Action) -> set[str]:
    taken = set()
    for name in set(ActionIn.model_fields) - {"expected_version"}:
        payload = ActionIn(expected_version=1, **{name: _a_value(name)})
        try:
            fields_for(action, payload)
        except FieldProblem as problem:
            if problem.code == "field-not-taken":
                continue
        taken.add(name)
    return taken


@pytest.mark.parametrize("action", ACTIONS)
def test_the_web_form_has_the_declared_fields(action: Action) -> None:
    form = action_form(action, version=1)

    assert set(form.fields) - {"expected_version"} == _declared(action)
    for field in fields_of(action).fields:
        form_field = form.fields[field.name]
        assert form_field.required is field.required, field.name
        assert getattr(form_field, "max_length", None) == field.max_length, field.name
        if field.kind is FieldKind.CHOICE:
            assert [code for code, _label in form_field.choices] == list(field.choices)


@pytest.mark.parametrize("action", ACTIONS)
def test_the_api_takes_the_declared_fields(action: Action) -> None:
    assert _taken_by_the_api(action) == _declared(action)


def test_the_api_body_holds_every_declared_field_and_nothing_else() -> None:
    declared = {name for action in Action for name in fields_of(action).names()}
    assert set(ActionIn.model_fields) == declared | {"expected_version"}
    assert ActionIn.model_config["strict"] is True
    assert ActionIn.model_config["extra"] == "forbid"


@pytest.mark.parametrize("action", ACTIONS)
def test_the_writer_perform_dispatches_to_takes_the_declared_fields(action: Action) -> None:
    parameters = inspect.signature(svc.writer_of(action)).parameters

    assert set(parameters) - _WRITER_FRAME == _declared(action)
    assert set(parameters) >= _WRITER_FRAME


@pytest.mark.parametrize("action", ACTIONS)
def test_perform_names_the_same_fields(action: Action) -> None:
    assert set(svc.fields_of(action)) == _declared(action)


def test_every_action_with_fields_is_an_action() -> None:
    assert set(ACTION_FIELDS) <= set(Action)


def test_the_choice_codes_are_the_stores_enum_values() -> None:
    assert list(OPINION_CODES) == list(OpinionKind.values)
    assert list(ASSESSMENT_CODES) == list(AssessmentResult.values)


# --- perform checks the fields against the declaration, naming the field at fault ------------------------


def _refused_by_perform(world: World, action: Action, **fields: object) -> svc.ActionRefused:
    application = world.drive_to(State.SUBMITTED)
    version = application.version
    with pytest.raises(svc.ActionRefused) as refused:
        world.act(Role.LOCAL_OFFICER, application, action, **fields)
    application.refresh_from_db()
    assert (application.status, application.version) == (State.SUBMITTED, version)
    return refused.value


def test_perform_refuses_a_field_the_action_does_not_take(world: World) -> None:
    refused = _refused_by_perform(world, Action.ACCEPT, colour="blue")

    assert (refused.code, refused.params, refused.message) == (
        "unknown-field",
        {"field": "colour"},
        "Unexpected field: colour",
    )


def test_perform_refuses_a_missing_required_field(world: World) -> None:
    refused = _refused_by_perform(world, Action.REFUSE, legal_basis="MIIT Order No. 42 Art. 11")

    assert (refused.code, refused.params, refused.message) == (
        "required",
        {"field": "reasons"},
        "reasons is required for this action.",
    )


def test_perform_refuses_a_legal_basis_over_its_limit(world: World) -> None:
    refused = _refused_by_perform(world, Action.REFUSE, legal_basis="x" * 501, reasons="r")

    assert (refused.code, refused.params, refused.message) == (
        "maxLength",
        {"field": "legal_basis"},
        "legal_basis has more than 500 characters.",
    )
