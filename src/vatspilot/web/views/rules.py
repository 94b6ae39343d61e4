"""The public rulebook pages (no sign-in): the rules in force on a date (`/rules/?on=`), one rule's page
with its whole history (`/rules/<rule_id>/`, the page determination reasons link to), the changes between
two dates (`/rules/diff/?from=&to=`) and the pilot's legal milestones (on `/rules/`). The pages render
`vatspilot.queries.rulebook_pages`; a malformed date is answered with 400 and a message naming the field."""

from __future__ import annotations

from datetime import date

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from vatspilot.domain.shared.text import Lang
from vatspilot.queries import rulebook_pages
from vatspilot.queries.rule_dates import BadRuleDate as BadDate
from vatspilot.queries.rule_dates import rule_date
from vatspilot.queries.rulebook_pages import milestones, rules_diff_page, rules_in_force_page
from vatspilot.services.calendar.legal_day import legal_today


def reader_lang() -> Lang:
    return "zh" if (get_language() or "").startswith("zh") else "en"


def date_param(request: HttpRequest, field: str, default: date | None) -> date | None:
    """The date in the query parameter `field` (YYYY-MM-DD), or `default` when it is absent or empty; read as
    the API reads it (queries.rule_dates), BadDate naming the field otherwise."""
    return rule_date(field, request.GET.get(field, ""), default)


def _bad_request(request: HttpRequest, error: BadDate, template: str, context: dict[str, object]) -> HttpResponse:
    return render(request, template, {**context, "error": error.message, "error_field": error.field}, status=400)


@require_GET
def rules_in_force(request: HttpRequest) -> HttpResponse:
    today = legal_today()
    lang = reader_lang()
    try:
        on = date_param(request, "on", today)
    except BadDate as error:
        return _bad_request(
            request, error, "web/rules/index.html", {"on_text": request.GET.get("on", ""), "today": today}
        )
    assert on is not None
    return render(
        request,
        "web/rules/index.html",
        {
            "page": rules_in_force_page(on, lang),
            "milestones": milestones(lang),
            "on_text": on.isoformat(),
            "today": today,
        },
    )


@require_GET
def rules_diff(request: HttpRequest) -> HttpResponse:
    today = legal_today()
    lang = reader_lang()
    context: dict[str, object] = {
        "from_text": request.GET.get("from", ""),
        "to_text": request.GET.get("to", ""),
        "today": today,
    }
    try:
        first = date_param(request, "from", None)
        second = date_param(request, "to", today if first else None)
    except BadDate as error:
        return _bad_request(request, error, "web/rules/diff.html", context)
    if first is None or second is None:
        return render(request, "web/rules/diff.html", context)
    context.update(diff=rules_diff_page(first, second, lang), from_text=first.isoformat(), to_text=second.isoformat())
    return render(request, "web/rules/diff.html", context)


@require_GET
def rule_page(request: HttpRequest, rule_id: str) -> HttpResponse:
    today = legal_today()
    try:
        on = date_param(request, "on", today)
    except BadDate as error:
        return _bad_request(request, error, "web/rules/rule.html", {"today": today})
    assert on is not None
    page = rulebook_pages.rule_page(rule_id, on, reader_lang())
    if page is None:
        raise Http404(_("No rule has this id."))
    return render(request, "web/rules/rule.html", {"page": page, "today": today})
