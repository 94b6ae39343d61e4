"""`vatspilot check PROFILE.json`: one profile, one determination."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from vatspilot.cli.errors import fail
from vatspilot.cli.explain import explain
from vatspilot.cli.options import as_lang, lang_option, parse_date, rulebook_for, today
from vatspilot.contracts.profiles import parse_profile
from vatspilot.domain.policy.eligibility import evaluate
from vatspilot.domain.shared.errors import InputError


def read_json(path: str) -> Any:
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path, "unreadable", detail=str(exc)) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(path, "not-json", detail=f"line {exc.lineno} column {exc.colno}: {exc.msg}") from None


@click.command()
@click.argument("profile", metavar="PROFILE.json")
@click.option("--on", "on_text", metavar="YYYY-MM-DD", help="Date the rules are taken at (default: today).")
@click.option("--json", "as_json", is_flag=True, help="Print the contract JSON (vatspilot/decision/v1).")
@click.option("--scenario", type=click.Path(path_type=Path), help="A what-if scenario (YAML) over the rulebook.")
@lang_option
def check(profile: str, on_text: str | None, as_json: bool, scenario: Path | None, lang: str) -> None:
    """Whether the enterprise in PROFILE.json may run its services, and on what legal basis.

    Exit 0 whenever a determination was made, whatever it says; 2 for bad input.
    """
    language = as_lang(lang)
    try:
        on = parse_date(on_text, "--on", today())
        rulebook = rulebook_for(scenario)
        data = read_json(profile)
        parsed = parse_profile(data)
        determination = evaluate(parsed, on=on, lang=language, rulebook=rulebook)
    except InputError as error:
        fail(error, language)
    if as_json:
        click.echo(json.dumps(determination.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(explain(determination, parsed.name, rulebook, language))
