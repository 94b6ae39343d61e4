"""The accounts tests' e-mail: delivered to django.core.mail.outbox by tasks run as they are enqueued."""

from __future__ import annotations

import pytest
from django.core import mail

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def mailbox(settings):
    settings.EMAIL_BACKEND = LOCMEM
    settings.TASKS = IMMEDIATE
    settings.LANGUAGE_CODE = "en"
    settings.VATSPILOT_PUBLIC_URL = "https://pilot.example.cn"
    return mail.outbox


@pytest.fixture(scope="session", autouse=True)
def _catalogue() -> None:
    """The e-mails are checked in Chinese too."""
    from pilot_world import compile_catalogue

    compile_catalogue()
