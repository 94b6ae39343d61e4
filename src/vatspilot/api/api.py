"""The API object, mounted at /api/v1/ by config.urls. Callers: a personal API token (Authorization:
Bearer vp_…) or the browser's signed-in session, with Django's CSRF check on every unsafe method (send
the X-CSRFToken header); see auth.py. Rate limits in throttles.py, idempotent writes in idempotency.py."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.parser import Parser

from vatspilot.api import problems
from vatspilot.api.auth import callers
from vatspilot.api.rendering import RENDERER
from vatspilot.api.routers.accounts import router as accounts_router
from vatspilot.api.routers.api_tokens import router as api_tokens_router
from vatspilot.api.routers.application_actions import router as application_actions_router
from vatspilot.api.routers.application_filing import router as application_filing_router
from vatspilot.api.routers.applications import router as applications_router
from vatspilot.api.routers.credit_lists import router as credit_lists_router
from vatspilot.api.routers.eligibility import router as eligibility_router
from vatspilot.api.routers.findings import router as findings_router
from vatspilot.api.routers.inbox import router as inbox_router
from vatspilot.api.routers.inspections import router as inspections_router
from vatspilot.api.routers.licence_filings import router as licence_filings_router
from vatspilot.api.routers.licences import router as licences_router
from vatspilot.api.routers.network_exits import licence_exit_router
from vatspilot.api.routers.network_exits import router as network_exits_router
from vatspilot.api.routers.register import router as register_router
from vatspilot.api.routers.reports import router as reports_router
from vatspilot.api.routers.rules import guide_router
from vatspilot.api.routers.rules import router as rules_router
from vatspilot.api.routers.staff import router as staff_router
from vatspilot.api.routers.statistics import router as statistics_router
from vatspilot.api.routers.supervision_dashboard import router as supervision_dashboard_router
from vatspilot.api.routers.tracking import router as tracking_router
from vatspilot.api.throttles import throttles
from vatspilot.contracts import strict_json


class StrictJSONParser(Parser):
    """Request bodies through the project's one strict JSON reader: duplicate keys, NaN, huge numbers,
    deep nesting, lone surrogates and NUL are refused with a 400 naming the place (problems.py turns
    the StrictJSONError that django-ninja wraps into problem details)."""

    def parse_body(self, request: HttpRequest) -> Any:
        data = strict_json.loads(request.body)
        # Every JSON body of the API is an object; django-ninja would take a body of 0.0 as none at all.
        if not isinstance(data, dict):
            raise problems.FieldProblem("", "wrong-type", _("The body must be a JSON object."))
        return data

    def parse_querydict(self, data: MultiValueDict[str, str], list_fields: list[str], request: HttpRequest) -> Any:
        # A NUL in a query parameter reaches the database as a filter, and PostgreSQL refuses it there.
        for name, values in data.lists():
            if any("\x00" in text for text in [name, *values]):
                raise problems.FieldProblem(name.replace("\x00", ""), "nul", _("A NUL character is not allowed here."))
        return super().parse_querydict(data, list_fields, request)


class VatspilotAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None) -> Any:
        """The document as the API answers: errors as application/problem+json (problems.py)."""
        return problems.document_problems(super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params))


api = VatspilotAPI(
    title="vatspilot API",
    version="1",
    description=(
        "Applications under the pilot opening value-added telecommunications services to foreign "
        "investment: their status, statutory clock, dossier and determination, and the lifecycle "
        "actions. Errors are RFC 9457 problem details (application/problem+json).\n\n"
        "Authenticate with a personal API token (made on the site's API tokens page): send "
        "`Authorization: Bearer vp_…`. A read token reads; a write token also acts. Send an "
        "`Idempotency-Key` header with a write to make a retry safe: the same key and request get the "
        "first answer again (with `Idempotent-Replayed: true`) and act once. Writes and requests "
        "without sign-in are rate limited (429 with Retry-After)."
    ),
    auth=callers(),
    throttle=throttles(),
    urls_namespace="api",
    parser=StrictJSONParser(),
    renderer=RENDERER,
)
problems.install(api)
api.add_router("/applications", applications_router)
api.add_router("/applications", application_actions_router)
api.add_router("/applications", application_filing_router)
api.add_router("/eligibility", eligibility_router)
api.add_router("/tokens", api_tokens_router)
api.add_router("", accounts_router)
api.add_router("/staff", staff_router)
api.add_router("/register", register_router)
api.add_router("", reports_router)
api.add_router("/statistics", statistics_router)
api.add_router("/track", tracking_router)
api.add_router("/rules", rules_router)
api.add_router("/guide", guide_router)
api.add_router("/supervision", supervision_dashboard_router)
api.add_router("/findings", findings_router)
api.add_router("/inspections", inspections_router)
api.add_router("/licences", licences_router)
api.add_router("/licences", licence_filings_router)
api.add_router("/licences", licence_exit_router)
api.add_router("/exits", network_exits_router)
api.add_router("/lists", credit_lists_router)
api.add_router("/inbox", inbox_router)
