"""The reviewers' queue: what awaits the signed-in official, most urgent first."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from vatspilot.services.calendar.legal_day import legal_today
from vatspilot.web.worklist import awaiting


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    rows = awaiting(request.user, legal_today())
    return render(request, "web/queue.html", {"rows": rows})
