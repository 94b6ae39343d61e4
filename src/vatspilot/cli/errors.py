"""One clear line for bad input: the field's JSON pointer (or the option) and what is wrong."""

from __future__ import annotations

import sys
from typing import NoReturn

import click

from vatspilot.cli.i18n import translator
from vatspilot.contracts.input_errors import describe_input_error
from vatspilot.domain.shared.errors import InputError
from vatspilot.domain.shared.text import Lang

EXIT_BAD_INPUT = 2


def describe(error: InputError, lang: Lang) -> str:
    return describe_input_error(error, translator(lang).gettext)


def fail(error: InputError, lang: Lang) -> NoReturn:
    click.echo(describe(error, lang), err=True)
    sys.exit(EXIT_BAD_INPUT)
