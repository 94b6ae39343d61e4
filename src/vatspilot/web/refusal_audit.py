"""Every refused request (403) into the audit trail: who (or "anonymous"), what and how, whichever part
refused it (a view's PermissionDenied, a lifecycle action the asker's role may not take, which the web and
the API answer 403: services.lifecycle.errors.ROLE_REFUSALS, the CSRF check, the Django admin). A 404 from
the access functions is deliberately not a refusal: it must look exactly like a missing object, here too."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.http import HttpRequest, HttpResponse

from vatspilot.services.accounts.sign_in import client_address
from vatspilot.store.audit import AuditSubject, record_audit

PATH_LIMIT = 500


class AuditRefusalsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 403:
            path = request.path[:PATH_LIMIT]
            with transaction.atomic():
                record_audit(
                    actor=getattr(request, "user", None) or AnonymousUser(),
                    action="access.refused",
                    obj=AuditSubject("http.path", path),
                    before=None,
                    after={"method": request.method, "path": path, "address": client_address(request)},
                )
        return response
