"""/api/v1/statistics: the public statistics (/statistics/) without signing in: the tables the page shows,
each with its rows exactly as the page's CSV export gives them (queries.statistics_catalogue over
queries.public_statistics), and the figures others published about the pilot, with their source. Counts
only: no applicant, holder or licence is named. Rate limited per address, as every request without
sign-in is."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from vatspilot.api.portal_schemas import PublishedFiguresOut, StatisticsOut, StatisticsTableOut
from vatspilot.api.schemas import ProblemOut
from vatspilot.queries.public_statistics import (
    EXPORTS,
    PUBLISHED,
    SOURCE_AUTHOR,
    SOURCE_PUBLISHED,
    SOURCE_TITLE,
    public_statistics,
)
from vatspilot.queries.statistics_catalogue import in_both_languages, statistics_table, statistics_tables
from vatspilot.services.calendar.legal_day import legal_today
from vatspilot.store.access import NotFound

router = Router(tags=["statistics"], auth=None)

ERRORS: dict[int | str, Any] = {429: ProblemOut}


@router.get(
    "",
    response={200: StatisticsOut, **ERRORS},
    summary="The statistics' tables",
    description="Every table of the public statistics page, in its order: its name (read its rows with GET "
    "/statistics/{name}), its title in English and Chinese and its columns; and the approvals in all.",
)
def list_statistics_tables(request: HttpRequest) -> Any:
    stats = public_statistics(today=legal_today())
    return {
        "today": stats.today,
        "approvals": stats.pilot.approvals,
        "tables": [
            {"name": table.name, "title_en": table.title_en, "title_zh": table.title_zh, "columns": list(table.columns)}
            for table in statistics_tables(stats)
        ],
    }


@router.get(
    "/published",
    response={200: PublishedFiguresOut, **ERRORS},
    summary="The published figures about the pilot",
    description="The milestones others published about the pilot, as the statistics page quotes them: each "
    "figure's day, its headline in English and Chinese, the source's words exactly, and what the project's "
    "legal facts sheet says of it; with the source they are quoted from.",
)
def list_published_figures(request: HttpRequest) -> Any:
    figures = []
    for figure in PUBLISHED:
        headline_en, headline_zh = in_both_languages(figure.headline)
        check_en, check_zh = in_both_languages(figure.check)
        figures.append(
            {
                "key": figure.key,
                "on": figure.on,
                "headline_en": headline_en,
                "headline_zh": headline_zh,
                "quote": figure.quote,
                "check_en": check_en,
                "check_zh": check_zh,
            }
        )
    return {
        "source": {"author": SOURCE_AUTHOR, "title": SOURCE_TITLE, "published": SOURCE_PUBLISHED},
        "figures": figures,
    }


@router.get(
    "/{name}",
    response={200: StatisticsTableOut, 404: ProblemOut, **ERRORS},
    summary="One statistics table with its rows",
    description="The table's rows exactly as the page's CSV export (/statistics/export/{name}.csv) gives them, "
    "typed. 404 for a name that is no table's.",
)
def get_statistics_table(request: HttpRequest, name: str) -> Any:
    if name not in EXPORTS:  # answered before the figures are counted
        raise NotFound
    stats = public_statistics(today=legal_today())
    table = statistics_table(name, stats)
    if table is None:
        raise NotFound
    return {
        "name": table.name,
        "title_en": table.title_en,
        "title_zh": table.title_zh,
        "columns": list(table.columns),
        "today": stats.today,
        "rows": [list(row) for row in table.rows],
    }
