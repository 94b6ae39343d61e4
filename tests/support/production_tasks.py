"""A task for the two-worker test (tests/entrypoints/test_production.py): each run leaves a file named
after its number and the process that ran it, so that a task run twice shows as two files."""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

from django_tasks import task


@task()
def mark_run(folder: str, number: int) -> int:
    time.sleep(0.05)
    (Path(folder) / f"{number}-{os.getpid()}-{uuid.uuid4().hex}").write_text("", encoding="utf-8")
    return number
