"""Gunicorn's settings for `vatspilot serve` (``-c python:config.gunicorn_conf``): its own log in the
site's format (config/logs.py: JSON lines on stderr unless VATSPILOT_LOG_FORMAT=text) and no access log
(the site's request log has each request, with its id and user). The command line sets the address and
the number of workers."""

from __future__ import annotations

import os

from config.logs import gunicorn_logconfig

_DEBUG = os.environ.get("DEBUG", "").strip().lower() in {"1", "true", "yes", "on"}

logconfig_dict = gunicorn_logconfig(
    os.environ.get("VATSPILOT_LOG_FORMAT", "").strip().lower() or ("text" if _DEBUG else "json"),
    os.environ.get("VATSPILOT_LOG_LEVEL", "").strip().upper() or "INFO",
)
accesslog = None
# A worker that has not answered for this long is restarted (a large report upload streams within it).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
