"""Migration 0012: an expiry reminder sent before it gets its licence's last valid day (no licence was
renewed before it), and the uniqueness becomes (licence, valid_until, days)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from pilot_world import World

from vatspilot.services.licences.expiry import send_expiry_reminders
from vatspilot.store.models import LicenceReminder

BEFORE = ("store", "0011_licence_filings_and_exits")
AFTER = ("store", "0012_licence_reminder_per_validity")


@pytest.mark.django_db(transaction=True)
def test_existing_reminders_get_their_licences_last_valid_day(world: World) -> None:
    licence = world.licence()
    assert send_expiry_reminders(date(2030, 5, 26)) == 1
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate([BEFORE])
        executor.loader.build_graph()
        executor.migrate([AFTER])
        old_apps = executor.loader.project_state([AFTER]).apps
        rows = old_apps.get_model("store", "LicenceReminder").objects.values_list("licence_id", "valid_until", "days")
        assert list(rows) == [(licence.pk, date(2030, 6, 2), 7)]
    finally:
        executor.loader.build_graph()
        executor.migrate(leaves)
    assert list(LicenceReminder.objects.values_list("valid_until", "days")) == [(date(2030, 6, 2), 7)]
