"""The site's URLs (config.urls) and one more for bench/api_load.py's baseline: ``/bench/one-row``, a bare
JSON answer reading one row through the ORM, behind every middleware of the site. Used only by that
bench (DJANGO_SETTINGS_MODULE=api_load_settings, bench/api_load_site/ on the path); production never
routes it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.urls import include, path


def one_row(request: HttpRequest) -> JsonResponse:
    from vatspilot.store.models import Licence

    row: dict[str, Any] | None = Licence.objects.values("number", "status").order_by("pk").first()
    return JsonResponse(row or {})


urlpatterns = [path("bench/one-row", one_row), path("", include("config.urls"))]
handler400 = "config.error_views.bad_request"
handler403 = "config.error_views.permission_denied"
handler404 = "config.error_views.page_not_found"
handler500 = "config.error_views.server_error"
