"""What the site answers when a request fails: a page in the visitor's language, or, under /api/, RFC
9457 problem details. Django calls these for 400, 403, 404 and 500 (config.urls sets the handlers) and
for a refused CSRF check (CSRF_FAILURE_VIEW); a body over the limits arrives here as a 400 whose
exception is a RequestDataTooBig and leaves as 413.

Nothing here says what went wrong inside: the 500 page names no exception, setting or path, and is
rendered without the request's context, so that a broken database or template tag cannot break it too.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

from vatspilot.api import problems
from vatspilot.api.problems import TYPE_BASE, problem

logger = logging.getLogger(__name__)

_MIB = 1024 * 1024


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def _mib(size: int) -> str:
    return f"{size / _MIB:g}"


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig):
        return too_large(request)
    if _is_api(request):
        return problem(request, 400, detail=_("The request could not be read."))
    return render(request, "400.html", status=400)


def too_large(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return problems.too_large(request)
    body, upload = _mib(settings.DATA_UPLOAD_MAX_MEMORY_SIZE), _mib(settings.VATSPILOT_MAX_UPLOAD_BYTES)
    return render(request, "413.html", {"body_mib": body, "upload_mib": upload}, status=413)


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return problems.forbidden(request)
    return render(request, "403.html", status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    if _is_api(request):
        return problem(
            request,
            403,
            type_=TYPE_BASE + "csrf",
            title=_("Not allowed"),
            detail=_("The form's security token is missing or out of date: send the X-CSRFToken header."),
        )
    return render(request, "403.html", {"csrf_failed": True}, status=403)


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return problems.not_found(request)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return problem(
            request,
            500,
            type_=TYPE_BASE + "server-error",
            title=_("Server error"),
            detail=_("Something went wrong on our side. It has been logged; please try again later."),
        )
    try:
        return HttpResponseServerError(loader.get_template("500.html").render())
    except Exception:  # the page itself failed: answer with the bare minimum, still nothing leaked
        logger.exception("the 500 page could not be rendered")
        return HttpResponseServerError("Server error", content_type="text/plain; charset=utf-8")
