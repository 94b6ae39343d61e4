"""Effective periods: every rule holds from a date, and until a date or for good. Both ends inclusive."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from vatspilot.domain.shared.text import LocalizedText


class Confidence(StrEnum):
    """The source's confidence code, as legal-facts.md defines it."""

    C1 = "C1"  # the official text, or an official regulator page
    C2 = "C2"  # a secondary source that paraphrases the rule
    M = "M"  # unsourced
    U = "U"  # uncertain or conflicting: a parameter, never a hard fact


@dataclass(frozen=True, slots=True)
class Period:
    start: date
    end: date | None = None

    def contains(self, on: date) -> bool:
        return self.start <= on and (self.end is None or on <= self.end)

    def overlaps(self, other: Period) -> bool:
        self_end = self.end or date.max
        other_end = other.end or date.max
        return self.start <= other_end and other.start <= self_end

    def __str__(self) -> str:
        return f"{self.start.isoformat()}..{self.end.isoformat() if self.end else ''}"


@dataclass(frozen=True, slots=True)
class RuleMeta:
    """What every rulebook entry carries: a stable id, its legal source, its period and confidence."""

    id: str
    citation: LocalizedText  # the instrument and article, in English and in Chinese
    period: Period
    confidence: Confidence
    note: str = ""
