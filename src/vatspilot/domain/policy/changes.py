"""What changed in the law between two dates: rules that started, ended, or whose values changed."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date

from vatspilot.domain.policy.rules import Rulebook, RuleEntry


@dataclass(frozen=True, slots=True)
class RuleChange:
    kind: str  # started | ended | changed
    rule_id: str
    before: RuleEntry | None
    after: RuleEntry | None
    changed_fields: tuple[str, ...] = ()


def in_force_by_id(rulebook: Rulebook, on: date) -> dict[str, RuleEntry]:
    # Regions and parameters are rules too; the loader guarantees one version per id on any date.
    return {e.meta.id: e for e in rulebook.entries() if e.meta.period.contains(on)}


def _differences(before: RuleEntry, after: RuleEntry) -> tuple[str, ...]:
    names: list[str] = []
    if before.meta.citation != after.meta.citation:
        names.append("citation")
    if before.meta.confidence != after.meta.confidence:
        names.append("confidence")
    for f in fields(before):
        if f.name != "meta" and getattr(before, f.name) != getattr(after, f.name):
            names.append(f.name)
    return tuple(names)


def diff(rulebook: Rulebook, first: date, second: date) -> list[RuleChange]:
    a, b = in_force_by_id(rulebook, first), in_force_by_id(rulebook, second)
    changes: list[RuleChange] = []
    for rule_id, entry in b.items():
        if rule_id not in a:
            changes.append(RuleChange("started", rule_id, None, entry))
        elif a[rule_id] is not entry:
            changes.append(RuleChange("changed", rule_id, a[rule_id], entry, _differences(a[rule_id], entry)))
    changes.extend(RuleChange("ended", rule_id, entry, None) for rule_id, entry in a.items() if rule_id not in b)
    order = {"ended": 0, "started": 1, "changed": 2}
    return sorted(changes, key=lambda c: (order[c.kind], c.rule_id))
