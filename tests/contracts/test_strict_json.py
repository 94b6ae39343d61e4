"""The strict JSON reader: what it refuses, exactly where it says the problem is, and that it reads
everything else as the standard library does."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vatspilot.contracts.input_errors import describe_json_problem
from vatspilot.contracts.strict_json import MAX_DEPTH, MAX_DIGITS, StrictJSONError, loads
from vatspilot.domain.shared.errors import InputError


def refusal(text: str | bytes) -> tuple[str, str, int, int, dict[str, Any]]:
    with pytest.raises(StrictJSONError) as caught:
        loads(text)
    error = caught.value
    extra = {key: value for key, value in error.params.items() if key not in ("line", "column")}
    return error.pointer, error.code, error.line, error.column, extra


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a": 1, "a": 2}', ("/a", "json-duplicate-key", 1, 10, {"key": "a"})),
        ('{"a": {"b~/c": 1,\n "b~/c": 2}}', ("/a/b~0~1c", "json-duplicate-key", 2, 2, {"key": "b~/c"})),
        ("[1, NaN]", ("/1", "json-not-a-number", 1, 5, {"token": "NaN"})),
        ('{"x": Infinity}', ("/x", "json-not-a-number", 1, 7, {"token": "Infinity"})),
        ('{"x": -Infinity}', ("/x", "json-not-a-number", 1, 7, {"token": "-Infinity"})),
        ("[1e400]", ("/0", "json-not-a-number", 1, 2, {"token": "1e400"})),
        ("1" * 31, ("/", "json-number-too-long", 1, 1, {"digits": 31, "limit": MAX_DIGITS})),
        ('{"n": -1.' + "5" * 40 + "}", ("/n", "json-number-too-long", 1, 7, {"digits": 41, "limit": MAX_DIGITS})),
        ('["\\ud800"]', ("/0", "json-lone-surrogate", 1, 2, {})),
        ('{"\\udfff": 1}', ("/", "json-lone-surrogate", 1, 2, {})),
        ('{"a": "x\\u0000"}', ("/a", "json-nul", 1, 7, {})),
        ("", ("/", "json-empty", 1, 1, {})),
        ("  \n ", ("/", "json-empty", 2, 2, {})),
        ('{"a": 1} {}', ("/", "json-trailing", 1, 10, {})),
        ('{"a": ', ("/a", "json-unexpected-end", 1, 7, {})),
        ('{"a": tru}', ("/a", "json-unexpected", 1, 7, {"char": "t"})),
        ("{'a': 1}", ("/", "json-expected-key", 1, 2, {})),
        ('{"a" 1}', ("/a", "json-expected-colon", 1, 6, {})),
        ("[1 2]", ("/", "json-expected-comma", 1, 4, {"closing": "]"})),
        ('{"a": 1 "b": 2}', ("/", "json-expected-comma", 1, 9, {"closing": "}"})),
        ('["a\tb"]', ("/0", "json-bad-string", 1, 4, {})),
        (b'{"a": "\xff"}', ("/", "json-not-utf8", 1, 8, {})),
    ],
)
def test_each_refusal_names_the_pointer_line_and_column(text: str | bytes, expected: tuple[Any, ...]) -> None:
    assert refusal(text) == expected


def test_nesting_up_to_the_limit_is_read_and_one_more_level_is_refused() -> None:
    assert loads("[" * MAX_DEPTH + "]" * MAX_DEPTH) is not None

    pointer, code, line, column, extra = refusal("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))

    assert (pointer, code, line, column, extra) == ("/0" * MAX_DEPTH, "json-too-deep", 1, MAX_DEPTH + 1, {"limit": 64})


def test_a_million_levels_is_refused_without_recursing() -> None:
    assert refusal("[" * 1_000_000)[1] == "json-too-deep"


def test_numbers_up_to_30_digits_and_pairs_of_surrogates_are_fine() -> None:
    big, fraction = "9" * 30, "1" * 29
    text = f'{{"big": {big}, "frac": -0.{fraction}, "exp": 1.5e-7, "emoji": "\\ud83d\\ude00", "zh": "电信"}}'

    assert loads(text) == json.loads(text, parse_float=Decimal)
    assert loads(text)["frac"] == Decimal("-0." + fraction)
    assert loads(text)["emoji"] == "😀"


def test_bytes_with_a_byte_order_mark_are_read() -> None:
    assert loads('\ufeff{"a": [true, false, null]}'.encode()) == {"a": [True, False, None]}


def test_a_refusal_is_an_input_error_and_reads_in_both_languages() -> None:
    with pytest.raises(InputError) as caught:
        loads('{"a": 1, "a": 2}')

    catalogue = {"the key %(key)r appears twice in one object": "键 %(key)r 在同一对象中出现两次"}
    assert describe_json_problem(caught.value, lambda text: text) == "the key 'a' appears twice in one object"
    assert describe_json_problem(caught.value, catalogue.get) == "键 'a' 在同一对象中出现两次"


def test_a_long_duplicate_key_is_shortened_in_the_message() -> None:
    key = "k" * 200

    assert refusal(f'{{"{key}": 1, "{key}": 2}}')[4] == {"key": "k" * 57 + "..."}


def _text(max_size: int | None = None) -> st.SearchStrategy[str]:
    """Any text the reader accepts: no lone surrogates (category Cs), no NUL."""
    return st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=max_size)


_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30) + 1, max_value=10**30 - 1)
    | st.floats(allow_nan=False, allow_infinity=False).filter(lambda x: len(repr(x)) < 26)
    | _text()
)
_documents = st.recursive(
    _scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text(max_size=5), inner, max_size=4)
)


@given(_documents)
def test_whatever_the_standard_library_writes_is_read_back_the_same(value: Any) -> None:
    text = json.dumps(value, ensure_ascii=False)

    assert loads(text) == json.loads(text, parse_float=Decimal)
    assert loads(json.dumps(value, ensure_ascii=True, indent=2)) == json.loads(text, parse_float=Decimal)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("33.33", Decimal("33.33")),
        ("100.0", Decimal("100.0")),
        ("100", 100),
        ("-0.5", Decimal("-0.5")),
        ("1.5e-7", Decimal("1.5E-7")),
        ("0.1000000000000000000000000001", Decimal("0.1000000000000000000000000001")),
    ],
)
def test_a_fraction_is_read_as_the_exact_decimal_written_and_a_whole_number_as_an_int(text, value) -> None:
    read = loads(f'{{"percent": {text}}}')["percent"]

    assert (type(read), read, str(read)) == (type(value), value, str(value))
