"""The site's URLs. Uploaded documents are deliberately not served from MEDIA_URL (see settings)."""

from django.contrib import admin
from django.urls import include, path

from vatspilot.api.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("", include("vatspilot.web.urls")),
]
