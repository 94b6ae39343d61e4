"""The reviewers' queue: what awaits the signed-in official, most urgent first."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from vatspilot.queries.application_lists import reviewer_queue
from vatspilot.services.calendar.legal_day import legal_today


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    rows = reviewer_queue(request.user, today=legal_today())
    return render(request, "web/queue.html", {"rows": rows})
