"""The eligibility engine: one profile, one date, one determination (contract vatspilot/decision/v1).

The engine reads nothing but its arguments: the rulebook, the profile, the date and the language.
"""

from __future__ import annotations

from datetime import date

from vatspilot.domain.policy.caps import CapResolution, resolve_cap
from vatspilot.domain.policy.determination import (
    Determination,
    Effect,
    Licence,
    Reason,
    Route,
    ServiceOutcome,
)
from vatspilot.domain.policy.ownership import check_holdings, foreign_share
from vatspilot.domain.policy.profile import Profile, ServiceRequest
from vatspilot.domain.policy.rules import (
    CapTier,
    Condition,
    ConditionKind,
    DocumentTrigger,
    RegionDef,
    Rulebook,
    RulesInForce,
)
from vatspilot.domain.shared.errors import InputError
from vatspilot.domain.shared.text import Lang


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


def evaluate(profile: Profile, *, on: date, lang: Lang, rulebook: Rulebook) -> Determination:
    check_profile(profile, rulebook, on)
    rules = rulebook.in_force(on)
    share = foreign_share(profile.shareholders)
    regions = matched_regions(rules, profile.division_code, profile.zones)
    conditions = tuple(_condition(c, profile, rulebook, lang) for c in rules.conditions)
    blocking = tuple(c for c in conditions if c.effect is Effect.BLOCKS)
    outcomes = tuple(
        _service(rulebook, rules, service, share, regions, blocking, profile, lang) for service in profile.services
    )
    documents, assessments = _requirements(rules, outcomes)
    return Determination(
        on=on,
        rulebook=rulebook.version,
        foreign_share=share,
        regions=tuple(r.id for r in regions),
        services=outcomes,
        conditions=conditions,
        required_documents=documents,
        required_assessments=assessments,
        licence=_licence(rulebook, outcomes, regions, profile, lang),
    )


def _money(value: float) -> str:
    return f"{value:,.0f}"


def _percent(value: float) -> str:
    return f"{value:g}"


def _condition(condition: Condition, profile: Profile, rulebook: Rulebook, lang: Lang) -> Reason:
    meta = condition.meta
    if condition.kind is ConditionKind.REGISTERED_CAPITAL:
        minimum = condition.minimum_by_area[profile.service_area.kind]
        met = profile.registered_capital_cny >= minimum
        area = rulebook.messages[f"area-kind.{profile.service_area.kind}"].get(lang)
        params = {"capital": _money(profile.registered_capital_cny), "minimum": _money(minimum), "area": area}
    else:
        met = not profile.dishonest_list
        params = {}
    text = condition.message_met if met else condition.message_failed
    effect = Effect.REQUIRES if met else Effect.BLOCKS
    return Reason(meta.id, effect, meta.citation, text.format(lang, **params))


def _service(
    rulebook: Rulebook,
    rules: RulesInForce,
    service: ServiceRequest,
    share: float,
    regions: tuple[RegionDef, ...],
    blocking: tuple[Reason, ...],
    profile: Profile,
    lang: Lang,
) -> ServiceOutcome:
    resolution = resolve_cap(rules.caps, service.code, service.scope, regions)
    region_ids = {r.id for r in regions}
    prohibitions = [
        p
        for p in rules.prohibitions
        if set(service.content).intersection(p.contents)
        and (not p.codes or service.code in p.codes)
        and p.applies_in_any(region_ids)
    ]
    maximum = 0.0 if prohibitions else resolution.max_foreign_share
    eligible = not blocking and share <= maximum
    pilot = eligible and share > resolution.national_cap
    route = (Route.PILOT if pilot else Route.NATIONAL) if eligible else None
    name = rules.services[service.code].name.get(lang)
    params: dict[str, object] = {
        "code": service.code,
        "service": name,
        "share": _percent(share),
    }
    reasons: list[Reason] = list(blocking)
    for p in prohibitions:
        effect = Effect.BLOCKS if share > 0 else Effect.INFORMS
        separator = "、" if lang == "zh" else ", "
        contents = separator.join(
            rulebook.messages[f"content.{c}"].get(lang) for c in service.content if c in p.contents
        )
        reasons.append(Reason(p.meta.id, effect, p.meta.citation, p.message.format(lang, content=contents, **params)))
    reasons.extend(_cap_reasons(rulebook, resolution, share, bool(prohibitions), params, lang))
    reasons.extend(_not_yet_in_force(rulebook, rules, service, profile, params, lang))
    return ServiceOutcome(
        code=service.code,
        scope=service.scope,
        eligible=eligible,
        route=route,
        max_foreign_share=maximum,
        reasons=tuple(reasons),
        pilot_region=resolution.winner.region.id if pilot and resolution.winner.region else None,
    )


def _cap_reasons(
    rulebook: Rulebook,
    resolution: CapResolution,
    share: float,
    prohibited: bool,
    params: dict[str, object],
    lang: Lang,
) -> list[Reason]:
    reasons = []
    candidates = (*resolution.overridden, resolution.national, *resolution.openings)
    for candidate in candidates:
        rule = candidate.rule
        if prohibited or candidate is not resolution.winner:
            effect, verdict = Effect.INFORMS, "verdict.superseded"
        elif share <= candidate.cap:
            effect, verdict = Effect.ALLOWS, "verdict.within"
        else:
            effect, verdict = Effect.BLOCKS, "verdict.exceeds"
        if candidate in resolution.overridden:
            verdict = "verdict.overridden"
        region = candidate.region.name.get(lang) if candidate.region else ""
        values = {**params, "cap": _percent(candidate.cap), "region": region}
        text = rule.message.format(lang, **values) + rulebook.messages[verdict].format(lang, **values)
        reasons.append(Reason(rule.meta.id, effect, rule.meta.citation, text))
    return reasons


def _not_yet_in_force(
    rulebook: Rulebook,
    rules: RulesInForce,
    service: ServiceRequest,
    profile: Profile,
    params: dict[str, object],
    lang: Lang,
) -> list[Reason]:
    """Opening-up rules that would cover this service here but start later than the date asked about.

    Notice 107 is dated 2024-04-08, yet its regions took applications only from 2024-10-23: before then
    the pilot rules do not apply, and the determination says so.
    """
    reasons = []
    on = rules.on
    in_force_ids = {c.meta.id for c in rules.caps}
    for rule in rulebook.caps:
        if rule.tier is not CapTier.OPENING or rule.meta.id in in_force_ids or rule.meta.period.start <= on:
            continue
        if rule.cap_for(service.code, service.scope) is None:
            continue
        region = next(
            (r for r in rulebook.regions if rule.applies_in(r.id) and r.matches(profile.division_code, profile.zones)),
            None,
        )
        if region is None:
            continue
        start = max(rule.meta.period.start, region.meta.period.start)
        values = {**params, "region": region.name.get(lang), "start": start.isoformat()}
        text = rule.message.format(lang, cap=_percent(rule.cap_for(service.code, service.scope) or 0), **values)
        text += rulebook.messages["verdict.not-yet-in-force"].format(lang, **values)
        reasons.append(Reason(rule.meta.id, Effect.INFORMS, rule.meta.citation, text))
    return reasons


def _requirements(rules: RulesInForce, outcomes: tuple[ServiceOutcome, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    any_eligible = any(o.eligible for o in outcomes)
    any_pilot = any(o.route is Route.PILOT for o in outcomes)
    documents: list[str] = []
    assessments: list[str] = []
    for requirement in rules.documents:
        triggered = any_pilot if requirement.trigger is DocumentTrigger.PILOT_ROUTE else any_eligible
        if triggered:
            documents.extend(d for d in requirement.documents if d not in documents)
            assessments.extend(a for a in requirement.assessments if a not in assessments)
    return tuple(documents), tuple(assessments)


def _licence(
    rulebook: Rulebook,
    outcomes: tuple[ServiceOutcome, ...],
    regions: tuple[RegionDef, ...],
    profile: Profile,
    lang: Lang,
) -> Licence | None:
    eligible = [o for o in outcomes if o.eligible]
    if not eligible:
        return None
    services = tuple(o.code if o.scope is None else f"{o.code}/{o.scope}" for o in eligible)
    pilot_region = next((o.pilot_region for o in eligible if o.pilot_region), None)
    if pilot_region is not None:
        region = next(r for r in regions if r.id == pilot_region)
        return Licence(region.licence_area.get(lang), services)
    return Licence(declared_area(rulebook, profile, lang), services)


def declared_area(rulebook: Rulebook, profile: Profile, lang: Lang) -> str:
    area = profile.service_area
    if area.kind == "provincial":
        return rulebook.provinces[profile.division_code[:2]].get(lang)
    if area.provinces:
        separator = "、" if lang == "zh" else ", "
        return separator.join(
            rulebook.provinces[p[:2]].get(lang) for p in area.provinces if p[:2] in rulebook.provinces
        )
    return rulebook.messages["area.nationwide"].get(lang)
