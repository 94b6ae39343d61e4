"""The audit chain: appends link up, and each kind of tampering is reported at the right seq."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import connection, transaction

from tests.store import tampering
from tests.store.tampering import tamper_sql, tamper_update
from vatspilot.store.audit import (
    AuditOutsideTransaction,
    hash_of,
    record_audit,
    verify_chain,
)
from vatspilot.store.models import GENESIS_HASH, AuditEntry, ChainHead, ImmutableRecord, Jurisdiction

pytestmark = pytest.mark.django_db


def append(n: int, actor=None) -> list[AuditEntry]:
    subject = Jurisdiction.objects.get(code="310000")
    entries = []
    for i in range(n):
        with transaction.atomic():
            entries.append(
                record_audit(
                    actor=actor,
                    action="jurisdiction.renamed",
                    obj=subject,
                    before={"name_en": f"Shanghai {i}"},
                    after={"name_en": f"Shanghai {i + 1}"},
                )
            )
    return entries


def tamper_delete(*seqs: int) -> None:
    tampering.tamper_delete(seq__in=seqs)


def test_the_first_entry_links_to_64_zeros_and_each_next_to_the_one_before(jurisdictions):
    first, second, third = append(3)

    assert first.prev_hash == GENESIS_HASH == "0" * 64
    assert (second.prev_hash, third.prev_hash) == (first.hash, second.hash)
    assert [e.seq for e in (first, second, third)] == [1, 2, 3]
    head = ChainHead.objects.get()
    assert (head.seq, head.hash, head.count) == (3, third.hash, 3)


def test_the_hash_is_sha256_of_the_canonical_json_of_the_entry(jurisdictions, make_user):
    officer = make_user("lin")
    with transaction.atomic():
        entry = record_audit(
            actor=officer,
            action="application.submitted",
            obj=Jurisdiction.objects.get(code="310000"),
            before=None,
            after={"资本": Decimal("1.50"), "on": datetime(2025, 3, 1, 8, tzinfo=UTC).date()},
        )
    entry.refresh_from_db()

    canonical = json.dumps(
        {
            "seq": 1,
            "actor": f"lin#{officer.pk}",
            "action": "application.submitted",
            "object_type": "store.jurisdiction",
            "object_id": str(entry.object_id),
            "before": None,
            "after": {"资本": "1.50", "on": "2025-03-01"},
            "at": entry.at.astimezone(UTC).isoformat(timespec="microseconds"),
            "prev_hash": "0" * 64,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    assert '"资本"' in canonical  # UTF-8, not \\u escapes
    assert entry.hash == hashlib.sha256(canonical.encode("utf-8")).hexdigest() == hash_of(entry)
    assert entry.after == {"资本": "1.50", "on": "2025-03-01"}
    assert entry.at.utcoffset() is not None


@pytest.mark.django_db(transaction=True)  # no test-wide transaction: the call runs in autocommit
def test_record_audit_refuses_to_run_outside_a_transaction(jurisdictions):
    with pytest.raises(AuditOutsideTransaction):
        record_audit(actor=None, action="x.y", obj=Jurisdiction.objects.get(code="310000"), before=None, after=None)

    assert AuditEntry.objects.count() == 0


def test_entries_are_never_updated_or_deleted_through_the_model(jurisdictions):
    (entry,) = append(1)

    with pytest.raises(ImmutableRecord):
        entry.save()
    with pytest.raises(ImmutableRecord):
        entry.delete()
    with pytest.raises(ImmutableRecord):
        AuditEntry.objects.filter(pk=entry.pk).update(action="x")


def test_an_empty_chain_is_intact():
    result = verify_chain()

    assert (result.ok, result.count, str(result)) == (True, 0, "audit chain intact: 0 entries")


def test_an_untouched_chain_is_intact(jurisdictions):
    append(5)

    result = verify_chain()

    assert (result.ok, result.count, result.seq, result.kind) == (True, 5, None, None)
    assert str(result) == "audit chain intact: 5 entries"


def test_an_edited_entry_is_reported_as_edited_at_its_seq(jurisdictions):
    append(5)
    tamper_update(3, after={"name_en": "Pudong"})

    result = verify_chain()

    assert (result.ok, result.seq, result.kind, result.count) == (False, 3, "edited", 2)


def test_an_entry_rewritten_with_a_fresh_hash_is_still_reported_as_edited(jurisdictions):
    append(5)
    forged = AuditEntry.objects.get(seq=3)
    forged.action = "jurisdiction.deleted"
    tamper_update(3, action=forged.action, hash=hash_of(forged))

    result = verify_chain()

    assert (result.seq, result.kind) == (3, "edited")


def test_a_deleted_entry_is_reported_as_deleted_at_the_missing_seq(jurisdictions):
    append(5)
    tamper_delete(3)

    result = verify_chain()

    assert (result.ok, result.seq, result.kind) == (False, 3, "deleted")


def test_a_deleted_first_entry_is_reported_as_deleted(jurisdictions):
    append(3)
    tamper_delete(1)

    assert (verify_chain().seq, verify_chain().kind) == (1, "deleted")


def test_a_reordered_pair_is_reported_as_reordered_at_the_first_swapped_seq(jurisdictions):
    append(5)
    # Swap the places of entries 2 and 3 (through a free number, seq being unique).
    tamper_update(2, seq=1000)
    tamper_update(3, seq=2)
    tamper_update(1000, seq=3)

    result = verify_chain()

    assert (result.ok, result.seq, result.kind) == (False, 2, "reordered")


def test_a_truncated_tail_is_reported_as_truncated_after_the_last_remaining_entry(jurisdictions):
    append(5)
    tamper_delete(4, 5)

    result = verify_chain()

    assert (result.ok, result.seq, result.kind, result.count) == (False, 4, "truncated", 3)


def test_a_chain_emptied_entirely_is_reported_as_truncated(jurisdictions):
    append(2)
    tamper_delete(1, 2)

    assert (verify_chain().seq, verify_chain().kind) == (1, "truncated")


def test_an_entry_appended_behind_the_heads_back_is_reported_as_inserted(jurisdictions):
    _first, second = append(2)
    forged = AuditEntry(
        seq=3,
        actor_label="system",
        action="application.approved",
        object_type="store.application",
        object_id="1",
        before=None,
        after=None,
        at=second.at,
        prev_hash=second.hash,
    )
    forged.hash = hash_of(forged)
    forged.save()  # a valid link, but the head was not moved

    result = verify_chain()

    assert (result.ok, result.seq, result.kind) == (False, 3, "inserted")


def test_an_entry_inserted_in_the_middle_is_reported_as_inserted(jurisdictions):
    entries = append(3)
    # Make room at seq 2 by moving 2 and 3 up, then slip a forged entry in that links to seq 1.
    tamper_update(3, seq=4)
    tamper_update(2, seq=3)
    forged = AuditEntry(
        seq=2,
        actor_label="system",
        action="application.approved",
        object_type="store.application",
        object_id="1",
        before=None,
        after=None,
        at=entries[0].at,
        prev_hash=entries[0].hash,
    )
    forged.hash = hash_of(forged)
    forged.save()

    result = verify_chain()

    assert (result.seq, result.kind) == (2, "inserted")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_connections_appending_at_once_take_turns(jurisdictions):
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite lets one writer in at a time by itself (IMMEDIATE transactions); this tests "
            "the row lock that PostgreSQL needs: run with DATABASE_URL=postgres://..."
        )
    subject = Jurisdiction.objects.get(code="310000")
    per_thread = 10
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def appender(name: str) -> None:
        try:
            start.wait()
            for i in range(per_thread):
                with transaction.atomic():
                    record_audit(actor=None, action=f"test.{name}", obj=subject, before=None, after={"i": i})
                    time.sleep(0.005)  # hold the head lock a moment, so that the other thread must wait
        except BaseException as error:  # reported to the main thread below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=appender, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sorted(AuditEntry.objects.values_list("seq", flat=True)) == list(range(1, 2 * per_thread + 1))
    assert AuditEntry.objects.filter(action="test.a").count() == per_thread
    result = verify_chain()
    assert (result.ok, result.count) == (True, 2 * per_thread)


# --- streaming verification ---------------------------------------------------------------------------


def raw_json_column(seq: int, column: str):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM store_auditentry WHERE seq = %s", [seq])
        return cursor.fetchone()[0]


def test_before_and_after_are_stored_in_the_canonical_form_the_hash_covers(jurisdictions):
    subject = Jurisdiction.objects.get(code="310000")
    with transaction.atomic():
        record_audit(actor=None, action="x.y", obj=subject, before=None, after={"z": 1, "a": {"名": "值", "b": [1, 2]}})

    stored = raw_json_column(1, "after")

    if connection.vendor == "sqlite":  # PostgreSQL's jsonb keeps a form of its own
        assert stored == '{"a":{"b":[1,2],"名":"值"},"z":1}'
    assert verify_chain().ok


def test_entries_stored_before_the_canonical_form_still_verify(jurisdictions):
    """An entry written with Django's default JSON (spaces, insertion order) is parsed and re-encoded."""
    append(3)
    # The same value, in the form Django wrote before (an entry of that time, not an edit).
    tamper_sql("UPDATE store_auditentry SET after = %s WHERE seq = 2", ['{"name_en": "Shanghai 2"}'])

    result = verify_chain()

    assert (result.ok, result.count) == (True, 3)


def test_verification_streams_in_chunks_and_still_finds_the_edit(jurisdictions):
    append(7)
    intact = verify_chain(chunk_size=2)
    tamper_update(6, action="jurisdiction.deleted")

    broken = verify_chain(chunk_size=2)

    assert (intact.ok, intact.count) == (True, 7)
    assert (broken.seq, broken.kind, broken.count) == (6, "edited", 5)


def test_a_time_edited_into_nonsense_is_an_edit_not_a_crash(jurisdictions):
    append(2)
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL refuses a non-time in a timestamp column")
    tamper_sql("UPDATE store_auditentry SET at = 'yesterday' WHERE seq = 2")

    result = verify_chain()

    assert (result.seq, result.kind) == (2, "edited")
