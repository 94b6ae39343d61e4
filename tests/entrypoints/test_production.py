"""Production-style, on PostgreSQL: `vatspilot serve` (Gunicorn, two workers) and `vatspilot jobs worker`
as processes of their own against the suite's database. The licence holder's system files a quarterly
report through the API with a personal API token (opens the quarter, saves the operational data, uploads
the node list and the security log, follows each ingestion run at GET /api/v1/reports/{id}/runs/{run_id}
while the worker process reads it, and submits). Two worker processes share one queue and never run a
task twice.
The health endpoints answer over Gunicorn, and every log line is JSON with the request's id and user.

Skipped on SQLite (the PostgreSQL pass runs it), failed under CI=true when PostgreSQL does not answer
(tests/entrypoints/postgres_support.py)."""

from __future__ import annotations

import http.client
import json
import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult
from live_server import free_port, gunicorn_command
from pilot_world import build_world
from report_world import LOG, NODES, TODAY

from tests.entrypoints.postgres_support import postgres_server_url
from vatspilot.services.accounts.api_tokens import create_api_token
from vatspilot.services.supervision.ingestion import kept_path
from vatspilot.store.models import Finding, IngestionRun, QuarterlyReport, ReportNode

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

VATSPILOT = Path(sys.executable).parent / "vatspilot"
WORKER = (str(VATSPILOT), "jobs", "worker")
SUPPORT = Path(__file__).resolve().parents[1] / "support"
CLEARED = ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "VATSPILOT_HTTPS", "VATSPILOT_LOG_FORMAT", "WEB_CONCURRENCY")
PASSWORD = "prod-test-Pw-2026"
# The operational data as the holder's system sends it: exact decimal numbers for the amounts.
DATA = (
    b'{"expected_version": 1, "users": 120000, "revenue_cny": 1234567.89, "bandwidth_gbps": 40.500, '
    b'"personal_info_exported": 150000, "sensitive_info_exported": 0, "important_data_exported": false}'
)


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


class ApiClient:
    """A program calling the API with a personal API token (no cookies, no CSRF: a bearer token)."""

    def __init__(self, port: int, token: str) -> None:
        self.port = port
        self.token = token

    def request(
        self, method: str, path: str, body: bytes | None = None, content_type: str = ""
    ) -> tuple[int, dict[str, str], Any]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Authorization": f"Bearer {self.token}", "Accept-Language": "en"}
        if content_type:
            headers["Content-Type"] = content_type
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        conn.close()
        answer = json.loads(text) if "json" in (response.getheader("Content-Type") or "") else text
        return response.status, {k.lower(): v for k, v in response.getheaders()}, answer

    def get(self, path: str) -> tuple[int, dict[str, str], Any]:
        return self.request("GET", path)

    def send_json(self, method: str, path: str, body: bytes) -> tuple[int, dict[str, str], Any]:
        return self.request(method, path, body, "application/json")

    def post_multipart(
        self, path: str, fields: dict[str, str], files: dict[str, tuple[str, bytes]]
    ) -> tuple[int, dict[str, str], Any]:
        boundary = uuid.uuid4().hex
        body = b""
        for name, value in fields.items():
            body += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, (filename, data) in files.items():
            body += (
                (
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                    "Content-Type: application/octet-stream\r\n\r\n"
                ).encode()
                + data
                + b"\r\n"
            )
        body += f"--{boundary}--\r\n".encode()
        return self.request("POST", path, body, f"multipart/form-data; boundary={boundary}")


def test_gunicorn_and_a_worker_process_a_report_filed_through_the_api(
    settings, tmp_path: Path, processes: Processes
) -> None:
    world = build_world(password=PASSWORD)
    licence = world.licence()
    token = create_api_token(actor=world.applicant, name="filing system", scope="write").secret
    port = free_port()
    # What `vatspilot serve --port N --workers 2` hands over to, without its migrate and collectstatic
    # (the suite's database is migrated; compressing the static files takes long on a busy machine).
    server_log = processes.start(
        _environment(settings, VATSPILOT_HTTPS="0", ALLOWED_HOSTS="127.0.0.1"),
        *gunicorn_command(port, 2),
    )
    worker_log = processes.start(_environment(settings), *WORKER, "--interval", "0.2")
    api = ApiClient(port, token)

    def serving() -> bool:
        try:
            return api.get("/healthz")[0] == 200
        except OSError:
            return False

    _wait_for(serving, "Gunicorn answers /healthz", processes)

    # The quarter is open on the calendar; the holder's system opens its report and fills it in.
    status, _, calendar = api.get(f"/api/v1/licences/{licence.number}/obligations?status=open&kind=quarterly-report")
    assert status == 200, calendar
    assert [(row["label"], row["can_open"]) for row in calendar["items"]] == [("2025-Q4", True)]
    status, headers, opened = api.send_json(
        "POST", f"/api/v1/licences/{licence.number}/reports", b'{"year": 2025, "quarter": 4}'
    )
    assert status == 201, opened
    report = QuarterlyReport.objects.get(pk=opened["id"])
    assert headers["location"] == f"/api/v1/reports/{report.pk}"
    status, _, saved = api.send_json("PUT", f"/api/v1/reports/{report.pk}/data", DATA)
    assert (status, saved["version"], saved["data"]["revenue_cny"]) == (200, 2, 1234567.89), saved

    # Each part is streamed to the staging area and read by the worker process; its run is followed.
    progress: dict[str, str] = {}
    for part, filename, data in (("node_list", "nodes.csv", NODES), ("security_log", "log.ndjson", LOG)):
        status, headers, run = api.post_multipart(
            f"/api/v1/reports/{report.pk}/uploads/{part}", {"expected_version": "2"}, {"file": (filename, data)}
        )
        assert (status, run["status"], headers["location"]) == (202, "queued", run["progress"]), run
        progress[part] = run["progress"]
    finished: dict[str, dict[str, Any]] = {}

    def read(part: str) -> bool:
        status, _, run = api.get(progress[part])
        assert status == 200, run
        finished[part] = run
        return bool(run["finished"])

    for part in progress:
        _wait_for(lambda part=part: read(part), f"the worker process ingests the {part}", processes)
    assert {part: (run["status"], run["rows_read"], run["error_count"]) for part, run in finished.items()} == {
        "node_list": ("accepted", 4, 0),
        "security_log": ("accepted", 1, 0),
    }
    node_run = IngestionRun.objects.get(report=report, part="node_list")
    assert ReportNode.objects.filter(upload__report=report).count() == 4
    assert kept_path(node_run.sha256, "nodes.csv").read_bytes() == NODES
    tasks = DBTaskResult.objects.filter(task_path="vatspilot.services.supervision.ingestion.ingest_report_upload")
    assert sorted((task.status, task.return_value, len(task.worker_ids)) for task in tasks) == [
        ("SUCCESSFUL", "accepted", 1),
        ("SUCCESSFUL", "accepted", 1),
    ]

    # Complete: the system submits it, and the checks raise their findings with the submission.
    status, _, ready = api.get(f"/api/v1/reports/{report.pk}")
    assert (status, ready["missing"], ready["available_actions"]) == (200, [], ["submit"]), ready
    status, _, submitted = api.send_json(
        "POST",
        f"/api/v1/reports/{report.pk}/actions/submit",
        json.dumps({"expected_version": ready["version"]}).encode(),
    )
    assert (status, submitted["status"], submitted["submitted_on"]) == (200, "submitted", TODAY.isoformat()), submitted
    assert sorted(finding["rule"] for finding in submitted["findings"]) == sorted(
        Finding.objects.filter(report=report).values_list("rule", flat=True)
    )
    assert len(submitted["findings"]) == 4

    status, headers, body = api.get("/readyz")
    assert (status, headers["content-type"]) == (200, "application/json"), body
    assert body == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "applied", "worker": {"status": "idle", "waiting": 0}},
    }
    assert "tests-only-not-a-secret" not in json.dumps(body) and "postgres" not in json.dumps(body)

    processes.stop()
    server_lines = _json_lines(server_log)  # every line JSON, Gunicorn's own included
    booted = [line for line in server_lines if str(line["message"]).startswith("Booting worker")]
    assert len(booted) == 2
    requests = [line for line in server_lines if line["logger"] == "vatspilot.request"]
    upload = next(line for line in requests if line["method"] == "POST" and "/uploads/node_list" in str(line["path"]))
    assert {key: upload[key] for key in ("level", "path", "status", "user_id")} == {
        "level": "INFO",
        "path": f"/api/v1/reports/{report.pk}/uploads/node_list",
        "status": 202,
        "user_id": world.applicant.pk,
    }
    assert re.fullmatch(r"[0-9a-f]{32}", str(upload["request_id"]))
    text = server_log.read_text(encoding="utf-8")
    assert world.applicant.username not in text and token not in text
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
