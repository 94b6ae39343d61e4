"""The orderly network exit on the web: the steps' forms on the licence page (the partial
web/licences/_exit.html, its forms made by the template tag vatspilot_exits.exit_forms), the POST of each
step, the exit's own page (where a refused step is shown again, its error at the top of its form), and
the supervisors' page /exits/ for MIIT reviewers and local officers.

The licence is fetched through store.access.access_licence (missing and not yours alike: 404); whether
the reader may take a step is the lifecycle's answer (a step their role may not take: 403, as on the
licence page). /exits/ refuses anyone but an MIIT reviewer or a local officer with a 403, as the staff
page refuses anyone but an administrator.
"""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from vatspilot.domain.licences.exit import ExitAction
from vatspilot.domain.lifecycle import ROLE_NOT_ALLOWED
from vatspilot.queries.exports import ExportColumn, export_table
from vatspilot.queries.network_exits import ExitRow, exit_section, exits_in_reach, supervises_exits
from vatspilot.services.calendar.legal_day import legal_today
from vatspilot.services.licences.exits import (
    EXIT_WRITERS,
    exit_of,
)
from vatspilot.services.lifecycle import ActionRefused, Conflict
from vatspilot.services.vocabulary import EXIT_EVENTS
from vatspilot.store.access import NotFound, access_licence
from vatspilot.store.models import Licence, NetworkExit
from vatspilot.web.exit_forms import EXIT_FORMS, ExitStepForm, field_label
from vatspilot.web.exports import csv_response, xlsx_response


# The writer each step's form calls (the form's fields are its keyword parameters).
def _exit_or_404(licence: Licence) -> NetworkExit:
    network_exit = exit_of(licence)
    if network_exit is None:
        raise NotFound("no network exit")
    return network_exit


def _page(
    request: HttpRequest,
    licence: Licence,
    *,
    bound: ExitStepForm | None = None,
    refusal: str = "",
    status: int = 200,
) -> HttpResponse:
    section = exit_section(cast(User, request.user), licence, today=legal_today())
    if section is None:
        raise NotFound("no network exit")
    context = {
        "number": licence.number,
        "section": section,
        "exit_bound": bound,
        "exit_refusal": refusal,
        "chinese": (get_language() or "").startswith("zh"),
    }
    return render(request, "web/licences/exit.html", context, status=status)


@login_required
@require_GET
def exit_page(request: HttpRequest, number: str) -> HttpResponse:
    return _page(request, access_licence(request.user, number))


@login_required
@require_POST
def exit_action(request: HttpRequest, number: str, action: str) -> HttpResponse:
    licence = access_licence(request.user, number)
    network_exit = _exit_or_404(licence)
    try:
        chosen = ExitAction(action)
    except ValueError:
        raise NotFound("no such step") from None
    form = EXIT_FORMS[chosen](network_exit.version, data=request.POST)
    if not form.is_valid():
        problems = [
            f"{field_label(form, name)}: {problem}" if field_label(form, name) else str(problem)
            for name, errors in form.errors.items()
            for problem in errors
        ]
        return _page(request, licence, bound=form, refusal="; ".join(problems), status=422)
    try:
        EXIT_WRITERS[chosen](
            actor=request.user,
            network_exit=network_exit,
            on=legal_today(),
            expected_version=form.cleaned_data["expected_version"],
            **form.writer_fields(),
        )
    except Conflict as conflict:
        # The forms are shown fresh, with the version as it now stands: the reader reloads what changed.
        return _page(request, licence, refusal=conflict.message, status=409)
    except ActionRefused as refused:
        if refused.code == ROLE_NOT_ALLOWED:
            raise PermissionDenied(refused.message) from None
        named = field_label(form, refused.params.get("field"))
        refusal = f"{named}: {refused.message}" if named else refused.message
        return _page(request, licence, bound=form, refusal=refusal, status=422)
    messages.success(request, _("Done: %(step)s.") % {"step": EXIT_EVENTS[f"exit.{chosen.value}"]})
    return redirect(reverse("web:licence", args=[licence.number]) + "#network-exit")


@login_required
@require_GET
def exit_list(request: HttpRequest) -> HttpResponse:
    if not supervises_exits(request.user):
        raise PermissionDenied("only MIIT reviewers and local officers supervise network exits")
    today = legal_today()
    context = {
        "rows": exits_in_reach(request.user, today=today),
        "today": today,
        "chinese": (get_language() or "").startswith("zh"),
    }
    return render(request, "web/exits/list.html", context)


EXIT_COLUMNS: tuple[ExportColumn[ExitRow], ...] = (
    ExportColumn("licence_number", 18, lambda row: row.licence_number),
    ExportColumn("holder_zh", 36, lambda row: row.holder_name_zh),
    ExportColumn("holder_en", 36, lambda row: row.holder_name_en),
    ExportColumn("state", 16, lambda row: row.state.value),
    ExportColumn("opened_on", 12, lambda row: row.opened_on),
    ExportColumn("migration_deadline", 12, lambda row: row.migration_deadline),
    ExportColumn("users_migrated", 12, lambda row: row.users_migrated),
    ExportColumn("users_to_migrate", 12, lambda row: row.users_to_migrate),
    ExportColumn("overdue", 8, lambda row: "yes" if row.overdue else "no"),
    ExportColumn("days_overdue", 10, lambda row: row.days_overdue),
)


@login_required
@require_GET
def exit_list_export(request: HttpRequest, extension: str) -> HttpResponse:
    """The supervisors' list as CSV or XLSX: the same rows as the page, in the same order."""
    if not supervises_exits(request.user):
        raise PermissionDenied("only MIIT reviewers and local officers supervise network exits")
    if extension not in ("csv", "xlsx"):
        raise NotFound(_("No such page."))
    today = legal_today()
    table = export_table(
        f"network-exits-{today.isoformat()}", "network-exits", EXIT_COLUMNS, exits_in_reach(request.user, today=today)
    )
    return csv_response(table) if extension == "csv" else xlsx_response(table)
