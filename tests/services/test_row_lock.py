"""The transition's row lock reads what the ORM's select_for_update().select_related() reads: every
column of the application, its organisation and its jurisdiction, each value of the same type."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction
from django.db.models import Model
from django.test.utils import CaptureQueriesContext

from vatspilot.domain.applications import State
from vatspilot.services.applications.row_lock import lock_application
from vatspilot.store.models import Application

pytestmark = pytest.mark.django_db


def typed_columns(record: Model) -> dict[str, tuple[type, Any]]:
    return {
        field.attname: (type(getattr(record, field.attname)), getattr(record, field.attname))
        for field in type(record)._meta.concrete_fields
    }


@pytest.mark.parametrize("state", [State.DRAFT, State.MINISTERIAL_REVIEW])
def test_the_lock_reads_what_the_orm_reads(world, state):
    application = world.drive_to(state) if state is not State.DRAFT else world.ready_draft()
    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries:
            locked = lock_application(application.pk)
            assert locked.organisation.name and locked.jurisdiction.code  # loaded with it: no more queries
        read = Application.objects.select_related("organisation", "jurisdiction").get(pk=application.pk)
    assert len(queries.captured_queries) == 1
    assert typed_columns(locked) == typed_columns(read)
    assert typed_columns(locked.organisation) == typed_columns(read.organisation)
    assert typed_columns(locked.jurisdiction) == typed_columns(read.jurisdiction)
    assert locked._stored_status == read.status
    assert locked._state.db == read._state.db and not locked._state.adding
    if connection.vendor == "postgresql":  # only the application's row: not its organisation's
        assert queries.captured_queries[0]["sql"].endswith("FOR UPDATE OF a")


def test_a_missing_application_is_does_not_exist():
    with transaction.atomic(), pytest.raises(Application.DoesNotExist):
        lock_application(987654)
