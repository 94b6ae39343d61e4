"""The API object, mounted at /api/ by config.urls. Session authentication: the browser's signed-in
session, with Django's CSRF check on every unsafe method (send the X-CSRFToken header)."""

from __future__ import annotations

from ninja import NinjaAPI
from ninja.security import SessionAuth

from vatspilot.api import problems
from vatspilot.api.routers.applications import router as applications_router

api = NinjaAPI(
    title="vatspilot API",
    version="1",
    description=(
        "Applications under the pilot opening value-added telecommunications services to foreign "
        "investment: their status, statutory clock, dossier and determination, and the lifecycle "
        "actions. Errors are RFC 9457 problem details (application/problem+json)."
    ),
    auth=SessionAuth(csrf=True),
    urls_namespace="api",
)
problems.install(api)
api.add_router("/applications", applications_router)
