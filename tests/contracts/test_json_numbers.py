"""JSON numbers kept exact: a fraction reads as the Decimal of its text, a Decimal writes as that number."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from vatspilot.contracts.json_numbers import ExactJSONEncoder, dumps, loads


def test_a_fraction_reads_as_the_decimal_of_its_text_and_a_whole_number_as_an_int():
    value = loads('{"percent": 33.33, "whole": 100.0, "int": 50, "tiny": 1e-7, "zeros": 0.1000}')

    assert value == {
        "percent": Decimal("33.33"),
        "whole": Decimal("100.0"),
        "int": 50,
        "tiny": Decimal("1E-7"),
        "zeros": Decimal("0.1000"),
    }
    assert [type(v) for v in value.values()] == [Decimal, Decimal, int, Decimal, Decimal]
    assert str(value["zeros"]) == "0.1000"


def test_a_decimal_is_written_as_the_very_number_never_a_string_or_a_float():
    value = {"p": Decimal("33.33"), "big": Decimal("12345678901234567890.123456789"), "f": 0.5, "zh": "电信"}

    text = dumps(value, ensure_ascii=False, sort_keys=True)

    assert text == '{"big": 12345678901234567890.123456789, "f": 0.5, "p": 33.33, "zh": "电信"}'
    assert loads(text) == {**value, "f": Decimal("0.5")}


def test_indenting_and_nesting_keep_the_numbers():
    value = [{"percent": Decimal("12.5"), "shareholders": [{"percent": Decimal("100")}]}]

    assert dumps(value, indent=1) == (
        '[\n {\n  "percent": 12.5,\n  "shareholders": [\n   {\n    "percent": 100\n   }\n  ]\n }\n]'
    )


@pytest.mark.parametrize("text", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_no_numbers_either_way(text):
    with pytest.raises(ValueError):
        loads(f"[{text}]")
    with pytest.raises(ValueError):
        dumps([Decimal(text)])
    with pytest.raises(ValueError):
        json.dumps([float(text)], cls=ExactJSONEncoder, allow_nan=False)


def test_what_the_encoder_cannot_write_is_still_a_type_error():
    with pytest.raises(TypeError):
        dumps({"when": object()})
