"""The holder's filings on a licence (services.licences.filings): filing a change or a renewal, a filing's
page, and the decisions on it (MIIT approves or refuses with its reason, the holder withdraws). The
licence page lists the filings (web/licences/_filings.html, from queries.licence_filings).

A refusal is shown at the top of the form, named by the field it is about; nothing is written (each
writer is one transaction). Only a member of the holder may file (403 for the others who see the
licence; 404, as for a missing licence, for those who do not)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from vatspilot.domain.licences.filings import FilingAction, FilingKind
from vatspilot.domain.lifecycle import ROLE_NOT_ALLOWED
from vatspilot.queries.licence_filings import filing_row, licence_filings
from vatspilot.services.calendar.legal_day import legal_today
from vatspilot.services.licences.filings import (
    FILING_WRITERS,
    current_profile,
    file_change,
    file_renewal,
    may_file,
)
from vatspilot.services.lifecycle import ActionRefused, Conflict
from vatspilot.services.vocabulary import FILING_ACTIONS
from vatspilot.store.access import NotFound, access_filing, access_licence
from vatspilot.store.models import Licence, LicenceFiling
from vatspilot.web.filing_forms import (
    FIELD_LABELS,
    ChangeFilingForm,
    FilingDecisionForm,
    RenewalForm,
    ShareholderFormSet,
    error_lines,
)
from vatspilot.web.forms import ServiceFormSet


def _refusal_text(refused: ActionRefused) -> str:
    field = refused.params.get("field")
    label = FIELD_LABELS.get(str(field)) if field else None
    return f"{label}: {refused.message}" if label else refused.message


def _holder_only(request: HttpRequest, number: str) -> Licence:
    licence = access_licence(request.user, number)
    if not may_file(cast(User, request.user), licence):
        raise PermissionDenied(_("Only a member of the licence holder may file on this licence."))
    return licence


def _holders_initial(profile: Mapping[str, object]) -> list[dict[str, object]]:
    holders = profile.get("shareholders")
    return [
        {"name": h.get("name", ""), "jurisdiction": h.get("jurisdiction", ""), "percent": h.get("percent")}
        for h in (holders if isinstance(holders, list) else [])
        if isinstance(h, Mapping)
    ]


def _with_look_through(rows: list[dict[str, object]], profile: Mapping[str, object]) -> list[dict[str, object]]:
    """The rows form states direct shareholders only: a holder kept under the same name and jurisdiction
    keeps the shareholders it was looked through to."""
    holders = profile.get("shareholders")
    nested = {
        (h.get("name"), h.get("jurisdiction")): h["shareholders"]
        for h in (holders if isinstance(holders, list) else [])
        if isinstance(h, Mapping) and h.get("shareholders") is not None
    }
    return [
        {**row, "shareholders": nested[(row["name"], row["jurisdiction"])]}
        if (row["name"], row["jurisdiction"]) in nested
        else row
        for row in rows
    ]


def _services_initial(profile: Mapping[str, object]) -> list[dict[str, object]]:
    services = profile.get("services")
    return [
        {"code": s.get("code", ""), "scope": s.get("scope", ""), "content": s.get("content", [])}
        for s in (services if isinstance(services, list) else [])
        if isinstance(s, Mapping)
    ]


@login_required
@require_http_methods(["GET", "POST"])
def change_page(request: HttpRequest, number: str) -> HttpResponse:
    licence = _holder_only(request, number)
    profile = current_profile(licence)
    form = ChangeFilingForm()
    holders = ShareholderFormSet(prefix="shareholders", initial=_holders_initial(profile))
    services = ServiceFormSet(prefix="services", initial=_services_initial(profile))
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        form = ChangeFilingForm(request.POST)
        holders = ShareholderFormSet(request.POST, prefix="shareholders")
        services = ServiceFormSet(request.POST, prefix="services")
        if form.is_valid() and holders.is_valid() and services.is_valid():
            data = form.cleaned_data
            rows = [row for row in (f.holder() for f in holders.forms) if row is not None]
            try:
                file_change(
                    actor=cast(User, request.user),
                    licence=licence,
                    on=legal_today(),
                    changed_on=data["changed_on"],
                    kinds=list(data["kinds"]),
                    name_zh=data["name_zh"],
                    name_en=data["name_en"],
                    legal_representative=data["legal_representative"],
                    registered_capital_cny=data["registered_capital_cny"],
                    shareholders=_with_look_through(rows, profile),
                    services=[s for s in (f.service() for f in services.forms) if s is not None],
                )
            except ActionRefused as refused:
                errors.append(_refusal_text(refused))
            else:
                messages.success(request, _("Your change filing has been recorded. MIIT decides on it."))
                return redirect("web:licence", licence.number)
        else:
            errors = error_lines(form)
            errors += [f"{FIELD_LABELS['shareholders']}: {line}" for line in error_lines(holders)]
            errors += [f"{FIELD_LABELS['services']}: {line}" for line in error_lines(services)]
        status = 422
    context = {
        "licence": licence,
        "form": form,
        "shareholders_formset": holders,
        "services_formset": services,
        "errors": errors,
        "filings": licence_filings(cast(User, request.user), licence, today=legal_today()),
    }
    return render(request, "web/filings/change.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def renewal_page(request: HttpRequest, number: str) -> HttpResponse:
    licence = _holder_only(request, number)
    form = RenewalForm(licence)
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        form = RenewalForm(licence, request.POST)
        if form.is_valid():
            try:
                file_renewal(
                    actor=cast(User, request.user), licence=licence, on=legal_today(), launched=form.launched()
                )
            except ActionRefused as refused:
                errors.append(_refusal_text(refused))
            else:
                messages.success(request, _("Your renewal has been filed. MIIT decides on it."))
                return redirect("web:licence", licence.number)
        else:
            errors = error_lines(form)
        status = 422
    context = {
        "licence": licence,
        "form": form,
        "errors": errors,
        "filings": licence_filings(cast(User, request.user), licence, today=legal_today()),
    }
    return render(request, "web/filings/renewal.html", context, status=status)


def _filing_page(
    request: HttpRequest,
    filing: LicenceFiling,
    *,
    bound: FilingDecisionForm | None = None,
    errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    row = filing_row(cast(User, request.user), filing)
    decision_forms = [
        (bound if bound is not None and bound.action is action else FilingDecisionForm(action, filing.version))
        for action in row.actions
    ]
    context: dict[str, Any] = {
        "licence": filing.licence,
        "filing": row,
        "decision_forms": [(form, FILING_ACTIONS[form.action]) for form in decision_forms],
        "refused_form": bound,
        "errors": errors or [],
        "renewal": row.kind == FilingKind.RENEWAL.value,
    }
    return render(request, "web/filings/filing.html", context, status=status)


@login_required
def filing_page(request: HttpRequest, number: str, filing_id: int) -> HttpResponse:
    return _filing_page(request, access_filing(request.user, number, filing_id))


@login_required
@require_POST
def filing_action(request: HttpRequest, number: str, filing_id: int, action: str) -> HttpResponse:
    filing = access_filing(request.user, number, filing_id)
    try:
        chosen = FilingAction(action)
    except ValueError:
        raise NotFound("no such action") from None
    form = FilingDecisionForm(chosen, filing.version, data=request.POST)
    if not form.is_valid():
        return _filing_page(request, filing, bound=form, errors=error_lines(form), status=422)
    fields: dict[str, Any] = {"reason": form.cleaned_data["reason"]} if chosen is not FilingAction.WITHDRAW else {}
    try:
        FILING_WRITERS[chosen](
            actor=cast(User, request.user),
            filing=filing,
            on=legal_today(),
            expected_version=form.cleaned_data["expected_version"],
            **fields,
        )
    except Conflict as conflict:
        filing.refresh_from_db()
        return _filing_page(request, filing, bound=form, errors=[conflict.message], status=409)
    except ActionRefused as refused:
        if refused.code == ROLE_NOT_ALLOWED:
            raise PermissionDenied(refused.message) from None
        filing.refresh_from_db()
        return _filing_page(request, filing, bound=form, errors=[_refusal_text(refused)], status=422)
    messages.success(request, _("Done: %(action)s.") % {"action": FILING_ACTIONS[chosen]})
    return redirect("web:licence", number)
