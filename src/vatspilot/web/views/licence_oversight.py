"""The licence overview (/licences/): the licences the signed-in user may see (every licence for MIIT, the
jurisdiction's for a local officer, the organisation's for an applicant), flagged where something needs
attention, with filters from the query string. The page renders vatspilot.queries.licence_oversight."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET
from django_stubs_ext import StrOrPromise

from vatspilot.domain.licences.lifecycle import LicenceState
from vatspilot.queries.licence_oversight import EXPIRY_ATTENTION_DAYS, Flag, licence_oversight
from vatspilot.services.calendar.legal_day import legal_today
from vatspilot.services.vocabulary import LICENCE_STATES

# The flag filter's value for "any flag": the first choice after "all", since it is what the page is for.
ATTENTION = "attention"

FLAG_LABELS: Mapping[Flag, StrOrPromise] = {
    Flag.EXIT_OVERDUE: gettext_lazy("Network exit overdue"),
    Flag.EXIT_REQUIRED_NO_PLAN: gettext_lazy("Network exit required: no plan filed"),
    Flag.LISTING_OVERDUE: gettext_lazy("Credit listing made late"),
    Flag.CHANGE_FILED_LATE: gettext_lazy("Change filed late"),
    Flag.FILINGS_PENDING: gettext_lazy("Filing awaiting decision"),
    Flag.EXPIRING_WITHIN_90_DAYS: gettext_lazy("Expires within 90 days"),
}

ANY: list[tuple[str, StrOrPromise]] = [("", pgettext_lazy("register", "Any"))]


class OversightFilterForm(forms.Form):
    """The filters, from the query string; every field optional."""

    flag = forms.ChoiceField(label=gettext_lazy("Attention"), required=False)
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)
    # A code, offered (by the template) from the licences the reader sees: known only once they are read,
    # so not a choice field; a code on none of them simply matches none.
    service = forms.CharField(label=gettext_lazy("Service"), max_length=20, required=False)
    text = forms.CharField(label=gettext_lazy("Number, holder or USCC"), max_length=300, required=False)

    def __init__(self, data: Any) -> None:
        super().__init__(data)
        fields: dict[str, Any] = self.fields
        fields["flag"].choices = [*ANY, (ATTENTION, gettext_lazy("Needs attention")), *FLAG_LABELS.items()]
        fields["status"].choices = [*ANY, *LICENCE_STATES.items()]


@login_required
@require_GET
def licence_overview(request: HttpRequest) -> HttpResponse:
    today = legal_today()
    form = OversightFilterForm(request.GET or None)
    errors: list[str] = []
    if not form.is_bound or form.is_valid():
        data = form.cleaned_data if form.is_bound else {}
        chosen = data.get("flag", "")
        overview = licence_oversight(
            request.user,
            today=today,
            status=LicenceState(data["status"]) if data.get("status") else None,
            flag=Flag(chosen) if chosen and chosen != ATTENTION else None,
            attention=chosen == ATTENTION,
            service=data.get("service", ""),
            text=data.get("text", ""),
        )
    else:
        errors = [
            _("%(field)s: %(problem)s") % {"field": form.fields[name].label, "problem": problem}
            for name, problems in form.errors.items()
            for problem in problems
        ]
        overview = licence_oversight(request.user, today=today)  # for the filter's choices; no rows shown
    context = {
        "form": form,
        "errors": errors,
        "rows": [] if errors else [(row, [(flag, FLAG_LABELS[flag]) for flag in row.flags]) for row in overview.rows],
        "total": overview.total,
        "service_codes": overview.service_codes,
        "service_chosen": form["service"].value() or "",
        "attention_days": EXPIRY_ATTENTION_DAYS,
    }
    return render(request, "web/licences/list.html", context, status=400 if errors else 200)
