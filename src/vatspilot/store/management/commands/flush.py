"""Django's flush, with the append-only guard lifted for its transaction (see vatspilot.store.append_only).

An installed app's command replaces Django's own of the same name, so this one serves ``manage.py flush``
and the test runner's flush after each transactional test (on SQLite a DELETE per table, which the
triggers would otherwise refuse; on PostgreSQL a TRUNCATE, which they refuse too).
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush

from vatspilot.store.append_only import guard_lifted


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        with guard_lifted("flush", using=options["database"]):
            super().handle(**options)
