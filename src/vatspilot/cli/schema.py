"""`vatspilot schema profile|decision`: the public contract, as the project ships it."""

from __future__ import annotations

import click

from vatspilot.contracts import NAMES, schema_text


@click.command()
@click.argument("name", type=click.Choice(NAMES))
def schema(name: str) -> None:
    """Print the JSON Schema of the profile or the decision."""
    click.echo(schema_text(name), nl=False)
