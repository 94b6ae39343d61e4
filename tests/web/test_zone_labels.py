"""The special zones an enterprise may declare are listed once (store.validators.ZONES, the profile
contract's enum); each place that names them has a label for every one and for nothing else."""

from __future__ import annotations

import json
from pathlib import Path

from vatspilot import contracts
from vatspilot.queries import rule_descriptions
from vatspilot.store import validators
from vatspilot.web import eligibility_forms


def test_every_declared_zone_has_its_labels_and_no_label_is_for_another() -> None:
    contract = json.loads((Path(contracts.__file__).parent / "profile.schema.json").read_text())
    assert set(eligibility_forms.ZONES) == set(validators.ZONES)
    assert set(rule_descriptions.ZONES) == set(validators.ZONES)
    assert _zone_enum(contract) == set(validators.ZONES)


def _zone_enum(schema: object) -> set[str]:
    """The enum of the contract's ``zones`` items, wherever it sits in the schema."""
    if isinstance(schema, dict):
        zones = schema.get("properties", {}).get("zones") if isinstance(schema.get("properties"), dict) else None
        if isinstance(zones, dict) and isinstance(zones.get("items"), dict) and "enum" in zones["items"]:
            return set(zones["items"]["enum"])
        for value in schema.values():
            found = _zone_enum(value)
            if found:
                return found
    if isinstance(schema, list):
        for value in schema:
            found = _zone_enum(value)
            if found:
                return found
    return set()
