"""The site's URLs and error handlers. Uploaded documents are deliberately not served from MEDIA_URL
(see settings)."""

from django.contrib import admin
from django.urls import include, path

from vatspilot.api.api import api

# Pages in the visitor's language, problem details under /api/ (config/error_views.py). The API is
# versioned in its path: /api/v1/ (its OpenAPI document at /api/v1/openapi.json, its docs at /api/v1/docs).
handler400 = "config.error_views.bad_request"
handler403 = "config.error_views.permission_denied"
handler404 = "config.error_views.page_not_found"
handler500 = "config.error_views.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("vatspilot.web.urls")),
]
