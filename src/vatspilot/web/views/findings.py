"""Findings on the web: the list (/findings/: every finding for MIIT, a local officer's jurisdictions',
the holder's own; filters from the query string), a finding's page with a form per action the reader may
take now (the holder's remediation with evidence; the authority's acceptance, rejection, dismissal and
the escalation ladder: rectification order, scope reduction, revocation after a confirmation page), and
the evidence's download.

The finding is fetched through store.access.access_finding (missing and not yours alike: 404); whether
the reader may act is the lifecycle's answer (an action their role may not take: 403, as on the licence
page); a refused action is shown again with its error at the top of its form, naming the field, and
nothing is written (the writers are one transaction each).
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from config.downloads import stored_download
from vatspilot.domain.lifecycle import ROLE_NOT_ALLOWED
from vatspilot.domain.supervision.findings import FindingAction, FindingState, Severity
from vatspilot.queries.findings import FindingList, evidence_of, finding_detail, finding_list, findings_export
from vatspilot.services.calendar.legal_day import legal_today
from vatspilot.services.lifecycle import ActionRefused, Conflict
from vatspilot.services.supervision.findings import (
    FINDING_WRITERS,
)
from vatspilot.services.vocabulary import FINDING_ACTIONS, FINDING_EVENTS
from vatspilot.store.access import NotFound, access_finding
from vatspilot.store.models.supervision import Finding
from vatspilot.web.exports import csv_response, xlsx_response
from vatspilot.web.finding_forms import FindingFilterForm, field_label, finding_form


def _listing(request: HttpRequest) -> tuple[FindingFilterForm, list[str], FindingList]:
    """The list the query string asks for, or (with the errors) the unfiltered one when it asks badly."""
    form = FindingFilterForm(request.GET or None)
    errors: list[str] = []
    data: dict[str, Any] = {}
    if form.is_bound:
        if form.is_valid():
            data = form.cleaned_data
        else:
            errors = [
                _("%(field)s: %(problem)s") % {"field": form.fields[name].label, "problem": problem}
                for name, problems in form.errors.items()
                for problem in problems
            ]
    listing = finding_list(
        request.user,
        today=legal_today(),
        severity=Severity(data["severity"]) if data.get("severity") else None,
        state=FindingState(data["status"]) if data.get("status") else None,
        overdue=bool(data.get("overdue")),
        licence_number=str(data.get("licence") or "").strip(),
    )
    return form, errors, listing


@login_required
@require_GET
def finding_list_page(request: HttpRequest) -> HttpResponse:
    form, errors, listing = _listing(request)
    # The exports take the same filters as the page.
    query = request.GET.urlencode()
    context = {
        "form": form,
        "errors": errors,
        "rows": [] if errors else listing.rows,
        "total": listing.total,
        "supervisor": listing.supervisor,
        "query": f"?{query}" if query else "",
    }
    return render(request, "web/findings/list.html", context, status=400 if errors else 200)


@login_required
@require_GET
def finding_export(request: HttpRequest, extension: str) -> HttpResponse:
    if extension not in ("csv", "xlsx"):
        raise NotFound("no such format")
    _form, errors, listing = _listing(request)
    if errors:
        return HttpResponse("; ".join(errors), status=400, content_type="text/plain; charset=utf-8")
    table = findings_export(listing, legal_today())
    return csv_response(table) if extension == "csv" else xlsx_response(table)


def _page(
    request: HttpRequest,
    finding: Finding,
    *,
    bound: forms.Form | None = None,
    bound_action: FindingAction | None = None,
    refusal: str = "",
    status: int = 200,
) -> HttpResponse:
    detail = finding_detail(cast(User, request.user), finding, today=legal_today())
    action_forms = [
        (
            action,
            bound if bound is not None and bound_action is action else finding_form(action, finding),
            FINDING_ACTIONS[action],
        )
        for action in detail.actions
    ]
    context = {
        "finding": detail,
        "action_forms": action_forms,
        "refused_action": bound_action,
        "refusal": refusal,
        "chinese": (get_language() or "").startswith("zh"),
    }
    return render(request, "web/findings/detail.html", context, status=status)


@login_required
@require_GET
def finding_page(request: HttpRequest, finding_id: int) -> HttpResponse:
    return _page(request, access_finding(request.user, finding_id))


def _problems(form: forms.Form) -> str:
    return "; ".join(
        f"{field_label(form, name)}: {problem}" if field_label(form, name) else str(problem)
        for name, errors in form.errors.items()
        for problem in errors
    )


@login_required
@require_POST
def finding_action(request: HttpRequest, finding_id: int, action: str) -> HttpResponse:
    finding = access_finding(request.user, finding_id)
    try:
        chosen = FindingAction(action)
    except ValueError:
        raise NotFound("no such action") from None
    form = finding_form(chosen, finding, data=request.POST, files=request.FILES)
    if not form.is_valid():
        return _page(request, finding, bound=form, bound_action=chosen, refusal=_problems(form), status=422)
    fields = form.writer_fields()  # type: ignore[attr-defined]
    if chosen is FindingAction.REVOKE and not fields.pop("confirmed"):
        # Irreversible: the same fields once more, on a page that says what will happen (popped either way:
        # the writer takes no confirmation).
        detail = finding_detail(cast(User, request.user), finding, today=legal_today())
        return render(request, "web/findings/confirm_revoke.html", {"finding": detail, "form": form})
    try:
        FINDING_WRITERS[chosen](
            actor=request.user,
            finding=finding,
            on=legal_today(),
            expected_version=form.cleaned_data["expected_version"],
            **fields,
        )
    except Conflict as conflict:
        finding.refresh_from_db()
        return _page(request, finding, refusal=conflict.message, bound_action=chosen, status=409)
    except ActionRefused as refused:
        if refused.code == ROLE_NOT_ALLOWED:
            raise PermissionDenied(refused.message) from None
        finding.refresh_from_db()
        named = field_label(form, refused.params.get("field"))
        refusal = f"{named}: {refused.message}" if named else refused.message
        return _page(request, finding, bound=form, bound_action=chosen, refusal=refusal, status=422)
    messages.success(request, _("Done: %(step)s.") % {"step": FINDING_EVENTS[chosen]})
    return redirect("web:finding", finding.pk)


@login_required
@require_GET
def evidence_download(request: HttpRequest, finding_id: int, evidence_id: int) -> FileResponse:
    finding = access_finding(request.user, finding_id)
    item = evidence_of(finding, evidence_id)
    return stored_download(item.file, filename=item.filename, content_type="application/octet-stream", what="evidence")
