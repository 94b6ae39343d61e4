"""A rulebook that cannot be trusted does not load."""

from __future__ import annotations


class RulebookError(Exception):
    """Names the file and the entry, so a policy officer can find what to fix."""

    def __init__(self, file: str, entry: str | None, problem: str) -> None:
        where = f"{file}: entry {entry}" if entry else file
        super().__init__(f"{where}: {problem}")
        self.file = file
        self.entry = entry
        self.problem = problem
