"""The public pages' sourced facts (public_facts.yaml): the review procedure as the source article tells
it, where to turn, and the pilot's dated milestones. Each fact carries its source in both languages and,
where legal-facts.md grades it, its confidence code; the loader refuses one without either language or
without a source."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from vatspilot.domain.policy.periods import Confidence
from vatspilot.domain.shared.text import LocalizedText
from vatspilot.rulebook.errors import RulebookError

_FILE = "public_facts.yaml"


@dataclass(frozen=True, slots=True)
class PublicFact:
    id: str
    text: LocalizedText
    source: LocalizedText
    confidence: Confidence | None = None
    on: date | None = None  # a milestone's date


@dataclass(frozen=True, slots=True)
class PublicFacts:
    procedure: tuple[PublicFact, ...]
    contacts: tuple[PublicFact, ...]
    milestones: tuple[PublicFact, ...]  # in date order

    def procedure_fact(self, fact_id: str) -> PublicFact:
        return next(f for f in self.procedure if f.id == fact_id)


def _text(raw: Mapping[str, Any], key: str, entry: str) -> LocalizedText:
    value = raw.get(key)
    if not isinstance(value, Mapping) or not value.get("en") or not value.get("zh"):
        raise RulebookError(_FILE, entry, f"'{key}' needs both an 'en' and a 'zh' text")
    return LocalizedText(str(value["en"]), str(value["zh"]))


def _fact(raw: Any, section: str, dated: bool) -> PublicFact:
    if not isinstance(raw, Mapping) or not raw.get("id"):
        raise RulebookError(_FILE, None, f"every entry of '{section}' is a mapping with an id")
    entry = str(raw["id"])
    unknown = set(raw) - {"id", "text", "source", "confidence", "date"}
    if unknown:
        raise RulebookError(_FILE, entry, f"unknown field(s): {', '.join(sorted(unknown))}")
    confidence = raw.get("confidence")
    if confidence is not None and str(confidence) not in {c.value for c in Confidence}:
        raise RulebookError(_FILE, entry, f"unknown confidence {confidence}")
    on = raw.get("date")
    if dated and not isinstance(on, date):
        raise RulebookError(_FILE, entry, "a milestone needs a 'date' (YYYY-MM-DD)")
    return PublicFact(
        id=entry,
        text=_text(raw, "text", entry),
        source=_text(raw, "source", entry),
        confidence=Confidence(str(confidence)) if confidence is not None else None,
        on=on if dated else None,
    )


def load_public_facts(path: Path | None = None) -> PublicFacts:
    path = path or Path(str(resources.files("vatspilot.rulebook").joinpath(_FILE)))
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise RulebookError(path.name, None, f"cannot be read: {exc}") from None
    if not isinstance(doc, Mapping):
        raise RulebookError(path.name, None, "must be a mapping of sections")

    def section(name: str, dated: bool = False) -> tuple[PublicFact, ...]:
        items = doc.get(name)
        if not isinstance(items, list):
            raise RulebookError(path.name, None, f"needs a '{name}' list")
        return tuple(_fact(item, name, dated) for item in items)

    milestones = section("milestones", dated=True)
    return PublicFacts(
        procedure=section("procedure"),
        contacts=section("contacts"),
        milestones=tuple(sorted(milestones, key=lambda f: (f.on or date.min, f.id))),
    )


@cache
def public_facts() -> PublicFacts:
    return load_public_facts()
