"""Random inspections on the web: /inspections/ (MIIT reviewers, local officers, inspectors: the draw
form for those who may draw, the published draws, the inspections the reader may see), each draw's
public page (/inspections/draws/<id>/, no sign-in: "one public", with what anyone needs to re-run it),
and an inspection's page for its team and supervisors, where a member of the team records it.

/inspections/ refuses anyone else with a 403 (as /exits/ does); an inspection is fetched through
store.access.access_inspection (missing and not yours alike: 404); a refused draw or record is shown
again with its error at the top of its form, naming the field, and nothing is written.
"""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vatspilot.domain.supervision.draw import ALGORITHM
from vatspilot.queries.inspections import (
    draw_options,
    draws,
    inspection_detail,
    inspections_in_reach,
    public_draw,
    uses_inspections,
)
from vatspilot.services.calendar.legal_day import legal_today
from vatspilot.services.lifecycle import ActionRefused
from vatspilot.services.supervision.inspections import record_inspection, run_draw
from vatspilot.store.access import access_inspection
from vatspilot.store.models.supervision import Inspection, InspectionKind
from vatspilot.web.finding_forms import field_label
from vatspilot.web.inspection_forms import DrawForm, RecordInspectionForm

# Field names the services' refusals use that the forms call otherwise.
_SERVICE_FIELDS = {"on": "done_on"}


def _problems(form: forms.Form) -> str:
    return "; ".join(
        f"{field_label(form, name)}: {problem}" if field_label(form, name) else str(problem)
        for name, errors in form.errors.items()
        for problem in errors
    )


def _refusal(form: forms.Form, refused: ActionRefused) -> str:
    name = refused.params.get("field")
    named = field_label(form, _SERVICE_FIELDS.get(str(name), name))
    return f"{named}: {refused.message}" if named else refused.message


@login_required
@require_http_methods(["GET", "POST"])
def inspections_page(request: HttpRequest) -> HttpResponse:
    if not uses_inspections(request.user):
        raise PermissionDenied("only supervisors and inspectors use the inspections page")
    today = legal_today()
    options = draw_options(request.user)
    form = DrawForm(options, today=today) if options is not None else None
    refusal = ""
    status = 200
    if request.method == "POST":
        if options is None:
            raise PermissionDenied("only MIIT reviewers and local officers draw inspections")
        form = DrawForm(options, data=request.POST, today=today)
        if not form.is_valid():
            refusal, status = _problems(form), 422
        else:
            data = form.cleaned_data
            try:
                record = run_draw(
                    actor=cast(User, request.user),
                    jurisdiction=form.chosen_jurisdiction(),
                    seed=data["seed"],
                    on=today,
                    kind=InspectionKind(data["kind"]),
                    licensee_count=data["licensee_count"],
                    inspectors_per_licensee=data["inspectors_per_licensee"],
                    declared_conflicts=data["conflicts"],
                )
            except ActionRefused as refused:
                refusal, status = _refusal(form, refused), 422
            else:
                messages.success(request, _("The draw is made and published."))
                return redirect("web:draw", record.pk)
    context = {
        "form": form,
        "refusal": refusal,
        "draws": draws(),
        "inspections": inspections_in_reach(request.user),
    }
    return render(request, "web/inspections/index.html", context, status=status)


@require_GET
def draw_page(request: HttpRequest, draw_id: int) -> HttpResponse:
    """Public: no sign-in."""
    return render(request, "web/inspections/draw.html", {"draw": public_draw(draw_id), "algorithm": ALGORITHM})


def _inspection_page(
    request: HttpRequest, inspection: Inspection, *, form: RecordInspectionForm | None = None, refusal: str = ""
) -> HttpResponse:
    detail = inspection_detail(request.user, inspection)
    if form is None and detail.may_record:
        form = RecordInspectionForm(today=legal_today())
    context = {"inspection": detail, "form": form if detail.may_record else None, "refusal": refusal}
    return render(request, "web/inspections/detail.html", context, status=422 if refusal else 200)


@login_required
@require_GET
def inspection_page(request: HttpRequest, inspection_id: int) -> HttpResponse:
    return _inspection_page(request, access_inspection(request.user, inspection_id))


@login_required
@require_POST
def inspection_record(request: HttpRequest, inspection_id: int) -> HttpResponse:
    inspection = access_inspection(request.user, inspection_id)
    form = RecordInspectionForm(data=request.POST, today=legal_today())
    if not form.is_valid():
        return _inspection_page(request, inspection, form=form, refusal=_problems(form))
    data = form.cleaned_data
    try:
        record_inspection(
            actor=cast(User, request.user),
            inspection=inspection,
            on=data["done_on"],
            summary=data["summary"],
            found=data["found"],
        )
    except ActionRefused as refused:
        if refused.code == "role-not-allowed":
            raise PermissionDenied(refused.message) from None
        inspection.refresh_from_db()
        return _inspection_page(request, inspection, form=form, refusal=_refusal(form, refused))
    messages.success(request, _("The inspection is recorded."))
    return redirect("web:inspection", inspection.pk)
