"""`make fuzz`: Schemathesis against a live server, on every operation of /api/v1/openapi.json.

A small world (tests/support/api_world.py: the pilot world with a draft, a submitted application and a
licence on the register) is built into a temporary SQLite database, with a write token for the applicant,
one for an official (MIIT's reviewer) and one for a third account. The site is served by Gunicorn on a
free loopback port with the API's rate limits raised (VATSPILOT_API_RATE_ADDRESS / _CALLER). Schemathesis
runs every operation as the applicant and as the official, then the token operations (list, revoke) as
the third account (a fuzzer revoking the token it sends would blind the rest of the run), bounded in
time (a few examples per operation, --max-time per caller, a hard timeout around each run).

The checks: every Schemathesis check but positive_data_acceptance (CHECKS: no server error, responses
conform to the schema in status, content type, headers and body, invalid data refused, authentication
not ignored, ...). positive_data_acceptance is left out because the API honestly refuses, with a 422
naming the field, data the schema cannot describe: a business rule (percentages adding up to 100, a USCC's
check digit, a dossier only the applicant may change), a NUL or a lone surrogate in a string (the strict
JSON reader), or 3.0 for an integer (the strict request schema). Exit 0 when every check passed, 1 when
one failed.

Usage: .venv/bin/python scripts/fuzz_api.py [--max-examples N] [--max-time SECONDS] [--seed N]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
PYTHON = BIN / "python"
sys.path.insert(0, str(ROOT / "tests" / "support"))
from live_server import free_port, gunicorn_command, serving  # noqa: E402

CHECKS = [
    "not_a_server_error",
    "response_schema_conformance",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "negative_data_rejection",
    "missing_required_header",
    "unsupported_method",
    "allow_header_conformance",
    "use_after_free",
    "ensure_resource_availability",
    "ignored_auth",
]
# (who, account of the pilot world): the applicant, with a draft, a submitted application and a licence;
# the ministry's reviewer; and an account whose own tokens the token operations may revoke (run last,
# alone on them, so that revoking cannot take away the others' tokens).
CALLERS = [("applicant", "applicant"), ("official", "miit_reviewer")]
TOKEN_CALLER = ("token owner", "cac_reviewer")
TOKEN_OPERATIONS = "^/api/v1/tokens"
SERVER_START_SECONDS = 60
TODAY = "2025-06-10"
# Schemathesis's own budget per caller is --max-time; this is the hard stop around one run.
RUN_GRACE_SECONDS = 45


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def environment(folder: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"sqlite:///{folder / 'fuzz.sqlite3'}",
        MEDIA_ROOT=str(folder / "media"),
        VATSPILOT_REPORT_DIR=str(folder / "reports"),
        VATSPILOT_SIGNING_KEY_DIR=str(folder / "keys"),
        VATSPILOT_CALENDAR_DIR=str(folder / "calendar"),
        SECRET_KEY="fuzzing-only-" + "x" * 50,
        EMAIL_BACKEND="locmem",
        VATSPILOT_TASKS_BACKEND="immediate",
        DEBUG="0",
        VATSPILOT_HTTPS="0",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        VATSPILOT_LOG_LEVEL="WARNING",
        VATSPILOT_API_RATE_ADDRESS="100000/min",
        VATSPILOT_API_RATE_CALLER="100000/min",
        PYTHONPATH=str(ROOT / "src"),
    )
    env["VATSPILOT_TODAY"] = TODAY  # the world's applications are made on 2025-06-03 (pilot_world.ON)
    return env


def build_world(env: dict[str, str]) -> dict[str, Any]:
    """Migrate and build the API world (tests/support/api_world.py): its tokens by "username:scope"."""
    subprocess.run([BIN / "vatspilot", "migrate", "-q"], env=env, check=True)
    names = [f"{username}:write" for _who, username in [*CALLERS, TOKEN_CALLER]]
    made = subprocess.run(
        [PYTHON, ROOT / "tests" / "support" / "api_world.py", *names],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(made.stdout.strip().splitlines()[-1]))


@contextmanager
def server(env: dict[str, str], folder: Path, workers: int = 2) -> Iterator[str]:
    """Gunicorn as `vatspilot serve` starts it, without collecting the static files first (the API serves
    none); yields the base URL once the OpenAPI document answers."""
    port = free_port()
    command = gunicorn_command(port, workers)
    with serving(command, env, folder, port=port, ready="/api/v1/openapi.json", seconds=SERVER_START_SECONDS) as base:
        yield base


def fuzz(base: str, who: str, secret: str, options: argparse.Namespace, folder: Path, *, tokens: bool) -> int:
    """One Schemathesis run as ``who``: the token operations only (``tokens``) or every other one."""
    max_time = options.max_time // 4 if tokens else options.max_time
    command = [
        str(BIN / "schemathesis"),
        "run",
        f"{base}/api/v1/openapi.json",
        "--include-path-regex" if tokens else "--exclude-path-regex",
        TOKEN_OPERATIONS,
        "--header",
        f"Authorization: Bearer {secret}",
        "--checks",
        ",".join(CHECKS),
        "--max-examples",
        str(options.max_examples),
        "--max-time",
        str(max_time),
        "--seed",
        str(options.seed),
        "--workers",
        "1",
        "--request-timeout",
        "20",
        "--no-shrink",
        "--suppress-health-check",
        "all",
        "--report",
        "junit",
        "--report-junit-path",
        str(folder / f"junit-{who.replace(' ', '-')}.xml"),
    ]
    say(f"--- Schemathesis as the {who} ({'the token operations' if tokens else 'every other operation'}) ---")
    try:
        return subprocess.run(command, cwd=folder, timeout=max_time + RUN_GRACE_SECONDS).returncode
    except subprocess.TimeoutExpired:
        say(f"Schemathesis did not finish within {max_time + RUN_GRACE_SECONDS} s")
        return 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-examples", type=int, default=5, help="test cases per operation and phase")
    parser.add_argument("--max-time", type=int, default=40, help="Schemathesis's budget per caller (seconds)")
    parser.add_argument("--seed", type=int, default=20261207)
    options = parser.parse_args(argv)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="vatspilot-fuzz-") as name:
        folder = Path(name)
        env = environment(folder)
        say("Building the API world and its tokens ...")
        world = build_world(env)
        say(f"  ready in {time.monotonic() - started:.0f} s")
        failed = False
        with server(env, folder) as base:
            for who, username in CALLERS:
                failed |= fuzz(base, who, world["tokens"][f"{username}:write"], options, folder, tokens=False) != 0
            who, username = TOKEN_CALLER
            failed |= fuzz(base, who, world["tokens"][f"{username}:write"], options, folder, tokens=True) != 0
        errors = [line for line in (folder / "server.log").read_text(errors="replace").splitlines() if "ERROR" in line]
        if errors:
            say("The server logged errors (each cut at 400 characters):")
            say("\n".join(line[:400] for line in errors[-20:]))
    say(f"Fuzzing {'FAILED' if failed else 'passed'} in {time.monotonic() - started:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
