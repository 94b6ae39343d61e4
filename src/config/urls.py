"""The site's URLs. Uploaded documents are deliberately not served from MEDIA_URL (see settings)."""

from django.contrib import admin
from django.urls import path

urlpatterns = [
    path("admin/", admin.site.urls),
    # The web pages (vatspilot.web) and the API (vatspilot.api) are included here, e.g.
    # path("api/", api.urls) and path("", include("vatspilot.web.urls")).
]
