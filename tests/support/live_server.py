"""A site served in a process of its own, for the runs outside pytest's live server (scripts/fuzz_api.py,
scripts/screenshots.py, bench/api_load.py): a free loopback port, the process started with its stderr in
``server.log`` in the run's folder, waited for until a path answers, and stopped at the end."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def gunicorn_command(port: int, workers: int, *options: str) -> list[str]:
    """Gunicorn as `vatspilot serve` runs it (its config, sync workers), without migrating or collecting
    the static files first."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        "-c",
        "python:config.gunicorn_conf",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        *options,
    ]


@contextmanager
def serving(
    command: Sequence[str], env: dict[str, str], folder: Path, *, port: int, ready: str, seconds: float
) -> Iterator[str]:
    """Run ``command`` (a server on ``port``) until the block ends; yields its base URL once ``ready`` (a
    path) answers 2xx. SystemExit with the log's last lines when it stops or does not answer in time."""
    log = folder / "server.log"
    with open(log, "w") as stderr:
        process = subprocess.Popen(list(command), env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=stderr)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + seconds
        while True:
            if process.poll() is not None:
                lines = log.read_text(errors="replace").splitlines()[-20:]
                raise SystemExit("the server stopped:\n" + "\n".join(lines))
            try:
                urllib.request.urlopen(base + ready, timeout=5).close()
                break
            except OSError:  # not listening yet, or not ready (an HTTPError is an OSError too)
                if time.monotonic() > deadline:
                    raise SystemExit(f"the server did not answer within {seconds:.0f} s") from None
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
