"""Audit entries and timeline events are append-only in the database itself, not only in the models.

Migration 0007 puts triggers on ``store_auditentry`` and ``store_applicationevent`` (SQLite and
PostgreSQL) that refuse every UPDATE and DELETE (and, on PostgreSQL, TRUNCATE), raising an integrity
error, unless the guard is lifted: a row exists in ``store_guard_lift``. That table is no model, so
Django's flush never empties it on its own.

Two things lift the guard, each inside one transaction, so that no other connection ever sees it lifted
(the row is inserted and deleted in that transaction and never committed):

- ``flush`` (``manage.py flush``, and the test runner's flush after a transactional test): the store's
  own ``flush`` command (store/management/commands/flush.py) wraps Django's. Emptying every table is
  the one deletion the law allows: it is a new database, not an edited one. (On SQLite flush issues
  one DELETE per table, in no fixed order, so no condition on the other tables could tell it apart.)
- a test that edits or deletes audit rows on purpose, to show that ``vatspilot audit verify`` finds it
  (``guard_lifted()`` below). Someone with the database owner's rights can drop the triggers in the
  same way; the hash chain is what still shows what they changed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections, transaction

GUARD_TABLE = "store_guard_lift"
# 0007 guards the first two, 0008 the licence timeline, 0013 the supervision timeline.
APPEND_ONLY_TABLES = ("store_auditentry", "store_applicationevent", "store_licenceevent", "store_supervisionevent")


@contextmanager
def guard_lifted(reason: str, *, using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Within this block (one transaction), UPDATE and DELETE of the append-only tables are allowed.

    A database migrated only to before 0007 has neither the guard nor the triggers: nothing to lift."""
    connection = connections[using]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        guarded = GUARD_TABLE in connection.introspection.table_names(cursor)
        if guarded:
            cursor.execute(f"INSERT INTO {GUARD_TABLE} (reason) VALUES (%s)", [reason])
        yield
        if guarded:
            cursor.execute(f"DELETE FROM {GUARD_TABLE}")
