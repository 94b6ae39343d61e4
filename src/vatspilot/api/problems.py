"""Errors as RFC 9457 problem details (application/problem+json).

Every error the API returns has ``type``, ``title``, ``status`` and ``detail``; refusals add the
services' stable ``code`` and, where one field is at fault, ``field`` (a JSON pointer into the request:
"/reason", "/ownership/0/percent"; a header's name for a header); request validation adds ``errors``,
one per bad field, each with a JSON ``pointer``;
a body the strict JSON reader refuses is a 400 with ``pointer``, ``line`` and ``column``, and a body
over DATA_UPLOAD_MAX_MEMORY_SIZE a 413. Anything unforeseen is a 500 that says nothing more.
A missing application and one the user may not see give the same 404, word for word; an action the
user's role may not take on something they can see is a 403 (type action-refused, with its code).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from http import HTTPStatus
from typing import Any

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from vatspilot.contracts.input_errors import describe_json_problem
from vatspilot.contracts.strict_json import StrictJSONError
from vatspilot.services.accounts.api_tokens import TokenRefused
from vatspilot.services.applications import ActionRefused, Conflict
from vatspilot.store.access import NotFound

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"
TYPE_BASE = "urn:vatspilot:problem:"


def problem(
    request: HttpRequest,
    status: int,
    *,
    type_: str = "about:blank",
    title: str | None = None,
    detail: str | None = None,
    **extensions: Any,
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": type_,
        "title": title or HTTPStatus(status).phrase,
        "status": status,
    }
    if detail:
        body["detail"] = detail
    body["instance"] = request.path
    body.update({key: value for key, value in extensions.items() if value is not None})
    return JsonResponse(
        body, status=status, content_type=PROBLEM_CONTENT_TYPE, json_dumps_params={"ensure_ascii": False}
    )


def field_of(refusal: ActionRefused) -> str | None:
    """The field a refusal names, as a JSON pointer into the request, as every ``field`` of the API is:
    from ``params["field"]`` (a field of the action, "reason" giving "/reason") or ``params["pointer"]``
    (already a pointer into the dossier, "/shareholders/1/percent"). Never the message."""
    for key in ("field", "pointer"):
        value = refusal.params.get(key)
        if value:
            text = str(value)
            return text if text.startswith("/") else "/" + text
    return None


class FieldProblem(Exception):
    """One field of the request is at fault (missing, or not taken by the action): a 422."""

    def __init__(self, field: str, code: str, detail: str) -> None:
        super().__init__(field, code, detail)
        self.field = field
        self.code = code
        self.detail = detail


def field_not_taken(name: str) -> FieldProblem:
    return FieldProblem(name, "field-not-taken", _("This action takes no field %(field)s.") % {"field": name})


def field_required(name: str) -> FieldProblem:
    return FieldProblem(name, "required", _("%(field)s is required for this action.") % {"field": name})


def check_fields_taken(sent: Iterable[str], required: Iterable[str], optional: Iterable[str] = ()) -> None:
    """An action's fields as sent: the 422 for the first sent that the action does not take, else for the
    first it requires that was left out."""
    sent, required = tuple(sent), tuple(required)
    taken = {*required, *optional}
    for name in sent:
        if name not in taken:
            raise field_not_taken(name)
    for name in required:
        if name not in sent:
            raise field_required(name)


def _field_problem(request: HttpRequest, exc: FieldProblem) -> HttpResponse:
    return problem(
        request,
        422,
        type_=TYPE_BASE + "invalid-field",
        title=_("The request is not valid"),
        detail=exc.detail,
        code=exc.code,
        field="/" + exc.field,
    )


class ScopeRefused(PermissionDenied):
    """The request's token may not do this (a read token asked to write): a 403 that says so."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def _scope_refused(request: HttpRequest, exc: ScopeRefused) -> HttpResponse:
    return problem(
        request, 403, type_=TYPE_BASE + "token-scope", title=_("Not allowed with this token"), detail=exc.detail
    )


def _token_refused(request: HttpRequest, exc: TokenRefused) -> HttpResponse:
    return problem(
        request,
        422,
        type_=TYPE_BASE + "invalid-field",
        title=_("The request is not valid"),
        detail=exc.message,
        code=exc.code,
        field="/" + exc.field,
    )


def _throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    """429; django-ninja adds the Retry-After header (whole seconds) to this answer."""
    return problem(
        request,
        429,
        type_=TYPE_BASE + "too-many-requests",
        title=_("Too many requests"),
        detail=_("Too many requests from this token or address: wait before trying again."),
    )


def not_found(request: HttpRequest, exc: Exception | None = None) -> HttpResponse:
    return problem(request, 404, detail=_("No such resource, or you may not see it."))


# The title of a 409 by the kind of record that changed (the lifecycle's audit prefix, which the machine
# puts in the Conflict); its detail is the workflow's own words (LifecycleSpec.conflict_message).
CONFLICT_TITLES: dict[str, Any] = {
    "application": gettext_lazy("The application changed"),
    "licence": gettext_lazy("The licence changed"),
    "licence_filing": gettext_lazy("The filing changed"),
    "network_exit": gettext_lazy("The network exit changed"),
    "report": gettext_lazy("The report changed"),
    "finding": gettext_lazy("The finding changed"),
}


def _conflict(request: HttpRequest, exc: Conflict) -> HttpResponse:
    title = CONFLICT_TITLES.get(str(exc.params.get("record", "")), gettext_lazy("The record changed"))
    return problem(
        request,
        409,
        type_=TYPE_BASE + "conflict",
        title=str(title),
        detail=str(exc.message),
        code=exc.code,
    )


def _refused(request: HttpRequest, exc: ActionRefused) -> HttpResponse:
    """A refusal by the asker's role (services.lifecycle.errors.ROLE_REFUSALS) is a 403, like any other
    refusal of something they can see; by the state, a guard or a field, a 422. The same body either way."""
    return problem(
        request,
        403 if exc.by_role else 422,
        type_=TYPE_BASE + "action-refused",
        title=_("The action was refused"),
        detail=str(exc.message),
        code=exc.code,
        field=field_of(exc),
        params={key: str(value) for key, value in (exc.params or {}).items()} or None,
    )


def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = []
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ())]
        # ("body", "payload", "expected_version") -> /expected_version
        names = [part for part in location if part not in {"body", "payload", "query", "path"}]
        errors.append({"pointer": "/" + "/".join(names), "detail": error.get("msg", "")})
    return problem(
        request,
        422,
        type_=TYPE_BASE + "invalid-request",
        title=_("The request is not valid"),
        detail=_("Correct the fields listed in errors."),
        errors=errors,
        field=errors[0]["pointer"] if len(errors) == 1 else None,
    )


def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem(
        request, 401, detail=_("Sign in, or send a personal API token (Authorization: Bearer vp_…), to use the API.")
    )


def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # django-ninja wraps whatever the parser raised in HttpError(400, "Cannot parse request body").
    if isinstance(exc.__cause__, StrictJSONError):
        return _unreadable_json(request, exc.__cause__)
    if isinstance(exc.__cause__, FieldProblem):
        return _field_problem(request, exc.__cause__)
    return problem(request, exc.status_code, detail=str(exc.message))


def _unreadable_json(request: HttpRequest, exc: StrictJSONError) -> HttpResponse:
    return problem(
        request,
        400,
        type_=TYPE_BASE + "invalid-json",
        title=_("The body is not acceptable JSON"),
        detail=describe_json_problem(exc, _),
        code=exc.code,
        pointer=exc.pointer,
        line=exc.line,
        column=exc.column,
    )


def too_large(request: HttpRequest, exc: RequestDataTooBig | None = None) -> HttpResponse:
    """413: the body is over DATA_UPLOAD_MAX_MEMORY_SIZE (also config/error_views.py's answer under /api/)."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return problem(
        request,
        413,
        type_=TYPE_BASE + "too-large",
        title=_("Request too large"),
        detail=_("The request body is larger than the %(size)s MiB accepted.") % {"size": f"{limit / 1048576:g}"},
        max_bytes=limit,
    )


def forbidden(request: HttpRequest, exc: PermissionDenied | None = None) -> HttpResponse:
    return problem(request, 403, detail=_("Your role does not allow this."))


def _suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    logger.warning("API request refused: %s", exc)
    return problem(request, 400, detail=_("The request could not be read."))


def _unreadable(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A body Django cannot read as its Content-Type says (multipart/form-data without a boundary, or
    cut short): the client's fault, a 400, never a 500."""
    return problem(request, 400, detail=_("The request could not be read."))


def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    """Anything else: logged in full, answered with nothing but the fact. (django-ninja's own handler
    would answer with the traceback whenever DEBUG is on.)"""
    logger.error("API request failed: %s %s", request.method, request.path, exc_info=exc)
    return problem(
        request,
        500,
        type_=TYPE_BASE + "server-error",
        title=_("Server error"),
        detail=_("Something went wrong on our side. It has been logged; please try again later."),
    )


PROBLEM_SCHEMA = {"$ref": "#/components/schemas/ProblemOut"}


def document_problems(schema: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI document as the API answers: every error response (4xx, 5xx) is
    application/problem+json, and every operation lists the errors any request may get: 400 (a body
    the strict JSON reader refuses, a request Django finds suspicious), 413 (a body over the limit) where
    it takes a body, 401 where it needs a caller, and 429 (the rate limits)."""
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            added = {400: "Bad Request", 429: "Too Many Requests"}
            if "requestBody" in operation:
                added[413] = "Content Too Large"
            if operation.get("security"):
                added[401] = "Unauthorized"
            for status, description in added.items():
                if status not in responses and str(status) not in responses:
                    responses[status] = {"description": description, "content": {"application/json": {}}}
            for status, response in responses.items():
                content = response.get("content")
                if int(status) < 400 or not content:
                    continue
                body = content.pop("application/json", None)
                content.setdefault(PROBLEM_CONTENT_TYPE, {"schema": dict(PROBLEM_SCHEMA), **(body or {})})
                content[PROBLEM_CONTENT_TYPE].setdefault("schema", dict(PROBLEM_SCHEMA))
    return schema


def install(api: NinjaAPI) -> None:
    api.add_exception_handler(NotFound, not_found)
    api.add_exception_handler(Conflict, _conflict)
    api.add_exception_handler(ActionRefused, _refused)
    api.add_exception_handler(ValidationError, _invalid)
    api.add_exception_handler(FieldProblem, _field_problem)
    api.add_exception_handler(AuthenticationError, _unauthenticated)
    api.add_exception_handler(Throttled, _throttled)
    api.add_exception_handler(TokenRefused, _token_refused)
    api.add_exception_handler(ScopeRefused, _scope_refused)
    api.add_exception_handler(HttpError, _http_error)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(RequestDataTooBig, too_large)
    api.add_exception_handler(PermissionDenied, forbidden)
    api.add_exception_handler(SuspiciousOperation, _suspicious)
    api.add_exception_handler(MultiPartParserError, _unreadable)
    api.add_exception_handler(BadRequest, _unreadable)
    api.add_exception_handler(Exception, _unexpected)
