"""The public bad-record and dishonest lists (Order 42 Art. 37), open to anyone without signing in, and
their CSV export. The page shows each list's entries in force, then the removed entries with the date and
reason of their removal: a removal is published, not erased. It renders only the read model of
vatspilot.queries.credit_lists, which holds nothing personal."""

from __future__ import annotations

import csv

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from vatspilot.queries.credit_lists import EXPORT_COLUMNS, credit_lists
from vatspilot.services.calendar.legal_day import legal_today


@login_not_required
@require_GET
def lists(request: HttpRequest) -> HttpResponse:
    return render(request, "web/lists/lists.html", {"lists": credit_lists()})


@login_not_required
@require_GET
def lists_export_csv(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="credit-lists-{legal_today().isoformat()}.csv"'
    # The byte-order mark tells Excel the file is UTF-8, or it shows the Chinese names as mojibake.
    response.write("\ufeff")
    writer = csv.writer(response, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    for entry in credit_lists().every_entry:
        writer.writerow(entry.cells)
    return response
