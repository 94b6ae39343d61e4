"""The application page, for everyone who may see the application."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from vatspilot.services.calendar.legal_day import legal_today
from vatspilot.store.access import access_application
from vatspilot.web.application_page import application_context


@login_required
@require_GET
def application_page(request: HttpRequest, application_id: int) -> HttpResponse:
    application = access_application(request.user, application_id)
    context = application_context(request.user, application, legal_today())
    return render(request, "web/applications/detail.html", context)
