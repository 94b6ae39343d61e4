"""Health and readiness for load balancers and orchestrators: ``/healthz`` and ``/readyz``, JSON, no
sign-in, nothing secret.

- ``/healthz``: the process answers (it touches no database): 200 {"status": "ok"}.
- ``/readyz``: 200 when this process can serve: the database answers and every migration is applied;
  503 otherwise. It also reports the task queue as the worker's heartbeat: "idle" (nothing waiting),
  "ok" (the oldest waiting task has waited at most VATSPILOT_WORKER_STALE_SECONDS, default 300) or
  "stale" (longer: no worker is taking tasks). A stale queue does not make the site unready (the pages
  still work, and taking every web process out of the balancer would not start a worker); watch the
  field and alert on it.

The middleware is the first one: it answers before the HTTPS redirect and before the host check, so a
balancer may probe a backend over plain HTTP by its address. The answers are the same for everyone and
name no host, user, setting or error text.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponseBase, JsonResponse

PATHS = frozenset({"/healthz", "/readyz"})
logger = logging.getLogger("vatspilot.health")
_migrated = False  # once every migration is applied, this process's code never needs another


def _stale_after() -> int:
    try:
        return int(os.environ.get("VATSPILOT_WORKER_STALE_SECONDS", "300"))
    except ValueError:
        return 300


def _database() -> str:
    from django.db import connection

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.exception("readiness: the database does not answer")
        return "unreachable"
    return "ok"


def _migrations() -> str:
    global _migrated
    if _migrated:
        return "applied"
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        return "pending"
    _migrated = True
    return "applied"


def worker_heartbeat(stale_after: int) -> dict[str, Any]:
    """The queue as the worker's heartbeat: how many tasks wait and how long the oldest has waited."""
    from django.apps import apps
    from django.utils import timezone

    if not apps.is_installed("django_tasks_db"):
        return {"status": "in-process"}
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.ready()
    count = waiting.count()
    if not count:
        return {"status": "idle", "waiting": 0}
    oldest = waiting.order_by("enqueued_at").values_list("enqueued_at", "run_after").first()
    assert oldest is not None
    enqueued_at, run_after = oldest
    since = max(enqueued_at, run_after) if run_after.year < 9999 else enqueued_at
    waited = max(0, int((timezone.now() - since).total_seconds()))
    return {"status": "ok" if waited <= stale_after else "stale", "waiting": count, "oldest_wait_seconds": waited}


def readiness() -> tuple[int, dict[str, Any]]:
    checks: dict[str, Any] = {"database": _database()}
    if checks["database"] == "ok":
        try:
            checks["migrations"] = _migrations()
        except Exception:
            logger.exception("readiness: the migrations could not be read")
            checks["migrations"] = "unknown"
        if checks["migrations"] == "applied":
            checks["worker"] = worker_heartbeat(_stale_after())
    ready = checks["database"] == "ok" and checks.get("migrations") == "applied"
    return (200 if ready else 503), {"status": "ok" if ready else "unavailable", "checks": checks}


def _json(status: int, body: dict[str, Any]) -> JsonResponse:
    response = JsonResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class HealthMiddleware:
    """Answers /healthz and /readyz (GET or HEAD) itself; every other request passes on."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.path not in PATHS:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            response = _json(405, {"status": "method not allowed"})
            response["Allow"] = "GET, HEAD"
            return response
        if request.path == "/healthz":
            return _json(200, {"status": "ok"})
        status, body = readiness()
        return _json(status, body)
