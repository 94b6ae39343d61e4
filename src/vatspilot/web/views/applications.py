"""The applicant's list of their organisations' applications, and starting a new one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vatspilot.queries.application_lists import applicant_applications
from vatspilot.services.applications import ActionRefused, create_application
from vatspilot.services.calendar.legal_day import legal_today
from vatspilot.web.forms import NewApplicationForm
from vatspilot.web.roles import workload_of


@login_required
def application_list(request: HttpRequest) -> HttpResponse:
    work = workload_of(request.user)
    rows = [(row.application, row.clock) for row in applicant_applications(request.user, today=legal_today())]
    form = NewApplicationForm(organisations=work.organisations) if work.organisations else None
    return render(request, "web/applications/list.html", {"rows": rows, "form": form, "work": work})


@login_required
@require_POST
def application_create(request: HttpRequest) -> HttpResponse:
    work = workload_of(request.user)
    form = NewApplicationForm(request.POST, organisations=work.organisations)
    if not work.organisations or not form.is_valid():
        messages.error(request, _("Choose one of your organisations."))
        return redirect("web:applications")
    try:
        application = create_application(
            actor=request.user, organisation=form.cleaned_data["organisation"], on=legal_today()
        )
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
        return redirect("web:applications")
    messages.success(request, _("Application #%(id)s created. Fill in the dossier.") % {"id": application.pk})
    return redirect("web:dossier", application_id=application.pk)
