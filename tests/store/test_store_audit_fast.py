"""verify_chain's fast path on SQLite: SQLite builds the canonical text, chunks are checked whole, and
a chunk it cannot vouch for goes through the exact per-row walk, so every kind of break is reported
exactly as the per-row walk alone reports it (on PostgreSQL, which walks row by row, these tests pin
the same results)."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, transaction
from django.db.backends.sqlite3.base import DatabaseWrapper

from tests.store.tampering import tamper_delete, tamper_sql, tamper_update
from vatspilot.store import audit, audit_fast
from vatspilot.store.audit import VerifyResult, hash_of, verify_chain
from vatspilot.store.models import GENESIS_HASH, AuditEntry, ChainHead

pytestmark = pytest.mark.django_db

ENTRIES = 30_000  # three chunks of FAST_CHUNK (10,000)
TRICKY = ['quote " and \\ backslash', "tab\tnew\nline\r\x00\x01\x1f\x7f", "名字 🚀 \u2028\u2029", "/slash"]
sqlite_only = pytest.mark.skipif("connection.vendor != 'sqlite'", reason="the fast path is SQLite's")


def write_chain(n: int) -> list[str]:
    """``n`` entries appended straight into the table, as record_audit would write them (record_audit
    itself would take minutes for this many); every seventh carries tricky strings. Returns the hashes."""
    base = datetime(2026, 1, 5, 1, 2, 3, tzinfo=UTC)
    prev_hash, hashes, entries = GENESIS_HASH, [], []
    for seq in range(1, n + 1):
        tricky = TRICKY[seq % len(TRICKY)] if seq % 7 == 0 else ""
        if connection.vendor != "sqlite":
            tricky = tricky.replace("\x00", "")  # PostgreSQL keeps no NUL in text nor in jsonb
        entry = AuditEntry(
            seq=seq,
            actor_label=f"officer-{seq % 40}#{seq % 40 + 1}{tricky}",
            action="application.accept" if seq % 3 else "document.uploaded",
            object_type="store.application",
            object_id=f"{seq // 7}{tricky}"[:64],
            before=None if seq % 2 else {"status": "submitted", "version": 3, "note": tricky},
            after={"status": "preliminary_assessment", "名": tricky, "n": seq, "x": [1.5, None, True]},
            # whole seconds now and then: SQLite then stores no fraction, and the text must add one
            at=base + timedelta(seconds=seq, microseconds=0 if seq % 5 == 0 else seq % 999_983),
            prev_hash=prev_hash,
        )
        entry.hash = prev_hash = hash_of(entry)
        hashes.append(entry.hash)
        entries.append(entry)
    AuditEntry.objects.bulk_create(entries, batch_size=2000)
    ChainHead.objects.update_or_create(pk=1, defaults={"seq": n, "hash": prev_hash, "count": n})
    return hashes


def swap(a: int, b: int) -> None:
    tamper_update(a, seq=10**9)
    tamper_update(b, seq=a)
    tamper_update(10**9, seq=b)


def raw_sql(sql: str, params: list) -> None:
    tamper_sql(sql, params)


@pytest.fixture
def steps(monkeypatch) -> list[int]:
    """The seqs the exact per-row walk looked at (the fast path vouches for all the others)."""
    seen: list[int] = []
    step = audit._Walk.step

    def counting(self, row):
        seen.append(row[0])
        return step(self, row)

    monkeypatch.setattr(audit._Walk, "step", counting)
    return seen


def test_sqlite_json_quote_writes_every_code_point_as_chain_hash_does():
    """The fast text quotes strings with SQLite's json_quote: over every Unicode scalar value, it gives
    what json.encoder.encode_basestring (chain_hash's quoting) gives."""
    quote = json.encoder.encode_basestring
    with sqlite3.connect(":memory:") as raw:
        raw.execute("CREATE TABLE c (s TEXT)")
        raw.executemany("INSERT INTO c VALUES (?)", ((chr(c),) for c in range(0x110000) if not 0xD800 <= c < 0xE000))
        differing = [(s, q) for s, q in raw.execute("SELECT s, json_quote(s) FROM c") if q != quote(s)]
        assert raw.execute("SELECT count(*) FROM c").fetchone()[0] == 0x110000 - 0x800
    assert differing == []
    assert audit_fast.quotes_like_python(sqlite3.connect(":memory:")) is True


@sqlite_only
def test_the_fast_text_is_byte_for_byte_the_canonical_json_the_hash_covers():
    hashes = write_chain(70)
    with connection.cursor() as cursor:
        rows = cursor.connection.execute(audit_fast.fast_sql("store_auditentry", "")).fetchall()

    for entry, (seq, prev_hash, stored, text) in zip(AuditEntry.objects.order_by("seq"), rows, strict=True):
        canonical = json.dumps(
            {
                "seq": entry.seq,
                "actor": entry.actor_label,
                "action": entry.action,
                "object_type": entry.object_type,
                "object_id": entry.object_id,
                "before": entry.before,
                "after": entry.after,
                "at": entry.at.astimezone(UTC).isoformat(timespec="microseconds"),
                "prev_hash": entry.prev_hash,
            },
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
        ).encode()
        assert (seq, prev_hash, stored, text) == (entry.seq, entry.prev_hash, entry.hash, canonical)
        assert hashlib.sha256(text).hexdigest() == stored == hashes[seq - 1]
    # seq 21 has the control characters, 14 the emoji, 28 the quote and backslash, 5 a whole second
    assert b"\\u0000" in rows[20][3] and "🚀".encode() in rows[13][3] and b'\\" and \\\\' in rows[27][3]
    assert b'.000000+00:00"' in rows[4][3]


def test_a_long_intact_chain_is_vouched_for_chunk_by_chunk(steps):
    write_chain(ENTRIES)

    result = verify_chain()

    assert (result.ok, result.count, str(result)) == (True, ENTRIES, "audit chain intact: 30000 entries")
    assert len(steps) == (0 if connection.vendor == "sqlite" else ENTRIES)


# (tampering, expected result, seqs the exact walk then looks at on SQLite: from the start of the
# chunk the fast check could not vouch for, up to the break)
CASES = {
    "edited in the middle of a chunk": (
        lambda: tamper_update(15000, action="application.approve"),
        VerifyResult(14999, 15000, "edited", "content does not match its hash"),
        (10001, 15000),
    ),
    "edited, last of a chunk": (
        lambda: tamper_update(10000, object_id="9"),
        VerifyResult(9999, 10000, "edited", "content does not match its hash"),
        (1, 10000),
    ),
    "edited, first of a chunk": (
        lambda: tamper_update(10001, actor_label="system"),
        VerifyResult(10000, 10001, "edited", "content does not match its hash"),
        (10001, 10001),
    ),
    "reordered across a chunk boundary": (
        lambda: swap(10000, 10001),
        VerifyResult(9999, 10000, "reordered", "seq 10000 links back to seq 10001"),
        (1, 10000),
    ),
    "deleted at a chunk boundary": (
        lambda: tamper_delete(seq=10001),
        VerifyResult(10000, 10001, "deleted", "seq 10001 to 10001 missing"),
        (10002, 10002),
    ),
    "rewritten with a fresh hash, relinked": (
        lambda: tamper_update(20001, prev_hash="f" * 64),
        VerifyResult(20000, 20001, "edited", "its link to the previous entry was changed"),
        (20001, 20001),
    ),
    "truncated tail": (
        lambda: tamper_delete(seq__gte=29999),
        VerifyResult(29998, 29999, "truncated", f"the head records {ENTRIES} entries, 29998 remain"),
        None,
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_tampering_in_a_long_chain_is_reported_exactly(case, steps):
    write_chain(ENTRIES)
    tamper, expected, walked = CASES[case]
    tamper()

    result = verify_chain()

    assert result == expected
    if connection.vendor == "sqlite":
        assert ((min(steps), max(steps)) if steps else None) == walked
        assert len(steps) == (walked[1] - walked[0] + 1 if walked else 0)


@sqlite_only
def test_a_nul_byte_and_trailing_text_in_the_json_is_an_edit(steps):
    """format('%s') would stop at the NUL and hash the text before it: the fast text is joined with ||."""
    write_chain(ENTRIES)
    raw_sql("UPDATE store_auditentry SET after = after || char(0) || '{}' WHERE seq = 15000", [])

    assert verify_chain() == VerifyResult(14999, 15000, "edited", "content does not match its hash")
    assert (steps[0], steps[-1]) == (10001, 15000)


@sqlite_only
def test_a_label_stored_as_a_blob_is_an_edit_not_a_crash(steps):
    """json_quote refuses a BLOB: the rest of the chain goes the exact way, which reports the edit."""
    write_chain(ENTRIES)
    raw_sql("UPDATE store_auditentry SET actor_label = CAST(actor_label AS BLOB) WHERE seq = 15000", [])

    assert verify_chain() == VerifyResult(14999, 15000, "edited", "content does not match its hash")
    assert (steps[0], steps[-1]) == (10001, 15000)


# --- two processes over a file database -----------------------------------------------------------------


def walk_copy(tmp_path, monkeypatch) -> tuple[VerifyResult | None, audit._Walk]:
    """verify's SQLite walk over a file copy of the test database, split between two processes (the
    test database lives in memory, where a second process cannot read it)."""
    path = tmp_path / "copy.sqlite3"
    with connection.cursor() as cursor, closing(sqlite3.connect(path)) as target:
        source = cursor.connection  # in the test's transaction, where neither VACUUM INTO nor backup can run
        target.execute(source.execute("SELECT sql FROM sqlite_master WHERE name = 'store_auditentry'").fetchone()[0])
        rows = source.execute("SELECT * FROM store_auditentry")
        target.executemany(f"INSERT INTO store_auditentry VALUES ({', '.join('?' * len(rows.description))})", rows)
        target.commit()
    copy = DatabaseWrapper({**connection.settings_dict, "NAME": str(path)}, alias="audit_copy")
    monkeypatch.setattr(audit, "PARALLEL_FROM", 1000)
    walk = audit._Walk("default")  # a broken link looks its target up in the original: the same rows
    try:
        with transaction.atomic(using="default"):
            copy.ensure_connection()
            return audit._walk_sqlite(copy, walk, 5000, True), walk
    finally:
        copy.close()


@sqlite_only
def test_two_processes_vouch_for_an_intact_chain_and_join_at_the_middle(tmp_path, monkeypatch, steps):
    hashes = write_chain(ENTRIES)

    problem, walk = walk_copy(tmp_path, monkeypatch)

    assert (problem, walk.count, walk.prev_hash, steps) == (None, ENTRIES, hashes[-1], [])


@sqlite_only
@pytest.mark.parametrize(
    ("tamper", "expected"),
    [
        (lambda: tamper_update(22222, object_type="x"), (22221, 22222, "edited")),
        (lambda: tamper_update(15001, object_type="x"), (15000, 15001, "edited")),  # first of the 2nd half
        (lambda: swap(15000, 15001), (14999, 15000, "reordered")),  # across the two halves
        (lambda: tamper_delete(seq=15001), (15000, 15001, "deleted")),
    ],
)
def test_two_processes_still_find_the_break_exactly(tmp_path, monkeypatch, tamper, expected):
    write_chain(ENTRIES)
    tamper()

    problem, _walk = walk_copy(tmp_path, monkeypatch)

    assert problem is not None and (problem.count, problem.seq, problem.kind) == expected


@sqlite_only
def test_json_text_moved_from_after_into_before_across_the_time_is_an_edit(steps):
    """Both hashes take stored JSON text as it is: an after ending in ',"at":"<time>","before":{"a":1'
    and a before of '2}' give the very bytes of an honest entry whose before holds "at" and "before"
    keys. Each must be valid JSON by itself, so this is caught (by the fast check and the exact walk)."""
    at = datetime(2026, 1, 5, 1, 2, 3, 456789, tzinfo=UTC)
    iso = at.isoformat(timespec="microseconds")
    honest = AuditEntry(
        seq=1,
        actor_label="system",
        action="x.changed",
        object_type="store.application",
        object_id="1",
        before={"a": 1, "at": iso, "before": 2},
        after={"z": 0},
        at=at,
        prev_hash=GENESIS_HASH,
    )
    honest.hash = hash_of(honest)
    AuditEntry.objects.bulk_create([honest])
    ChainHead.objects.update_or_create(pk=1, defaults={"seq": 1, "hash": honest.hash, "count": 1})
    assert verify_chain().ok
    # Django's CHECK (JSON_VALID(...)) stands in the way, but whoever can write the file can lift it.
    raw_sql("PRAGMA ignore_check_constraints = ON", [])
    raw_sql(
        "UPDATE store_auditentry SET after = %s, before = %s WHERE seq = 1",
        [f'{{"z":0}},"at":"{iso}","before":{{"a":1', "2}"],
    )
    raw_sql("PRAGMA ignore_check_constraints = OFF", [])
    with connection.cursor() as cursor:
        (text,) = cursor.connection.execute(
            audit_fast.fast_sql("store_auditentry", "").replace("json_valid", "1 OR ")
        ).fetchone()[3:]
    assert hashlib.sha256(text).hexdigest() == honest.hash  # without the JSON check, the same bytes

    assert verify_chain() == VerifyResult(0, 1, "edited", "content does not match its hash")
    assert steps == [1]
