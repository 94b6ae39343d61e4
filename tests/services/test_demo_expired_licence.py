"""The demo's oldest licence once its validity can have ended: built on a day more than five years after the
rulebook's start (2022-05-01), the demo issues it early enough and the daily job's service expires it the
day after its last valid day, as system, audited. (tests/services/test_demo_data.py builds the demo on a
day before that is possible and finds it valid.)"""

from __future__ import annotations

import importlib
from datetime import date

from django.apps import apps
from pytest_django.fixtures import Settings

from vatspilot.demo.data import create_demo
from vatspilot.store.audit import verify_chain
from vatspilot.store.models import AuditEntry, Licence, LicenceEvent


def test_the_oldest_licence_has_expired_by_the_daily_job_once_five_years_have_passed(
    db: None, settings: Settings
) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # the hashing is not tested here
    importlib.import_module("vatspilot.store.migrations.0002_jurisdictions").load(apps, None)
    create_demo(date(2027, 12, 1))
    licence = Licence.objects.get(number="B2-20220001")
    assert (licence.status, licence.issued_on, licence.valid_until) == ("expired", date(2022, 9, 8), date(2027, 9, 7))
    steps = LicenceEvent.objects.filter(licence=licence).order_by("on", "id")
    assert [(e.on, e.action, e.from_state, e.to_state, e.actor_id, e.role) for e in steps] == [
        (date(2022, 9, 8), "issue", "", "valid", licence.events.first().actor_id, "miit_reviewer"),
        (date(2027, 9, 8), "expire", "valid", "expired", None, "system"),
    ]
    expiry = AuditEntry.objects.get(object_type="store.licence", object_id=str(licence.pk), action="licence.expire")
    assert (expiry.actor, expiry.actor_label) == (None, "system")
    assert set(Licence.objects.values_list("status", flat=True)) == {"valid", "suspended", "revoked", "expired"}
    assert verify_chain().ok
