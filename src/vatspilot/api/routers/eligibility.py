"""/api/v1/eligibility: the public eligibility check, without signing in.

A profile (contract vatspilot/profile/v1) in, the determination (contract vatspilot/decision/v2) out:
the same query the web's eligibility page calls (queries.eligibility_check.check, which is the engine
`vatspilot check` runs). A profile the engine cannot take is a 422 naming the JSON pointer of the field
at fault; a body that is not acceptable JSON a 400 (the API's strict reader). Nothing is written.
Rate limited per address, as every request without sign-in is.

The OpenAPI document carries both contract schemas as they are shipped (vatspilot/contracts/), their
internal references pointed at where they sit in the document (``embedded``)."""

from __future__ import annotations

import copy
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import get_language
from ninja import Router
from ninja.errors import HttpError

from vatspilot.api.problems import FieldProblem
from vatspilot.api.schemas import ProblemOut
from vatspilot.contracts import schema, strict_json
from vatspilot.contracts.strict_json import StrictJSONError
from vatspilot.domain.shared.errors import InputError
from vatspilot.domain.shared.text import Lang
from vatspilot.queries.eligibility_check import check
from vatspilot.services.applications.lifecycle import input_error_text
from vatspilot.services.calendar.legal_day import legal_today

router = Router(tags=["eligibility"], auth=None)

# Where the operation sits in the OpenAPI document (api.py mounts the API at /api/v1/ and this router at
# /eligibility); tests/api/test_api_filing.py resolves every reference of the document.
OPERATION = "#/paths/~1api~1v1~1eligibility/post"
REQUEST_SCHEMA = OPERATION + "/requestBody/content/application~1json/schema"
RESPONSE_SCHEMA = OPERATION + "/responses/200/content/application~1json/schema"


def embedded(name: str, at: str) -> dict[str, Any]:
    """The contract schema ``name`` to be placed at the JSON pointer ``at`` of the OpenAPI document: its
    references (``#/$defs/holder``) made absolute (``<at>/$defs/holder``), its ``$id`` and ``$schema``
    left out (inside OpenAPI 3.1 they would make it a resource of its own)."""

    def rewrite(node: Any) -> Any:
        if isinstance(node, dict):
            return {
                key: (
                    at + value[1:]
                    if key == "$ref" and isinstance(value, str) and value.startswith("#/")
                    else rewrite(value)
                )
                for key, value in node.items()
                if key not in ("$id", "$schema")
            }
        if isinstance(node, list):
            return [rewrite(item) for item in node]
        return node

    rewritten: dict[str, Any] = rewrite(copy.deepcopy(schema(name)))
    return rewritten


def _reader_lang(lang: str | None) -> Lang:
    if lang == "zh":
        return "zh"
    if lang == "en":
        return "en"
    return "zh" if (get_language() or "en").lower().startswith("zh") else "en"


@router.post(
    "",
    response={200: dict[str, Any], 400: ProblemOut, 413: ProblemOut, 422: ProblemOut, 429: ProblemOut},
    summary="Check a profile's eligibility",
    description=(
        "Send an enterprise's profile (contract vatspilot/profile/v1); get the eligibility engine's "
        "determination (contract vatspilot/decision/v2) for today: the outcome for each service, with its "
        "route, reasons, citations and confidence codes, the documents and assessments an application "
        "needs, and the licence it could get. The reasons are worded in `lang` (default: the request's "
        "Accept-Language). No sign-in; nothing is kept. 422 names the field at fault by JSON pointer."
    ),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": embedded("profile", REQUEST_SCHEMA)}},
        },
        "responses": {200: {"content": {"application/json": {"schema": embedded("decision", RESPONSE_SCHEMA)}}}},
    },
)
def check_eligibility(request: HttpRequest, lang: Literal["en", "zh"] | None = None) -> Any:
    try:
        profile = strict_json.loads(request.body)
    except StrictJSONError as error:
        # problems.py answers an HttpError caused by the strict reader with 400 naming the place.
        raise HttpError(400, "Cannot parse request body") from error
    try:
        return check(profile, on=legal_today(), lang=_reader_lang(lang))
    except InputError as error:
        raise FieldProblem(error.pointer.removeprefix("/"), error.code, input_error_text(error)) from None
