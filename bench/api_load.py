"""Benchmark: the API under load over HTTP on 127.0.0.1, next to a bare one-row JSON endpoint of the same
stack measured in the same run.

Gunicorn (WORKERS sync workers, config/gunicorn_conf.py, as `vatspilot serve` runs it) serves the site
against PostgreSQL (its own database, vatspilot_api_load, created afresh) holding a small world
(tests/support/api_world.py: the pilot world, a licence on the register and 30 more, a read token for the
applicant). CLIENTS threads, each from its own loopback address, send REQUESTS requests to each endpoint
(after WARMUP), each on its own connection (Gunicorn's sync workers close every connection), in ROUNDS
interleaved rounds so that a neighbour's load on the machine falls on every endpoint alike:

- baseline: ``/bench/one-row``, a Django view reading one row through the ORM and answering JSON, through
  every middleware of the site (bench/api_load_site/ adds the route, for this bench only; /readyz is no
  baseline: its middleware answers before the rest of the stack, and it reads the task queue too);
- the public register: a search (``/api/v1/register?text=...``, 10 licences) and one licence
  (``/api/v1/register/{number}``), without sign-in, so each passes the per-address rate limit (raised for the
  run: VATSPILOT_API_RATE_ADDRESS) and its count in the database cache;
- an application's detail (``/api/v1/applications/{id}``) with the applicant's read token.

Prints requests per second, p50 and p95 latency for each and the ratio of its rate to the baseline's
(goal: at least 0.5, and p95 under 100 ms): printed, not asserted; the machine is shared. Every answer
must be 200 (asserted: a bench that measures errors measures nothing).

Environment: BENCH_WORKERS (default 4), BENCH_CLIENTS (50), BENCH_REQUESTS (1200 per endpoint),
BENCH_ROUNDS (2).
"""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
PYTHON = BIN / "python"
sys.path.insert(0, str(ROOT / "tests" / "support"))
from live_server import free_port, gunicorn_command, serving  # noqa: E402

DATABASE = "vatspilot_api_load"
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "50"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "1200"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "2"))
WARMUP = 100
EXTRA_LICENCES = 30
SEARCH_TEXT = "Extra Holder 11"  # "Extra Holder 110 Co., Ltd." ... 119: 10 licences
SERVER_START_SECONDS = 60


@dataclass
class Endpoint:
    name: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000


def fresh_database() -> None:
    import psycopg

    with psycopg.connect(host="127.0.0.1", user="postgres", dbname="postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
        conn.execute(f"CREATE DATABASE {DATABASE}")


def environment(folder: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
        DJANGO_SETTINGS_MODULE="api_load_settings",
        PYTHONPATH=os.pathsep.join(str(ROOT / part) for part in ("src", "bench/api_load_site", "tests/support")),
        MEDIA_ROOT=str(folder / "media"),
        VATSPILOT_REPORT_DIR=str(folder / "reports"),
        VATSPILOT_SIGNING_KEY_DIR=str(folder / "keys"),
        VATSPILOT_CALENDAR_DIR=str(folder / "calendar"),
        SECRET_KEY="bench-only-" + "x" * 50,
        EMAIL_BACKEND="locmem",
        VATSPILOT_TASKS_BACKEND="immediate",
        DEBUG="0",
        VATSPILOT_HTTPS="0",
        ALLOWED_HOSTS="127.0.0.1",
        VATSPILOT_LOG_LEVEL="WARNING",
        VATSPILOT_TODAY="2025-06-10",  # a week after the world's day (pilot_world.ON)
        # High enough never to refuse; per hour, so that each client's window starts once in the run, as
        # it would once a minute in production (the first request of a window deletes the ended ones).
        VATSPILOT_API_RATE_ADDRESS="10000000/hour",
        VATSPILOT_API_RATE_CALLER="10000000/hour",
    )
    return env


@contextmanager
def gunicorn(env: dict[str, str], folder: Path) -> Iterator[int]:
    port = free_port()
    command = gunicorn_command(port, WORKERS, "--backlog", "2048")
    with serving(command, env, folder, port=port, ready="/bench/one-row", seconds=SERVER_START_SECONDS):
        yield port


def get(port: int, path: str, headers: dict[str, str], source: str = "127.0.0.1") -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(source, 0))
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    except OSError:
        return 0, b""
    finally:
        connection.close()


def drive(port: int, endpoint: Endpoint, count: int, *, record: bool) -> None:
    """``count`` requests from CLIENTS threads at once; latencies kept when ``record``."""
    remaining = iter(range(count))
    lock = threading.Lock()
    latencies: list[float] = []
    failures: list[int] = []

    def client(source: str) -> None:
        while True:
            with lock:
                if next(remaining, None) is None:
                    return
            started = time.perf_counter()
            status, _body = get(port, endpoint.path, endpoint.headers, source)
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if status != 200:
                    failures.append(status)

    # Each client from its own loopback address (127.0.0.2, ...), as clients on the network would be: the
    # per-address rate limit then counts each in its own row, as it would in production.
    threads = [threading.Thread(target=client, args=(f"127.0.{n // 250}.{n % 250 + 2}",)) for n in range(CLIENTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    if failures:
        raise SystemExit(f"{endpoint.name}: {len(failures)} answers were not 200 (first: {failures[0]})")
    if record:
        endpoint.latencies += latencies
        endpoint.seconds += seconds


def main() -> None:
    fresh_database()
    with tempfile.TemporaryDirectory(prefix="vatspilot-api-load-") as name:
        folder = Path(name)
        env = environment(folder)
        subprocess.run([BIN / "vatspilot", "migrate", "-q"], env=env, check=True)
        made = subprocess.run(
            [PYTHON, ROOT / "tests" / "support" / "api_world.py", "applicant:read", f"licences={EXTRA_LICENCES}"],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        world = json.loads(made.stdout.strip().splitlines()[-1])
        bearer = {"Authorization": f"Bearer {world['tokens']['applicant:read']}"}
        endpoints = [
            Endpoint("baseline: one row (Django view)", "/bench/one-row"),
            Endpoint(
                "register search (10 licences)", "/api/v1/register?" + urllib.parse.urlencode({"text": SEARCH_TEXT})
            ),
            Endpoint("register licence", "/api/v1/register/" + urllib.parse.quote(world["licence"])),
            Endpoint("application detail (token)", f"/api/v1/applications/{world['approved']}", bearer),
        ]
        with gunicorn(env, folder) as port:
            status, body = get(port, endpoints[1].path, {})
            assert status == 200 and len(json.loads(body)["items"]) == 10, (status, body[:200])
            for endpoint in endpoints:
                drive(port, endpoint, WARMUP, record=False)
            for _round in range(ROUNDS):
                for endpoint in endpoints:
                    drive(port, endpoint, REQUESTS // ROUNDS, record=True)
    baseline = endpoints[0]
    print(
        f"API load on 127.0.0.1: Gunicorn {WORKERS} sync workers, PostgreSQL, {CLIENTS} concurrent clients, "
        f"{REQUESTS} requests per endpoint in {ROUNDS} interleaved rounds (after {WARMUP} to warm up)"
    )
    print(f"  {'endpoint':34} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'vs baseline':>12}")
    for endpoint in endpoints:
        ratio = endpoint.rate / baseline.rate
        print(
            f"  {endpoint.name:34} {endpoint.rate:8.0f} {endpoint.percentile(0.50):8.1f} "
            f"{endpoint.percentile(0.95):8.1f} {ratio:12.2f}"
        )
    slow = [e.name for e in endpoints[1:] if e.rate < baseline.rate / 2 or e.percentile(0.95) >= 100]
    print(
        "  goal (rate at least half the baseline's, p95 under 100 ms): "
        + ("met" if not slow else f"NOT met by {', '.join(slow)}")
    )


if __name__ == "__main__":
    sys.exit(main())
