"""The public eligibility check (no sign-in): "scenario matching" in steps on one page.

The visitor picks the place of registration from the GB/T 2260 lists, builds the ownership tree in the
editor, ticks services (each with only its own scopes and content options) and gets the eligibility
engine's determination with its reasons, confidence codes and citations, each linked to its rule page.
The answers travel in the query string, so the result can be reloaded, shared and saved as a PDF
(``result.pdf`` with the same answers); a signed-in applicant starts an application from them.
Nothing is written except by ``apply``, and then only through the application services.
"""

from __future__ import annotations

import copy
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from vatspilot.domain.shared.errors import InputError
from vatspilot.domain.shared.text import Lang
from vatspilot.queries.eligibility_check import check, region_names
from vatspilot.services.applications import ActionRefused, create_application, update_dossier
from vatspilot.services.applications.lifecycle import input_error_text
from vatspilot.services.calendar.legal_day import legal_today
from vatspilot.web.eligibility_forms import ZONES, EligibilityForm
from vatspilot.web.pdf_styles import pdf_stylesheet
from vatspilot.web.roles import workload_of

TEMPLATE = "web/eligibility/check.html"
# The buttons of the form: "check" asks for the determination; "refresh" only updates the city and
# district lists (the way without JavaScript; with it, htmx swaps the place fieldset in).
CHECK = "check"
REFRESH = "refresh"
# The answers' fields that hold several values (the rest are single values).
_MULTIPLE = ("zones", "provinces", "scopes_", "contents_")


def _reader_lang() -> Lang:
    return "zh" if (get_language() or "en").lower().startswith("zh") else "en"


def _initial_from(data: QueryDict) -> dict[str, Any]:
    """Answers shown again without being judged (after "update the lists")."""
    initial: dict[str, Any] = {}
    for key in data:
        if key in (CHECK, REFRESH):
            continue
        multiple = key in _MULTIPLE[:2] or key.startswith(_MULTIPLE[2:])
        initial[key] = data.getlist(key) if multiple else data.get(key)
    return initial


class _Outcome:
    """A judged set of answers: the form, and the determination or the errors to list on top."""

    def __init__(self, form: EligibilityForm, determination: dict[str, Any] | None, errors: list[dict[str, str]]):
        self.form = form
        self.determination = determination
        self.errors = errors


def _judge(data: QueryDict, *, on: date, lang: Lang) -> _Outcome:
    form = EligibilityForm(data, on=on, lang=lang)
    if not form.is_valid():
        return _Outcome(form, None, _summary(form))
    profile = form.profile(default_name=_("The enterprise"))
    try:
        determination = check(profile, on=on, lang=lang)
    except InputError as error:
        form.add_error(form.field_of_pointer(error.pointer), input_error_text(error))
        return _Outcome(form, None, _summary(form))
    return _Outcome(form, determination, [])


def _summary(form: EligibilityForm) -> list[dict[str, str]]:
    """The error summary on top: each problem with the field's label, linked to the field."""
    items = []
    for field, errors in form.errors.items():
        name = None if field == "__all__" else field
        label = str(form.fields[field].label) if name else ""
        for error in errors:
            items.append({"label": label, "message": str(error), "anchor": form.anchor_of(name)})
    return items


def _rule_link(rule_id: str) -> str | None:
    """The rule's page, once the rules pages are there (``web:rule``)."""
    try:
        return reverse("web:rule", args=[rule_id])
    except NoReverseMatch:
        return None


def _presented(
    determination: dict[str, Any], form: EligibilityForm, lang: Lang, absolute: Any = None
) -> dict[str, Any]:
    """The determination with what a reader needs beside the codes: the regions' and services' names,
    and each reason's rule page (absolute in the PDF)."""
    shown = copy.deepcopy(determination)
    names = region_names(lang)
    shown["region_names"] = [names.get(r, r) for r in determination["regions"]]
    options = {o.code: o for o in form.options}

    def link(reasons: list[dict[str, Any]]) -> None:
        for reason in reasons:
            url = _rule_link(reason["rule"])
            reason["link"] = absolute(url) if url and absolute else url

    for service in shown["services"]:
        option = options.get(service["code"])
        service["name"] = option.name if option else service["code"]
        service["scope_name"] = dict(option.scopes).get(service["scope"], service["scope"]) if option else None
        link(service["reasons"])
    link(shown["conditions"])
    return shown


def _context(request: HttpRequest, outcome: _Outcome | None, form: EligibilityForm, lang: Lang) -> dict[str, Any]:
    determination = outcome.determination if outcome else None
    answers = request.GET.copy()
    answers.pop(REFRESH, None)
    answers[CHECK] = "1"
    query = answers.urlencode()
    return {
        "form": form,
        "groups": form.service_groups(),
        "errors": outcome.errors if outcome else [],
        "determination": _presented(determination, form, lang) if determination else None,
        "place": form.place_names() if determination else [],
        "answers": query,
        "organisations": workload_of(request.user).organisations if request.user.is_authenticated else [],
        # Back to the same result after signing in.
        "login_url": reverse("web:login") + "?" + urlencode({"next": f"{reverse('web:eligibility')}?{query}"}),
    }


@require_GET
def eligibility(request: HttpRequest) -> HttpResponse:
    on, lang = legal_today(), _reader_lang()
    if CHECK in request.GET and REFRESH not in request.GET:
        outcome = _judge(request.GET, on=on, lang=lang)
        status = 200 if outcome.determination else 422
        return render(request, TEMPLATE, _context(request, outcome, outcome.form, lang), status=status)
    form = EligibilityForm(initial=_initial_from(request.GET), on=on, lang=lang)
    return render(request, TEMPLATE, _context(request, None, form, lang))


@require_GET
def places(request: HttpRequest) -> HttpResponse:
    """The place fieldset for the chosen province and city (htmx swaps it in when a list changes)."""
    form = EligibilityForm(initial=_initial_from(request.GET), on=legal_today(), lang=_reader_lang())
    return render(request, "web/eligibility/place.html", {"form": form})


@require_GET
def result_pdf(request: HttpRequest) -> HttpResponse:
    """The same answers' determination as an A4 PDF (WeasyPrint; the CJK glyphs from fonts-wqy-microhei)."""
    from weasyprint import HTML  # imported here: a heavy library only this page needs

    on, lang = legal_today(), _reader_lang()
    outcome = _judge(request.GET, on=on, lang=lang)
    if outcome.determination is None:
        return render(request, TEMPLATE, _context(request, outcome, outcome.form, lang), status=422)
    html = render_to_string(
        "web/eligibility/result_pdf.html",
        {
            "form": outcome.form,
            "determination": _presented(outcome.determination, outcome.form, lang, request.build_absolute_uri),
            "place": outcome.form.place_names(),
            "zones": [ZONES[zone] for zone in outcome.form.cleaned_data["zones"]],
            # The page of the same answers, where they can be changed.
            "page_url": request.build_absolute_uri(f"{reverse('web:eligibility')}?{request.GET.urlencode()}"),
        },
        request=request,
    )
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf(
        stylesheets=[pdf_stylesheet("eligibility_result.css")]
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="eligibility-{on.isoformat()}.pdf"'
    return response


@login_required
@require_POST
def apply(request: HttpRequest) -> HttpResponse:
    """Start an application from the checked answers: a new draft of the chosen organisation, its
    dossier filled with the answers' ownership, services, service area and dishonest-list answer. All or
    nothing: a refusal leaves no draft behind."""
    on, lang = legal_today(), _reader_lang()
    answers = QueryDict(request.POST.get("answers", ""))
    outcome = _judge(answers, on=on, lang=lang)
    request.GET = answers  # the page shown on a refusal is the one for these answers
    organisations = workload_of(request.user).organisations
    chosen = next((o for o in organisations if str(o.pk) == request.POST.get("organisation", "")), None)
    if chosen is None and len(organisations) == 1:
        chosen = organisations[0]
    if outcome.determination is None or chosen is None:
        if chosen is None:
            outcome.errors.append(
                {"label": str(_("Organisation")), "message": _("Choose one of your organisations."), "anchor": "apply"}
            )
        context = _context(request, outcome, outcome.form, lang)
        return render(request, TEMPLATE, context, status=422 if outcome.determination is None else 400)
    profile = outcome.form.profile(default_name=chosen.name)
    try:
        with transaction.atomic():
            application = create_application(actor=request.user, organisation=chosen, on=on)
            update_dossier(
                actor=request.user,
                application=application,
                on=on,
                ownership=profile["shareholders"],
                services=profile["services"],
                service_area=profile["service_area"],
                dishonest_list=profile["dishonest_list"],
            )
    except ActionRefused as refusal:
        outcome.errors.append({"label": "", "message": refusal.message, "anchor": "apply"})
        return render(request, TEMPLATE, _context(request, outcome, outcome.form, lang), status=422)
    messages.success(
        request,
        _(
            "Application #%(id)s created from the eligibility check. The dossier uses your organisation's "
            "registered place; check it and upload the documents."
        )
        % {"id": application.pk},
    )
    return redirect("web:dossier", application_id=application.pk)
