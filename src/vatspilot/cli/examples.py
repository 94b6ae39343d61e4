"""`vatspilot run-examples`: the determinations of the example profiles shipped in examples/."""

from __future__ import annotations

from pathlib import Path

import click

from vatspilot.cli.check import read_json
from vatspilot.cli.errors import fail
from vatspilot.cli.explain import explain
from vatspilot.cli.options import as_lang, lang_option, parse_date, today
from vatspilot.contracts.profiles import parse_profile
from vatspilot.domain.policy.eligibility import evaluate
from vatspilot.domain.shared.errors import InputError
from vatspilot.rulebook.loader import default_rulebook

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "profiles"


@click.command("run-examples")
@click.option("--on", "on_text", metavar="YYYY-MM-DD", help="Date the rules are taken at (default: today).")
@click.option("--folder", type=click.Path(path_type=Path, file_okay=False), default=EXAMPLES, show_default=True)
@lang_option
def run_examples(on_text: str | None, folder: Path, lang: str) -> None:
    """Print the determination of every example profile."""
    language = as_lang(lang)
    rulebook = default_rulebook()
    try:
        on = parse_date(on_text, "--on", today())
        for path in sorted(folder.glob("*.json")):
            profile = parse_profile(read_json(str(path)))
            click.echo(f"== {path.name}")
            click.echo(
                explain(evaluate(profile, on=on, lang=language, rulebook=rulebook), profile.name, rulebook, language)
            )
            click.echo()
    except InputError as error:
        fail(error, language)
