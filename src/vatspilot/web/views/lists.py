"""The public bad-record and dishonest lists (Order 42 Art. 37), open to anyone without signing in, and
their export (CSV and XLSX). The page shows each list's entries in force, then the removed entries with
the date and reason of their removal: a removal is published, not erased. It renders only the read model of
vatspilot.queries.credit_lists, which holds nothing personal."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from vatspilot.queries.credit_lists import credit_lists, credit_lists_export, english_names
from vatspilot.services.calendar.legal_day import legal_today
from vatspilot.services.legal_text import reader_language
from vatspilot.web.exports import csv_response, xlsx_response


@login_not_required
@require_GET
def lists(request: HttpRequest) -> HttpResponse:
    lists = credit_lists()
    # The English page names each enterprise in English too, beside the name the list records.
    names = {} if reader_language() == "zh" else english_names(lists.every_entry)
    return render(request, "web/lists/lists.html", {"lists": lists, "english_names": names})


@login_not_required
@require_GET
def lists_export_csv(request: HttpRequest) -> HttpResponse:
    return csv_response(credit_lists_export(legal_today()))


@login_not_required
@require_GET
def lists_export_xlsx(request: HttpRequest) -> HttpResponse:
    return xlsx_response(credit_lists_export(legal_today()))
