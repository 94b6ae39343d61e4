"""The applicant's dossier page: ownership, services and service area; the determination they give;
the document checklist with uploads; and submitting (or answering a supplement request)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import CheckboxSelectMultiple, RadioSelect
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from vatspilot.domain.applications import DOSSIER_EDITABLE_STATES, Action, State
from vatspilot.services.applications import ActionRefused, update_dossier
from vatspilot.services.calendar.legal_day import legal_today
from vatspilot.store.access import access_application
from vatspilot.store.models import Application
from vatspilot.web.application_page import (
    APPLICANT_DOSSIER_ACTIONS,
    application_context,
    is_member,
)
from vatspilot.web.dossier_errors import input_params, plain_message
from vatspilot.web.forms import DossierForm, ServiceFormSet, UploadForm, action_form, service_initial

# Where an error the services locate by JSON pointer (contract vatspilot/profile/v1) is shown: the
# pointer's first segment names the profile member; "services" errors go to the services table.
_FIELD_OF_MEMBER = {
    "shareholders": "ownership",
    "service_area": "service_area_kind",
    "dishonest_list": "dishonest_list",
}
_SERVICES_MEMBER = "services"


@login_required
def dossier(request: HttpRequest, application_id: int) -> HttpResponse:
    application = access_application(request.user, application_id)
    if not is_member(request.user, application):
        # Officials see the application page; the dossier page is the applicant's workspace.
        return redirect("web:application", application_id=application.pk)
    editable = application.status in DOSSIER_EDITABLE_STATES
    form = DossierForm(initial=DossierForm.initial_for(application))
    services = ServiceFormSet(initial=service_initial(application), prefix="services")
    services_error = None
    services_pointer = ""
    if request.method == "POST" and editable:
        form = DossierForm(request.POST)
        services = ServiceFormSet(request.POST, prefix="services")
        if form.is_valid() and services.is_valid():
            try:
                update_dossier(
                    actor=request.user,
                    application=application,
                    ownership=form.cleaned_data["ownership"],
                    services=[s for s in (f.service() for f in services.forms) if s is not None],
                    service_area=form.service_area(),
                    dishonest_list=form.cleaned_data["dishonest_list"],
                    on=legal_today(),
                )
            except ActionRefused as refusal:
                services_error = _show_refusal(form, refusal)
                services_pointer = str(refusal.params.get("pointer") or "")
            else:
                messages.success(request, _("Dossier saved; the eligibility determination was recomputed."))
                return redirect("web:dossier", application_id=application.pk)
        status = 422
    else:
        status = 200
    context = _dossier_context(request, application, form=form, services=services, services_error=services_error)
    context["error_summary"] = error_summary(form, services, services_error, services_pointer) if status == 422 else []
    # The form holds what the user typed and did not save: the determination shown is the saved one's.
    context["unsaved_edits"] = status == 422
    return render(request, "web/applications/dossier.html", context, status=status)


def _show_refusal(form: DossierForm, refusal: ActionRefused) -> str | None:
    """Attach the refusal, in the user's words (web/dossier_errors.py), to the form field its pointer
    (``params["pointer"]``) names; an error in the services is returned for the services table, one
    without a pointer goes on the form."""
    pointer = str(refusal.params.get("pointer") or "")
    member = pointer.split("/")[1] if pointer.startswith("/") else ""
    message = plain_message(refusal.code, pointer, input_params(refusal.params), refusal.message)
    if member == _SERVICES_MEMBER:
        return message
    form.add_error(_FIELD_OF_MEMBER.get(member), message)
    return None


@dataclass(frozen=True)
class SummaryEntry:
    """One line of the error summary: the message and the id of the field it is about."""

    target: str
    message: str


def error_summary(
    form: DossierForm, services: Any, services_error: str | None, services_pointer: str
) -> list[SummaryEntry]:
    """Every error on the page, in the order of the form, each linked to its field."""
    entries = [SummaryEntry("edit-heading", str(e)) for e in form.non_field_errors()]
    for name in form.fields:
        for error in form.errors.get(name, []):
            entries.append(SummaryEntry(_field_id(form, name), str(error)))
        if name == "ownership":
            entries.extend(_services_entries(services, services_error, services_pointer))
    return entries


def _services_entries(services: Any, services_error: str | None, pointer: str) -> list[SummaryEntry]:
    entries = [SummaryEntry("services-heading", str(e)) for e in services.non_form_errors()]
    for row in services.forms:
        for name in row.fields:
            for error in row.errors.get(name, []):
                entries.append(SummaryEntry(_field_id(row, name), str(error)))
    if services_error:
        parts = [p for p in pointer.split("/") if p]
        target = "services-heading"
        if len(parts) >= 3 and parts[1].isdigit() and parts[2] in ("code", "scope", "content"):
            target = f"id_services-{parts[1]}-{parts[2]}"
            if parts[2] == "content":
                target += "_0"
        entries.append(SummaryEntry(target, services_error))
    return entries


def _field_id(form: Any, name: str) -> str:
    field = form[name]
    widget = field.field.widget
    if isinstance(widget, (RadioSelect, CheckboxSelectMultiple)):
        return f"{field.auto_id}_0"
    return str(field.auto_id)


def _dossier_context(
    request: HttpRequest,
    application: Application,
    *,
    form: DossierForm,
    services: Any,
    services_error: str | None,
) -> dict[str, Any]:
    context = application_context(request.user, application, legal_today())
    open_actions = {action for action, _form in context["action_forms"]}
    context.update(
        form=form,
        services_formset=services,
        services_error=services_error,
        upload_form=UploadForm(),
        editable=application.status in DOSSIER_EDITABLE_STATES,
        # The submit button shows (disabled, with what is missing) even while submitting is refused.
        submit_form=action_form(Action.SUBMIT, version=application.version)
        if application.status == State.DRAFT
        else None,
        can_submit=Action.SUBMIT in open_actions,
        answer_form=_form_for(context, Action.ANSWER_SUPPLEMENT),
        other_actions=[(a, f) for a, f in context["action_forms"] if a not in APPLICANT_DOSSIER_ACTIONS],
        # A draft never submitted (no timeline event) may be deleted (services/applications/drafts.py).
        can_delete=application.status == State.DRAFT and not context["events"],
    )
    return context


def _form_for(context: dict[str, Any], action: Action) -> Any:
    return next((form for a, form in context["action_forms"] if a == action), None)
