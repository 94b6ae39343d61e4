"""The public service guide (办事指南): what the pilot is, where and what is open, who may apply, the
documents, the steps and time limits, the contacts; each item from the rulebook in force today with its
citation (vatspilot.queries.service_guide). Visitors get it at `/` (web.views.home) and everyone at
`/guide/`."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET

from vatspilot.queries.service_guide import service_guide
from vatspilot.services.calendar.legal_day import legal_today
from vatspilot.web.views.rules import reader_lang


def _path(name: str, fallback: str) -> str:
    # The eligibility check and the statistics are built beside this page; until their URL names exist
    # the guide links to their paths.
    try:
        return reverse(name)
    except NoReverseMatch:
        return fallback


def render_guide(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/guide/guide.html",
        {
            "guide": service_guide(legal_today(), reader_lang()),
            "eligibility_url": _path("web:eligibility", "/eligibility/"),
            "statistics_url": _path("web:statistics", "/statistics/"),
        },
    )


@require_GET
def guide(request: HttpRequest) -> HttpResponse:
    return render_guide(request)
