"""The one JSON reader for input from outside: the web form's JSON fields, the API's request bodies and
the CLI's profiles all go through ``loads``.

Python's ``json.loads`` accepts things no client of ours means to send, and some of them hurt: the last
of two duplicate keys wins silently, ``NaN`` and ``Infinity`` become floats that poison arithmetic and
cannot be stored as JSON again, a 5,000-digit number exceeds the interpreter's int limit (a ValueError
that used to escape as a 500), deep nesting ends in RecursionError, and an escaped lone surrogate or NUL
becomes a string that UTF-8 and PostgreSQL refuse later, far from the input. This reader refuses each of
them up front with ``StrictJSONError``: an InputError whose pointer is the JSON pointer of the value at
fault ("/" for the document itself) and whose parameters give the line and column.

Numbers are exact: a whole number is an ``int``, any other a ``Decimal`` of its very text (percentages
and amounts are Decimals from here to the database; see contracts/json_numbers.py for writing them).

It is a small recursive-descent parser (strings are decoded by the standard library's scanner, so
escapes mean exactly what they mean to ``json``); recursion is bounded by MAX_DEPTH, checked before
descending.
"""

from __future__ import annotations

import re
from decimal import Decimal
from json.decoder import scanstring
from typing import Any

from vatspilot.domain.shared.errors import InputError

MAX_DEPTH = 64  # containers nested in one another; profiles nest 20 holding levels, about 42 deep
MAX_DIGITS = 30  # digits in one number (integer, fraction and exponent together)

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"(-?(?:0|[1-9][0-9]*))(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_FORBIDDEN_CHAR = re.compile("[\x00\ud800-\udfff]")
_CONSTANTS = {"true": True, "false": False, "null": None}
_NOT_NUMBERS = ("NaN", "Infinity", "-Infinity")

# Codes for text that is not JSON at all; the others are JSON this reader refuses.
SYNTAX_CODES = frozenset(
    {
        "json-not-utf8",
        "json-empty",
        "json-trailing",
        "json-unexpected-end",
        "json-unexpected",
        "json-expected-key",
        "json-expected-colon",
        "json-expected-comma",
        "json-bad-string",
    }
)


class StrictJSONError(InputError):
    """Input the strict reader refuses. ``pointer`` locates the value (JSON pointer); the params
    always carry ``line`` and ``column`` (1-based) of the offending character."""

    def __init__(self, pointer: str, code: str, /, *, line: int, column: int, **params: object) -> None:
        super().__init__(pointer, code, line=line, column=column, **params)
        self.line = line
        self.column = column


def loads(data: str | bytes | bytearray) -> Any:
    """The value of the JSON document ``data``, or StrictJSONError naming where and what is wrong."""
    if isinstance(data, bytes | bytearray):
        data = _decode(bytes(data))
    return _Reader(data).document()


def _decode(raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):  # a UTF-8 byte order mark, as some Windows editors write
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        before = raw[: error.start]
        line = before.count(b"\n") + 1
        column = error.start - (before.rfind(b"\n") + 1) + 1
        raise StrictJSONError("/", "json-not-utf8", line=line, column=column) from None


def _escape(key: str) -> str:
    """One reference token of a JSON pointer (RFC 6901)."""
    return key.replace("~", "~0").replace("/", "~1")


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text

    # --- positions and errors ------------------------------------------------------------------------

    def error(self, pointer: str, code: str, at: int, **params: object) -> StrictJSONError:
        line = self.text.count("\n", 0, at) + 1
        column = at - (self.text.rfind("\n", 0, at) + 1) + 1
        return StrictJSONError(pointer or "/", code, line=line, column=column, **params)

    def skip(self, at: int) -> int:
        match = _WHITESPACE.match(self.text, at)
        return match.end() if match else at

    # --- grammar -------------------------------------------------------------------------------------

    def document(self) -> Any:
        at = self.skip(0)
        if at == len(self.text):
            raise self.error("", "json-empty", at)
        value, at = self.value(at, "", 0)
        at = self.skip(at)
        if at != len(self.text):
            raise self.error("", "json-trailing", at)
        return value

    def value(self, at: int, pointer: str, depth: int) -> tuple[Any, int]:
        text = self.text
        if at >= len(text):
            raise self.error(pointer, "json-unexpected-end", at)
        char = text[at]
        if char == "{":
            return self.object(at, pointer, depth + 1)
        if char == "[":
            return self.array(at, pointer, depth + 1)
        if char == '"':
            return self.string(at, pointer)
        if char == "-" or "0" <= char <= "9":
            if text.startswith("-Infinity", at):
                raise self.error(pointer, "json-not-a-number", at, token="-Infinity")
            return self.number(at, pointer)
        for word, constant in _CONSTANTS.items():
            if text.startswith(word, at):
                return constant, at + len(word)
        for word in _NOT_NUMBERS:
            if text.startswith(word, at):
                raise self.error(pointer, "json-not-a-number", at, token=word)
        raise self.error(pointer, "json-unexpected", at, char=char)

    def object(self, start: int, pointer: str, depth: int) -> tuple[dict[str, Any], int]:
        if depth > MAX_DEPTH:
            raise self.error(pointer, "json-too-deep", start, limit=MAX_DEPTH)
        result: dict[str, Any] = {}
        at = self.skip(start + 1)
        if self.text.startswith("}", at):
            return result, at + 1
        while True:
            if not self.text.startswith('"', at):
                raise self.error(pointer, "json-expected-key", at)
            key_at = at
            key, at = self.string(at, pointer)
            member = f"{pointer}/{_escape(key)}"
            if key in result:
                raise self.error(member, "json-duplicate-key", key_at, key=key if len(key) <= 60 else key[:57] + "...")
            at = self.skip(at)
            if not self.text.startswith(":", at):
                raise self.error(member, "json-expected-colon", at)
            at = self.skip(at + 1)
            result[key], at = self.value(at, member, depth)
            at = self.skip(at)
            if self.text.startswith(",", at):
                at = self.skip(at + 1)
                continue
            if self.text.startswith("}", at):
                return result, at + 1
            raise self.error(pointer, "json-expected-comma", at, closing="}")

    def array(self, start: int, pointer: str, depth: int) -> tuple[list[Any], int]:
        if depth > MAX_DEPTH:
            raise self.error(pointer, "json-too-deep", start, limit=MAX_DEPTH)
        result: list[Any] = []
        at = self.skip(start + 1)
        if self.text.startswith("]", at):
            return result, at + 1
        while True:
            item, at = self.value(at, f"{pointer}/{len(result)}", depth)
            result.append(item)
            at = self.skip(at)
            if self.text.startswith(",", at):
                at = self.skip(at + 1)
                continue
            if self.text.startswith("]", at):
                return result, at + 1
            raise self.error(pointer, "json-expected-comma", at, closing="]")

    def string(self, start: int, pointer: str) -> tuple[str, int]:
        try:
            value, end = scanstring(self.text, start + 1, True)
        except ValueError as error:
            # The standard scanner names the position of a bad escape, a control character or the
            # missing closing quote.
            raise self.error(pointer, "json-bad-string", getattr(error, "pos", start)) from None
        forbidden = _FORBIDDEN_CHAR.search(value)
        if forbidden is not None:
            code = "json-nul" if forbidden.group() == "\x00" else "json-lone-surrogate"
            raise self.error(pointer, code, start)
        return value, end

    def number(self, start: int, pointer: str) -> tuple[int | Decimal, int]:
        match = _NUMBER.match(self.text, start)
        if match is None:
            raise self.error(pointer, "json-unexpected", start, char=self.text[start])
        token = match.group()
        digits = sum(ch.isdigit() for ch in token)
        if digits > MAX_DIGITS:
            raise self.error(pointer, "json-number-too-long", start, digits=digits, limit=MAX_DIGITS)
        integer, fraction, exponent = match.groups()
        if fraction is None and exponent is None:
            return int(integer), match.end()
        if float(token) in (float("inf"), float("-inf")):  # 1e999: within 30 digits, beyond a double
            raise self.error(pointer, "json-not-a-number", start, token=token)
        # Exactly the number written: 33.33 is Decimal("33.33"), not the binary float nearest to it.
        return Decimal(token), match.end()
