"""The API object, mounted at /api/ by config.urls. Session authentication: the browser's signed-in
session, with Django's CSRF check on every unsafe method (send the X-CSRFToken header)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.parser import Parser
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder
from ninja.security import SessionAuth

from vatspilot.api import problems
from vatspilot.api.routers.application_actions import router as application_actions_router
from vatspilot.api.routers.applications import router as applications_router
from vatspilot.contracts import strict_json
from vatspilot.contracts.json_numbers import ExactJSONEncoder


class StrictJSONParser(Parser):
    """Request bodies through the project's one strict JSON reader: duplicate keys, NaN, huge numbers,
    deep nesting, lone surrogates and NUL are refused with a 400 naming the place (problems.py turns
    the StrictJSONError that django-ninja wraps into problem details)."""

    def parse_body(self, request: HttpRequest) -> Any:
        return strict_json.loads(request.body)

    def parse_querydict(self, data: MultiValueDict[str, str], list_fields: list[str], request: HttpRequest) -> Any:
        # A NUL in a query parameter reaches the database as a filter, and PostgreSQL refuses it there.
        for name, values in data.lists():
            if any("\x00" in text for text in [name, *values]):
                raise problems.FieldProblem(name.replace("\x00", ""), "nul", _("A NUL character is not allowed here."))
        return super().parse_querydict(data, list_fields, request)


class ExactNinjaJSONEncoder(ExactJSONEncoder, NinjaJSONEncoder):
    """Decimals (a dossier's percentages) as the JSON numbers they were given as, never strings or floats;
    dates and the rest as django-ninja writes them."""


class ExactJSONRenderer(JSONRenderer):
    encoder_class = ExactNinjaJSONEncoder


api = NinjaAPI(
    title="vatspilot API",
    version="1",
    description=(
        "Applications under the pilot opening value-added telecommunications services to foreign "
        "investment: their status, statutory clock, dossier and determination, and the lifecycle "
        "actions. Errors are RFC 9457 problem details (application/problem+json)."
    ),
    auth=SessionAuth(csrf=True),
    urls_namespace="api",
    parser=StrictJSONParser(),
    renderer=ExactJSONRenderer(),
)
problems.install(api)
api.add_router("/applications", applications_router)
api.add_router("/applications", application_actions_router)
