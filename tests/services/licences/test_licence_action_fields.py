"""The licence decisions' fields are declared once (domain.licences.action_fields): the licence page's
forms and the writers' keyword parameters are held to the declaration, name for name."""

from __future__ import annotations

import inspect

import pytest
from pilot_world import World

from vatspilot.domain.licences.action_fields import LICENCE_ACTION_FIELDS, REASON_MAX_LENGTH, licence_field_names
from vatspilot.domain.licences.lifecycle import LicenceAction
from vatspilot.services.licences.actions import LICENCE_DECISIONS as WRITERS
from vatspilot.web.licence_forms import LicenceDecisionForm

pytestmark = pytest.mark.django_db
# What every writer takes besides the action's fields.
CONTEXT = {"actor", "licence", "on", "expected_version"}


def test_the_declared_actions_are_the_writers() -> None:
    assert set(LICENCE_ACTION_FIELDS) == set(WRITERS)


def test_the_declarations() -> None:
    assert {action: licence_field_names(action) for action in LICENCE_ACTION_FIELDS} == {
        LicenceAction.SUSPEND: ("reason",),
        LicenceAction.REINSTATE: ("reason",),
        LicenceAction.REVOKE: ("reason",),
        LicenceAction.CANCEL: ("reason",),
        LicenceAction.REDUCE_SCOPE: ("reason", "remove_services", "narrow_areas"),
    }
    assert licence_field_names(LicenceAction.RENEW) == ()


@pytest.mark.parametrize("action", list(WRITERS))
def test_declaration_form_and_writer_agree(world: World, action: LicenceAction) -> None:
    licence = world.licence()
    declared = licence_field_names(action)
    form = LicenceDecisionForm(action, licence)
    assert tuple(name for name in form.fields if name != "expected_version") == declared
    parameters = inspect.signature(WRITERS[action]).parameters
    assert set(parameters) - CONTEXT == set(declared)
    assert all(parameters[name].kind is inspect.Parameter.KEYWORD_ONLY for name in parameters)
    assert form.fields["reason"].max_length == REASON_MAX_LENGTH  # type: ignore[attr-defined]
    assert form.fields["reason"].required


def test_a_reduction_form_hands_the_writer_its_keywords(world: World) -> None:
    licence = world.licence()
    form = LicenceDecisionForm(
        LicenceAction.REDUCE_SCOPE,
        licence,
        data={
            "reduce_scope-expected_version": "1",
            "reduce_scope-reason": "Order 42",
            "reduce_scope-remove_services": ["B25-05"],
            "reduce_scope-narrow_areas": [],
        },
    )
    assert form.is_valid(), form.errors
    assert form.writer_fields(licence) == {"reason": "Order 42", "remove_services": ["B25-05"], "narrow_areas": {}}
