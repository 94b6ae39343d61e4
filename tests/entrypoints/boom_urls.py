"""The site's URLs plus one page that fails, to see what a 500 shows (test_error_pages.py)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import handler400, handler403, handler404, handler500
from config.urls import urlpatterns as site_urlpatterns

SECRET = "postgres://vatspilot:hunter2@db.internal/vatspilot"


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError(f"could not reach {SECRET}")


urlpatterns = [path("boom/", boom), *site_urlpatterns]
__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
