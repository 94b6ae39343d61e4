"""What a rulebook entry is called and what it holds, in the reader's language, for the public pages (the
service guide and the rules pages). Names come from the rulebook's own bilingual texts (services, scopes,
regions, content, parameters) or from the catalogue; an id such as `notice-107:beijing` is never shown."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django_stubs_ext import StrOrPromise

from vatspilot.domain.policy.rules import (
    CapRule,
    CapTier,
    Condition,
    ConditionKind,
    ContentEffect,
    ContentProhibition,
    DocumentRequirement,
    DocumentTrigger,
    Grant,
    Note,
    NoteKind,
    Parameter,
    RegionDef,
    Rulebook,
    RuleEntry,
    ServiceDef,
)
from vatspilot.domain.shared.text import Lang
from vatspilot.services import vocabulary

# The kinds of entry, in the order the pages list them.
KINDS: tuple[str, ...] = (
    "services",
    "regions",
    "caps",
    "prohibitions",
    "conditions",
    "notes",
    "documents",
    "parameters",
)

KIND_HEADINGS: Mapping[str, StrOrPromise] = {
    "services": gettext_lazy("Services (2015 Catalogue)"),
    "regions": gettext_lazy("Opening-up regions"),
    "caps": gettext_lazy("Foreign-share caps"),
    "prohibitions": gettext_lazy("Content limits"),
    "conditions": gettext_lazy("Conditions on the enterprise"),
    "notes": gettext_lazy("Notes to the reader"),
    "documents": gettext_lazy("Documents and assessments"),
    "parameters": gettext_lazy("Parameters (periods and limits)"),
}

# The declared zones of the profile contract (contracts/profile.schema.json).
ZONES: Mapping[str, StrOrPromise] = {
    "shanghai-lingang": gettext_lazy("the Lin-gang Special Area of the Shanghai Pilot Free Trade Zone"),
    "ftz": gettext_lazy("a pilot free trade zone"),
}

# What a changed field of a rule is called (domain.policy.changes names the dataclass fields).
FIELDS: Mapping[str, StrOrPromise] = {
    "citation": gettext_lazy("citation"),
    "confidence": gettext_lazy("confidence"),
    "name": gettext_lazy("name"),
    "scopes": gettext_lazy("scopes"),
    "scope_names": gettext_lazy("scope names"),
    "licence_area": gettext_lazy("licence area"),
    "prefixes": gettext_lazy("division codes"),
    "zones": gettext_lazy("zones"),
    "tier": gettext_lazy("tier"),
    "where": gettext_lazy("where it applies"),
    "grants": gettext_lazy("caps"),
    "message": gettext_lazy("message"),
    "contents": gettext_lazy("content"),
    "codes": gettext_lazy("services"),
    "effect": gettext_lazy("effect"),
    "opening": gettext_lazy("opening-up measure"),
    "kind": gettext_lazy("kind"),
    "message_met": gettext_lazy("message when met"),
    "message_failed": gettext_lazy("message when failed"),
    "minimum_by_area": gettext_lazy("minimum registered capital"),
    "opens_on": gettext_lazy("opening day"),
    "jurisdictions": gettext_lazy("jurisdictions"),
    "trigger": gettext_lazy("when required"),
    "documents": gettext_lazy("documents"),
    "assessments": gettext_lazy("assessments"),
    "openings": gettext_lazy("opening-up measures"),
    "value": gettext_lazy("value"),
    "description": gettext_lazy("description"),
}

# The keys and words inside parameter values (rulebook/data/parameters.yaml).
VALUE_WORDS: Mapping[str, StrOrPromise] = {
    "working": gettext_lazy("working days"),
    "calendar": gettext_lazy("calendar days"),
    "acceptance": gettext_lazy("from the acceptance notice"),
    "receipt": gettext_lazy("from receipt of the application"),
    "start": pgettext_lazy("period", "from"),
    "end": pgettext_lazy("period", "to"),
    "class-separator": gettext_lazy("separator between service classes"),
    "serial-digits": gettext_lazy("digits of the serial"),
    "critical": gettext_lazy("critical"),
    "high": gettext_lazy("high"),
    "medium": gettext_lazy("medium"),
    "low": gettext_lazy("low"),
    "cii": gettext_lazy("critical information infrastructure operators"),
    "central-state-organ": gettext_lazy("central and state organs"),
    "other": gettext_lazy("other operators"),
    "exempt-ordinary-pi-below": gettext_lazy("exempt below (ordinary personal information)"),
    "assessment-ordinary-pi-above": gettext_lazy("assessment above (ordinary personal information)"),
    "assessment-sensitive-pi-above": gettext_lazy("assessment above (sensitive personal information)"),
    "annual": gettext_lazy("annual report"),
    "quarterly": gettext_lazy("quarterly report"),
}

JURISDICTIONS: Mapping[str, StrOrPromise] = {
    "HK": gettext_lazy("Hong Kong"),
    "MO": gettext_lazy("Macao"),
}


def _join(items: list[str], lang: Lang) -> str:
    return ("、" if lang == "zh" else ", ").join(items)


def _list_separator(lang: Lang) -> str:
    return "；" if lang == "zh" else "; "


def service_name(rulebook: Rulebook, code: str, lang: Lang) -> str:
    """`B11 Internet data center (IDC)...`: the code and the catalogue's name in the reader's language."""
    definition = next((s for s in reversed(rulebook.services) if s.code == code), None)
    name = definition.name.get(lang) if definition else vocabulary.label("service", code)
    return f"{code} {name}"


def scope_name(rulebook: Rulebook, code: str, scope: str, lang: Lang) -> str:
    definition = next((s for s in reversed(rulebook.services) if s.code == code), None)
    if definition and scope in definition.scope_names:
        return definition.scope_names[scope].get(lang)
    return vocabulary.label("scope", scope)


def grant_text(rulebook: Rulebook, grant: Grant, lang: Lang) -> str:
    services = _join([service_name(rulebook, code, lang) for code in grant.codes], lang)
    if grant.scope is not None:
        services = _("%(services)s (only: %(scope)s)") % {
            "services": services,
            "scope": scope_name(rulebook, grant.codes[0], grant.scope, lang),
        }
    if grant.cap == 0:
        return _("%(services)s: no foreign share (0%%)") % {"services": services}
    return _("%(services)s: up to %(cap)s%%") % {"services": services, "cap": f"{grant.cap.normalize():f}"}


def opening_name(opening: str) -> str:
    return vocabulary.label("opening", opening)


def where_text(rulebook: Rulebook, where: str, lang: Lang) -> str:
    if where == "everywhere":
        return _("everywhere in China")
    if where.endswith(":*"):
        return _("in all places where the %(opening)s applies") % {"opening": opening_name(where[:-2])}
    region = next((r for r in reversed(rulebook.regions) if r.id == where), None)
    return region.name.get(lang) if region else opening_name(where)


def content_names(rulebook: Rulebook, contents: tuple[str, ...], lang: Lang) -> str:
    names = [
        rulebook.messages[f"content.{c}"].get(lang) if f"content.{c}" in rulebook.messages else c for c in contents
    ]
    return _join(names, lang)


def money(amount: Decimal) -> str:
    return f"{amount:,.0f}"


def title(entry: RuleEntry, rulebook: Rulebook, lang: Lang) -> str:
    """A rule's name for people."""
    if isinstance(entry, ServiceDef):
        return service_name(rulebook, entry.code, lang)
    if isinstance(entry, RegionDef):
        return entry.name.get(lang)
    if isinstance(entry, CapRule):
        if entry.tier is CapTier.NATIONAL_DEFAULT:
            return _("National foreign-share cap (default)")
        if entry.tier is CapTier.NATIONAL:
            codes = sorted({code for grant in entry.grants for code in grant.codes})
            return _("National foreign-share cap for %(codes)s") % {"codes": _join(codes, lang)}
        return _("Foreign-share cap of the %(opening)s") % {"opening": opening_name(entry.opening or entry.where)}
    if isinstance(entry, ContentProhibition):
        if entry.effect is ContentEffect.EXCLUDES_OPENING:
            return _("Content excluded from the %(opening)s") % {"opening": opening_name(entry.opening or "")}
        return _("Content closed to foreign investment")
    if isinstance(entry, Condition):
        if entry.kind is ConditionKind.REGISTERED_CAPITAL:
            return _("Minimum registered capital")
        return _("Not on the telecom business dishonest list")
    if isinstance(entry, Note):
        if entry.kind is NoteKind.OPENING_NOT_YET_OPEN:
            return _("%(opening)s: application channel not yet open") % {"opening": opening_name(entry.opening or "")}
        if entry.kind is NoteKind.CEPA:
            return _("Hong Kong and Macao holders (CEPA)")
        return _("Licence area narrowed to the pilot areas")
    if isinstance(entry, DocumentRequirement):
        if entry.trigger is DocumentTrigger.OPENING:
            return _("Additional materials for the %(openings)s") % {
                "openings": _join([opening_name(o) for o in entry.openings], lang)
            }
        return _("Application materials for every application")
    assert isinstance(entry, Parameter)
    return entry.description.get(lang)


def parameter_value(value: object, lang: Lang) -> str:
    """A parameter's value as text: words for its codes, `key: value` pairs for a mapping."""
    if isinstance(value, Mapping):
        return _list_separator(lang).join(
            f"{vocabulary_word(str(k))}{'：' if lang == 'zh' else ': '}{parameter_value(v, lang)}"
            for k, v in value.items()
        )
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}" if abs(value) >= 10000 else str(value)
    return vocabulary_word(str(value))


def vocabulary_word(word: str) -> str:
    return str(VALUE_WORDS.get(word, word))


def region_summary(entry: RegionDef, rulebook: Rulebook, lang: Lang) -> str:
    parts = []
    places = []
    for prefix in entry.prefixes:
        province = rulebook.provinces.get(prefix[:2])
        if len(prefix) == 2 and province:
            places.append(province.get(lang))
        else:
            places.append(
                _("division code %(code)s (%(province)s)")
                % {"code": prefix, "province": province.get(lang) if province else ""}
            )
    places.extend(str(ZONES.get(z, z)) for z in entry.zones)
    if places:
        parts.append(_("Registered in: %(places)s") % {"places": _join(places, lang)})
    parts.append(_("Licence area: %(area)s") % {"area": entry.licence_area.get(lang)})
    return _list_separator(lang).join(parts)


def summary(entry: RuleEntry, rulebook: Rulebook, lang: Lang) -> str:
    """One sentence saying what the entry holds, in the reader's language (never a message template)."""
    if isinstance(entry, ServiceDef):
        if not entry.scopes:
            return entry.name.get(lang)
        scopes = _join([scope_name(rulebook, entry.code, s, lang) for s in entry.scopes], lang)
        return _("%(name)s; scopes told apart: %(scopes)s") % {"name": entry.name.get(lang), "scopes": scopes}
    if isinstance(entry, RegionDef):
        return region_summary(entry, rulebook, lang)
    if isinstance(entry, CapRule):
        return _("%(grants)s (%(where)s)") % {
            "grants": _list_separator(lang).join(grant_text(rulebook, g, lang) for g in entry.grants),
            "where": where_text(rulebook, entry.where, lang),
        }
    if isinstance(entry, ContentProhibition):
        params = {
            "contents": content_names(rulebook, entry.contents, lang),
            "codes": _join([service_name(rulebook, c, lang) for c in entry.codes], lang) or _("every service"),
            "where": where_text(rulebook, entry.where, lang),
            "opening": opening_name(entry.opening or ""),
        }
        if entry.effect is ContentEffect.EXCLUDES_OPENING:
            return (
                _("The %(opening)s does not open %(codes)s carrying %(contents)s (%(where)s); other rules still apply.")
                % params
            )
        return _("No foreign share is allowed in %(contents)s, for %(codes)s (%(where)s).") % params
    if isinstance(entry, Condition):
        if entry.kind is ConditionKind.REGISTERED_CAPITAL:
            minimums = [
                _("RMB %(amount)s for a %(area)s licence")
                % {
                    "amount": money(amount),
                    "area": rulebook.messages[f"area-kind.{area}"].get(lang)
                    if f"area-kind.{area}" in rulebook.messages
                    else area,
                }
                for area, amount in entry.minimum_by_area.items()
            ]
            return _("Registered capital of at least %(minimums)s.") % {"minimums": _join(minimums, lang)}
        return entry.message_met.get(lang)
    if isinstance(entry, Note):
        if entry.kind is NoteKind.OPENING_NOT_YET_OPEN:
            return _("The %(opening)s has been issued; its application channel opens on %(date)s.") % {
                "opening": opening_name(entry.opening or ""),
                "date": entry.opens_on.isoformat() if entry.opens_on else "",
            }
        if entry.kind is NoteKind.CEPA:
            return _("Holders from %(jurisdictions)s may have a CEPA route the rulebook does not encode.") % {
                "jurisdictions": _join([str(JURISDICTIONS.get(j, j)) for j in entry.jurisdictions], lang)
            }
        return _("A cross-regional declaration met only by pilot openings is narrowed to their areas.")
    if isinstance(entry, DocumentRequirement):
        documents = _join([vocabulary.label("document", d) for d in entry.documents], lang)
        assessments = _join([vocabulary.label("assessment", a) for a in entry.assessments], lang)
        if entry.assessments:
            return _("Documents: %(documents)s. Assessments: %(assessments)s.") % {
                "documents": documents,
                "assessments": assessments,
            }
        return _("Documents: %(documents)s.") % {"documents": documents}
    assert isinstance(entry, Parameter)
    return parameter_value(entry.value, lang)


def kind_of(entry: RuleEntry) -> str:
    kinds: list[tuple[type, str]] = [
        (ServiceDef, "services"),
        (RegionDef, "regions"),
        (CapRule, "caps"),
        (ContentProhibition, "prohibitions"),
        (Condition, "conditions"),
        (Note, "notes"),
        (DocumentRequirement, "documents"),
        (Parameter, "parameters"),
    ]
    return next(kind for cls, kind in kinds if isinstance(entry, cls))
