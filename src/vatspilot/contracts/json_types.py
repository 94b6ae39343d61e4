"""The types of a JSON document as Python holds it, named once for every signature that takes or returns
one: a profile (vatspilot/profile/v1), a determination (vatspilot/decision/v2), a dossier's JSON columns.

A number is an ``int`` when whole; otherwise a ``Decimal`` when read by this project's readers
(contracts/strict_json.py, contracts/json_numbers.py) and a ``float`` when read by Python's own ``json``
(the stored determination, whose figures the engine writes as JSON numbers).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TypeAlias

__all__ = ["JSONObject", "JSONValue"]

# A union of types, not one string, so that the aliases are types at run time too: an annotation such
# as "JSONObject | None" must still evaluate when typing.get_type_hints reads a signature.
JSONValue: TypeAlias = bool | int | float | Decimal | str | list["JSONValue"] | dict[str, "JSONValue"] | None
JSONObject: TypeAlias = dict[str, JSONValue]
