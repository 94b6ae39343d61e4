"""Safe by default: DEBUG off, a generated secret key, HTTPS settings on unless `vatspilot serve` listens
on a loopback address, a clean deploy check, and Gunicorn serving the site and its static files.

Settings are read once per process, so each case runs in a fresh one with its own environment.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from live_server import free_port

from config.secret_key import stored_secret_key
from vatspilot.cli.platform import is_loopback

PYTHON = sys.executable
VATSPILOT = Path(PYTHON).parent / "vatspilot"
# What the environment must not bring in from the machine running the tests.
CLEARED = ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "VATSPILOT_HTTPS", "VATSPILOT_TRUST_X_FORWARDED_PROTO")
SETTINGS_SHOWN = (
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_PROXY_SSL_HEADER",
    "SECRET_KEY",
)
A_KEY = "k" * 20 + "-Q7uZ2v9xPn4Lr8Ws1Yt6Hb3Jc5Dm0Fg"


def environment(tmp_path: Path, **variables: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name not in CLEARED}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    env["VATSPILOT_SECRET_KEY_FILE"] = str(tmp_path / "secret_key")
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    env.update(variables)
    return env


def settings_of(tmp_path: Path, **variables: str) -> dict[str, object]:
    script = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name, None) for name in {SETTINGS_SHOWN!r}}}))"
    )
    result = subprocess.run(
        [PYTHON, "-c", script], env=environment(tmp_path, **variables), capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


HTTPS_ON = {
    "SECURE_SSL_REDIRECT": True,
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
    "SECURE_HSTS_SECONDS": 31_536_000,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    "SECURE_HSTS_PRELOAD": True,
}
HTTPS_OFF = {
    "SECURE_SSL_REDIRECT": False,
    "SESSION_COOKIE_SECURE": False,
    "CSRF_COOKIE_SECURE": False,
    "SECURE_HSTS_SECONDS": 0,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
    "SECURE_HSTS_PRELOAD": False,
}


def _subset(settings: dict[str, object], names: dict[str, object]) -> dict[str, object]:
    return {name: settings[name] for name in names}


# --- Settings --------------------------------------------------------------------------------------------


def test_by_default_debug_is_off_https_is_on_and_a_key_is_generated_once(tmp_path: Path) -> None:
    first = settings_of(tmp_path)
    second = settings_of(tmp_path)

    key_file = tmp_path / "secret_key"
    assert first["DEBUG"] is False
    assert _subset(first, HTTPS_ON) == HTTPS_ON
    assert first["SECURE_PROXY_SSL_HEADER"] is None
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert first["SECRET_KEY"] == key_file.read_text().strip()
    assert len(str(first["SECRET_KEY"])) >= 50
    assert second["SECRET_KEY"] == first["SECRET_KEY"]


def test_a_given_secret_key_is_used_and_no_file_is_written(tmp_path: Path) -> None:
    settings = settings_of(tmp_path, SECRET_KEY=A_KEY)

    assert settings["SECRET_KEY"] == A_KEY
    assert not (tmp_path / "secret_key").exists()


def test_vatspilot_https_off_is_plain_http(tmp_path: Path) -> None:
    settings = settings_of(tmp_path, VATSPILOT_HTTPS="0")

    assert _subset(settings, HTTPS_OFF) == HTTPS_OFF


def test_debug_on_defaults_to_plain_http(tmp_path: Path) -> None:
    settings = settings_of(tmp_path, DEBUG="1")

    assert settings["DEBUG"] is True
    assert _subset(settings, HTTPS_OFF) == HTTPS_OFF


def test_the_proxy_header_is_trusted_only_when_asked(tmp_path: Path) -> None:
    settings = settings_of(tmp_path, VATSPILOT_TRUST_X_FORWARDED_PROTO="1")

    assert settings["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def _deploy_check(tmp_path: Path, **variables: str) -> subprocess.CompletedProcess[str]:
    env = environment(tmp_path, SECRET_KEY=A_KEY, ALLOWED_HOSTS="pilot.example.cn", **variables)
    return subprocess.run(
        [PYTHON, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_deploy_check_is_clean_with_debug_off_and_a_key_and_hosts(tmp_path: Path) -> None:
    result = _deploy_check(tmp_path)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."


def test_the_deploy_check_is_clean_with_the_generated_key_too(tmp_path: Path) -> None:
    env = environment(tmp_path, ALLOWED_HOSTS="pilot.example.cn")

    result = subprocess.run(
        [PYTHON, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr


def test_the_deploy_check_names_what_plain_http_gives_up(tmp_path: Path) -> None:
    result = _deploy_check(tmp_path, VATSPILOT_HTTPS="0")

    assert result.returncode == 1
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr


# --- The secret key file ---------------------------------------------------------------------------------


def test_the_key_file_is_created_private_and_reused(tmp_path: Path) -> None:
    path = tmp_path / "var" / "secret_key"

    key = stored_secret_key(path)

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(key) >= 50
    assert stored_secret_key(path) == key
    assert [p.name for p in path.parent.iterdir()] == ["secret_key"]  # no temporary file left


def test_a_key_file_others_may_read_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "secret_key"
    path.write_text(A_KEY)
    path.chmod(0o644)

    with pytest.raises(ImproperlyConfigured, match="mode 0644"):
        stored_secret_key(path)


def test_an_empty_key_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "secret_key"
    path.write_text("\n")
    path.chmod(0o600)

    with pytest.raises(ImproperlyConfigured, match="is empty"):
        stored_secret_key(path)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.20", False),
        ("pilot.example.cn", False),
    ],
)
def test_loopback_addresses(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


# --- vatspilot serve -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def served_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One database for the module's servers: the first `serve` migrates it, the others find it ready."""
    return tmp_path_factory.mktemp("serve")


def _serve(folder: Path, *args: str, **variables: str) -> subprocess.Popen[str]:
    env = environment(folder, **variables)
    return subprocess.Popen(
        [str(VATSPILOT), "serve", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.fixture
def server(served_db: Path) -> Iterator[tuple[subprocess.Popen[str], int]]:
    started: list[subprocess.Popen[str]] = []
    port = free_port()

    def start(*args: str, **variables: str) -> subprocess.Popen[str]:
        process = _serve(served_db, "--port", str(port), "--workers", "1", *args, **variables)
        started.append(process)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert process.poll() is None, process.stdout.read() if process.stdout else ""
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return process
            except OSError:
                time.sleep(0.3)
        raise AssertionError("vatspilot serve did not start listening within 120 s")

    yield start, port  # type: ignore[misc]
    for process in started:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _get(port: int, path: str, **headers: str) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    response.body = response.read()  # type: ignore[attr-defined]
    connection.close()
    return response


def test_serve_on_loopback_is_gunicorn_on_plain_http_without_debug_pages(server) -> None:
    start, port = server
    start()

    login = _get(port, "/accounts/login/")
    stylesheet = _get(port, "/static/web/site.css")
    missing = _get(port, "/no/such/page/")

    assert login.status == 200
    assert login.getheader("Server", "").startswith("gunicorn")
    assert "script-src 'self'" in login.getheader("Content-Security-Policy", "")
    assert login.getheader("Strict-Transport-Security") is None
    assert "Secure" not in (login.getheader("Set-Cookie") or "")
    assert stylesheet.status == 200  # WhiteNoise
    assert missing.status == 404
    page = missing.body.decode()  # type: ignore[attr-defined]
    assert "<h1>Not found</h1>" in page
    assert "URLconf" not in page and "DEBUG = True" not in page


def test_serve_on_another_address_is_https_only(server) -> None:
    start, port = server
    start("--host", "0.0.0.0", ALLOWED_HOSTS="pilot.example.cn")

    plain = _get(port, "/accounts/login/", Host="pilot.example.cn")
    # Gunicorn believes X-Forwarded-Proto from 127.0.0.1, where a TLS proxy on this machine would be.
    proxied = _get(port, "/accounts/login/", Host="pilot.example.cn", **{"X-Forwarded-Proto": "https"})
    other_host = _get(port, "/accounts/login/", Host="evil.example", **{"X-Forwarded-Proto": "https"})

    assert (plain.status, plain.getheader("Location")) == (301, "https://pilot.example.cn/accounts/login/")
    assert proxied.status == 200
    assert proxied.getheader("Strict-Transport-Security") == "max-age=31536000; includeSubDomains; preload"
    assert "Secure" in (proxied.getheader("Set-Cookie") or "")
    assert other_host.status == 400


@pytest.mark.parametrize(
    ("args", "variables", "message"),
    [
        (["--host", "0.0.0.0"], {}, "--host 0.0.0.0: set ALLOWED_HOSTS"),
        (["--host", "0.0.0.0", "--dev"], {"ALLOWED_HOSTS": "x"}, "--dev: the development server"),
        (["--host", "0.0.0.0"], {"ALLOWED_HOSTS": "x", "VATSPILOT_HTTPS": "0"}, "--host 0.0.0.0: another machine"),
        (
            ["--host", "0.0.0.0"],
            {"ALLOWED_HOSTS": "x", "DEBUG": "1"},
            "--host 0.0.0.0: another machine may connect, so DEBUG",
        ),
    ],
)
def test_serve_refuses_unsafe_combinations(
    tmp_path: Path, args: list[str], variables: dict[str, str], message: str
) -> None:
    result = subprocess.run(
        [str(VATSPILOT), "serve", *args],
        env=environment(tmp_path, **variables),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith(message)


def test_a_key_file_that_cannot_be_created_is_a_clear_refusal(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "var"
    not_a_folder.write_text("a file where the folder should be")

    with pytest.raises(ImproperlyConfigured, match="set SECRET_KEY, or VATSPILOT_SECRET_KEY_FILE"):
        stored_secret_key(not_a_folder / "secret_key")
