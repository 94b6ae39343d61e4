"""DATABASE_URL parsing, and the options every SQLite connection gets."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from config.database_url import parse_database_url

BASE = Path("/srv/vatspilot")


def test_a_relative_sqlite_path_resolves_under_the_repository_in_wal_and_immediate_mode():
    database = parse_database_url("sqlite:///var/vatspilot.sqlite3", base_dir=BASE)

    assert database == {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": BASE / "var" / "vatspilot.sqlite3",
        "OPTIONS": {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }


def test_an_absolute_sqlite_path_and_memory():
    assert parse_database_url("sqlite:////tmp/x.sqlite3", base_dir=BASE)["NAME"] == Path("/tmp/x.sqlite3")
    assert parse_database_url("sqlite:///:memory:", base_dir=BASE)["NAME"] == ":memory:"


def test_a_postgres_url():
    database = parse_database_url("postgres://postgres@127.0.0.1:5432/test", base_dir=BASE)

    assert database == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "test",
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": "127.0.0.1",
        "PORT": "5432",
        "OPTIONS": {},
    }


def test_a_postgresql_url_with_password_and_options():
    database = parse_database_url("postgresql://app:p%40ss@db.internal/vats?sslmode=require", base_dir=BASE)

    assert (database["USER"], database["PASSWORD"], database["HOST"], database["PORT"]) == (
        "app",
        "p@ss",
        "db.internal",
        "",
    )
    assert (database["NAME"], database["OPTIONS"]) == ("vats", {"sslmode": "require"})


@pytest.mark.parametrize(
    "url", ["mysql://root@localhost/x", "sqlite://relative.db", "sqlite:///", "postgres://host-only", "nothing"]
)
def test_other_urls_are_refused(url):
    with pytest.raises(ImproperlyConfigured):
        parse_database_url(url, base_dir=BASE)


def test_a_refusal_does_not_print_the_password():
    with pytest.raises(ImproperlyConfigured) as error:
        parse_database_url("postgres://app:secret@/", base_dir=BASE)

    assert "secret" not in str(error.value)


def test_the_settings_the_platform_relies_on():
    assert settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert (settings.TIME_ZONE, settings.USE_TZ, settings.USE_I18N) == ("Asia/Shanghai", True, True)
    assert [code for code, _name in settings.LANGUAGES] == ["en", "zh-hans"]
    locale_paths = settings.LOCALE_PATHS
    assert locale_paths == [Path(settings.BASE_DIR) / "locale"]
    assert settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    assert "django_tasks_db" in settings.INSTALLED_APPS
    assert "vatspilot.store" in settings.INSTALLED_APPS


def test_the_protections_every_response_goes_through():
    middleware = settings.MIDDLEWARE
    # The health probes (answered before the HTTPS redirect and the host check, config/health.py) and the
    # request log (config/logs.py); then the HTTPS redirect, static files (so they get it too), then the
    # Content Security Policy.
    assert middleware[:5] == [
        "config.health.HealthMiddleware",
        "config.logs.RequestLogMiddleware",
        "django.middleware.security.SecurityMiddleware",
        "whitenoise.middleware.WhiteNoiseMiddleware",
        "csp.middleware.CSPMiddleware",
    ]
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    assert (directives["script-src"], directives["style-src"], directives["object-src"]) == (
        ["'self'"],
        ["'self'"],
        ["'none'"],
    )
    assert not any("unsafe" in source for sources in directives.values() for source in sources)
    assert (
        settings.STORAGES["staticfiles"]["BACKEND"] == "config.static_storage.IncrementalCompressedStaticFilesStorage"
    )
    assert (settings.X_FRAME_OPTIONS, settings.SECURE_CONTENT_TYPE_NOSNIFF) == ("DENY", True)
    assert settings.CSRF_FAILURE_VIEW == "config.error_views.csrf_failure"
