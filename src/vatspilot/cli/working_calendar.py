"""`vatspilot calendar`: the working-day calendar's years, and adding a year's official arrangement.

Django is set up inside each command (for the administrator's calendar folder), never at import.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import click

from vatspilot.cli.errors import EXIT_BAD_INPUT
from vatspilot.cli.i18n import translator
from vatspilot.cli.options import as_lang, lang_option
from vatspilot.rulebook.working_calendar import CalendarDataError, parse_year


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


@click.group()
def calendar() -> None:
    """The working-day calendar the review clock counts with: official years and the projection."""


@calendar.command("add-year")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--replace", is_flag=True, help="Replace the year if it was added before.")
@lang_option
def add_year(file: Path, replace: bool, lang: str) -> None:
    """Add one year's official arrangement (the State Council General Office's notice) from FILE.yaml.

    The file is validated first (year, citation en/zh, confidence, source, holidays, working_days); a bad
    file is refused with the field named and nothing is written. Clocks use the year from their next
    reading on: the provisional figures for that year become official ones.
    """
    _ = translator(as_lang(lang)).gettext
    _setup_django()
    from vatspilot.services.calendar.working_days import admin_calendar_dir

    try:
        official = parse_year(file)
    except CalendarDataError as error:
        click.echo(_("Not added: %(detail)s") % {"detail": error}, err=True)
        sys.exit(EXIT_BAD_INPUT)
    folder = admin_calendar_dir()
    target = folder / f"{official.year}.yaml"
    if target.exists() and not replace:
        message = _("Not added: %(year)s was added before (%(path)s); use --replace to replace it.")
        click.echo(message % {"year": official.year, "path": target}, err=True)
        sys.exit(EXIT_BAD_INPUT)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # Written beside the target and renamed over it: a reader sees the old file or the new, never half.
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{official.year}.", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(file.read_bytes())
            os.replace(temporary, target)
        finally:
            Path(temporary).unlink(missing_ok=True)
    except OSError as error:
        detail = f"{target}: {error.strerror or error}"
        click.echo(_("Not added: %(detail)s") % {"detail": detail}, err=True)
        sys.exit(EXIT_BAD_INPUT)
    click.echo(
        _("Added the official arrangement of %(year)s (%(citation)s, %(confidence)s) to %(path)s.")
        % {
            "year": official.year,
            "citation": official.citation.zh if lang == "zh" else official.citation.en,
            "confidence": official.confidence,
            "path": target,
        }
    )


@calendar.command("years")
@lang_option
def years(lang: str) -> None:
    """Which calendar each year is counted on: the rulebook's data, the package, or the projection."""
    _ = translator(as_lang(lang)).gettext
    _setup_django()
    from vatspilot.services.calendar.working_days import covered_years, working_calendars

    official, projection = working_calendars()
    for year, data in sorted(official.years.items()):
        citation = data.citation.zh if lang == "zh" else data.citation.en
        line = {"year": year, "citation": citation, "confidence": data.confidence}
        click.echo(_("%(year)s: official, calendar data: %(citation)s [%(confidence)s]") % line)
    package = [year for year in covered_years() if year not in official.years]
    if package:
        click.echo(
            _("%(first)s-%(last)s: official, chinese-calendar package") % {"first": package[0], "last": package[-1]}
        )
    citation = projection.holidays.citation.zh if lang == "zh" else projection.holidays.citation.en
    click.echo(
        _("Other years from %(start)s on: provisional, statutory holidays alone (%(citation)s [%(confidence)s])")
        % {
            "start": projection.holidays.in_force_from.year,
            "citation": citation,
            "confidence": projection.holidays.confidence,
        }
    )
