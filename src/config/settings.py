"""Django settings for vatspilot. Everything that varies between machines is read here, from the
environment, and nowhere else:

DATABASE_URL        sqlite:///PATH (default sqlite:///var/vatspilot.sqlite3) or postgres://user@host:port/db
DEBUG               1/true/yes/on or 0/false/no/off (default off; only `vatspilot serve --dev` turns it on)
SECRET_KEY          the signing key; when unset, one is generated once into VATSPILOT_SECRET_KEY_FILE
VATSPILOT_SECRET_KEY_FILE    where that generated key is kept, mode 0600 (default var/secret_key)
ALLOWED_HOSTS       comma-separated host names
VATSPILOT_HTTPS     on: HTTPS only (redirect, HSTS, secure cookies); default on unless DEBUG is on.
                    `vatspilot serve` on a loopback address sets it off unless it is set (plain HTTP)
VATSPILOT_HSTS_SECONDS       Strict-Transport-Security max-age when HTTPS is on (default one year)
VATSPILOT_TRUST_X_FORWARDED_PROTO  on: believe the proxy's X-Forwarded-Proto: https (default off); only
                    behind a proxy that sets that header itself and never passes a client's one through
VATSPILOT_MAX_BODY_BYTES     largest request body other than uploaded files (default 1 MiB); larger: 413
LANGUAGE_CODE       the language when the browser asks for none (default en)
EMAIL_BACKEND       console | file | smtp | locmem, or a dotted backend path (default console, or file
                    when EMAIL_FILE_PATH is set)
EMAIL_FILE_PATH     where the file backend writes messages (default var/mail)
MEDIA_ROOT          where uploaded documents are kept (default var/media)
VATSPILOT_MAX_UPLOAD_BYTES   largest accepted upload (default 20 MiB)
VATSPILOT_PROXIES            proxies in front of the site that append to X-Forwarded-For (default 0: the
                             header is ignored); the client address the rate limits and the lockout count by
VATSPILOT_LOGIN_FAILURE_LIMIT     failed sign-ins before a username/address pair is locked (default 5)
VATSPILOT_LOGIN_COOLOFF_MINUTES   how long the lock lasts (default 15)
VATSPILOT_SESSION_IDLE_MINUTES    a session ends after this long without a request (default 30)
VATSPILOT_TASKS_BACKEND      database (default: django-tasks-db, a worker runs them) | immediate (in-process)
VATSPILOT_SIGNING_KEY_DIR    the key licence certificates are signed with and its certificate (default
                    var/keys; `vatspilot keys init` creates them)
VATSPILOT_REPORT_DIR         where report uploads are staged and kept (default var/reports)
VATSPILOT_DB_CONN_MAX_AGE    seconds a process keeps its database connection (default 60 on PostgreSQL, 0 on SQLite)
VATSPILOT_DB_CONN_HEALTH_CHECKS  check a kept connection before reusing it (default on)
VATSPILOT_LOG_FORMAT         json (default: one JSON object per line on stderr) | text (default with DEBUG)
VATSPILOT_LOG_LEVEL          DEBUG | INFO (default) | WARNING | ERROR
VATSPILOT_WORKER_STALE_SECONDS  /readyz calls the worker stale when a task has waited longer (default 300)
VATSPILOT_PUBLIC_URL         the platform's address as the public reaches it, without a trailing slash:
                    a certificate's QR code points to <it>/verify/<number>/ (default http://127.0.0.1:8000)

Relative paths resolve under the repository root.
"""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.database_url import parse_database_url
from config.logs import logging_config
from config.secret_key import stored_secret_key

BASE_DIR = Path(__file__).resolve().parents[2]  # the repository root (src/config/settings.py)
VAR_DIR = BASE_DIR / "var"

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"", "0", "false", "no", "off"})


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/true/yes/on or 0/false/no/off, not {raw!r}")


def _env_path(name: str, default: Path) -> Path:
    raw = os.environ.get(name)
    if not raw:
        return default
    path = Path(raw)
    return path if path.is_absolute() else BASE_DIR / path


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


DEBUG = _env_bool("DEBUG", False)

# No fixed development key: a key anyone can read in the source forges sessions. Without SECRET_KEY the
# key generated once under var/ is used (config/secret_key.py).
SECRET_KEY = os.environ.get("SECRET_KEY") or stored_secret_key(
    _env_path("VATSPILOT_SECRET_KEY_FILE", VAR_DIR / "secret_key")
)

ALLOWED_HOSTS = [host.strip() for host in os.environ.get("ALLOWED_HOSTS", "").split(",") if host.strip()]

# --- Applications -------------------------------------------------------------------------------------
INSTALLED_APPS = [
    # Django
    "vatspilot.store.admin_site.ReadOnlyAdminConfig",  # django.contrib.admin, read-only for everyone
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "csp",  # Content-Security-Policy (CONTENT_SECURITY_POLICY below)
    # django-ninja: listed so its API docs use the Swagger files it ships, never a CDN
    "ninja",
    # Background tasks (the backend is chosen under TASKS below)
    "django_tasks",
    # Sign-in throttling and lockout (AXES_* under Accounts)
    "axes",
    # vatspilot
    "vatspilot.store",  # models, migrations, audit chain, access functions, admin
    "vatspilot.web",  # server-rendered pages
    "vatspilot.api",  # django-ninja API
    "vatspilot.services.accounts",  # staff accounts; audits sign-ins, sign-outs and lockouts
]

MIDDLEWARE = [
    # /healthz and /readyz answered before the HTTPS redirect and the host check (config/health.py).
    "config.health.HealthMiddleware",
    # One JSON line per request with its id, status, duration and user id (config/logs.py).
    "config.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files, right after the HTTPS redirect
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A write to /api/v1/ sent with an Idempotency-Key acts once; a retry gets the first answer.
    "vatspilot.api.idempotency.IdempotencyMiddleware",
    "vatspilot.web.refusal_audit.AuditRefusalsMiddleware",  # every 403 into the audit trail
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it answers a locked-out sign-in with the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            # The reader's language in every template without a {% load %} (rule names, citations,
            # enterprise names, the colon, dates): web/templatetags/vatspilot_language.py.
            "builtins": ["vatspilot.web.templatetags.vatspilot_language"],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------------
DATABASES = {
    "default": parse_database_url(
        os.environ.get("DATABASE_URL") or "sqlite:///var/vatspilot.sqlite3", base_dir=BASE_DIR
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3") and DATABASES["default"]["NAME"] != ":memory:":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
# Persistent connections: each process keeps its connection for VATSPILOT_DB_CONN_MAX_AGE seconds
# (default 60 on PostgreSQL, 0 on SQLite: a file needs no connecting), checked before reuse when
# VATSPILOT_DB_CONN_HEALTH_CHECKS is on (default), so a restarted server costs no failed request.
_postgres = DATABASES["default"]["ENGINE"].endswith("postgresql")
DATABASES["default"]["CONN_MAX_AGE"] = _env_int("VATSPILOT_DB_CONN_MAX_AGE", 60 if _postgres else 0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = _env_bool("VATSPILOT_DB_CONN_HEALTH_CHECKS", True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- The API's rate limits and caches -----------------------------------------------------------------
# The API's request counts (vatspilot.api.throttles) live in a table of the database, so that every
# worker on every machine counts the same requests; the table is made by migration 0017. Everything else
# that caches keeps to its process.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "throttle": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "vatspilot_throttle"},
}
# "requests/period" (s, min, hour, day): per client address on public requests and on every write; per
# token (or signed-in user) on writes.
VATSPILOT_API_RATES = {
    "address": os.environ.get("VATSPILOT_API_RATE_ADDRESS", "300/min"),
    "caller": os.environ.get("VATSPILOT_API_RATE_CALLER", "120/min"),
}
# How long an answer to a write sent with an Idempotency-Key is kept and replayed (hours).
VATSPILOT_IDEMPOTENCY_HOURS = _env_int("VATSPILOT_IDEMPOTENCY_HOURS", 24)

# --- Accounts -----------------------------------------------------------------------------------------
# Argon2 hashes new passwords; the others still verify hashes made before and upgrade them at login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# django-axes first: it refuses a locked-out username/address pair before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# After VATSPILOT_LOGIN_FAILURE_LIMIT failed sign-ins (default 5) the pair of username and address is
# locked for VATSPILOT_LOGIN_COOLOFF_MINUTES (default 15), the right password included; a success
# before that clears the count. Locking the pair, not the address alone, keeps one office's shared
# address from locking out its colleagues.
# The proxies in front of the site that append to X-Forwarded-For (0: reached directly, the header ignored);
# the client's address by config/client_address.py, for the sign-in lockout and the API's rate limits alike.
VATSPILOT_PROXIES = _env_int("VATSPILOT_PROXIES", 0)
AXES_CLIENT_IP_CALLABLE = "config.client_address.client_address"
AXES_FAILURE_LIMIT = _env_int("VATSPILOT_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=_env_int("VATSPILOT_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# A try during the lock does not restart it: the lock ends when the page says, whatever was typed since.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "web/locked_out.html"
AXES_VERBOSE = False
# A signed-in session ends after VATSPILOT_SESSION_IDLE_MINUTES (default 30) without a request: every
# request pushes the expiry forward.
SESSION_COOKIE_AGE = 60 * _env_int("VATSPILOT_SESSION_IDLE_MINUTES", 30)
SESSION_SAVE_EVERY_REQUEST = True
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Languages and time -------------------------------------------------------------------------------
LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "en")
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
# Dates per language: 2026-12-07 in English, 2026年12月7日 in Chinese (config/formats/<locale>/formats.py).
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

# --- Files --------------------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every start while it is missing
# WhiteNoise serves STATIC_ROOT (filled by collectstatic, which `vatspilot serve` runs) with gzip copies.
# Not the manifest variant: it makes every {% static %} fail until collectstatic ran, tests included.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # WhiteNoise's, compressing only the files that changed since the last start (config/static_storage.py).
    "staticfiles": {"BACKEND": "config.static_storage.IncrementalCompressedStaticFilesStorage"},
}
# Uploaded dossier documents. Never served from MEDIA_URL: downloads go through a view that calls
# access_document, so MEDIA_URL is deliberately not routed in urls.py.
MEDIA_ROOT = _env_path("MEDIA_ROOT", VAR_DIR / "media")
MEDIA_URL = "media/"
VATSPILOT_MAX_UPLOAD_BYTES = _env_int("VATSPILOT_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
# The working-day calendar years an administrator adds (`vatspilot calendar add-year`); they override the
# shipped data and the chinese-calendar package.
VATSPILOT_CALENDAR_DIR = _env_path("VATSPILOT_CALENDAR_DIR", VAR_DIR / "calendar")
# The key licence certificates are signed with (vatspilot.services.licences.signing_key).
VATSPILOT_SIGNING_KEY_DIR = _env_path("VATSPILOT_SIGNING_KEY_DIR", VAR_DIR / "keys")
# Quarterly reports' uploaded node lists and security logs: staged while a worker checks them, then kept
# whole by their SHA-256 (services.supervision.ingestion). Never served directly.
VATSPILOT_REPORT_DIR = _env_path("VATSPILOT_REPORT_DIR", VAR_DIR / "reports")
# Where the public reaches the platform: the certificate's verification URL starts with it.
VATSPILOT_PUBLIC_URL = os.environ.get("VATSPILOT_PUBLIC_URL", "http://127.0.0.1:8000").strip().rstrip("/")


def _env_date(name: str) -> date | None:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a date, YYYY-MM-DD, not {raw!r}") from None


# Pins "today" (YYYY-MM-DD) for a demonstration or a test; unset, today is the date in China.
VATSPILOT_TODAY = _env_date("VATSPILOT_TODAY")

# --- E-mail -------------------------------------------------------------------------------------------
_EMAIL_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
}
_email_backend = os.environ.get("EMAIL_BACKEND") or ("file" if os.environ.get("EMAIL_FILE_PATH") else "console")
EMAIL_BACKEND = _EMAIL_BACKENDS.get(_email_backend, _email_backend)
EMAIL_FILE_PATH = _env_path("EMAIL_FILE_PATH", VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "vatspilot@localhost")

# --- Background tasks ---------------------------------------------------------------------------------
# django-tasks 0.12 ships only the immediate and dummy backends; its database backend moved to the
# separate django-tasks-db package, which brings its own app and migrations.
_tasks_backend = os.environ.get("VATSPILOT_TASKS_BACKEND", "database")
if _tasks_backend == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
elif _tasks_backend == "database":
    INSTALLED_APPS.append("django_tasks_db")
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
else:
    raise ImproperlyConfigured(f"VATSPILOT_TASKS_BACKEND must be immediate or database, not {_tasks_backend!r}")

# --- HTTPS and browser protections ------------------------------------------------------------------
# HTTPS is the default whenever DEBUG is off, so that config.wsgi run by any server is safe as it stands.
# `vatspilot serve` on a loopback address turns it off (plain http://127.0.0.1, reachable only from this
# machine); on any other address it leaves it on: a TLS proxy must be in front.
VATSPILOT_HTTPS = _env_bool("VATSPILOT_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = VATSPILOT_HTTPS
SESSION_COOKIE_SECURE = VATSPILOT_HTTPS
CSRF_COOKIE_SECURE = VATSPILOT_HTTPS
SECURE_HSTS_SECONDS = _env_int("VATSPILOT_HSTS_SECONDS", 365 * 24 * 60 * 60) if VATSPILOT_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = VATSPILOT_HTTPS
SECURE_HSTS_PRELOAD = VATSPILOT_HTTPS
# Behind a proxy that terminates TLS, Django sees plain HTTP and would redirect forever. Gunicorn already
# trusts X-Forwarded-Proto from 127.0.0.1 (its forwarded_allow_ips); for a proxy elsewhere, set
# VATSPILOT_TRUST_X_FORWARDED_PROTO, and only if that proxy overwrites the header on every request.
if _env_bool("VATSPILOT_TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# The pages run only scripts and styles served from here: no inline <script>, no on* attributes, no
# style attributes (the templates keep it so; htmx's own indicator styles are off, see base.html).
# Swagger UI at /api/docs draws its icons from data: URLs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Request limits and error pages -----------------------------------------------------------------
# A body larger than this (uploaded files aside) is refused with 413 before it is read; an uploaded
# file is counted while it streams in and the request is stopped at VATSPILOT_MAX_UPLOAD_BYTES
# (config/request_limits.py). The error pages and the API's problem details: config/error_views.py.
DATA_UPLOAD_MAX_MEMORY_SIZE = _env_int("VATSPILOT_MAX_BODY_BYTES", 1024 * 1024)
FILE_UPLOAD_HANDLERS = [
    "config.request_limits.CappedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
CSRF_FAILURE_VIEW = "config.error_views.csrf_failure"

# --- Logs -------------------------------------------------------------------------------------------
# JSON lines on stderr (config/logs.py) unless VATSPILOT_LOG_FORMAT=text (the default with DEBUG on).
LOGGING = logging_config(
    os.environ.get("VATSPILOT_LOG_FORMAT", "").strip().lower() or ("text" if DEBUG else "json"),
    os.environ.get("VATSPILOT_LOG_LEVEL", "").strip().upper() or "INFO",
)
