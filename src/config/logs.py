"""Structured logs: one JSON object per line on stderr, and one line per request.

VATSPILOT_LOG_FORMAT  json (default unless DEBUG is on) or text
VATSPILOT_LOG_LEVEL   DEBUG, INFO (default), WARNING, ERROR

Every record is {"ts", "level", "logger", "message"} plus the fields a record carries in ``extra``
(those named in ``FIELDS``) and, on an exception, "exc" (the traceback as one string). The request log
(``RequestLogMiddleware``, logger "vatspilot.request") writes one record per request: "request_id",
"method", "path" (without the query string, which may hold a search for a person's name), "status",
"duration_ms" and "user_id" (the account's number, never its name or e-mail; null when not signed in).
The request id is the proxy's ``X-Request-ID`` when it is a plain token (letters, digits, "-", "_", ".",
at most 64), else a new one; the response carries it back in ``X-Request-ID``.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the settings import this module: nothing of Django's is imported at its top
    from django.http import HttpRequest, HttpResponseBase

FORMATS = ("json", "text")
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
FIELDS = ("request_id", "method", "path", "status", "duration_ms", "user_id", "task_id", "worker_id")
REQUEST_LOGGER = "vatspilot.request"
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


class JsonFormatter(logging.Formatter):
    """A record as one line of JSON (UTF-8 text as it is, no ASCII escapes)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in FIELDS:
            if field in record.__dict__:
                entry[field] = record.__dict__[field]
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def logging_config(log_format: str, level: str) -> dict[str, Any]:
    """The LOGGING setting: everything to stderr in ``log_format`` at ``level``."""
    from django.core.exceptions import ImproperlyConfigured

    if log_format not in FORMATS:
        raise ImproperlyConfigured(f"VATSPILOT_LOG_FORMAT must be json or text, not {log_format!r}")
    if level not in LEVELS:
        raise ImproperlyConfigured(f"VATSPILOT_LOG_LEVEL must be one of {', '.join(LEVELS)}, not {level!r}")
    formatter = (
        {"()": "config.logs.JsonFormatter"}
        if log_format == "json"
        else {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"vatspilot": formatter},
        "handlers": {
            "stderr": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr", "formatter": "vatspilot"}
        },
        # Other libraries' records from WARNING up, as Python would print them anyway; ours and the
        # task worker's from ``level`` up.
        "root": {"handlers": ["stderr"], "level": "WARNING"},
        "loggers": {
            "vatspilot": {"handlers": [], "level": level, "propagate": True},
            "django_tasks": {"handlers": [], "level": level, "propagate": True},
            "django_tasks_db": {"handlers": [], "level": level, "propagate": True},
            # Django's own console handler (DEBUG only) and e-mail to ADMINS are replaced by the root's.
            "django": {"handlers": [], "level": level, "propagate": True},
            # Each request is logged once by the request log; Django would log every 4xx again.
            "django.request": {"handlers": [], "level": "ERROR", "propagate": True},
            "django.server": {"handlers": [], "level": "WARNING", "propagate": True},
        },
    }


def gunicorn_logconfig(log_format: str, level: str) -> dict[str, Any]:
    """Gunicorn's own log (starts, stops, worker timeouts) in the same form; its access log is off, the
    request log says the same with the request id and the user."""
    config = logging_config(log_format, level)
    config["loggers"] = {
        "gunicorn.error": {"handlers": ["stderr"], "level": level, "propagate": False},
        "gunicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
    }
    config["root"] = {"handlers": ["stderr"], "level": "WARNING"}
    return config


def request_id_of(request: HttpRequest) -> str:
    given = request.META.get("HTTP_X_REQUEST_ID", "")
    return given if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex


class RequestLogMiddleware:
    """One log record per request, after the response is made (placed first, so redirects count too)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.logger = logging.getLogger(REQUEST_LOGGER)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        started = time.perf_counter()
        request_id = request_id_of(request)
        request.META["VATSPILOT_REQUEST_ID"] = request_id
        response = self.get_response(request)
        user = getattr(request, "user", None)
        user_id = user.pk if user is not None and user.is_authenticated else None
        fields = {
            "request_id": request_id,
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            "user_id": user_id,
        }
        level = logging.ERROR if response.status_code >= 500 else logging.INFO
        self.logger.log(level, "%s %s %s", request.method, request.path, response.status_code, extra=fields)
        response["X-Request-ID"] = request_id
        return response
