"""A licence for its holder and the officials who see it: the licence page (its services and areas,
conditions, validity, effective status and history, with notes), the authority's decisions on it (the
forms for what the lifecycle allows the reader now), and the certificate: the signed PDF, made from the
register as it stands."""

from __future__ import annotations

import logging
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from config.downloads import made_download
from vatspilot.domain.licences.lifecycle import LicenceAction
from vatspilot.domain.lifecycle import ROLE_NOT_ALLOWED
from vatspilot.queries.licence_detail import licence_detail
from vatspilot.services.calendar.legal_day import legal_today
from vatspilot.services.licences.actions import (
    LICENCE_DECISIONS,
)
from vatspilot.services.licences.cancellation import may_request_cancellation, request_cancellation
from vatspilot.services.licences.certificate import SigningKeyMissing, signed_certificate
from vatspilot.services.lifecycle import ActionRefused, Conflict
from vatspilot.services.vocabulary import LICENCE_ACTIONS, LICENCE_EVENTS
from vatspilot.store.access import NotFound, access_licence
from vatspilot.store.models import Licence
from vatspilot.web.licence_forms import LicenceDecisionForm

logger = logging.getLogger(__name__)


@login_required
@require_GET
def certificate(request: HttpRequest, number: str) -> HttpResponse:
    licence = access_licence(request.user, number)
    try:
        pdf = signed_certificate(licence)
    except SigningKeyMissing as missing:
        # The platform's set-up, not the user's doing: said to them plainly, and to the operator in the log.
        logger.error("licence certificate %s not made: %s", licence.number, missing)
        text = _(
            "The certificate cannot be made now: the platform has no signing key yet. Please tell the administrator."
        )
        messages.error(request, text)
        return redirect("web:application", licence.application_id)
    return made_download(pdf, filename=f"licence-{licence.number}.pdf", content_type="application/pdf")


# --- The licence page: the licence, its history, and the authority's decisions -----------------------

# The writer each decision's form calls (its fields, declared in domain.licences.action_fields, are the
# writer's keyword parameters; a refusal that names one is shown with that field's label at the top of the
# form).
# The holder's application for cancellation: not a row of the table (no status changes), so it has its
# own form, posted to the actions URL under this name (a slug no LicenceAction takes).
REQUEST_CANCELLATION = "request-cancellation"


class CancellationRequestForm(forms.Form):
    """The holder's application: an explicit confirmation, since MIIT then cancels on it."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    confirm = forms.BooleanField(
        required=True,
        label=gettext_lazy("The holder applies for the cancellation of this licence."),
        help_text=gettext_lazy("MIIT decides on the application; once cancelled, the licence cannot be restored."),
    )

    def __init__(self, licence: Licence, *args: Any, **kwargs: Any) -> None:
        # The box comes before its label, a whole sentence: no colon after it.
        super().__init__(*args, prefix="cancellation", label_suffix="", **kwargs)
        self.initial["expected_version"] = licence.version


def _field_label(form: LicenceDecisionForm, name: object) -> str:
    field = form.fields.get(str(name)) if name else None
    return str(field.label) if field is not None and field.label else ""


def _page(
    request: HttpRequest,
    licence: Licence,
    *,
    bound: LicenceDecisionForm | None = None,
    refusal: str = "",
    status: int = 200,
    bound_request: CancellationRequestForm | None = None,
) -> HttpResponse:
    detail = licence_detail(cast(User, request.user), licence, today=legal_today())
    forms_shown = [
        bound if bound is not None and bound.action is action else LicenceDecisionForm(action, licence)
        for action in detail.actions
        if action in LICENCE_DECISIONS
    ]
    reader = cast(User, request.user)
    cancellation_form = None
    if may_request_cancellation(reader, licence):
        cancellation_form = bound_request if bound_request is not None else CancellationRequestForm(licence)
    context = {
        "licence": detail,
        "cancellation_form": cancellation_form,
        "cancellation_requested_on": licence.cancellation_requested_on,
        "decision_forms": [(form, LICENCE_ACTIONS[form.action]) for form in forms_shown],
        "refused_form": bound,
        "refusal": refusal,
        "chinese": (get_language() or "").startswith("zh"),
    }
    return render(request, "web/licences/detail.html", context, status=status)


@login_required
@require_GET
def licence_page(request: HttpRequest, number: str) -> HttpResponse:
    return _page(request, access_licence(request.user, number))


@login_required
@require_POST
def licence_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    licence = access_licence(request.user, number)
    if action == REQUEST_CANCELLATION:
        return _request_cancellation(request, licence)
    try:
        chosen = LicenceAction(action)
    except ValueError:
        raise NotFound("no such action") from None
    if chosen not in LICENCE_DECISIONS:
        raise NotFound("no such action")
    form = LicenceDecisionForm(chosen, licence, data=request.POST)
    if not form.is_valid():
        problems = [
            f"{_field_label(form, name)}: {problem}" for name, errors in form.errors.items() for problem in errors
        ]
        return _page(request, licence, bound=form, refusal="; ".join(problems), status=422)
    try:
        LICENCE_DECISIONS[chosen](
            actor=request.user,
            licence=licence,
            on=legal_today(),
            expected_version=form.cleaned_data["expected_version"],
            **form.writer_fields(licence),
        )
    except Conflict as conflict:
        licence.refresh_from_db()
        return _page(request, licence, bound=form, refusal=conflict.message, status=409)
    except ActionRefused as refused:
        if refused.code == ROLE_NOT_ALLOWED:
            raise PermissionDenied(refused.message) from None
        licence.refresh_from_db()
        named = _field_label(form, refused.params.get("field"))
        refusal = f"{named}: {refused.message}" if named else refused.message
        return _page(request, licence, bound=form, refusal=refusal, status=422)
    messages.success(request, _("Done: %(action)s.") % {"action": LICENCE_EVENTS[chosen]})
    return redirect("web:licence", licence.number)


def _request_cancellation(request: HttpRequest, licence: Licence) -> HttpResponse:
    form = CancellationRequestForm(licence, data=request.POST)
    if not form.is_valid():
        return _page(
            request,
            licence,
            bound_request=form,
            refusal=_("Confirm that the holder applies for the cancellation."),
            status=422,
        )
    try:
        request_cancellation(
            actor=cast(User, request.user),
            licence=licence,
            on=legal_today(),
            expected_version=form.cleaned_data["expected_version"],
        )
    except Conflict as conflict:
        licence.refresh_from_db()
        return _page(request, licence, bound_request=form, refusal=conflict.message, status=409)
    except ActionRefused as refused:
        if refused.code == "role-not-allowed":
            raise PermissionDenied(refused.message) from None
        # Already applied for, or no longer valid: the form is gone from the page, so say it at the top.
        messages.error(request, refused.message)
        return redirect("web:licence", licence.number)
    messages.success(request, _("Your application for cancellation has been recorded. MIIT decides on it."))
    return redirect("web:licence", licence.number)
