"""Licence numbers in the style of MIIT-issued ones: the service classes, the year, a serial.

`B1.B2-20250007` is a licence for services of classes B1 and B2 (B11 is in class B1, B21-B26 in B2)
issued in 2025 as the 7th of that year. The separator and the serial's digits are a rulebook setting
(`parameter:licence-number-format`, confidence U: the pilot's own format is not published). The serial is
allocated by the store, one sequence per year, without gaps or duplicates; here it is only written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


class BadNumberFormat(ValueError):
    """The rulebook's setting is not a format a number can be written with."""


@dataclass(frozen=True)
class NumberFormat:
    class_separator: str
    serial_digits: int

    @classmethod
    def from_setting(cls, value: object) -> NumberFormat:
        """From the parameter's value: {class-separator: ".", serial-digits: 4}."""
        if not isinstance(value, Mapping):
            raise BadNumberFormat("parameter:licence-number-format must be a mapping")
        separator = value.get("class-separator")
        digits = value.get("serial-digits")
        if not isinstance(separator, str) or len(separator) != 1 or separator.isalnum() or separator == "-":
            raise BadNumberFormat("class-separator must be one character, neither a letter, a digit nor '-'")
        if not isinstance(digits, int) or isinstance(digits, bool) or not 1 <= digits <= 9:
            raise BadNumberFormat("serial-digits must be a whole number from 1 to 9")
        return cls(separator, digits)


def service_classes(codes: Iterable[str]) -> tuple[str, ...]:
    """The classes of the licensed services, each once, in order: B11 -> B1; B21, B25-01 -> B2."""
    classes = {code[:2] for code in codes if len(code) >= 2}
    if not classes:
        raise ValueError("a licence number needs at least one service")
    return tuple(sorted(classes))


def licence_number(number_format: NumberFormat, codes: Iterable[str], year: int, serial: int) -> str:
    """The number of the ``serial``-th licence issued in ``year`` for ``codes``.

    A serial beyond the setting's digits is written whole (10000 with four digits) rather than cut,
    so that no two licences share a number."""
    if serial < 1:
        raise ValueError("serials start at 1")
    classes = number_format.class_separator.join(service_classes(codes))
    return f"{classes}-{year:04d}{serial:0{number_format.serial_digits}d}"
