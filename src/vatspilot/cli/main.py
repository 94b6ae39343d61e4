"""The `vatspilot` command. Subcommands load lazily, so `check` starts without Django."""

from __future__ import annotations

import importlib

import click

# name -> "module:attribute"; a module is imported only when its command runs or --help lists it.
COMMANDS: dict[str, str] = {
    "check": "vatspilot.cli.check:check",
    "schema": "vatspilot.cli.schema:schema",
    "rules": "vatspilot.cli.rules:rules",
    "screen": "vatspilot.cli.screen:screen",
    "run-examples": "vatspilot.cli.examples:run_examples",
    # The platform (Django) commands.
    "migrate": "vatspilot.cli.platform:migrate",
    "demo": "vatspilot.cli.platform:demo",
    "serve": "vatspilot.cli.platform:serve",
    "audit": "vatspilot.cli.platform:audit",
    "backup": "vatspilot.cli.backup:backup",
    "restore": "vatspilot.cli.backup:restore",
    "jobs": "vatspilot.cli.jobs:jobs",
    "calendar": "vatspilot.cli.working_calendar:calendar",
    "keys": "vatspilot.cli.keys:keys",
    "licence": "vatspilot.cli.licence:licence",
    "report": "vatspilot.cli.report:report",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError:
            return None
        command: click.Command | None = getattr(module, attr, None)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="vatspilot")
def cli() -> None:
    """vatspilot: eligibility, applications, review, licences and supervision for the VATS pilot."""


def main() -> None:
    cli()
