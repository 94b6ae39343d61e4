"""What each lifecycle action asks for, declared once: its fields, their kind, whether they are required,
their limits, and the rules that tie one field to another.

The web's action forms, the API's action body and `services.applications.perform` are derived from
this table, and a test holds the writers' keyword parameters to it. Labels and help texts are
presentation: the web keeps them, keyed by field name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from vatspilot.domain.applications.actions import Action
from vatspilot.domain.applications.facts import Opinion, SecurityAssessment
from vatspilot.domain.shared.errors import InputError


class FieldKind(StrEnum):
    TEXT = "text"  # free text over several lines
    LINE = "line"  # one line of text
    LINES = "lines"  # a list of strings; a form asks for one per line
    CHOICE = "choice"  # one of the field's codes


@dataclass(frozen=True)
class ActionField:
    name: str
    kind: FieldKind
    required: bool = True
    max_length: int | None = None
    choices: tuple[str, ...] = ()

    def default(self) -> str | list[str]:
        """What an optional field not given stands for (a fresh list each time: callers may keep it)."""
        return [] if self.kind is FieldKind.LINES else ""


@dataclass(frozen=True)
class RequiredWhen:
    """`field` is required when `other` is `value` (a concurrence with conditions states them)."""

    field: str
    other: str
    value: str


@dataclass(frozen=True)
class ActionFields:
    fields: tuple[ActionField, ...] = ()
    rules: tuple[RequiredWhen, ...] = ()

    def names(self) -> tuple[str, ...]:
        return tuple(field.name for field in self.fields)

    def field(self, name: str) -> ActionField:
        return next(field for field in self.fields if field.name == name)


# The codes come from the domain's enums, never copied: the store's choices derive from the same.
OPINION_CODES: tuple[str, ...] = tuple(opinion.value for opinion in Opinion)
ASSESSMENT_CODES: tuple[str, ...] = tuple(result.value for result in SecurityAssessment)

# The decision's legal basis is cited, not argued: one line (the store's column holds 500 characters).
LEGAL_BASIS_MAX_LENGTH = 500

_LEGAL_BASIS = ActionField("legal_basis", FieldKind.LINE, max_length=LEGAL_BASIS_MAX_LENGTH)
_FINDINGS = ActionField("findings", FieldKind.TEXT)

NO_FIELDS = ActionFields()

ACTION_FIELDS: Mapping[Action, ActionFields] = MappingProxyType(
    {
        Action.REQUEST_SUPPLEMENT: ActionFields((ActionField("items", FieldKind.LINES),)),
        Action.REFUSE: ActionFields((_LEGAL_BASIS, ActionField("reasons", FieldKind.TEXT))),
        Action.COMPLETE_PRELIMINARY_ASSESSMENT: ActionFields((_FINDINGS,)),
        Action.COMPLETE_ONSITE_VERIFICATION: ActionFields((_FINDINGS,)),
        Action.RECORD_OPINION: ActionFields(
            (
                ActionField("opinion", FieldKind.CHOICE, choices=OPINION_CODES),
                ActionField("conditions", FieldKind.TEXT, required=False),
            ),
            rules=(RequiredWhen("conditions", "opinion", Opinion.CONCUR_WITH_CONDITIONS.value),),
        ),
        Action.RECORD_SECURITY_ASSESSMENT: ActionFields(
            (
                ActionField("result", FieldKind.CHOICE, choices=ASSESSMENT_CODES),
                ActionField("findings", FieldKind.TEXT, required=False),
            )
        ),
        Action.APPROVE: ActionFields((_LEGAL_BASIS,)),
    }
)


def fields_of(action: Action) -> ActionFields:
    """The action's fields; an action not in the table takes none."""
    return ACTION_FIELDS.get(action, NO_FIELDS)


def is_blank(value: object) -> bool:
    """Not given: None, a string of nothing but whitespace, an empty list."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, (list, tuple)) and not value


def check_fields(action: Action, given: Mapping[str, object]) -> dict[str, object]:
    """Every field of `action`, as given or (optional and blank) its default.

    Raises InputError located by the field's name: "unknown-field" (the first, by name, the action does
    not take), "required", "wrong-type", "not-one-of", "maxLength", or "required-with" (a RequiredWhen
    rule; params `other` and `value`). The checks run in that order, field by field in the declared order,
    so every edge names the same field first.
    """
    declared = fields_of(action)
    unknown = sorted(set(given) - set(declared.names()))
    if unknown:
        raise InputError(unknown[0], "unknown-field", field=unknown[0])
    values: dict[str, object] = {}
    for field in declared.fields:
        value = given.get(field.name)
        if is_blank(value):
            if field.required:
                raise InputError(field.name, "required", field=field.name)
            values[field.name] = field.default()
            continue
        _check_value(field, value)
        values[field.name] = value
    for rule in declared.rules:
        if values.get(rule.other) == rule.value and is_blank(values.get(rule.field)):
            raise InputError(rule.field, "required-with", field=rule.field, other=rule.other, value=rule.value)
    return values


def _check_value(field: ActionField, value: object) -> None:
    if field.kind is FieldKind.LINES:
        if not isinstance(value, (list, tuple)) or not all(isinstance(item, str) for item in value):
            raise InputError(field.name, "wrong-type", field=field.name, expected="list of strings")
        return
    if not isinstance(value, str):
        raise InputError(field.name, "wrong-type", field=field.name, expected="string")
    if field.kind is FieldKind.CHOICE and value not in field.choices:
        raise InputError(field.name, "not-one-of", field=field.name, value=value, allowed=", ".join(field.choices))
    if field.max_length is not None and len(value) > field.max_length:
        raise InputError(field.name, "maxLength", field=field.name, limit=field.max_length)
