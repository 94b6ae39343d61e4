"""`vatspilot report check`: the quarterly report's checks, offline, before the licensee files.

The same readers and checks the platform runs on an upload (analytics.supervision), on local files and
without a database: a node list (CSV or XLSX), optionally a security log (NDJSON or CSV), against the
licence's area given as division codes. A file with errors exits 2 with its first error's line and field
on one line of stderr (all of them, up to 100, with --json on stdout).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
import polars as pl

from vatspilot.analytics.supervision.divisions import default_divisions
from vatspilot.analytics.supervision.node_list import check_nodes, node_flags, read_node_list
from vatspilot.analytics.supervision.security_log import (
    check_incidents,
    check_vulnerabilities,
    read_security_log,
    remediation_days_on,
)
from vatspilot.analytics.supervision.tabular import Progress, UploadRejected
from vatspilot.cli.errors import EXIT_BAD_INPUT
from vatspilot.cli.i18n import translator
from vatspilot.cli.options import as_lang, lang_option, parse_date, rulebook_for, today
from vatspilot.domain.policy.rules import Rulebook
from vatspilot.domain.shared.errors import InputError

OPERATORS = ("other", "cii", "central-state-organ")


@click.group()
def report() -> None:
    """Quarterly pilot reports."""


def _rows_in(path: Path) -> int:
    """How many rows the bar counts to: a text file's lines after its header (a fast byte count, not a
    parse), or an XLSX sheet's last row as its dimension says."""
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        sheet = load_workbook(path, read_only=True).worksheets[0]
        return max((sheet.max_row or 1) - 1, 1)
    lines = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            lines += chunk.count(b"\n")
    return max(lines, 1)


def _read(path: Path, reader: str, label: str, rulebook: Rulebook) -> pl.DataFrame:
    """The file read with a progress bar on stderr counting its rows (at a terminal: in a pipe or a log
    the bar's label would only add lines before an error's one line)."""
    if not sys.stderr.isatty():
        if reader == "nodes":
            return read_node_list(path, rulebook, divisions=default_divisions())
        return read_security_log(path)
    with click.progressbar(length=_rows_in(path), label=label, file=sys.stderr, show_pos=True) as bar:
        seen = [0]

        def advance(progress: Progress) -> None:
            bar.update(progress.rows_read - seen[0])
            seen[0] = progress.rows_read

        if reader == "nodes":
            return read_node_list(path, rulebook, divisions=default_divisions(), progress=advance)
        return read_security_log(path, progress=advance)


def _reject(path: Path, option: str, rejected: UploadRejected, as_json: bool) -> None:
    first = rejected.errors[0] if rejected.errors else None
    where = f"line {first.line}, field {first.field}: {first.reason}" if first else "no rows"
    click.echo(f"{option} {path}: {where} ({rejected.error_count} error(s))", err=True)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "file": str(path),
                    "errors": [error.to_dict() for error in rejected.errors],
                    "count": rejected.error_count,
                },
                ensure_ascii=False,
            )
        )
    sys.exit(EXIT_BAD_INPUT)


def _area(codes: tuple[str, ...]) -> list[str] | None:
    for code in codes:
        if len(code) != 6 or not code.isdigit():
            click.echo(f"--area: {code!r} is not a six-digit division code", err=True)
            sys.exit(EXIT_BAD_INPUT)
    return list(codes) or None


@report.command("check")
@click.option(
    "--area",
    "areas",
    metavar="DIVISION_CODE",
    multiple=True,
    help="The licence's area, a six-digit division code (110000 covers all of Beijing); repeat for several. "
    "Without it the area is nationwide.",
)
@click.option(
    "--nodes", "nodes_path", type=click.Path(path_type=Path), required=True, help="The node list (.csv, .xlsx)."
)
@click.option("--log", "log_path", type=click.Path(path_type=Path), help="The security log (.ndjson, .csv).")
@click.option("--on", "on_text", metavar="YYYY-MM-DD", help="The day the deadlines are judged on (default: today).")
@click.option(
    "--operator", type=click.Choice(OPERATORS), default="other", show_default=True, help="For the incident deadline."
)
@click.option("--json", "as_json", is_flag=True, help="Print {nodes, findings} as JSON.")
@lang_option
def check(
    areas: tuple[str, ...],
    nodes_path: Path,
    log_path: Path | None,
    on_text: str | None,
    operator: str,
    as_json: bool,
    lang: str,
) -> None:
    """Run the report's checks on local files before filing them."""
    _ = translator(as_lang(lang)).gettext
    try:
        on = parse_date(on_text, "--on", today())
    except InputError as error:
        click.echo(f"--on: {error.code}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    area = _area(areas)
    rulebook = rulebook_for(None)
    for option, path in (("--nodes", nodes_path), ("--log", log_path)):
        if path is not None and not path.is_file():
            click.echo(f"{option}: {path} is not a readable file", err=True)
            sys.exit(EXIT_BAD_INPUT)
    try:
        nodes = _read(nodes_path, "nodes", _("Reading the node list"), rulebook)
    except UploadRejected as rejected:
        _reject(nodes_path, "--nodes", rejected, as_json)
    findings = check_nodes(nodes, area).to_dicts()
    if log_path is not None:
        try:
            log = _read(log_path, "log", _("Reading the security log"), rulebook)
        except UploadRejected as rejected:
            _reject(log_path, "--log", rejected, as_json)
        findings += check_incidents(log, rulebook, operator, on).to_dicts()
        findings += check_vulnerabilities(log, remediation_days_on(rulebook, on), on).to_dicts()
    node_rows = list(node_flags(nodes, area))
    if as_json:
        click.echo(json.dumps({"nodes": node_rows, "findings": findings}, ensure_ascii=False, default=str))
        return
    flagged = sum(1 for row in node_rows if row["flags"])
    click.echo(
        _("%(nodes)d nodes, %(flagged)d flagged; %(findings)d findings")
        % {"nodes": len(node_rows), "flagged": flagged, "findings": len(findings)}
    )
    for finding in findings:
        click.echo(f"{finding['rule']} [{finding['severity']}] line {finding['line']}: {finding['detail']}")
