"""/healthz and /readyz (config/health.py), the JSON log lines and the request log (config/logs.py), the
database connection settings, and `vatspilot serve --workers` / WEB_CONCURRENCY."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.core.exceptions import ImproperlyConfigured
from django.db import OperationalError, connection
from django.test import Client
from django.utils import timezone
from pilot_world import World, client_for

from config import health
from config.logs import JsonFormatter, logging_config

NOW = datetime(2026, 1, 10, 2, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _fresh_readiness(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(health, "_migrated", False)


def _json(response) -> dict[str, object]:
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    return json.loads(response.content)


def test_healthz_answers_without_the_database() -> None:
    response = Client().get("/healthz")  # no django_db mark: a query would raise
    assert (response.status_code, _json(response)) == (200, {"status": "ok"})


@pytest.mark.django_db
def test_readyz_reports_the_database_the_migrations_and_an_idle_queue() -> None:
    response = Client().get("/readyz")
    assert (response.status_code, _json(response)) == (
        200,
        {
            "status": "ok",
            "checks": {"database": "ok", "migrations": "applied", "worker": {"status": "idle", "waiting": 0}},
        },
    )


@pytest.mark.django_db
def test_probes_skip_the_https_redirect_and_the_host_check(settings) -> None:
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["pilot.example.cn"]
    client = Client(HTTP_HOST="10.0.0.7:8000")

    assert [client.get(path).status_code for path in ("/healthz", "/readyz")] == [200, 200]
    assert client.get("/register/").status_code == 400  # every other path: the host check as before


@pytest.mark.django_db
def test_a_task_waiting_too_long_shows_the_worker_stale_but_the_site_ready(monkeypatch: pytest.MonkeyPatch) -> None:
    from django_tasks_db.models import DBTaskResult

    from vatspilot.services.notifications.delivery import send_notification_email

    send_notification_email.enqueue(notification_id=1)
    DBTaskResult.objects.update(enqueued_at=NOW - timedelta(seconds=301))
    monkeypatch.setattr(timezone, "now", lambda: NOW)

    stale = _json(Client().get("/readyz"))
    DBTaskResult.objects.update(enqueued_at=NOW - timedelta(seconds=300))
    fresh = _json(Client().get("/readyz"))

    assert (stale["status"], stale["checks"]["worker"]) == (  # type: ignore[index]
        "ok",
        {"status": "stale", "waiting": 1, "oldest_wait_seconds": 301},
    )
    assert fresh["checks"]["worker"] == {"status": "ok", "waiting": 1, "oldest_wait_seconds": 300}  # type: ignore[index]


@pytest.mark.django_db
def test_readyz_is_503_while_migrations_are_pending(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.db.migrations.executor import MigrationExecutor

    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("store", "9999_next")])
    response = Client().get("/readyz")
    assert (response.status_code, _json(response)) == (
        503,
        {"status": "unavailable", "checks": {"database": "ok", "migrations": "pending"}},
    )


def test_readyz_is_503_when_the_database_does_not_answer_and_says_nothing_of_why(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def refused(*args: object, **kwargs: object) -> None:
        raise OperationalError('connection to server at "db.internal" (10.1.2.3), port 5432 failed')

    monkeypatch.setattr(connection, "cursor", refused)
    response = Client().get("/readyz")
    assert (response.status_code, _json(response)) == (
        503,
        {"status": "unavailable", "checks": {"database": "unreachable"}},
    )
    assert "db.internal" not in response.content.decode()
    assert "db.internal" in caplog.text  # the operator's log has it


def test_only_get_and_head() -> None:
    response = Client().post("/healthz")
    assert (response.status_code, response["Allow"]) == (405, "GET, HEAD")
    assert Client().head("/healthz").status_code == 200


# --- Logs -----------------------------------------------------------------------------------------------


def test_a_record_is_one_line_of_json() -> None:
    record = logging.LogRecord("vatspilot.request", logging.INFO, __file__, 1, "GET %s %s", ("/register/", 200), None)
    record.created = NOW.timestamp()
    record.request_id = "abc"
    record.user_id = 7
    record.secret = "not a field"

    line = JsonFormatter().format(record)

    assert "\n" not in line
    assert json.loads(line) == {
        "ts": "2026-01-10T02:00:00.000Z",
        "level": "INFO",
        "logger": "vatspilot.request",
        "message": "GET /register/ 200",
        "request_id": "abc",
        "user_id": 7,
    }


def test_an_exception_is_in_the_same_line() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "failed"
    assert entry["exc"].splitlines()[-1] == "ValueError: boom"


def test_the_format_and_level_are_checked() -> None:
    assert logging_config("json", "INFO")["formatters"]["vatspilot"] == {"()": "config.logs.JsonFormatter"}
    with pytest.raises(ImproperlyConfigured, match="VATSPILOT_LOG_FORMAT must be json or text, not 'xml'"):
        logging_config("xml", "INFO")
    with pytest.raises(ImproperlyConfigured, match="VATSPILOT_LOG_LEVEL must be one of"):
        logging_config("json", "LOUD")


def _request_records(caplog: pytest.LogCaptureFixture) -> list[dict[str, object]]:
    return [json.loads(JsonFormatter().format(r)) for r in caplog.records if r.name == "vatspilot.request"]


@pytest.mark.django_db
def test_each_request_is_logged_with_its_id_status_and_user_id_but_no_name(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="vatspilot.request")

    signed_in = client_for(world.applicant).get("/licences/?q=secret-name", HTTP_X_REQUEST_ID="lb-1234.5")
    anonymous = Client().get("/register/", HTTP_X_REQUEST_ID="not a plain token!")

    first, second = _request_records(caplog)
    assert signed_in["X-Request-ID"] == "lb-1234.5"
    assert {k: v for k, v in first.items() if k not in ("ts", "duration_ms")} == {
        "level": "INFO",
        "logger": "vatspilot.request",
        "message": "GET /licences/ 200",
        "request_id": "lb-1234.5",
        "method": "GET",
        "path": "/licences/",
        "status": 200,
        "user_id": world.applicant.pk,
    }
    assert isinstance(first["duration_ms"], float)
    assert (
        re.fullmatch(r"[0-9a-f]{32}", str(second["request_id"])) and anonymous["X-Request-ID"] == second["request_id"]
    )
    assert (second["path"], second["user_id"]) == ("/register/", None)
    assert world.applicant.username not in caplog.text and "secret-name" not in caplog.text


def _settings_in_a_process(tmp_path: Path, **variables: str) -> dict[str, object]:
    script = (
        "import json; from django.conf import settings; d = settings.DATABASES['default']; "
        "print(json.dumps([d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'], settings.LOGGING['formatters']]))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VATSPILOT_DB_", "VATSPILOT_LOG_", "DEBUG"))}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", SECRET_KEY="x", VATSPILOT_SECRET_KEY_FILE=str(tmp_path / "k"))
    env.update(variables)
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return dict(zip(("max_age", "health_checks", "formatters"), json.loads(done.stdout), strict=True))


def test_postgresql_keeps_its_connections_and_checks_them(tmp_path: Path) -> None:
    postgres = "postgres://vatspilot@db.internal:5432/vatspilot"
    assert _settings_in_a_process(tmp_path, DATABASE_URL=postgres) == {
        "max_age": 60,
        "health_checks": True,
        "formatters": {"vatspilot": {"()": "config.logs.JsonFormatter"}},
    }
    tuned = _settings_in_a_process(
        tmp_path,
        DATABASE_URL=postgres,
        VATSPILOT_DB_CONN_MAX_AGE="600",
        VATSPILOT_DB_CONN_HEALTH_CHECKS="0",
        VATSPILOT_LOG_FORMAT="text",
    )
    assert (tuned["max_age"], tuned["health_checks"]) == (600, False)
    assert tuned["formatters"] == {"vatspilot": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}}
    sqlite = _settings_in_a_process(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert (sqlite["max_age"], sqlite["health_checks"]) == (0, True)


@pytest.mark.parametrize(
    ("args", "env", "workers"),
    [([], {}, "2"), ([], {"WEB_CONCURRENCY": "5"}, "5"), (["--workers", "3"], {"WEB_CONCURRENCY": "5"}, "3")],
)
def test_serve_hands_gunicorn_its_workers_and_log_configuration(
    monkeypatch: pytest.MonkeyPatch, args: list[str], env: dict[str, str], workers: str
) -> None:
    import django.core.management

    from vatspilot.cli.platform import serve

    executed: list[list[str]] = []
    monkeypatch.setattr(django.core.management, "call_command", lambda *a, **k: None)  # no migrate, no collectstatic
    monkeypatch.setattr(os, "execv", lambda path, argv: executed.append(argv))

    result = CliRunner().invoke(serve, ["--port", "8123", *args], env=env)

    assert result.exit_code == 0, result.output
    assert executed[0][1:] == [
        "-m",
        "gunicorn",
        "config.wsgi:application",
        "-c",
        "python:config.gunicorn_conf",
        "--bind",
        "127.0.0.1:8123",
        "--workers",
        workers,
    ]


def test_gunicorns_own_log_is_json_and_its_access_log_off() -> None:
    from config import gunicorn_conf

    assert gunicorn_conf.accesslog is None
    assert gunicorn_conf.logconfig_dict["loggers"]["gunicorn.error"] == {
        "handlers": ["stderr"],
        "level": "INFO",
        "propagate": False,
    }
    assert gunicorn_conf.logconfig_dict["formatters"]["vatspilot"] == {"()": "config.logs.JsonFormatter"}
