"""`vatspilot rules`: the rules in force on a date; `vatspilot rules diff A B`: what changed between two."""

from __future__ import annotations

from pathlib import Path

import click

from vatspilot.cli.errors import fail
from vatspilot.cli.i18n import translator
from vatspilot.cli.options import as_lang, lang_option, parse_date, rulebook_for, today
from vatspilot.domain.policy.changes import diff as rule_diff
from vatspilot.domain.policy.changes import in_force_by_id
from vatspilot.domain.policy.rules import CapRule, RegionDef, RuleEntry, ServiceDef
from vatspilot.domain.shared.errors import InputError
from vatspilot.domain.shared.text import Lang


def _summary(entry: RuleEntry, lang: Lang) -> str:
    if isinstance(entry, ServiceDef):
        return entry.name.get(lang)
    if isinstance(entry, RegionDef):
        return entry.name.get(lang)
    if isinstance(entry, CapRule):
        return "; ".join(
            f"{'/'.join(g.codes)}{'/' + g.scope if g.scope else ''} <= {g.cap:g}% ({entry.where})" for g in entry.grants
        )
    message = getattr(entry, "message", None) or getattr(entry, "description", None) or entry.message_met
    return str(message.get(lang))


def _entry_lines(entry: RuleEntry, lang: Lang) -> list[str]:
    _ = translator(lang).gettext
    meta = entry.meta
    return [
        f"{meta.id}  [{meta.confidence.value}]  {meta.period}",
        "    " + _summary(entry, lang),
        "    " + _("Basis: %(citation)s") % {"citation": meta.citation},
    ]


@click.group(invoke_without_command=True)
@click.option("--on", "on_text", metavar="YYYY-MM-DD", help="Date (default: today).")
@click.option("--scenario", type=click.Path(path_type=Path), help="A what-if scenario over the rulebook.")
@lang_option
@click.pass_context
def rules(ctx: click.Context, on_text: str | None, scenario: Path | None, lang: str) -> None:
    """The rules in force on a date, with their citations and confidence codes."""
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


@rules.command("diff")
@click.argument("first", metavar="DATE_A")
@click.argument("second", metavar="DATE_B")
@click.pass_context
def diff_command(ctx: click.Context, first: str, second: str) -> None:
    """What changed between DATE_A and DATE_B: rules that started, ended, or whose values changed."""
    language = as_lang(ctx.obj["lang"])
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
        line = f"{labels[change.kind]:>8}  {change.rule_id}"
        if change.changed_fields:
            line += "  (" + ", ".join(change.changed_fields) + ")"
        click.echo(line)
        click.echo("          " + _summary(entry, language))
        click.echo("          " + _("Basis: %(citation)s") % {"citation": entry.meta.citation})
