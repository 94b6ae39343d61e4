"""The body of an action request, derived from the actions' declared fields
(`vatspilot.domain.applications.action_fields`): one strict model holding every field some action takes,
each described with the actions that take it. Which of them an action takes, and which it requires, is
checked against the same declaration (`fields_for`)."""

from __future__ import annotations

from typing import Any, Literal

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import ConfigDict, create_model

from vatspilot.api.problems import FieldProblem, field_not_taken, field_required
from vatspilot.domain.applications import Action
from vatspilot.domain.applications.action_fields import ActionField, FieldKind, check_fields, fields_of
from vatspilot.domain.shared.errors import InputError


class _ActionBody(Schema):
    model_config = ConfigDict(strict=True, extra="forbid")

    expected_version: int = Field(ge=1)


def _annotation(field: ActionField) -> Any:
    if field.kind is FieldKind.LINES:
        return list[str] | None
    if field.kind is FieldKind.CHOICE:
        return Literal[field.choices] | None
    return str | None


def _need(action: Action, field: ActionField) -> str:
    if field.required:
        return "required"
    rules = [rule for rule in fields_of(action).rules if rule.field == field.name]
    return "; ".join(["optional", *(f"required when {rule.other} is {rule.value}" for rule in rules)])


def _body_fields() -> dict[str, Any]:
    """Each field once, in the order the actions first declare it, with the actions that take it."""
    declared: dict[str, ActionField] = {}
    takers: dict[str, list[str]] = {}
    for action in Action:
        for field in fields_of(action).fields:
            known = declared.setdefault(field.name, field)
            # One name, one meaning: the same kind and limits wherever it is taken (one body holds them all).
            if (known.kind, known.max_length, known.choices) != (field.kind, field.max_length, field.choices):
                raise TypeError(f"{field.name} is declared two ways: {known} and {field}")
            takers.setdefault(field.name, []).append(f"{action.value} ({_need(action, field)})")
    return {
        name: (
            _annotation(field),
            Field(None, max_length=field.max_length, description="Taken by " + ", ".join(takers[name]) + "."),
        )
        for name, field in declared.items()
    }


ActionIn: type[_ActionBody] = create_model(
    "ActionIn",
    __base__=_ActionBody,
    __doc__=(
        "The application's version the client last saw, and the action's fields (each field names the "
        "actions that take it).\n\n"
        'Strict: "3" is not 3, true is not 1, and a field the API does not know is refused, not ignored.'
    ),
    **_body_fields(),
)


def fields_for(action: Action, payload: _ActionBody) -> dict[str, Any]:
    """The action's fields from the body, defaults filled; FieldProblem (a 422) names the first at fault."""
    sent = {
        name: value for name, value in payload.model_dump(exclude={"expected_version"}).items() if value is not None
    }
    try:
        return check_fields(action, sent)
    except InputError as error:
        raise _problem(error) from None


def _problem(error: InputError) -> FieldProblem:
    name = error.pointer
    if error.code == "unknown-field":
        return field_not_taken(name)
    if error.code == "required":
        return field_required(name)
    if error.code == "required-with":
        detail = _("%(field)s is required when %(other)s is %(value)s.") % {"field": name, **error.params}
        return FieldProblem(name, "required", detail)
    return FieldProblem(name, error.code, _("%(field)s is not valid for this action.") % {"field": name})
