"""Django settings for vatspilot. Everything that varies between machines is read here, from the
environment, and nowhere else:

DATABASE_URL        sqlite:///PATH (default sqlite:///var/vatspilot.sqlite3) or postgres://user@host:port/db
DEBUG               1/true/yes/on or 0/false/no/off (default off)
SECRET_KEY          required unless DEBUG is on (Django refuses to sign anything without one)
ALLOWED_HOSTS       comma-separated host names
LANGUAGE_CODE       the language when the browser asks for none (default en)
EMAIL_BACKEND       console | file | smtp | locmem, or a dotted backend path (default console, or file
                    when EMAIL_FILE_PATH is set)
EMAIL_FILE_PATH     where the file backend writes messages (default var/mail)
MEDIA_ROOT          where uploaded documents are kept (default var/media)
VATSPILOT_MAX_UPLOAD_BYTES   largest accepted upload (default 20 MiB)
VATSPILOT_TASKS_BACKEND      database (default: django-tasks-db, a worker runs them) | immediate (in-process)

Relative paths resolve under the repository root.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.database_url import parse_database_url

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

# An empty key is refused by Django the moment something is signed (sessions, CSRF, password reset),
# so a server without SECRET_KEY fails loudly; commands that sign nothing (migrate, audit verify) run.
SECRET_KEY = os.environ.get("SECRET_KEY") or ("django-insecure-vatspilot-development-only" if DEBUG else "")

ALLOWED_HOSTS = [host.strip() for host in os.environ.get("ALLOWED_HOSTS", "").split(",") if host.strip()]

# --- Applications -------------------------------------------------------------------------------------
INSTALLED_APPS = [
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # django-ninja: listed so its API docs use the Swagger files it ships, never a CDN
    "ninja",
    # Background tasks (the backend is chosen under TASKS below)
    "django_tasks",
    # vatspilot
    "vatspilot.store",  # models, migrations, audit chain, access functions, admin
    "vatspilot.web",  # server-rendered pages
    "vatspilot.api",  # django-ninja API
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -----------------------------------------------------------------------------------------
# Argon2 hashes new passwords; the others still verify hashes made before and upgrade them at login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
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
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

# --- Files --------------------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# Uploaded dossier documents. Never served from MEDIA_URL: downloads go through a view that calls
# access_document, so MEDIA_URL is deliberately not routed in urls.py.
MEDIA_ROOT = _env_path("MEDIA_ROOT", VAR_DIR / "media")
MEDIA_URL = "media/"
VATSPILOT_MAX_UPLOAD_BYTES = _env_int("VATSPILOT_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)

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
