"""The eligibility engine: one profile, one date, one determination (contract vatspilot/decision/v2).

The engine reads nothing but its arguments: the rulebook, the profile, the date and the language.
The order of work follows rulebook-spec sections 2 to 8: the foreign share; the regions; each service's
cap, content limits, route, opening and area, as if no condition failed; then the conditions on the whole
enterprise (the capital minimum follows the licence that would result); then what the application must
carry and the licence's areas.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from vatspilot.domain.policy.caps import CapCandidate, CapResolution, resolve_cap
from vatspilot.domain.policy.determination import (
    Determination,
    Effect,
    Licence,
    LicenceArea,
    Reason,
    Route,
    ServiceOutcome,
)
from vatspilot.domain.policy.ownership import check_holdings, counted_jurisdictions, foreign_share
from vatspilot.domain.policy.periods import RuleMeta
from vatspilot.domain.policy.profile import Profile, ServiceRequest
from vatspilot.domain.policy.rules import (
    Condition,
    ConditionKind,
    ContentEffect,
    ContentProhibition,
    DocumentTrigger,
    NoteKind,
    RegionDef,
    Rulebook,
    RulesInForce,
)
from vatspilot.domain.shared.errors import InputError
from vatspilot.domain.shared.text import Lang

PROVINCIAL = "provincial"
CROSS_REGIONAL = "cross-regional"


def check_profile(profile: Profile, rulebook: Rulebook, on: date) -> None:
    """What the schema cannot say: the date, the code's scope, sums and depth of the holding tree."""
    if on < rulebook.start:
        raise InputError("--on", "date-before-rulebook", on=on.isoformat(), start=rulebook.start.isoformat())
    if profile.division_code[:2] not in rulebook.provinces:
        raise InputError("/registration/division_code", "unknown-province", division_code=profile.division_code)
    for i, province in enumerate(profile.service_area.provinces):
        if province[:2] not in rulebook.provinces:
            raise InputError(f"/service_area/provinces/{i}", "unknown-province", division_code=province)
    for i, service in enumerate(profile.services):
        definition = next((s for s in rulebook.services if s.code == service.code), None)
        if definition is None:
            raise InputError(f"/services/{i}/code", "code-out-of-scope", code=service.code)
        if service.scope is not None and service.scope not in definition.scopes:
            raise InputError(
                f"/services/{i}/scope",
                "scope-not-of-code",
                scope=service.scope,
                code=service.code,
                scopes=", ".join(definition.scopes) or "-",
            )
    check_holdings(profile.shareholders)


def matched_regions(rules: RulesInForce, division_code: str, zones: frozenset[str]) -> tuple[RegionDef, ...]:
    return tuple(r for r in rules.regions if r.matches(division_code, zones))


def percent(value: Decimal) -> str:
    """50.00 -> '50', 33.30 -> '33.3': how a percentage reads in a message."""
    return format(value.normalize(), "f")


def money(value: Decimal) -> str:
    return f"{value:,.0f}"


def _reason(meta: RuleMeta, effect: Effect, message: str, lang: Lang) -> Reason:
    return Reason(meta.id, effect, meta.citation.get(lang), message, meta.confidence, meta.period)


@dataclass(frozen=True, slots=True)
class _Analysis:
    """One service judged on its own, as if no condition on the enterprise failed."""

    request: ServiceRequest
    resolution: CapResolution
    prohibited: bool
    maximum: Decimal
    allowed: bool
    carrying: CapCandidate | None  # the rule that allows the share; None when it is not allowed
    reasons: tuple[Reason, ...]

    @property
    def route(self) -> Route | None:
        if not self.allowed:
            return None
        return Route.NATIONAL if self.carrying is None or self.carrying.region is None else Route.PILOT


def evaluate(profile: Profile, *, on: date, lang: Lang, rulebook: Rulebook) -> Determination:
    check_profile(profile, rulebook, on)
    rules = rulebook.in_force(on)
    share = foreign_share(profile.shareholders)
    regions = matched_regions(rules, profile.division_code, profile.zones)
    analyses = tuple(_analyse(rulebook, rules, s, share, regions, profile, lang) for s in profile.services)
    # The capital minimum follows the licence that would result: cross-regional only when a service would
    # run nationwide on the national route; pilot-route services stay in their pilot areas.
    cross_regional = profile.service_area.kind == CROSS_REGIONAL and any(a.route is Route.NATIONAL for a in analyses)
    licence_kind = CROSS_REGIONAL if cross_regional else PROVINCIAL
    conditions = [_condition(c, profile, rulebook, licence_kind, lang) for c in rules.conditions]
    blocking = tuple(c for c in conditions if c.effect is Effect.BLOCKS)
    holders = frozenset(counted_jurisdictions(profile.shareholders))
    outcomes = tuple(_outcome(rulebook, rules, a, blocking, holders, profile, lang) for a in analyses)
    licence = _licence(outcomes)
    conditions.extend(_narrowed(rules, profile, outcomes, licence, lang))
    documents, assessments = _requirements(rules, outcomes)
    return Determination(
        on=on,
        rulebook=rulebook.version,
        foreign_share=share,
        regions=tuple(r.id for r in regions),
        services=outcomes,
        conditions=tuple(conditions),
        required_documents=documents,
        required_assessments=assessments,
        licence=licence,
    )


def _condition(condition: Condition, profile: Profile, rulebook: Rulebook, licence_kind: str, lang: Lang) -> Reason:
    if condition.kind is ConditionKind.REGISTERED_CAPITAL:
        minimum = condition.minimum_by_area[licence_kind]
        met = profile.registered_capital_cny >= minimum
        area = rulebook.messages[f"area-kind.{licence_kind}"].get(lang)
        params = {"capital": money(profile.registered_capital_cny), "minimum": money(minimum), "area": area}
    else:
        met = not profile.dishonest_list
        params = {}
    text = condition.message_met if met else condition.message_failed
    return _reason(condition.meta, Effect.REQUIRES if met else Effect.BLOCKS, text.format(lang, **params), lang)


def _content_names(rulebook: Rulebook, rule: ContentProhibition, content: tuple[str, ...], lang: Lang) -> str:
    separator = "、" if lang == "zh" else ", "
    return separator.join(rulebook.messages[f"content.{c}"].get(lang) for c in content if c in rule.contents)


def _analyse(
    rulebook: Rulebook,
    rules: RulesInForce,
    service: ServiceRequest,
    share: Decimal,
    regions: tuple[RegionDef, ...],
    profile: Profile,
    lang: Lang,
) -> _Analysis:
    region_ids = [r.id for r in regions]
    limits = [
        p for p in rules.prohibitions if p.concerns(service.code, service.content) and p.applies_in_any(region_ids)
    ]
    prohibitions = [p for p in limits if p.effect is ContentEffect.PROHIBITS]
    exclusions = [p for p in limits if p.effect is ContentEffect.EXCLUDES_OPENING]
    excluded = {p.opening for p in exclusions if p.opening}
    resolution = resolve_cap(rules.caps, service.code, service.scope, regions, excluded)
    prohibited = bool(prohibitions)
    maximum = Decimal(0) if prohibited else resolution.max_foreign_share
    allowed = share <= maximum
    carrying = resolution.carrying(share) if allowed else None
    name = rules.services[service.code].name.get(lang)
    params: dict[str, object] = {"code": service.code, "service": name, "share": percent(share)}
    reasons: list[Reason] = []
    for p in prohibitions:
        effect = Effect.BLOCKS if share > 0 else Effect.INFORMS
        content = _content_names(rulebook, p, service.content, lang)
        reasons.append(_reason(p.meta, effect, p.message.format(lang, content=content, **params), lang))
    if exclusions:
        # The exclusion decides the outcome only when the excluded measure would have allowed the share.
        unlimited = resolve_cap(rules.caps, service.code, service.scope, regions)
        would_allow = {o.opening for o in unlimited.openings if share <= o.cap}
        for p in exclusions:
            decisive = not prohibited and not allowed and p.opening in would_allow
            content = _content_names(rulebook, p, service.content, lang)
            text = p.message.format(lang, content=content, **params)
            reasons.append(_reason(p.meta, Effect.BLOCKS if decisive else Effect.INFORMS, text, lang))
    deciding = None if prohibited else (carrying if allowed else resolution.highest())
    for candidate in (*resolution.overridden, resolution.national, *resolution.openings):
        if candidate in resolution.overridden:
            effect, verdict = Effect.INFORMS, "verdict.overridden"
        elif candidate is not deciding:
            effect, verdict = Effect.INFORMS, "verdict.superseded"
        elif allowed:
            effect, verdict = Effect.ALLOWS, "verdict.within"
        else:
            effect, verdict = Effect.BLOCKS, "verdict.exceeds"
        region = candidate.region.name.get(lang) if candidate.region else ""
        values = {**params, "cap": percent(candidate.cap), "region": region}
        text = candidate.rule.message.format(lang, **values) + rulebook.messages[verdict].format(lang, **values)
        reasons.append(_reason(candidate.rule.meta, effect, text, lang))
    if not prohibited:
        reasons.extend(_not_yet_open(rulebook, rules, service, profile, params, lang))
    return _Analysis(service, resolution, prohibited, maximum, allowed, carrying, tuple(reasons))


def _not_yet_open(
    rulebook: Rulebook,
    rules: RulesInForce,
    service: ServiceRequest,
    profile: Profile,
    params: dict[str, object],
    lang: Lang,
) -> list[Reason]:
    """A measure issued but whose channel is not open yet (Notice 107, dated 2024-04-08, took applications
    only from 2024-10-23) is mentioned on the services it would open here; it changes nothing else."""
    reasons = []
    for note in rules.notes:
        if note.kind is not NoteKind.OPENING_NOT_YET_OPEN:
            continue
        covers = any(
            rule.opening == note.opening and rule.cap_for(service.code, service.scope) is not None
            for rule in rulebook.caps
        )
        excluded = any(
            p.effect is ContentEffect.EXCLUDES_OPENING
            and p.opening == note.opening
            and p.concerns(service.code, service.content)
            for p in rulebook.prohibitions
        )
        region = next(
            (
                r
                for r in rulebook.regions
                if r.opening == note.opening and r.matches(profile.division_code, profile.zones)
            ),
            None,
        )
        if covers and not excluded and region is not None:
            opens = note.opens_on.isoformat() if note.opens_on else ""
            text = note.message.format(lang, region=region.name.get(lang), start=opens, **params)
            reasons.append(_reason(note.meta, Effect.INFORMS, text, lang))
    return reasons


def _cepa(rules: RulesInForce, analysis: _Analysis, holders: frozenset[str], lang: Lang) -> list[Reason]:
    """CEPA may open a closed service to qualifying Hong Kong or Macao suppliers; its terms are unverified,
    so the rulebook only tells the applicant to ask (rulebook-spec section 4). Called for a service that is
    ineligible while no condition blocks."""
    if analysis.prohibited or analysis.resolution.national_cap != 0:
        return []
    return [
        _reason(note.meta, Effect.INFORMS, note.message.get(lang), lang)
        for note in rules.notes
        if note.kind is NoteKind.CEPA and holders.intersection(note.jurisdictions)
    ]


def _outcome(
    rulebook: Rulebook,
    rules: RulesInForce,
    analysis: _Analysis,
    blocking: tuple[Reason, ...],
    holders: frozenset[str],
    profile: Profile,
    lang: Lang,
) -> ServiceOutcome:
    eligible = analysis.allowed and not blocking
    route = analysis.route if eligible else None
    opening = analysis.carrying.opening if route is Route.PILOT and analysis.carrying else None
    reasons = [*blocking, *analysis.reasons]
    if not eligible and not blocking:
        reasons.extend(_cepa(rules, analysis, holders, lang))
    return ServiceOutcome(
        code=analysis.request.code,
        scope=analysis.request.scope,
        eligible=eligible,
        route=route,
        opening=opening,
        area=_area(rulebook, analysis, profile, lang) if eligible else None,
        max_foreign_share=analysis.maximum,
        reasons=tuple(reasons),
    )


def _area(rulebook: Rulebook, analysis: _Analysis, profile: Profile, lang: Lang) -> str:
    """Where the licence would let the service run (rulebook-spec section 7)."""
    carrying = analysis.carrying
    if carrying is not None and carrying.region is not None:
        return carrying.region.licence_area.get(lang)
    area = profile.service_area
    if area.kind == PROVINCIAL:
        return rulebook.provinces[profile.division_code[:2]].get(lang)
    if area.provinces:
        # The spec says "nationwide"; a declaration naming its provinces is more exact, so they are printed.
        separator = "、" if lang == "zh" else ", "
        return separator.join(rulebook.provinces[p[:2]].get(lang) for p in area.provinces)
    return rulebook.messages["area.nationwide"].get(lang)


def _narrowed(
    rules: RulesInForce,
    profile: Profile,
    outcomes: tuple[ServiceOutcome, ...],
    licence: Licence | None,
    lang: Lang,
) -> list[Reason]:
    """A cross-regional declaration that only pilot-route services meet is narrowed to their pilot areas,
    and then the provincial capital minimum applies: said, never done silently."""
    eligible = [o for o in outcomes if o.eligible]
    if profile.service_area.kind != CROSS_REGIONAL or not eligible or licence is None:
        return []
    if any(o.route is Route.NATIONAL for o in eligible):
        return []
    separator = "、" if lang == "zh" else "; "
    areas = separator.join(a.area for a in licence.areas)
    return [
        _reason(note.meta, Effect.INFORMS, note.message.format(lang, areas=areas), lang)
        for note in rules.notes
        if note.kind is NoteKind.LICENCE_AREA_NARROWED
    ]


def _requirements(rules: RulesInForce, outcomes: tuple[ServiceOutcome, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    eligible = [o for o in outcomes if o.eligible]
    documents: list[str] = []
    assessments: list[str] = []
    for requirement in rules.documents:
        if requirement.trigger is DocumentTrigger.OPENING:
            triggered = any(o.opening in requirement.openings for o in eligible)
        else:
            triggered = bool(eligible)
        if triggered:
            documents.extend(d for d in requirement.documents if d not in documents)
            assessments.extend(a for a in requirement.assessments if a not in assessments)
    return tuple(documents), tuple(assessments)


def _licence(outcomes: tuple[ServiceOutcome, ...]) -> Licence | None:
    """The eligible services grouped by identical area label, in the order the services were listed."""
    eligible = [o for o in outcomes if o.eligible]
    if not eligible:
        return None
    groups: dict[str, list[str]] = {}
    for o in eligible:
        groups.setdefault(o.area or "", []).append(o.licence_label)
    areas = tuple(LicenceArea(area, tuple(services)) for area, services in groups.items())
    return Licence(areas, tuple(o.licence_label for o in eligible))
