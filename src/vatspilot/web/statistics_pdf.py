"""The statistics page as a PDF (/statistics.pdf), in the reader's language.

WeasyPrint renders web/templates/web/statistics/pdf.html as the licence certificate is rendered
(services/licences/certificate_pdf.py): A4, the Chinese glyphs from Debian's fonts-wqy-microhei. WeasyPrint
runs no JavaScript, so there are no ECharts charts: each table's figures are drawn as plain SVG bars,
computed on the server (web/statistics_tables.py gives each row its bar's length)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from weasyprint import HTML

from vatspilot.queries.public_statistics import (
    PUBLISHED,
    SOURCE_AUTHOR,
    SOURCE_PUBLISHED,
    SOURCE_TITLE,
    PublicStatistics,
)
from vatspilot.web.pdf_styles import pdf_stylesheet
from vatspilot.web.statistics_tables import statistics_tables


def published_context() -> dict[str, Any]:
    """What the published figures' section needs (the page and the PDF share it)."""
    return {
        "published": PUBLISHED,
        "source_author": SOURCE_AUTHOR,
        "source_title": SOURCE_TITLE,
        "source_published": SOURCE_PUBLISHED,
    }


def statistics_pdf_bytes(request: HttpRequest, stats: PublicStatistics) -> bytes:
    html = render_to_string(
        "web/statistics/pdf.html",
        {"stats": stats, "tables": statistics_tables(stats), **published_context()},
        request=request,
    )
    pdf: bytes = HTML(string=html).write_pdf(stylesheets=[pdf_stylesheet("statistics.css")])
    return pdf
