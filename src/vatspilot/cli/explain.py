"""A determination as text a person reads: each service, its outcome, opening and area, the rules with
their confidence codes and citations, and a warning at the top when the answer rests on a U rule."""

from __future__ import annotations

from vatspilot.cli.i18n import translator
from vatspilot.domain.policy.determination import Determination, Reason, Route
from vatspilot.domain.policy.rules import Rulebook
from vatspilot.domain.shared.text import Lang
from vatspilot.rulebook.uncertainty import uncertain_rules


def confidence_legend(lang: Lang) -> str:
    """One line naming the four confidence codes (legal-facts.md's legend, shortened)."""
    _ = translator(lang).gettext
    return _(
        "Confidence: C1 = official text; C2 = secondary source paraphrasing the rule; M = unsourced, to be "
        "verified; U = uncertain or conflicting sources"
    )


def uncertainty_warning(rule_ids: tuple[str, ...], lang: Lang) -> str:
    _ = translator(lang).gettext
    return _(
        "Caution: this answer rests on rules graded U (uncertain or conflicting sources): %(rules)s. "
        "Check them against the sources before relying on it."
    ) % {"rules": ", ".join(rule_ids)}


def opening_label(opening: str, lang: Lang) -> str:
    _ = translator(lang).gettext
    labels = {
        "notice-107": _("Notice 107"),
        "comprehensive-pilot": _("comprehensive pilot"),
        "hainan-ftp": _("Hainan Free Trade Port list"),
        "ftz": _("free trade zone list"),
    }
    return labels.get(opening, opening)


def _reason_lines(reason: Reason, lang: Lang, indent: str) -> list[str]:
    _ = translator(lang).gettext
    return [
        f"{indent}[{reason.effect.value}] {reason.rule}: {reason.message}",
        indent
        + "    "
        + _("Basis [%(confidence)s]: %(citation)s (in force %(period)s)")
        % {"confidence": reason.confidence.value, "citation": reason.citation, "period": reason.in_force},
    ]


def explain(determination: Determination, name: str, rulebook: Rulebook, lang: Lang) -> str:
    _ = translator(lang).gettext
    outcome_label = {
        "eligible": _("eligible"),
        "partly-eligible": _("partly eligible"),
        "ineligible": _("ineligible"),
    }
    route_label = {Route.PILOT: _("pilot route"), Route.NATIONAL: _("national route")}
    d = determination
    services = {s.code: s for s in rulebook.services}
    lines = [
        _("%(name)s: determination on %(on)s (rulebook %(version)s)")
        % {"name": name, "on": d.on.isoformat(), "version": d.rulebook},
    ]
    uncertain = uncertain_rules(d.to_dict(), rulebook)
    if uncertain:
        lines.append(uncertainty_warning(uncertain, lang))
    lines += [
        _("Outcome: %(outcome)s") % {"outcome": outcome_label[d.outcome]},
        _("Foreign share after look-through: %(share)s%%") % {"share": f"{d.foreign_share.normalize():f}"},
        _("Opening-up regions: %(regions)s") % {"regions": ", ".join(d.regions) or _("none")},
        confidence_legend(lang),
        "",
        _("Enterprise conditions:"),
    ]
    for condition in d.conditions:
        lines.extend(_reason_lines(condition, lang, "  "))
    lines += ["", _("Services:")]
    for s in d.services:
        title = services[s.code].name.get(lang)
        verdict = outcome_label["eligible" if s.eligible else "ineligible"]
        if s.route is not None:
            verdict += ", " + route_label[s.route]
        if s.opening is not None:
            verdict += " " + _("(opening: %(opening)s)") % {"opening": opening_label(s.opening, lang)}
        if s.area is not None:
            verdict += ", " + _("area: %(area)s") % {"area": s.area}
        lines.append(
            "  "
            + _("%(code)s %(title)s: %(verdict)s (foreign share allowed up to %(cap)s%%)")
            % {"code": s.licence_label, "title": title, "verdict": verdict, "cap": f"{s.max_foreign_share:g}"}
        )
        for reason in s.reasons:
            lines.extend(_reason_lines(reason, lang, "    "))
    lines.append("")
    lines.append(_("Required documents: %(items)s") % {"items": ", ".join(d.required_documents) or _("none")})
    lines.append(_("Required assessments: %(items)s") % {"items": ", ".join(d.required_assessments) or _("none")})
    if d.licence is None:
        lines.append(_("Licence: none (nothing is eligible)"))
    else:
        lines.append(_("Licence, by area:"))
        for area in d.licence.areas:
            lines.append(f"  {area.area}: {', '.join(area.services)}")
    return "\n".join(lines)
