"""Options several commands share: the date, the language, the scenario."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import click

from vatspilot.domain.policy.rules import Rulebook
from vatspilot.domain.shared.errors import InputError
from vatspilot.domain.shared.text import Lang
from vatspilot.rulebook.errors import RulebookError
from vatspilot.rulebook.loader import default_rulebook, load_rulebook

F = TypeVar("F", bound=Callable[..., Any])


def lang_option(func: F) -> F:
    return click.option(
        "--lang",
        type=click.Choice(["en", "zh"]),
        default="en",
        show_default=True,
        help="Language of the text.",
    )(func)


def parse_date(value: str | None, option: str, today: date) -> date:
    if value is None:
        return today
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(option, "not-a-date", value=value) from None


def rulebook_for(scenario: Path | None, option: str = "--scenario") -> Rulebook:
    if scenario is None:
        return default_rulebook()
    try:
        return load_rulebook(scenario=scenario)
    except RulebookError as exc:
        raise InputError(f"{option} {scenario}", "bad-scenario", detail=str(exc)) from None


LEGAL_TIME_ZONE = ZoneInfo("Asia/Shanghai")


def today() -> date:
    """The one place the command line reads the clock: today's date in China, where the rules apply.

    The domain is handed this date; it never reads a clock itself.
    """
    return datetime.now(LEGAL_TIME_ZONE).date()


def as_lang(value: str) -> Lang:
    return "zh" if value == "zh" else "en"
