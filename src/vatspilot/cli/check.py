"""`vatspilot check PROFILE.json`: one profile, one determination."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from vatspilot.cli.errors import fail
from vatspilot.cli.explain import explain
from vatspilot.cli.i18n import translator
from vatspilot.cli.options import as_lang, lang_option, parse_date, rulebook_for, today
from vatspilot.contracts import strict_json
from vatspilot.contracts.input_errors import describe_json_problem
from vatspilot.contracts.profiles import parse_profile
from vatspilot.contracts.strict_json import StrictJSONError
from vatspilot.domain.policy.eligibility import evaluate
from vatspilot.domain.shared.errors import InputError
from vatspilot.domain.shared.text import Lang


def read_json(path: str, lang: Lang = "en") -> Any:
    """The file's JSON through the strict reader; an InputError names the file, then the place in it."""
    try:
        data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except OSError as exc:
        raise InputError(path, "unreadable", detail=exc.strerror or str(exc)) from None
    try:
        return strict_json.loads(data)
    except StrictJSONError as exc:
        problem = describe_json_problem(exc, translator(lang).gettext)
        raise InputError(path, "json-at", at=exc.pointer, line=exc.line, column=exc.column, problem=problem) from None


@click.command()
@click.argument("profile", metavar="PROFILE.json")
@click.option("--on", "on_text", metavar="YYYY-MM-DD", help="Date the rules are taken at (default: today).")
@click.option("--json", "as_json", is_flag=True, help="Print the contract JSON (vatspilot/decision/v2).")
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
        data = read_json(profile, language)
        parsed = parse_profile(data)
        determination = evaluate(parsed, on=on, lang=language, rulebook=rulebook)
    except InputError as error:
        fail(error, language)
    if as_json:
        click.echo(json.dumps(determination.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(explain(determination, parsed.name, rulebook, language))
