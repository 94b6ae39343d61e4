"""`vatspilot rules`: the rules in force on a date, then the known gaps; `vatspilot rules diff A B`: what
changed between two dates. Each entry with its confidence code, its period and its citation in the
language asked for."""

from __future__ import annotations

from pathlib import Path

import click

from vatspilot.cli.errors import fail
from vatspilot.cli.i18n import translator
from vatspilot.cli.options import as_lang, lang_option, parse_date, rulebook_for, today
from vatspilot.domain.policy.changes import diff as rule_diff
from vatspilot.domain.policy.changes import in_force_by_id
from vatspilot.domain.policy.rules import (
    CapRule,
    Condition,
    ConditionKind,
    ContentEffect,
    ContentProhibition,
    DocumentRequirement,
    DocumentTrigger,
    KnownGap,
    Note,
    NoteKind,
    Parameter,
    RegionDef,
    RuleEntry,
    ServiceDef,
)
from vatspilot.domain.shared.errors import InputError
from vatspilot.domain.shared.text import Lang


def _listed(items: tuple[str, ...] | list[str], lang: Lang) -> str:
    _ = translator(lang).gettext
    return ", ".join(items) if items else _("none")


def _prohibition(entry: ContentProhibition, lang: Lang) -> str:
    _ = translator(lang).gettext
    params = {
        "contents": _listed(entry.contents, lang),
        "codes": ", ".join(entry.codes) or _("every code"),
        "where": entry.where,
        "opening": entry.opening or "",
    }
    if entry.effect is ContentEffect.EXCLUDES_OPENING:
        return _("excludes-opening %(opening)s for content %(contents)s (codes: %(codes)s; where: %(where)s)") % params
    return _("prohibits content %(contents)s: foreign share 0 (codes: %(codes)s; where: %(where)s)") % params


def _condition(entry: Condition, lang: Lang) -> str:
    _ = translator(lang).gettext
    if entry.kind is ConditionKind.REGISTERED_CAPITAL:
        areas = {"provincial": _("provincial"), "cross-regional": _("cross-regional")}
        minimums = "; ".join(
            _("%(area)s RMB %(amount)s") % {"area": areas.get(area, area), "amount": f"{amount:,.0f}"}
            for area, amount in entry.minimum_by_area.items()
        )
        return _("minimum registered capital: %(minimums)s") % {"minimums": minimums}
    return entry.message_met.get(lang)


def _note(entry: Note, lang: Lang) -> str:
    _ = translator(lang).gettext
    if entry.kind is NoteKind.OPENING_NOT_YET_OPEN:
        return _("informs: %(opening)s issued, its application channel opens on %(date)s") % {
            "opening": entry.opening,
            "date": entry.opens_on.isoformat() if entry.opens_on else "",
        }
    if entry.kind is NoteKind.CEPA:
        return _("informs: holders from %(jurisdictions)s may have a CEPA route the rulebook does not encode") % {
            "jurisdictions": ", ".join(entry.jurisdictions)
        }
    return _("informs: a cross-regional declaration met only by pilot openings is narrowed to their areas")


def _documents(entry: DocumentRequirement, lang: Lang) -> str:
    _ = translator(lang).gettext
    params = {
        "documents": _listed(entry.documents, lang),
        "assessments": _listed(entry.assessments, lang),
        "openings": ", ".join(entry.openings),
    }
    if entry.trigger is DocumentTrigger.OPENING:
        return _("for a service opened by %(openings)s: documents %(documents)s; assessments %(assessments)s") % params
    return _("for any eligible service: documents %(documents)s; assessments %(assessments)s") % params


def summary(entry: RuleEntry, lang: Lang) -> str:
    """One line saying what the entry holds, in the language asked for (never a message template)."""
    if isinstance(entry, ServiceDef):
        scopes = f" ({', '.join(entry.scopes)})" if entry.scopes else ""
        return entry.name.get(lang) + scopes
    if isinstance(entry, RegionDef):
        return entry.name.get(lang)
    if isinstance(entry, CapRule):
        return "; ".join(
            f"{'/'.join(g.codes)}{'/' + g.scope if g.scope else ''} <= {g.cap:g}% ({entry.where})" for g in entry.grants
        )
    if isinstance(entry, ContentProhibition):
        return _prohibition(entry, lang)
    if isinstance(entry, Condition):
        return _condition(entry, lang)
    if isinstance(entry, Note):
        return _note(entry, lang)
    if isinstance(entry, DocumentRequirement):
        return _documents(entry, lang)
    assert isinstance(entry, Parameter)
    return f"{entry.description.get(lang)} = {entry.value}"


def heading(entry: RuleEntry) -> str:
    """`id  [confidence]  period`: the line every listing starts an entry with."""
    meta = entry.meta
    return f"{meta.id}  [{meta.confidence.value}]  {meta.period}"


def _entry_lines(entry: RuleEntry, lang: Lang) -> list[str]:
    _ = translator(lang).gettext
    return [
        heading(entry),
        "    " + summary(entry, lang),
        "    " + _("Basis: %(citation)s") % {"citation": entry.meta.citation.get(lang)},
    ]


def gap_lines(gap: KnownGap, lang: Lang) -> list[str]:
    _ = translator(lang).gettext
    return [
        f"{gap.id}  [{gap.confidence}]",
        "    " + gap.description.get(lang),
        "    " + _("Source: %(source)s") % {"source": gap.source.get(lang)},
    ]


@click.group(invoke_without_command=True)
@click.option("--on", "on_text", metavar="YYYY-MM-DD", help="Date (default: today).")
@click.option("--scenario", type=click.Path(path_type=Path), help="A what-if scenario over the rulebook.")
@lang_option
@click.pass_context
def rules(ctx: click.Context, on_text: str | None, scenario: Path | None, lang: str) -> None:
    """The rules in force on a date, with their citations and confidence codes, then the known gaps."""
    ctx.obj = {"scenario": scenario, "lang": lang}
    if ctx.invoked_subcommand is not None:
        return
    language = as_lang(lang)
    _ = translator(language).gettext
    try:
        on = parse_date(on_text, "--on", today())
        rulebook = rulebook_for(scenario)
    except InputError as error:
        fail(error, language)
    click.echo(_("Rules in force on %(on)s (rulebook %(version)s):") % {"on": on, "version": rulebook.version})
    for entry in in_force_by_id(rulebook, on).values():
        click.echo("\n".join(_entry_lines(entry, language)))
    if rulebook.gaps:
        click.echo("")
        click.echo(_("Known gaps (reported by one source, listed and never applied):"))
        for gap in rulebook.gaps:
            click.echo("\n".join(gap_lines(gap, language)))


@rules.command("diff")
@click.argument("first", metavar="DATE_A")
@click.argument("second", metavar="DATE_B")
@click.option("--lang", "diff_lang", type=click.Choice(["en", "zh"]), help="Language of the text (as `rules --lang`).")
@click.pass_context
def diff_command(ctx: click.Context, first: str, second: str, diff_lang: str | None) -> None:
    """What changed between DATE_A and DATE_B: rules that started, ended, or whose values changed."""
    language = as_lang(diff_lang or ctx.obj["lang"])
    _ = translator(language).gettext
    try:
        a = parse_date(first, "DATE_A", today())
        b = parse_date(second, "DATE_B", today())
        rulebook = rulebook_for(ctx.obj["scenario"])
    except InputError as error:
        fail(error, language)
    changes = rule_diff(rulebook, a, b)
    click.echo(_("Changes from %(a)s to %(b)s: %(n)s") % {"a": a, "b": b, "n": len(changes)})
    labels = {"started": _("started"), "ended": _("ended"), "changed": _("changed")}
    for change in changes:
        entry = change.after or change.before
        assert entry is not None
        line = f"{labels[change.kind]:>8}  {heading(entry)}"
        if change.changed_fields:
            line += "  (" + ", ".join(change.changed_fields) + ")"
        click.echo(line)
        click.echo("          " + summary(entry, language))
        click.echo("          " + _("Basis: %(citation)s") % {"citation": entry.meta.citation.get(language)})
