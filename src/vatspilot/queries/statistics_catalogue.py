"""The public statistics' tables as a catalogue (the API's /statistics): each export of
queries.public_statistics (EXPORTS) with its title in both languages, as the statistics page heads the
table, its columns and its rows exactly as the export (CSV, XLSX) writes them, typed: a count an int, a
share or a number of days a Decimal to one place, a code a string.

Nothing is counted here: the rows are ``statistics_export``'s, which the page's downloads use too."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext_lazy, pgettext_lazy
from django_stubs_ext import StrOrPromise

from vatspilot.queries.exports import Cell
from vatspilot.queries.public_statistics import EXPORTS, PublicStatistics, statistics_export

__all__ = ["TABLE_TITLES", "StatisticsTable", "in_both_languages", "statistics_table", "statistics_tables"]

# Each table's heading on the statistics page (web/templates/web/statistics/page.html), by export name.
TABLE_TITLES: Mapping[str, StrOrPromise] = {
    "approvals-by-region": gettext_lazy("Approvals by region"),
    "approvals-by-service": gettext_lazy("Approvals by service"),
    "approvals-by-month": gettext_lazy("Approvals by month"),
    "infrastructure-share": gettext_lazy("IDC, CDN and ISP among the approvals"),
    "decision-time": gettext_lazy("Time from submission to decision"),
    "in-progress": gettext_lazy("Applications in progress, by stage"),
    "supervision-reports": gettext_lazy("Quarterly reports"),
    "supervision-findings": pgettext_lazy("supervision", "Findings"),
    "supervision-inspections": gettext_lazy("Random inspections"),
}


@dataclass(frozen=True)
class StatisticsTable:
    name: str  # the export's name (its URL on the page and in the API)
    title_en: str
    title_zh: str
    columns: tuple[str, ...]  # the export's header: stable identifiers, the same in every language
    rows: tuple[tuple[Cell, ...], ...]


def in_both_languages(text: StrOrPromise) -> tuple[str, str]:
    """``text`` (a catalogue entry) in English and in Simplified Chinese."""
    with translation.override("en"):
        english = str(text)
    with translation.override("zh-hans"):
        chinese = str(text)
    return english, chinese


def statistics_table(name: str, stats: PublicStatistics) -> StatisticsTable | None:
    """The table called ``name`` as its export has it (None for no such table)."""
    export = statistics_export(name, stats)
    if export is None:
        return None
    title_en, title_zh = in_both_languages(TABLE_TITLES.get(name, name))
    return StatisticsTable(name, title_en, title_zh, export.header, export.rows)


def statistics_tables(stats: PublicStatistics) -> tuple[StatisticsTable, ...]:
    """Every table, in the page's order."""
    tables = (statistics_table(name, stats) for name in EXPORTS)
    return tuple(table for table in tables if table is not None)
