"""Errors the domain raises: a stable code and its parameters; wording is the edge's job."""

from __future__ import annotations


class DomainError(Exception):
    def __init__(self, code: str, /, **params: object) -> None:
        super().__init__(code, params)
        self.code = code
        self.params = params


class InputError(DomainError):
    """Bad input, located by the JSON pointer of the offending field (or the option's name)."""

    def __init__(self, pointer: str, code: str, /, **params: object) -> None:
        super().__init__(code, **params)
        self.pointer = pointer
