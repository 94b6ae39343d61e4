"""`vatspilot screen INPUT --on DATE -o OUTPUT`: many profiles at once, on the vectorised path."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from vatspilot.analytics.flat_input import input_format, read_input, write_output
from vatspilot.analytics.scenario_compare import changed_services, compare_outcomes
from vatspilot.analytics.screening import screen as run_screen
from vatspilot.cli.errors import fail
from vatspilot.cli.i18n import translator
from vatspilot.cli.options import as_lang, lang_option, parse_date, rulebook_for, today
from vatspilot.domain.shared.errors import InputError


@click.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.option("--on", "on_text", metavar="YYYY-MM-DD", help="Date the rules are taken at (default: today).")
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, help=".jsonl, .csv or .parquet")
@click.option("--scenario", type=click.Path(path_type=Path), help="A what-if scenario over the rulebook.")
@click.option(
    "--compare-scenario",
    type=click.Path(path_type=Path),
    help="Also screen under this scenario and report how many profiles change outcome, and which way.",
)
@lang_option
def screen(
    input_path: Path,
    on_text: str | None,
    output: Path,
    scenario: Path | None,
    compare_scenario: Path | None,
    lang: str,
) -> None:
    """Screen INPUT (JSONL profiles, or flat CSV/Parquet rows with one foreign_share column, one row per service)."""
    language = as_lang(lang)
    _ = translator(language).gettext
    try:
        on = parse_date(on_text, "--on", today())
        input_format(output, "-o")
        rulebook = rulebook_for(scenario)
        other = rulebook_for(compare_scenario, "--compare-scenario") if compare_scenario else None
        frame = read_input(input_path, rulebook, on)
    except InputError as error:
        fail(error, language)
    with click.progressbar(length=frame.height, label=_("Screening"), file=sys.stderr) as bar:
        result = run_screen(frame, rulebook, on, progress=bar.update)
    write_output(result, output)
    profiles = result.select("profile_id", "profile_outcome").unique("profile_id")
    counts = dict(profiles.group_by("profile_outcome").len().iter_rows())
    click.echo(
        _("%(profiles)s profiles, %(rows)s services screened on %(on)s (rulebook %(version)s) -> %(output)s")
        % {
            "profiles": profiles.height,
            "rows": result.height,
            "on": on,
            "version": rulebook.version,
            "output": output,
        }
    )
    for outcome in ("eligible", "partly-eligible", "ineligible"):
        click.echo(f"  {outcome}: {counts.get(outcome, 0)}")
    if other is None:
        return
    compared = run_screen(frame, other, on)
    changes = compare_outcomes(result, compared)
    total = int(changes["profiles"].sum()) if changes.height else 0
    click.echo(
        _("Under %(scenario)s (rulebook %(version)s): %(n)s profiles change outcome, %(s)s services change.")
        % {
            "scenario": compare_scenario,
            "version": other.version,
            "n": total,
            "s": changed_services(result, compared),
        }
    )
    for before, after, number in changes.iter_rows():
        click.echo(f"  {before} -> {after}: {number}")
