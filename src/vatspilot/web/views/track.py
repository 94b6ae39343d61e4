"""The public tracker: /track/ asks for a tracking number, /track/<number>/ shows the application's stage
(vatspilot.queries.tracking). No sign-in; a malformed and an unknown number get the same answer, so
the page tells nothing about which numbers exist."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from vatspilot.domain.applications.tracking import parse_tracking_number
from vatspilot.queries.tracking import track
from vatspilot.services.calendar.legal_day import legal_today


@require_GET
def track_search(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("number", "").strip()
    if text:
        number = parse_tracking_number(text)
        if number is not None:
            return redirect("web:track_application", number=number)
        return render(request, "web/track/search.html", {"number": text, "not_found": True}, status=404)
    return render(request, "web/track/search.html", {"number": "", "not_found": False})


@require_GET
def track_application(request: HttpRequest, number: str) -> HttpResponse:
    tracking = track(number, today=legal_today())
    if tracking is None:
        return render(request, "web/track/search.html", {"number": number, "not_found": True}, status=404)
    if tracking.number != number:
        return redirect("web:track_application", number=tracking.number)
    return render(request, "web/track/application.html", {"tracking": tracking})
