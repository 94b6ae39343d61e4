"""The public rules pages (/rules/): the rulebook in force on a date, one rule with every dated entry it
has had, the changes between two dates (domain.policy.changes, the same diff as `vatspilot rules diff`)
and a timeline of the pilot's legal milestones: the rulebook's own dated entries beside the sourced facts
of rulebook/public_facts.yaml. Everything is in the reader's language; each rule shows its citation in
both languages and its confidence code."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from vatspilot.domain.policy.changes import diff, in_force_by_id
from vatspilot.domain.policy.rules import Rulebook, RuleEntry
from vatspilot.domain.shared.text import Lang
from vatspilot.queries.rule_descriptions import FIELDS, KIND_HEADINGS, KINDS, kind_of, summary, title
from vatspilot.rulebook.loader import default_rulebook
from vatspilot.rulebook.public_facts import PublicFacts, public_facts
from vatspilot.services import vocabulary


@dataclass(frozen=True, slots=True)
class RuleVersion:
    """One dated entry of a rule."""

    start: date
    end: date | None
    citation_en: str
    citation_zh: str
    confidence: str
    confidence_label: str
    summary: str
    in_force: bool  # on the page's date
    day_before: date | None = None  # on a rule's page, for an entry that replaced another: the day before it


@dataclass(frozen=True, slots=True)
class RuleRow:
    rule_id: str
    kind: str
    title: str
    version: RuleVersion  # the entry in force on the page's date
    versions: int  # how many dated entries the rule has had
    periods: tuple[tuple[date, date | None], ...] = ()  # each dated entry's period, oldest first


@dataclass(frozen=True, slots=True)
class RuleSection:
    kind: str
    heading: str
    rules: tuple[RuleRow, ...]


@dataclass(frozen=True, slots=True)
class Gap:
    title: str
    source: str
    confidence: str
    confidence_label: str


@dataclass(frozen=True, slots=True)
class RulesInForcePage:
    on: date
    start: date  # the first date the rulebook covers
    version: str
    sections: tuple[RuleSection, ...]
    gaps: tuple[Gap, ...]

    @property
    def count(self) -> int:
        return sum(len(s.rules) for s in self.sections)


@dataclass(frozen=True, slots=True)
class RulePage:
    rule_id: str
    kind: str
    kind_heading: str
    title: str
    on: date
    current: RuleVersion | None  # in force on `on`
    history: tuple[RuleVersion, ...]  # every dated entry, oldest first


@dataclass(frozen=True, slots=True)
class Change:
    kind: str  # started | ended | changed
    kind_label: str
    rule_id: str
    title: str
    fields: tuple[str, ...]  # the changed fields' names
    before: RuleVersion | None
    after: RuleVersion | None


@dataclass(frozen=True, slots=True)
class DiffPage:
    first: date
    second: date
    changes: tuple[Change, ...]


@dataclass(frozen=True, slots=True)
class RuleLink:
    rule_id: str
    title: str


@dataclass(frozen=True, slots=True)
class Milestone:
    on: date
    text: str
    source: str  # the fact's source, or empty for the rulebook's own entries
    confidence: str  # empty where the source article alone states it
    confidence_label: str
    started: tuple[RuleLink, ...] = ()  # rulebook entries that take effect that day
    changed: tuple[RuleLink, ...] = ()  # rules whose new entry replaces the one that ended the day before
    ended: tuple[RuleLink, ...] = ()  # rulebook entries whose last day was the day before
    from_rulebook: bool = False
    browsable: bool = False  # the rulebook covers the day: its rules in force that day can be listed


def rulebook_start() -> date:
    return default_rulebook().start


def _version(entry: RuleEntry, rulebook: Rulebook, lang: Lang, on: date) -> RuleVersion:
    meta = entry.meta
    return RuleVersion(
        start=meta.period.start,
        end=meta.period.end,
        citation_en=meta.citation.en,
        citation_zh=meta.citation.zh,
        confidence=meta.confidence.value,
        confidence_label=vocabulary.label("confidence", meta.confidence.value),
        summary=summary(entry, rulebook, lang),
        in_force=meta.period.contains(on),
    )


def _history(rulebook: Rulebook) -> dict[str, list[RuleEntry]]:
    by_id: dict[str, list[RuleEntry]] = defaultdict(list)
    for entry in rulebook.entries():
        by_id[entry.meta.id].append(entry)
    for entries in by_id.values():
        entries.sort(key=lambda e: e.meta.period.start)
    return by_id


def rules_in_force_page(on: date, lang: Lang, rulebook: Rulebook | None = None) -> RulesInForcePage:
    rulebook = rulebook or default_rulebook()
    history = _history(rulebook)
    by_kind: dict[str, list[RuleRow]] = defaultdict(list)
    for rule_id, entry in in_force_by_id(rulebook, on).items():
        by_kind[kind_of(entry)].append(
            RuleRow(
                rule_id=rule_id,
                kind=kind_of(entry),
                title=title(entry, rulebook, lang),
                version=_version(entry, rulebook, lang, on),
                versions=len(history[rule_id]),
                periods=tuple((e.meta.period.start, e.meta.period.end) for e in history[rule_id]),
            )
        )
    sections = tuple(
        RuleSection(kind=kind, heading=str(KIND_HEADINGS[kind]), rules=tuple(by_kind[kind]))
        for kind in KINDS
        if by_kind[kind]
    )
    gaps = tuple(
        Gap(
            title=g.description.get(lang),
            source=g.source.get(lang),
            confidence=g.confidence,
            confidence_label=vocabulary.label("confidence", g.confidence),
        )
        for g in rulebook.gaps
    )
    return RulesInForcePage(on=on, start=rulebook.start, version=rulebook.version, sections=sections, gaps=gaps)


def rule_page(rule_id: str, on: date, lang: Lang, rulebook: Rulebook | None = None) -> RulePage | None:
    """The rule's page, or None when no entry has this id (the view answers 404)."""
    rulebook = rulebook or default_rulebook()
    entries = _history(rulebook).get(rule_id)
    if not entries:
        return None
    shown = next((e for e in entries if e.meta.period.contains(on)), entries[-1])
    versions = tuple(
        replace(_version(e, rulebook, lang, on), day_before=e.meta.period.start - timedelta(days=1) if i else None)
        for i, e in enumerate(entries)
    )
    kind = kind_of(shown)
    return RulePage(
        rule_id=rule_id,
        kind=kind,
        kind_heading=str(KIND_HEADINGS[kind]),
        title=title(shown, rulebook, lang),
        on=on,
        current=next((v for v in versions if v.in_force), None),
        history=versions,
    )


def rules_diff_page(first: date, second: date, lang: Lang, rulebook: Rulebook | None = None) -> DiffPage:
    """What changed from `first` to `second`: the domain's diff (as `vatspilot rules diff`), in words."""
    rulebook = rulebook or default_rulebook()
    labels = {
        "started": pgettext("rule change", "Took effect"),
        "ended": pgettext("rule change", "Ended"),
        "changed": pgettext("rule change", "Changed"),
    }
    changes = []
    for change in diff(rulebook, first, second):
        entry = change.after or change.before
        assert entry is not None
        changes.append(
            Change(
                kind=change.kind,
                kind_label=labels[change.kind],
                rule_id=change.rule_id,
                title=title(entry, rulebook, lang),
                fields=tuple(str(FIELDS.get(f, f)) for f in change.changed_fields),
                before=_version(change.before, rulebook, lang, first) if change.before else None,
                after=_version(change.after, rulebook, lang, second) if change.after else None,
            )
        )
    return DiffPage(first=first, second=second, changes=tuple(changes))


def milestones(lang: Lang, rulebook: Rulebook | None = None, facts: PublicFacts | None = None) -> tuple[Milestone, ...]:
    """The sourced milestones and the days the rulebook's entries start or end, in date order. The
    rulebook's first day lists no entries (every rule then starts): its row links to the rules in force."""
    rulebook = rulebook or default_rulebook()
    facts = facts or public_facts()
    rows: list[Milestone] = [
        Milestone(
            on=f.on or rulebook.start,
            text=f.text.get(lang),
            source=f.source.get(lang),
            confidence=f.confidence.value if f.confidence else "",
            confidence_label=vocabulary.label("confidence", f.confidence.value) if f.confidence else "",
        )
        for f in facts.milestones
    ]
    started: dict[date, list[RuleLink]] = defaultdict(list)
    ended: dict[date, list[RuleLink]] = defaultdict(list)
    seen: set[tuple[str, date]] = set()
    for entry in rulebook.entries():
        period = entry.meta.period
        link = RuleLink(entry.meta.id, title(entry, rulebook, lang))
        if (entry.meta.id, period.start) not in seen:
            started[period.start].append(link)
            seen.add((entry.meta.id, period.start))
        if period.end is not None:
            ended[period.end + timedelta(days=1)].append(link)
    for day in sorted(set(started) | set(ended)):
        if day == rulebook.start:
            rows.append(
                Milestone(
                    on=day,
                    text=_("The rulebook begins: %(count)s rules in force on its first day.")
                    % {"count": len(in_force_by_id(rulebook, day))},
                    source="",
                    confidence="",
                    confidence_label="",
                    from_rulebook=True,
                    browsable=True,
                )
            )
            continue
        # A rule that ends the day before another entry of the same id starts was changed, not ended.
        restarted = {link.rule_id for link in started[day]} & {link.rule_id for link in ended[day]}
        rows.append(
            Milestone(
                on=day,
                text=_("In the rulebook"),
                source="",
                confidence="",
                confidence_label="",
                started=tuple(link for link in started[day] if link.rule_id not in restarted),
                changed=tuple(link for link in started[day] if link.rule_id in restarted),
                ended=tuple(link for link in ended[day] if link.rule_id not in restarted),
                from_rulebook=True,
                browsable=day >= rulebook.start,
            )
        )
    return tuple(sorted(rows, key=lambda m: (m.on, m.from_rulebook)))
