"""The public register of licences, open to anyone without signing in: the search, one licence with its
history, the QR code's verification page and the bulk export (CSV).

The pages only render the read models of vatspilot.queries.register, which hold nothing personal. The
statuses are effective on the legal day (a licence past its last day is expired before the daily job
records it). The words for the licence's states, steps and verdicts are the licence vocabulary's
(services/vocabulary.py).
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_stubs_ext import StrOrPromise

from vatspilot.domain.licences.lifecycle import LicenceState
from vatspilot.queries.register import (
    EXPORT_COLUMNS,
    Named,
    RegisterEntry,
    RegisterLicence,
    register_entry,
    register_regions,
    register_rows_for_export,
    register_services,
    search_register,
)
from vatspilot.services.calendar.legal_day import legal_today
from vatspilot.services.vocabulary import LICENCE_EVENTS, LICENCE_STATES, LICENCE_VERDICTS

# The words are the licence's vocabulary (services/vocabulary.py), shared with the licence page.
STATES = LICENCE_STATES
EVENTS = LICENCE_EVENTS
VERDICTS = LICENCE_VERDICTS

# The verdict's colour: the badges the clock uses.
VERDICT_TONES: Mapping[str, str] = {
    LicenceState.VALID: "success",
    LicenceState.SUSPENDED: "warning",
    LicenceState.REVOKED: "error",
    LicenceState.CANCELLED: "error",
    LicenceState.EXPIRED: "error",
}


def _chinese() -> bool:
    return (get_language() or "").startswith("zh")


def _name(item: Named, chinese: bool) -> str:
    return (item.name_zh if chinese else item.name_en) or item.name_en or item.name_zh


class RegisterSearchForm(forms.Form):
    """The search, from the query string; every field optional."""

    text = forms.CharField(label=pgettext_lazy("register", "Holder's name"), max_length=300, required=False)
    number = forms.CharField(label=pgettext_lazy("register", "Licence number"), max_length=40, required=False)
    uscc = forms.CharField(label=pgettext_lazy("register", "Unified Social Credit Code"), max_length=18, required=False)
    region = forms.ChoiceField(label=pgettext_lazy("register", "Region"), required=False)
    service = forms.ChoiceField(label=pgettext_lazy("register", "Service"), required=False)
    status = forms.ChoiceField(label=pgettext_lazy("register", "Status"), required=False)

    def __init__(self, data: Any, *, regions: list[Named], services: list[Named], chinese: bool) -> None:
        super().__init__(data)
        anything: list[tuple[str, StrOrPromise]] = [("", pgettext_lazy("register", "Any"))]
        fields: dict[str, Any] = self.fields
        fields["region"].choices = [*anything, *((r.code, _name(r, chinese)) for r in regions)]
        fields["service"].choices = [*anything, *((s.code, f"{s.code} {_name(s, chinese)}") for s in services)]
        fields["status"].choices = [*anything, *STATES.items()]


def _results(rows: list[RegisterLicence]) -> list[tuple[RegisterLicence, StrOrPromise]]:
    return [(row, STATES[row.status]) for row in rows]


@login_not_required
@require_GET
def register_search(request: HttpRequest) -> HttpResponse:
    today = legal_today()
    chinese = _chinese()
    form = RegisterSearchForm(
        request.GET or None, regions=register_regions(), services=register_services(today), chinese=chinese
    )
    errors: list[str] = []
    rows: list[RegisterLicence] = []
    if not form.is_bound:
        rows = search_register(today=today)
    elif form.is_valid():
        data = form.cleaned_data
        rows = search_register(
            text=data["text"],
            number=data["number"],
            uscc=data["uscc"],
            region=data["region"],
            service=data["service"],
            status=LicenceState(data["status"]) if data["status"] else None,
            today=today,
        )
    else:
        errors = [
            _("%(field)s: %(problem)s") % {"field": form.fields[name].label, "problem": problem}
            for name, problems in form.errors.items()
            for problem in problems
        ]
    context = {"form": form, "errors": errors, "results": _results(rows), "chinese": chinese, "today": today}
    return render(request, "web/register/search.html", context, status=400 if errors else 200)


def _state(code: str) -> StrOrPromise:
    return STATES.get(code, code)


def _entry(number: str) -> RegisterEntry | None:
    return register_entry(number, today=legal_today())


@login_not_required
@require_GET
def register_licence(request: HttpRequest, number: str) -> HttpResponse:
    entry = _entry(number)
    if entry is None:
        raise Http404(number)
    history = [
        (event, EVENTS.get(event.action, event.action), _state(event.from_state), _state(event.to_state))
        for event in entry.history
    ]
    context = {
        "licence": entry.licence,
        "status": STATES[entry.licence.status],
        "history": history,
        "chinese": _chinese(),
    }
    return render(request, "web/register/licence.html", context)


@login_not_required
@require_GET
def verify(request: HttpRequest, number: str) -> HttpResponse:
    entry = _entry(number)
    if entry is None:
        return render(request, "web/register/verify.html", {"number": number, "licence": None}, status=404)
    status = entry.licence.status
    context = {
        "number": number,
        "licence": entry.licence,
        "status": STATES[status],
        "verdict": VERDICTS[status],
        "tone": VERDICT_TONES[status],
        "chinese": _chinese(),
    }
    return render(request, "web/register/verify.html", context)


@login_not_required
@require_GET
def register_export_csv(request: HttpRequest) -> HttpResponse:
    today = legal_today()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="licence-register-{today.isoformat()}.csv"'
    # The byte-order mark tells Excel the file is UTF-8, or it shows the Chinese names as mojibake.
    response.write("\ufeff")
    writer = csv.writer(response, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    for row in register_rows_for_export(today):
        writer.writerow(row.cells)
    return response
