"""The pages that ask before an action that cannot be undone: withdrawing an application (the no-JavaScript
way to the withdraw action; application.js asks in a dialog instead) and deleting a draft never submitted."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from vatspilot.domain.applications import Action
from vatspilot.services.applications import ActionRefused, Conflict, available_actions
from vatspilot.services.applications.drafts import delete_draft as delete_draft_service
from vatspilot.store.access import NotFound, access_application
from vatspilot.web.application_page import is_member
from vatspilot.web.forms import action_form


@login_required
@require_http_methods(["GET"])
def withdraw_confirm(request: HttpRequest, application_id: int) -> HttpResponse:
    """The question before withdrawing; its form posts the withdraw action (web:action), so the
    withdrawal still goes through the lifecycle's row and nothing else."""
    application = access_application(request.user, application_id)
    if Action.WITHDRAW not in available_actions(request.user, application):
        raise NotFound("withdraw is not open to this reader")
    context = {
        "application": application,
        "form": action_form(Action.WITHDRAW, version=application.version),
    }
    return render(request, "web/applications/withdraw_confirm.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def delete_draft(request: HttpRequest, application_id: int) -> HttpResponse:
    """GET: the question; POST: the deletion, by the service that refuses anything but a member's draft
    never submitted."""
    application = access_application(request.user, application_id)
    if not is_member(request.user, application):
        raise NotFound("only the applying organisation's members see this page")
    refusal = None
    status = 200
    if request.method == "POST":
        try:
            version = int(request.POST.get("expected_version", ""))
        except ValueError:
            version = None
        try:
            delete_draft_service(actor=request.user, application=application, expected_version=version)
        except Conflict:
            refusal = _("Someone else changed this application after you opened it. Reload the page and try again.")
            status = 409
        except ActionRefused as refused:
            refusal = refused.message
            status = 422
        else:
            messages.success(request, _("Draft #%(id)s deleted.") % {"id": application_id})
            return redirect("web:applications")
        application.refresh_from_db()
    context = {"application": application, "refusal": refusal}
    return render(request, "web/applications/delete_confirm.html", context, status=status)
