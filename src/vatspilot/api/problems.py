"""Errors as RFC 9457 problem details (application/problem+json).

Every error the API returns has ``type``, ``title``, ``status`` and ``detail``; refusals add the
services' stable ``code`` and, where one field is at fault, ``field`` (its name, or a JSON pointer into
the dossier); request validation adds ``errors``, one per bad field, each with a JSON ``pointer``.
A missing application and one the user may not see give the same 404, word for word.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from vatspilot.services.applications import ActionRefused, Conflict
from vatspilot.store.access import NotFound

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
    """The field a refusal names: the services' ``params["field"]``, else a JSON pointer that begins
    the message ("/shareholders/1/percent: ...")."""
    params = getattr(refusal, "params", None) or {}
    if params.get("field"):
        return str(params["field"])
    message = str(getattr(refusal, "message", "") or "")
    if message.startswith("/") and ":" in message:
        return message.split(":", 1)[0]
    return None


class FieldProblem(Exception):
    """One field of the request is at fault (missing, or not taken by the action): a 422."""

    def __init__(self, field: str, code: str, detail: str) -> None:
        super().__init__(field, code, detail)
        self.field = field
        self.code = code
        self.detail = detail


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


def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem(request, 404, detail=_("No such resource, or you may not see it."))


def _conflict(request: HttpRequest, exc: Conflict) -> HttpResponse:
    return problem(
        request,
        409,
        type_=TYPE_BASE + "conflict",
        title=_("The application changed"),
        detail=_("Someone else changed this application since the version you sent. Reload it and try again."),
        code=exc.code,
    )


def _refused(request: HttpRequest, exc: ActionRefused) -> HttpResponse:
    return problem(
        request,
        422,
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
    return problem(request, 401, detail=_("Sign in to use the API."))


def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem(request, exc.status_code, detail=str(exc.message))


def install(api: NinjaAPI) -> None:
    api.add_exception_handler(NotFound, _not_found)
    api.add_exception_handler(Conflict, _conflict)
    api.add_exception_handler(ActionRefused, _refused)
    api.add_exception_handler(ValidationError, _invalid)
    api.add_exception_handler(FieldProblem, _field_problem)
    api.add_exception_handler(AuthenticationError, _unauthenticated)
    api.add_exception_handler(HttpError, _http_error)
    api.add_exception_handler(Http404, _not_found)
