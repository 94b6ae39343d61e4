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
# The longest request line Gunicorn reads (its maximum; 4094 by default). The API's query parameters are
# bounded (a cursor at 200 characters, text filters at 300), and a bound exceeded must reach the site to be
# answered as a 422 naming the parameter, not stopped here with a bare 414, even with every character
# escaped (a Chinese character is nine bytes in a URL).
limit_request_line = 8190
