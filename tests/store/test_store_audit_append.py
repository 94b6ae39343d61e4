"""The append on PostgreSQL in one statement: the server's hash is the one chain_hash gives, the chain
verifies, the head moves, and each append after the first is one statement."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from vatspilot.store.audit import _canonical, _head_free_text, hash_of, record_audit, verify_chain
from vatspilot.store.models import AuditEntry, ChainHead, Jurisdiction

pytestmark = pytest.mark.django_db


def test_the_text_the_server_completes_gives_the_hash_chain_hash_gives():
    entry = AuditEntry(
        seq=41,
        actor_label='林"官#7',
        action="application.accept",
        object_type="store.application",
        object_id="12",
        before=None,
        after={"名": "值", "a": [1, 2], "on": "2025-06-03"},
        at=datetime(2026, 12, 6, 22, 1, 2, 345678, tzinfo=UTC),
        prev_hash="ab" * 32,
    )

    text = _head_free_text(entry, _canonical(entry.before), _canonical(entry.after)) + "ab" * 32 + '","seq":41}'

    assert hashlib.sha256(text.encode("utf-8")).hexdigest() == hash_of(entry)


@pytest.mark.postgres
def test_appends_on_postgresql_take_one_statement_and_verify(jurisdictions, make_user):
    if connection.vendor != "postgresql":
        pytest.skip("the one-statement append is PostgreSQL's: run with DATABASE_URL=postgres://...")
    subject = Jurisdiction.objects.get(code="310000")
    officer = make_user("林")
    with transaction.atomic():
        first = record_audit(actor=None, action="x.first", obj=subject, before=None, after={"i": 0})

    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        second = record_audit(
            actor=officer, action="x.second", obj=subject, before={"名": "旧"}, after={"名": "新", "n": 1}
        )
    appended = [q["sql"] for q in queries.captured_queries if "store_auditentry" in q["sql"]]

    assert len(appended) == 1 and "store_chainhead" in appended[0]
    stored = AuditEntry.objects.get(seq=2)
    assert (stored.pk, stored.prev_hash, stored.hash) == (second.pk, first.hash, second.hash)
    assert (stored.actor_id, stored.actor_label, stored.before, stored.after) == (
        officer.pk,
        f"林#{officer.pk}",
        {"名": "旧"},
        {"名": "新", "n": 1},
    )
    assert hash_of(stored) == stored.hash
    head = ChainHead.objects.get()
    assert (head.seq, head.hash, head.count) == (2, second.hash, 2)
    result = verify_chain()
    assert (result.ok, result.count) == (True, 2)
