"""Reads a profile (contract vatspilot/profile/v1) into the domain, locating every problem by JSON pointer."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator, ValidationError
from stdnum.cn import uscc as uscc_number
from stdnum.exceptions import ValidationError as NumberError

from vatspilot.contracts import schema
from vatspilot.domain.policy.ownership import MAX_DEPTH
from vatspilot.domain.policy.profile import Holder, Profile, ServiceArea, ServiceRequest
from vatspilot.domain.shared.errors import InputError

_BASIC_CODE = re.compile(r"^A\d")


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(schema("profile"))


def pointer(path: Any) -> str:
    return "".join(f"/{part}" for part in path) or "/"


def _as_input_error(error: ValidationError) -> InputError:
    at = pointer(error.absolute_path)
    base = "" if at == "/" else at
    validator = error.validator
    if validator == "required":
        missing = next(p for p in error.validator_value if p not in error.instance)
        return InputError(f"{base}/{missing}", "missing")
    if validator == "additionalProperties":
        allowed = set(error.schema.get("properties", {}))
        extra = sorted(k for k in error.instance if k not in allowed)[0]
        return InputError(f"{base}/{extra}", "unknown-field")
    if validator == "enum":
        return InputError(at, "not-one-of", value=error.instance, allowed=", ".join(map(str, error.validator_value)))
    if validator == "const":
        return InputError(at, "must-be", value=error.validator_value)
    if validator == "type":
        return InputError(at, "wrong-type", expected=str(error.validator_value))
    if validator == "pattern":
        return InputError(at, "bad-format", value=error.instance, pattern=error.validator_value)
    if validator in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        return InputError(at, validator, value=error.instance, limit=error.validator_value)
    if validator in ("minItems", "minLength", "maxLength"):
        return InputError(at, validator, limit=error.validator_value)
    if validator == "uniqueItems":
        return InputError(at, "duplicates")
    return InputError(at, "invalid", detail=error.message)


def _first_error(data: Any) -> ValidationError | None:
    errors = list(_validator().iter_errors(data))
    if not errors:
        return None
    # The first problem in document order, the deepest first at one place: what a reader fixes first.
    return min(errors, key=lambda e: ([str(p) for p in e.absolute_path], -len(e.absolute_path)))


def _check_depth(data: Any) -> None:
    """Refuse an absurdly deep tree before the schema validator recurses into it."""
    stack = [(data.get("shareholders"), "/shareholders", 1)]
    while stack:
        holders, at, depth = stack.pop()
        if not isinstance(holders, list):
            continue
        if depth > MAX_DEPTH:
            raise InputError(at, "holding-too-deep", max_depth=MAX_DEPTH)
        for i, holder in enumerate(holders):
            if isinstance(holder, Mapping):
                stack.append((holder.get("shareholders"), f"{at}/{i}/shareholders", depth + 1))


def parse_profile(data: Any) -> Profile:
    """A validated Profile, or InputError naming the field. Semantic checks follow in the engine."""
    if isinstance(data, Mapping):
        _check_depth(data)
        for i, service in enumerate(data.get("services") or []):
            code = service.get("code") if isinstance(service, Mapping) else None
            if isinstance(code, str) and _BASIC_CODE.match(code):
                raise InputError(f"/services/{i}/code", "code-basic-telecom", code=code)
    error = _first_error(data)
    if error is not None:
        raise _as_input_error(error)
    if "uscc" in data:
        try:
            uscc_number.validate(data["uscc"])
        except NumberError:
            raise InputError("/uscc", "bad-uscc", value=data["uscc"]) from None
    if data["service_area"].get("provinces") and data["service_area"]["kind"] != "cross-regional":
        raise InputError("/service_area/provinces", "provinces-only-cross-regional")
    registration = data["registration"]
    return Profile(
        name=data["name"],
        uscc=data.get("uscc"),
        division_code=registration["division_code"],
        zones=frozenset(registration.get("zones", [])),
        registered_capital_cny=_decimal(data["registered_capital_cny"]),
        shareholders=tuple(_holder(h) for h in data["shareholders"]),
        services=tuple(
            ServiceRequest(s["code"], s.get("scope"), tuple(s.get("content", []))) for s in data["services"]
        ),
        service_area=ServiceArea(data["service_area"]["kind"], tuple(data["service_area"].get("provinces", []))),
        dishonest_list=bool(data.get("dishonest_list", False)),
    )


def _decimal(value: Any) -> Decimal:
    # Through str: a JSON 33.33 read as a float stays 33.33 rather than its binary neighbour.
    return Decimal(str(value))


def _holder(raw: Mapping[str, Any]) -> Holder:
    children = raw.get("shareholders")
    return Holder(
        name=raw["name"],
        jurisdiction=raw["jurisdiction"],
        percent=_decimal(raw["percent"]),
        shareholders=tuple(_holder(c) for c in children) if children is not None else None,
        foreign_invested=bool(raw.get("foreign_invested", False)),
    )
