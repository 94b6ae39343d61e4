"""A determination as text a person reads: each service, its outcome, the rules and their citations."""

from __future__ import annotations

from vatspilot.cli.i18n import translator
from vatspilot.domain.policy.determination import Determination, Reason, Route
from vatspilot.domain.policy.rules import Rulebook
from vatspilot.domain.shared.text import Lang


def _reason_lines(reason: Reason, lang: Lang, indent: str) -> list[str]:
    _ = translator(lang).gettext
    return [
        f"{indent}[{reason.effect.value}] {reason.rule}: {reason.message}",
        indent + "    " + _("Basis: %(citation)s") % {"citation": reason.citation},
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
        _("Outcome: %(outcome)s") % {"outcome": outcome_label[d.outcome]},
        _("Foreign share after look-through: %(share)s%%") % {"share": f"{d.foreign_share:g}"},
        _("Opening-up regions: %(regions)s") % {"regions": ", ".join(d.regions) or _("none")},
        "",
        _("Enterprise conditions:"),
    ]
    for condition in d.conditions:
        lines.extend(_reason_lines(condition, lang, "  "))
    lines += ["", _("Services:")]
    for s in d.services:
        title = services[s.code].name.get(lang)
        code = s.code if s.scope is None else f"{s.code}/{s.scope}"
        verdict = outcome_label["eligible" if s.eligible else "ineligible"]
        if s.route is not None:
            verdict += ", " + route_label[s.route]
        lines.append(
            "  "
            + _("%(code)s %(title)s: %(verdict)s (foreign share allowed up to %(cap)s%%)")
            % {"code": code, "title": title, "verdict": verdict, "cap": f"{s.max_foreign_share:g}"}
        )
        for reason in s.reasons:
            lines.extend(_reason_lines(reason, lang, "    "))
    lines.append("")
    lines.append(_("Required documents: %(items)s") % {"items": ", ".join(d.required_documents) or _("none")})
    lines.append(_("Required assessments: %(items)s") % {"items": ", ".join(d.required_assessments) or _("none")})
    if d.licence is None:
        lines.append(_("Licence: none (nothing is eligible)"))
    else:
        lines.append(
            _("Licence: %(services)s, area: %(area)s")
            % {"services": ", ".join(d.licence.services), "area": d.licence.area}
        )
    return "\n".join(lines)
