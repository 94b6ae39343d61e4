"""The public service guide (办事指南, `/` for visitors and `/guide/`): what the pilot is, which regions
and services each opening-up measure opens on the day, who may apply, the documents, the steps and time
limits, and where to turn. Every item is drawn from the rulebook in force on the day (its citation and
confidence code with it, in the reader's language) or from the sourced facts of
rulebook/public_facts.yaml (their source with them); no legal fact is written here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from vatspilot.domain.policy.rules import (
    OPENINGS,
    CapRule,
    CapTier,
    ContentEffect,
    Grant,
    NoteKind,
    Parameter,
    Rulebook,
    RuleEntry,
)
from vatspilot.domain.shared.text import Lang
from vatspilot.queries.rule_descriptions import (
    grant_text,
    opening_name,
    parameter_value,
    summary,
    title,
)
from vatspilot.rulebook.loader import default_rulebook
from vatspilot.rulebook.public_facts import PublicFact, PublicFacts, public_facts
from vatspilot.services import vocabulary


@dataclass(frozen=True, slots=True)
class Item:
    """One statement of the guide with what it rests on: a rule (its page linked) or a sourced fact."""

    text: str
    basis: str  # the citation (a rule) or the source (a fact), in the reader's language
    confidence: str  # C1, C2, M, U; empty for a fact the source article alone states
    confidence_label: str
    rule_id: str = ""  # the rule's id for its page; empty for a fact
    points: tuple[str, ...] = ()  # a list the statement introduces (services, documents...)


@dataclass(frozen=True, slots=True)
class Region:
    name: str
    licence_area: str


@dataclass(frozen=True, slots=True)
class Opening:
    """One opening-up measure in force on the day: the services its cap opens, where, and what it excludes."""

    code: str
    name: str
    cap: Item  # the services it opens (as points), with the cap rule's citation
    regions: tuple[Region, ...]
    regions_basis: tuple[Item, ...]  # the regions' citations (one per distinct citation)
    exclusions: tuple[Item, ...]


@dataclass(frozen=True, slots=True)
class Step:
    heading: str
    items: tuple[Item, ...]


@dataclass(frozen=True, slots=True)
class ServiceGuide:
    on: date
    version: str
    about: tuple[Item, ...]
    openings: tuple[Opening, ...]
    not_yet_open: tuple[Item, ...]  # measures issued whose channel is not open on the day
    who_may_apply: tuple[Item, ...]
    documents: tuple[Item, ...]
    steps: tuple[Step, ...]
    contacts: tuple[Item, ...]


def _rule_item(entry: RuleEntry, lang: Lang, text: str, points: tuple[str, ...] = ()) -> Item:
    meta = entry.meta
    return Item(
        text=text,
        basis=meta.citation.get(lang),
        confidence=meta.confidence.value,
        confidence_label=vocabulary.label("confidence", meta.confidence.value),
        rule_id=meta.id,
        points=points,
    )


def _fact_item(fact: PublicFact, lang: Lang) -> Item:
    code = fact.confidence.value if fact.confidence else ""
    return Item(
        text=fact.text.get(lang),
        basis=fact.source.get(lang),
        confidence=code,
        confidence_label=vocabulary.label("confidence", code) if code else "",
    )


def _parameter(rulebook: Rulebook, rule_id: str, on: date) -> Parameter | None:
    return next((p for p in rulebook.parameters if p.meta.id == rule_id and p.meta.period.contains(on)), None)


def _openings(rulebook: Rulebook, on: date, lang: Lang) -> tuple[Opening, ...]:
    rules = rulebook.in_force(on)
    openings = []
    for code in OPENINGS:
        caps = [c for c in rules.caps if c.tier is CapTier.OPENING and c.opening == code]
        regions = [r for r in rules.regions if r.opening == code]
        if not caps or not regions:
            continue
        cap = caps[0]
        points = tuple(
            grant_text(rulebook, Grant((code,), g.cap, g.scope), lang) for g in cap.grants for code in g.codes
        )
        citations: dict[str, Item] = {}
        for region in regions:
            citations.setdefault(
                region.meta.citation.get(lang),
                _rule_item(region, lang, _("Where the %(opening)s applies") % {"opening": opening_name(code)}),
            )
        exclusions = tuple(
            _rule_item(p, lang, summary(p, rulebook, lang))
            for p in rules.prohibitions
            if p.effect is ContentEffect.EXCLUDES_OPENING and p.opening == code
        )
        openings.append(
            Opening(
                code=code,
                name=opening_name(code),
                cap=_rule_item(
                    cap,
                    lang,
                    _("In the places where it applies, foreign investors may hold up to:"),
                    points,
                ),
                regions=tuple(Region(r.name.get(lang), r.licence_area.get(lang)) for r in regions),
                regions_basis=tuple(citations.values()),
                exclusions=exclusions,
            )
        )
    return tuple(openings)


def _who_may_apply(rulebook: Rulebook, on: date, lang: Lang) -> tuple[Item, ...]:
    rules = rulebook.in_force(on)
    items: list[Item] = []
    region = next((r for r in rules.regions if r.opening == "notice-107"), None)
    if region is not None:
        items.append(
            _rule_item(
                region,
                lang,
                _(
                    "A foreign-invested enterprise registered in one of the regions above, for the services "
                    "their measures open."
                ),
            )
        )
    items.extend(_rule_item(c, lang, summary(c, rulebook, lang)) for c in rules.conditions)
    national = [c for c in rules.caps if c.tier is not CapTier.OPENING]
    items.extend(
        _rule_item(
            c,
            lang,
            _("Outside the openings, the national rule applies: %(rule)s.") % {"rule": title(c, rulebook, lang)},
            tuple(grant_text(rulebook, g, lang) for g in c.grants),
        )
        for c in national
    )
    items.extend(
        _rule_item(p, lang, summary(p, rulebook, lang))
        for p in rules.prohibitions
        if p.effect is ContentEffect.PROHIBITS
    )
    items.extend(_rule_item(n, lang, summary(n, rulebook, lang)) for n in rules.notes if n.kind is NoteKind.CEPA)
    return tuple(items)


def _documents(rulebook: Rulebook, on: date, lang: Lang) -> tuple[Item, ...]:
    items = []
    for requirement in rulebook.in_force(on).documents:
        points = tuple(vocabulary.label("document", d) for d in requirement.documents) + tuple(
            vocabulary.label("assessment", a) for a in requirement.assessments
        )
        items.append(_rule_item(requirement, lang, requirement.message.get(lang), points))
    return tuple(items)


def _steps(rulebook: Rulebook, facts: PublicFacts, on: date, lang: Lang) -> tuple[Step, ...]:
    def parameter_item(rule_id: str, template: str) -> list[Item]:
        parameter = _parameter(rulebook, rule_id, on)
        if parameter is None:
            return []
        return [_rule_item(parameter, lang, template % {"value": parameter_value(parameter.value, lang)})]

    rules = rulebook.in_force(on)
    order_42 = next((d for d in rules.documents if d.meta.id == "documents:order-42"), None)
    apply_items = (
        [_rule_item(order_42, lang, _("The enterprise files its application with the materials listed above."))]
        if order_42
        else []
    )
    steps = [
        Step(_("1. Apply"), tuple(apply_items)),
        Step(
            _("2. Formal review and acceptance"),
            tuple(
                parameter_item(
                    "parameter:correction-notice-working-days",
                    _(
                        "If the materials are incomplete, one correction notice lists everything to correct, "
                        "within %(value)s working days."
                    ),
                )
                + parameter_item(
                    "parameter:review-clock-start",
                    _("The statutory review period runs %(value)s."),
                )
            ),
        ),
        Step(
            _("3. Two-tier review and security assessment"),
            (
                _fact_item(facts.procedure_fact("two-tier-review"), lang),
                _fact_item(facts.procedure_fact("security-assessment"), lang),
            ),
        ),
        Step(
            _("4. Decision"),
            tuple(
                parameter_item("parameter:review-period-days", _("The authority decides within %(value)s days."))
                + parameter_item("parameter:review-period-unit", _("The period is counted in %(value)s."))
            ),
        ),
        Step(
            _("5. Licence"),
            tuple(
                [
                    _fact_item(facts.procedure_fact("licence-issuance"), lang),
                    *parameter_item("parameter:licence-validity-years", _("The licence is valid for %(value)s years.")),
                ]
            ),
        ),
        Step(
            _("6. After approval"),
            tuple(
                parameter_item(
                    "parameter:renewal-lead-days", _("A renewal is filed at least %(value)s days before expiry.")
                )
                + parameter_item(
                    "parameter:change-filing-days",
                    _(
                        "A change of shareholders, scope, name, legal representative or capital is filed "
                        "within %(value)s days."
                    ),
                )
                + _annual_window(rulebook, on, lang)
                + [_fact_item(facts.procedure_fact("supervision"), lang)]
            ),
        ),
    ]
    return tuple(step for step in steps if step.items)


def _annual_window(rulebook: Rulebook, on: date, lang: Lang) -> list[Item]:
    parameter = _parameter(rulebook, "parameter:annual-report-window", on)
    if parameter is None or not isinstance(parameter.value, dict):
        return []
    text = _("The annual report is filed each year between %(start)s and %(end)s (month-day).") % {
        "start": parameter.value.get("start", ""),
        "end": parameter.value.get("end", ""),
    }
    return [_rule_item(parameter, lang, text)]


def _highest_cap(rule: CapRule) -> str:
    return f"{max(g.cap for g in rule.grants).normalize():f}"


def service_guide(
    on: date, lang: Lang, rulebook: Rulebook | None = None, facts: PublicFacts | None = None
) -> ServiceGuide:
    rulebook = rulebook or default_rulebook()
    facts = facts or public_facts()
    rules = rulebook.in_force(on)
    about: list[Item] = []
    notice = next((c for c in rules.caps if c.tier is CapTier.OPENING and c.opening == "notice-107"), None)
    default = next((c for c in rules.caps if c.tier is CapTier.NATIONAL_DEFAULT), None)
    if default is not None:
        about.append(
            _rule_item(
                default,
                lang,
                _(
                    "As a rule, foreign investors may hold at most %(cap)s%% of a value-added telecom enterprise, "
                    "and some services are closed to them."
                )
                % {"cap": _highest_cap(default)},
            )
        )
    if notice is not None:
        about.append(
            _rule_item(
                notice,
                lang,
                _(
                    "The pilot lifts that cap, up to %(cap)s%%, for named services in named regions, and further "
                    "opening-up measures do so for other services and places. This guide lists each measure "
                    "in force today with the rule it rests on."
                )
                % {"cap": _highest_cap(notice)},
            )
        )
    not_yet_open = tuple(
        _rule_item(n, lang, summary(n, rulebook, lang)) for n in rules.notes if n.kind is NoteKind.OPENING_NOT_YET_OPEN
    )
    return ServiceGuide(
        on=on,
        version=rulebook.version,
        about=tuple(about),
        openings=_openings(rulebook, on, lang),
        not_yet_open=not_yet_open,
        who_may_apply=_who_may_apply(rulebook, on, lang),
        documents=_documents(rulebook, on, lang),
        steps=_steps(rulebook, facts, on, lang),
        contacts=tuple(_fact_item(f, lang) for f in facts.contacts),
    )
