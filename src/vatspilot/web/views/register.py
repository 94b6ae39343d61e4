"""The public register of licences, open to anyone without signing in: the search, one licence with its
history, the QR code's verification page and the export of a search's licences (CSV and XLSX).

The pages only render the read models of vatspilot.queries.register, which hold nothing personal. The
statuses are effective on the legal day (a licence past its last day is expired before the daily job
records it). The words for the licence's states, steps and verdicts are the licence vocabulary's
(services/vocabulary.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_stubs_ext import StrOrPromise

from vatspilot.domain.licences.lifecycle import LicenceState
from vatspilot.queries.exports import ExportTable
from vatspilot.queries.network_exits import public_exit
from vatspilot.queries.register import (
    Named,
    RegisterEntry,
    RegisterLicence,
    register_entry,
    register_export,
    register_regions,
    register_services,
    search_register,
)
from vatspilot.services.calendar.legal_day import legal_today
from vatspilot.services.licences.filing_lifecycle import FILING_EVENT_PREFIX
from vatspilot.services.vocabulary import (
    LICENCE_EVENTS,
    LICENCE_HISTORY_EVENTS,
    LICENCE_HISTORY_STATES,
    LICENCE_STATES,
    LICENCE_VERDICTS,
)
from vatspilot.web.exports import csv_response, xlsx_response
from vatspilot.web.templatetags.vatspilot_language import FiledAs, particulars

# The first step of a holder's filing on the licence's history (services.licences.filings).
_FILING_FILED = f"{FILING_EVENT_PREFIX}file"

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


def _search(
    request: HttpRequest, today: date, chinese: bool
) -> tuple[RegisterSearchForm, list[str], list[RegisterLicence]]:
    """The search the query string asks for: the form, its errors (each naming its field) and the licences
    found. The page and both exports run it, so an export holds exactly the rows the page lists."""
    form = RegisterSearchForm(
        request.GET or None, regions=register_regions(), services=register_services(today), chinese=chinese
    )
    if not form.is_bound:
        return form, [], search_register(today=today)
    if form.is_valid():
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
        return form, [], rows
    errors = [
        _("%(field)s: %(problem)s") % {"field": form.fields[name].label, "problem": problem}
        for name, problems in form.errors.items()
        for problem in problems
    ]
    return form, errors, []


def _export_query(form: RegisterSearchForm) -> str:
    """The query string that makes an export hold the page's rows: the search's filters given, if any."""
    if not form.is_bound or not form.is_valid():
        return ""
    return urlencode([(name, value) for name, value in form.cleaned_data.items() if value])


def _page(request: HttpRequest, today: date, chinese: bool) -> HttpResponse:
    form, errors, rows = _search(request, today, chinese)
    context = {
        "form": form,
        "errors": errors,
        "results": _results(rows),
        "chinese": chinese,
        "today": today,
        "export_query": _export_query(form),
    }
    return render(request, "web/register/search.html", context, status=400 if errors else 200)


@login_not_required
@require_GET
def register_search(request: HttpRequest) -> HttpResponse:
    return _page(request, legal_today(), _chinese())


def _state(code: str) -> StrOrPromise:
    return STATES.get(code, code)


def _entry(number: str) -> RegisterEntry | None:
    return register_entry(number, today=legal_today())


def _filings_filed(entry: RegisterEntry) -> dict[int, FiledAs]:
    """Each filing on the licence's history by its number, with its kind and the day it was filed."""
    filed: dict[int, FiledAs] = {}
    for event in entry.history:
        if event.action != _FILING_FILED:
            continue
        details = dict(event.details)
        number, kind = details.get("filing"), details.get("kind", "")
        if isinstance(number, int):
            filed[number] = FiledAs(kind=str(kind), on=event.on)
    return filed


@login_not_required
@require_GET
def register_licence(request: HttpRequest, number: str) -> HttpResponse:
    entry = _entry(number)
    if entry is None:
        raise Http404(number)
    # The history holds the network exit's steps too, in the exit's states (services.vocabulary); a step on
    # a filing names it by its kind and the day it was filed, which the filing's first step tells.
    filings = _filings_filed(entry)
    history = [
        (
            event,
            LICENCE_HISTORY_EVENTS.get(event.action, event.action),
            LICENCE_HISTORY_STATES.get(event.from_state, event.from_state),
            LICENCE_HISTORY_STATES.get(event.to_state, event.to_state),
            particulars(event.details, filings, action=event.action, on=event.on),
        )
        for event in entry.history
    ]
    context = {
        "licence": entry.licence,
        "status": STATES[entry.licence.status],
        "history": history,
        "chinese": _chinese(),
        "network_exit": public_exit(number),
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


def _export(request: HttpRequest, write: Callable[[ExportTable], HttpResponse]) -> HttpResponse:
    """The licences the search would list (every licence without filters), written by ``write``; a bad
    filter is the search page's 400 naming the field, not a file."""
    today, chinese = legal_today(), _chinese()
    _form, errors, rows = _search(request, today, chinese)
    if errors:
        return _page(request, today, chinese)
    return write(register_export(today, rows))


@login_not_required
@require_GET
def register_export_csv(request: HttpRequest) -> HttpResponse:
    return _export(request, csv_response)


@login_not_required
@require_GET
def register_export_xlsx(request: HttpRequest) -> HttpResponse:
    return _export(request, xlsx_response)
