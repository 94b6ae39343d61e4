"""JSON numbers kept exact: a percentage or an amount is a Decimal in Python and a number in the JSON.

Python's json reads ``33.33`` as the binary float nearest to it and cannot write a Decimal at all. The
dossier's JSON columns (ownership, services, service area) use this pair instead:

- ``ExactJSONDecoder`` reads every number with a fraction or an exponent as ``Decimal`` of its very
  text (``33.33`` stays ``Decimal("33.33")``, ``100.0`` stays ``Decimal("100.0")``); whole numbers
  stay ``int``; NaN and Infinity are refused.
- ``ExactJSONEncoder`` writes a Decimal as the number it is (``str(Decimal)``, always a valid JSON
  number for a finite value), never as a string and never through a float.

Why numbers and not strings: the stored JSON keeps the contract's shape (vatspilot/profile/v1 says
``"percent": 33.33``), rows written before stay as they are and read back exactly, and PostgreSQL's jsonb
keeps a number as ``numeric``, exactly. Entry points that print a dossier as JSON use ``dumps`` (or the
encoder) so that a Decimal goes out as the same number.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

__all__ = ["ExactJSONDecoder", "ExactJSONEncoder", "dumps", "loads"]


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


class ExactJSONDecoder(json.JSONDecoder):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("parse_float", Decimal)
        kwargs.setdefault("parse_constant", _refuse_constant)
        super().__init__(**kwargs)


class _Number(float):
    """A Decimal on its way out: a float only so that json's encoder hands it to ``floatstr``, which
    writes the Decimal's own text (the float value itself is never used)."""

    text: str

    def __new__(cls, value: Decimal) -> _Number:
        number = super().__new__(cls, 0.0)
        number.text = str(value)
        return number


class ExactJSONEncoder(json.JSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, Decimal):
            if not o.is_finite():
                raise ValueError(f"{o} is not a JSON number")
            return _Number(o)
        return super().default(o)

    def iterencode(self, o: Any, _one_shot: bool = False) -> Iterator[str]:
        # The standard library's pure-Python path, with a float spelling that knows _Number (the C
        # accelerator writes every float itself and so cannot be used here).
        markers: dict[int, Any] | None = {} if self.check_circular else None
        encode_string: Callable[[str], str] = (
            json.encoder.encode_basestring_ascii if self.ensure_ascii else json.encoder.encode_basestring
        )
        allow_nan = self.allow_nan

        def floatstr(value: float) -> str:
            if isinstance(value, _Number):
                return value.text
            if value != value:
                text = "NaN"
            elif value in (float("inf"), float("-inf")):
                text = "Infinity" if value > 0 else "-Infinity"
            else:
                return float.__repr__(value)
            if not allow_nan:
                raise ValueError(f"Out of range float values are not JSON compliant: {value!r}")
            return text

        make = json.encoder._make_iterencode  # type: ignore[attr-defined]
        return make(  # type: ignore[no-any-return]
            markers,
            self.default,
            encode_string,
            self.indent,
            floatstr,
            self.key_separator,
            self.item_separator,
            self.sort_keys,
            self.skipkeys,
            _one_shot,
        )(o, 0)


def dumps(value: Any, **kwargs: Any) -> str:
    """``json.dumps`` that writes a Decimal as its exact number."""
    return json.dumps(value, cls=ExactJSONEncoder, **kwargs)


def loads(text: str | bytes) -> Any:
    """``json.loads`` that reads a fraction as its exact Decimal."""
    return json.loads(text, cls=ExactJSONDecoder)
