"""Taking a lifecycle action from a page: one view for all of them, calling the services' perform().

On success the user is sent back (post/redirect/get) to the page the form was on. A refusal shows the
page again with the services' message beside the form: 403 when the user's role may not take the action
(services.lifecycle.errors.ROLE_REFUSALS; the refusal audit records it as every 403), 422 when the
application's state or a guard refuses it now; a conflict (someone else changed the application since the
page was loaded) asks the user to reload, 409."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vatspilot.domain.applications import Action
from vatspilot.services.applications import ActionRefused, Conflict, perform
from vatspilot.services.calendar.legal_day import legal_today
from vatspilot.services.vocabulary import label
from vatspilot.store.access import NotFound, access_application
from vatspilot.web.application_page import APPLICANT_DOSSIER_ACTIONS, application_context
from vatspilot.web.forms import action_form


@login_required
@require_POST
def take_action(request: HttpRequest, application_id: int, action: str) -> HttpResponse:
    application = access_application(request.user, application_id)
    try:
        chosen = Action(action)
    except ValueError:
        raise NotFound("no such action") from None
    form = action_form(chosen, data=request.POST)
    today = legal_today()
    if not form.is_valid():
        context = application_context(request.user, application, today, bound=(chosen, form))
        return render(request, "web/applications/detail.html", context, status=422)
    try:
        application = perform(
            actor=request.user,
            application=application,
            action=chosen,
            on=today,
            expected_version=form.cleaned_data["expected_version"],
            **form.perform_fields(),
        )
    except Conflict:
        refusal = _("Someone else changed this application after you opened it. Reload the page and try again.")
        status = 409
    except ActionRefused as refused:
        # Not the asker's role: a 403 (recorded by web.refusal_audit); the state or a guard: a 422.
        refusal = refused.message
        status = 403 if refused.by_role else 422
    else:
        messages.success(request, _("Done: %(action)s.") % {"action": label("event", chosen)})
        if chosen in APPLICANT_DOSSIER_ACTIONS:
            return redirect("web:dossier", application_id=application.pk)
        return redirect("web:application", application_id=application.pk)
    application.refresh_from_db()
    context = application_context(request.user, application, today, bound=(chosen, form), refusal=refusal)
    return render(request, "web/applications/detail.html", context, status=status)
