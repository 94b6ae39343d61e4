"""Production-style, on PostgreSQL: `vatspilot serve` (Gunicorn, two workers) and `vatspilot jobs worker`
as processes of their own against the suite's database. The licence holder signs in through the login
form and uploads a quarterly report's node list through the report page (the CSRF flow, as a browser),
and the worker process ingests it. Two worker processes share one queue and never run a task twice.
The health endpoints answer over Gunicorn, and every log line is JSON with the request's id and user.

Skipped on SQLite (the PostgreSQL pass runs it), failed under CI=true when PostgreSQL does not answer
(tests/entrypoints/postgres_support.py)."""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import date
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult
from pilot_world import build_world

from tests.entrypoints.postgres_support import postgres_server_url
from vatspilot.services.supervision.ingestion import kept_path
from vatspilot.services.supervision.reports import open_report
from vatspilot.store.models import IngestionRun, ReportNode

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

VATSPILOT = Path(sys.executable).parent / "vatspilot"
GUNICORN = (sys.executable, "-m", "gunicorn", "config.wsgi:application", "-c", "python:config.gunicorn_conf")
WORKER = (str(VATSPILOT), "jobs", "worker")
SUPPORT = Path(__file__).resolve().parents[1] / "support"
CLEARED = ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "VATSPILOT_HTTPS", "VATSPILOT_LOG_FORMAT", "WEB_CONCURRENCY")
PASSWORD = "prod-test-Pw-2026"
TODAY = date(2026, 1, 10)  # 2025-Q4 is open for the world's licence (tests/web/test_web_reports.py)
NODES = b"""id,address,role,location
n-1,114.114.114.114,idc,310115
n-2,223.5.5.0/24,cdn-edge,110105
n-3,203.198.0.1,offshore-cache,HK
n-4,8.8.8.8,idc,310115
"""


@pytest.fixture(autouse=True)
def postgres() -> None:
    postgres_server_url()  # skips on SQLite; under CI=true fails if PostgreSQL does not answer


def _database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def _environment(settings, **variables: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name not in CLEARED}
    env.update(
        DATABASE_URL=_database_url(),
        SECRET_KEY="tests-only-not-a-secret",
        DJANGO_SETTINGS_MODULE="config.settings",
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        VATSPILOT_REPORT_DIR=str(settings.VATSPILOT_REPORT_DIR),
        VATSPILOT_TODAY=TODAY.isoformat(),
        VATSPILOT_TASKS_BACKEND="database",
        PYTHONPATH=os.pathsep.join([str(SUPPORT), env.get("PYTHONPATH", "")]),
    )
    env.update(variables)
    return env


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Processes:
    """Processes started by a test, each with its stderr in a file; all stopped at the end."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.started: list[tuple[subprocess.Popen[bytes], Path]] = []

    def start(self, env: dict[str, str], *command: str) -> Path:
        log = self.folder / f"{Path(command[0]).name}-{len(self.started)}.log"
        with log.open("wb") as err:
            process = subprocess.Popen(
                list(command), env=env, stdout=subprocess.DEVNULL, stderr=err, start_new_session=True
            )
        self.started.append((process, log))
        return log

    def stop(self) -> None:
        for process, _ in self.started:
            if process.poll() is None:
                process.terminate()
        for process, _ in self.started:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def alive(self) -> None:
        for process, log in self.started:
            assert process.poll() is None, log.read_text(encoding="utf-8")[-3000:]


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[Processes]:
    started = Processes(tmp_path)
    yield started
    started.stop()


def _wait_for(condition, what: str, processes: Processes, timeout: float = 40) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        processes.alive()
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"{what} within {timeout} s")


def _json_lines(log: Path) -> list[dict[str, object]]:
    """Every line of the log, each of which must be one JSON object."""
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line.strip()]


class Browser:
    """Just enough of a browser: cookies, forms (urlencoded and multipart), no redirects followed."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, body: bytes | None = None, content_type: str = ""
    ) -> tuple[int, dict[str, str], str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if content_type:
            headers["Content-Type"] = content_type
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        conn.close()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, text

    def get(self, path: str) -> tuple[int, dict[str, str], str]:
        return self.request("GET", path)

    @staticmethod
    def csrf_token(page: str) -> str:
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert found, "the page has a form with its CSRF token"
        return found.group(1)

    def post_form(self, path: str, fields: dict[str, str]) -> tuple[int, dict[str, str], str]:
        return self.request("POST", path, urlencode(fields).encode(), "application/x-www-form-urlencoded")

    def post_multipart(
        self, path: str, fields: dict[str, str], files: dict[str, tuple[str, bytes]]
    ) -> tuple[int, dict[str, str], str]:
        boundary = uuid.uuid4().hex
        body = b""
        for name, value in fields.items():
            body += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, (filename, data) in files.items():
            body += (
                (
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                    "Content-Type: text/csv\r\n\r\n"
                ).encode()
                + data
                + b"\r\n"
            )
        body += f"--{boundary}--\r\n".encode()
        return self.request("POST", path, body, f"multipart/form-data; boundary={boundary}")


def test_gunicorn_and_a_worker_process_a_report_uploaded_through_the_page(
    settings, tmp_path: Path, processes: Processes
) -> None:
    world = build_world(password=PASSWORD)
    report = open_report(actor=world.applicant, licence=world.licence(), year=2025, quarter=4, on=TODAY)
    port = _free_port()
    # What `vatspilot serve --port N --workers 2` hands over to, without its migrate and collectstatic
    # (the suite's database is migrated; compressing the static files takes long on a busy machine).
    server_log = processes.start(
        _environment(settings, VATSPILOT_HTTPS="0", ALLOWED_HOSTS="127.0.0.1"),
        *GUNICORN,
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "2",
    )
    worker_log = processes.start(_environment(settings), *WORKER, "--interval", "0.2")
    browser = Browser(port)

    def serving() -> bool:
        try:
            return browser.get("/healthz")[0] == 200
        except OSError:
            return False

    _wait_for(serving, "Gunicorn answers /healthz", processes)
    status, _, page = browser.get("/accounts/login/")
    assert status == 200
    signed_in = browser.post_form(
        "/accounts/login/",
        {"username": world.applicant.username, "password": PASSWORD, "csrfmiddlewaretoken": browser.csrf_token(page)},
    )
    assert signed_in[0] == 302, signed_in[2][:500]
    status, _, page = browser.get(f"/reports/{report.pk}/")
    assert status == 200
    uploaded = browser.post_multipart(
        f"/reports/{report.pk}/uploads/node_list/",
        {"csrfmiddlewaretoken": browser.csrf_token(page), "node_list-expected_version": str(report.version)},
        {"node_list-file": ("nodes.csv", NODES)},
    )
    assert (uploaded[0], uploaded[1]["location"]) == (302, f"/reports/{report.pk}/#part-node_list")

    run = IngestionRun.objects.get(report=report)
    _wait_for(
        lambda: IngestionRun.objects.get(pk=run.pk).status in ("accepted", "rejected"),
        "the worker process ingests the upload",
        processes,
    )
    run.refresh_from_db()
    assert (run.status, run.rows_read, run.error_count) == ("accepted", 4, 0)
    assert ReportNode.objects.filter(upload__report=report).count() == 4
    assert kept_path(run.sha256, "nodes.csv").read_bytes() == NODES
    task = DBTaskResult.objects.get(task_path="vatspilot.services.supervision.ingestion.ingest_report_upload")
    assert (task.status, task.return_value, len(task.worker_ids)) == ("SUCCESSFUL", "accepted", 1)

    status, headers, body = browser.get("/readyz")
    assert (status, headers["content-type"]) == (200, "application/json")
    assert json.loads(body) == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "applied", "worker": {"status": "idle", "waiting": 0}},
    }
    assert "tests-only-not-a-secret" not in body and "postgres" not in body

    processes.stop()
    server_lines = _json_lines(server_log)  # every line JSON, Gunicorn's own included
    booted = [line for line in server_lines if str(line["message"]).startswith("Booting worker")]
    assert len(booted) == 2
    requests = [line for line in server_lines if line["logger"] == "vatspilot.request"]
    upload = next(line for line in requests if line["method"] == "POST" and "/uploads/" in str(line["path"]))
    assert {key: upload[key] for key in ("level", "path", "status", "user_id")} == {
        "level": "INFO",
        "path": f"/reports/{report.pk}/uploads/node_list/",
        "status": 302,
        "user_id": world.applicant.pk,
    }
    assert re.fullmatch(r"[0-9a-f]{32}", str(upload["request_id"]))
    assert world.applicant.username not in server_log.read_text(encoding="utf-8")
    assert any("Starting worker" in str(line["message"]) for line in _json_lines(worker_log))


def test_two_worker_processes_never_run_the_same_task_twice(settings, tmp_path: Path, processes: Processes) -> None:
    from production_tasks import mark_run

    marks = tmp_path / "marks"
    marks.mkdir()
    logs = [processes.start(_environment(settings), *WORKER, "--interval", "0.05") for _ in range(2)]
    _wait_for(
        lambda: all("Starting worker" in log.read_text(encoding="utf-8") for log in logs),
        "both workers start",
        processes,
    )
    for number in range(60):
        mark_run.enqueue(folder=str(marks), number=number)
    _wait_for(
        lambda: DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 60,
        "the two workers run the 60 tasks",
        processes,
    )

    runs: dict[int, list[str]] = {}
    for mark in marks.iterdir():
        number, pid, _ = mark.name.split("-")
        runs.setdefault(int(number), []).append(pid)
    assert sorted(runs) == list(range(60))
    assert all(len(pids) == 1 for pids in runs.values())
    assert len({pids[0] for pids in runs.values()}) == 2  # both workers took tasks
    worker_ids = DBTaskResult.objects.values_list("worker_ids", flat=True)
    assert all(len(ids) == 1 for ids in worker_ids)
