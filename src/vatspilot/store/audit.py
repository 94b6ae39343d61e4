"""The audit chain: append an entry in the caller's transaction, and verify the whole chain.

Each entry's hash is the SHA-256 of the canonical JSON (sorted keys, no spaces, UTF-8) of
{seq, actor, action, object_type, object_id, before, after, at, prev_hash}, where ``actor`` is the
actor label and ``at`` the time in ISO 8601 UTC; ``prev_hash`` is the hash of the entry before
(64 zeros for the first). The ChainHead row holds the last seq, last hash and count, updated in the
same transaction as every append, so that a cut tail is noticed too.

Appenders take turns on the head row: SELECT ... FOR UPDATE on PostgreSQL, and on SQLite the
IMMEDIATE transactions the settings ask for, which let one writer at a time in.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import sqlite3
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from django.contrib.auth.models import AnonymousUser, User
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models, router, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from vatspilot.store.audit_fast import FAST_CHUNK, check_fast, fast_sql, quotes_like_python, vouch_range
from vatspilot.store.models import GENESIS_HASH, AuditEntry, ChainHead
from vatspilot.store.models.audit_chain import CanonicalJSONEncoder

ProblemKind = Literal["edited", "deleted", "inserted", "reordered", "truncated"]

SYSTEM_ACTOR = "system"
ANONYMOUS_ACTOR = "anonymous"


@dataclass(frozen=True, slots=True)
class AuditSubject:
    """What an entry is about when no row says it: a sign-in under a username nobody has, or a refused
    request (``object_type`` such as "auth.user" or "http.path", ``object_id`` at most 64 characters)."""

    object_type: str
    object_id: str


class AuditOutsideTransaction(RuntimeError):
    """record_audit was called outside a transaction: the entry could outlive the change it records."""


@dataclass(frozen=True, slots=True)
class VerifyResult:
    """The outcome of verify_chain: ``count`` entries checked; on a problem, the first one found."""

    count: int
    seq: int | None = None
    kind: ProblemKind | None = None
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.kind is None

    def __str__(self) -> str:
        if self.ok:
            return f"audit chain intact: {self.count} entries"
        return f"audit chain broken at seq {self.seq}: {self.kind} ({self.detail})"


def actor_label(actor: User | AnonymousUser | None) -> str:
    """How the chain names an actor: "username#id", "system" for the platform itself, or "anonymous"
    for someone not signed in (a failed sign-in, a refused request)."""
    if actor is None:
        return SYSTEM_ACTOR
    if not actor.is_authenticated:
        return ANONYMOUS_ACTOR
    return f"{actor.get_username()}#{actor.pk}"


def record_audit(
    *,
    actor: User | AnonymousUser | None,
    action: str,
    obj: models.Model | AuditSubject,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> AuditEntry:
    """Append one entry recording that ``actor`` did ``action`` (a dotted code such as
    "application.submitted") to ``obj``, which changed from ``before`` to ``after``.

    Must run inside the transaction that makes the change, so that both are kept or neither.
    Values that JSON lacks (Decimal, date, datetime, UUID) are stored as strings.
    """
    alias = router.db_for_write(AuditEntry)
    if not connections[alias].in_atomic_block:
        raise AuditOutsideTransaction(f"record_audit({action!r}) must run inside transaction.atomic()")
    if isinstance(obj, AuditSubject):
        object_type, object_id = obj.object_type, obj.object_id[:64]
    elif obj.pk is None:
        raise ValueError(f"record_audit({action!r}) needs a saved object")
    else:
        object_type, object_id = obj._meta.label_lower, str(obj.pk)

    entry = AuditEntry(
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_label=actor_label(actor),
        action=action,
        object_type=object_type,
        object_id=object_id,
        before=_as_json(before),
        after=_as_json(after),
        at=timezone.now(),
    )
    if connections[alias].vendor == "postgresql" and _append_in_one_statement(entry, alias):
        return entry
    head, _created = ChainHead.objects.using(alias).select_for_update().get_or_create(pk=1)
    entry.seq, entry.prev_hash = head.seq + 1, head.hash
    entry.hash = hash_of(entry)
    entry.save(using=alias)
    ChainHead.objects.using(alias).filter(pk=1).update(seq=entry.seq, hash=entry.hash, count=head.count + 1)
    return entry


# The append on PostgreSQL in one round trip instead of three (lock the head, insert, move the head): the
# head row is locked and read, the entry inserted with the next seq and the head's hash, and the head
# moved, in one statement. The hash is computed by the server, over the same canonical text chain_hash
# builds: the text up to the previous hash comes from Python (_head_free_text), the server puts the
# head's hash and the seq in their places (the text ends with them, keys being in sorted order) and
# takes SHA-256 of its UTF-8 bytes (the database's encoding is checked to be UTF8 first).
_APPEND_SQL = """
WITH head AS (
    SELECT seq, hash FROM store_chainhead WHERE id = 1 FOR UPDATE
), entry AS (
    INSERT INTO store_auditentry
        (seq, actor_id, actor_label, action, object_type, object_id, before, after, at, prev_hash, hash)
    SELECT head.seq + 1, %(actor_id)s, %(actor_label)s, %(action)s, %(object_type)s, %(object_id)s,
        %(before)s::jsonb, %(after)s::jsonb, %(at)s, head.hash,
        encode(sha256(convert_to(%(text)s || head.hash || '","seq":' || (head.seq + 1)::text || '}', 'UTF8')), 'hex')
    FROM head
    RETURNING id, seq, prev_hash, hash
), moved AS (
    UPDATE store_chainhead SET seq = entry.seq, hash = entry.hash, count = store_chainhead.count + 1
    FROM entry WHERE store_chainhead.id = 1
)
SELECT id, seq, prev_hash, hash FROM entry
"""


def _append_in_one_statement(entry: AuditEntry, alias: str) -> bool:
    """Append ``entry`` on PostgreSQL in one statement; False if this cannot be done here (no head row
    yet, or a database whose encoding is not UTF8), for the caller to append the general way."""
    connection = connections[alias]
    connection.ensure_connection()
    # The server reports its encoding when the connection opens: no round trip to ask.
    if connection.connection.info.parameter_status("server_encoding") != "UTF8":
        return False
    with connection.cursor() as cursor:
        before, after = _canonical(entry.before), _canonical(entry.after)
        cursor.execute(
            _APPEND_SQL,
            {
                "actor_id": entry.actor_id,
                "actor_label": entry.actor_label,
                "action": entry.action,
                "object_type": entry.object_type,
                "object_id": entry.object_id,
                "before": None if entry.before is None else before,
                "after": None if entry.after is None else after,
                "at": entry.at,
                "text": _head_free_text(entry, before, after),
            },
        )
        row = cursor.fetchone()
    if row is None:
        return False  # no head row yet: the general way creates it
    entry.pk, entry.seq, entry.prev_hash, entry.hash = row
    entry._state.adding, entry._state.db = False, alias
    return True


def _head_free_text(entry: AuditEntry, before: str, after: str) -> str:
    """chain_hash's text up to the previous hash's value (its opening quote included): what is known
    before the head is read. Kept beside chain_hash's own (which verify calls a million times, so it
    builds its text inline); tests/store/test_store_audit_append.py checks that both give one hash."""
    return (
        f'{{"action":{_string(entry.action)},"actor":{_string(entry.actor_label)},"after":{after},'
        f'"at":{_string(_utc_iso(entry.at))},"before":{before},"object_id":{_string(entry.object_id)},'
        f'"object_type":{_string(entry.object_type)},"prev_hash":"'
    )


def hash_of(entry: AuditEntry) -> str:
    """The hash ``entry`` should carry, computed from its content."""
    return chain_hash(
        seq=entry.seq,
        actor=entry.actor_label,
        action=entry.action,
        object_type=entry.object_type,
        object_id=entry.object_id,
        before=_canonical(entry.before),
        after=_canonical(entry.after),
        at=_utc_iso(entry.at),
        prev_hash=entry.prev_hash,
    )


def chain_hash(
    *,
    seq: int,
    actor: str,
    action: str,
    object_type: str,
    object_id: str,
    before: str,
    after: str,
    at: str,
    prev_hash: str,
) -> str:
    """SHA-256 of the canonical JSON of one entry, from its parts; ``before`` and ``after`` are given
    already as canonical JSON text. The text is put together by hand, keys in sorted order, because
    json.dumps of the whole dict costs several times more and verify does this a million times; it is
    the same text json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False) gives
    (tests/store/test_store_audit.py checks)."""
    text = (
        f'{{"action":{_string(action)},"actor":{_string(actor)},"after":{after},"at":{_string(at)},'
        f'"before":{before},"object_id":{_string(object_id)},"object_type":{_string(object_type)},'
        f'"prev_hash":{_string(prev_hash)},"seq":{int(seq)}}}'
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


_string = json.encoder.encode_basestring  # what json.dumps(ensure_ascii=False) writes for a str
_canonical_encoder = CanonicalJSONEncoder()
_COLUMNS = ("seq", "actor_label", "action", "object_type", "object_id", "before", "after", "at", "prev_hash", "hash")
CHUNK = 5000
# From this many entries on, a file database is checked by two processes, each over one half.
PARALLEL_FROM = 100_000


def verify_chain(chunk_size: int = CHUNK, *, parallel: bool = False) -> VerifyResult:
    """Walk the chain in seq order and report the first problem, or the number of entries.

    Kinds, as seen at the first entry where seq order, hash links and contents disagree:
    - edited: an entry's content no longer matches its hash (or was rewritten with a new hash);
    - deleted: seq numbers jump and the next entry points at a hash no entry has;
    - reordered: an entry points back at an entry that comes later in seq order;
    - inserted: an entry points back past its predecessor, or entries lie beyond the recorded head;
    - truncated: the chain head records more entries than remain at the tail.

    Streams: rows come ``chunk_size`` at a time as raw column values (no model objects), so memory
    stays flat however long the chain; a broken link looks its target up by hash (an index) instead
    of keeping every hash in memory. Appenders wait while this runs (it holds the head lock), so it
    sees one consistent chain.

    On SQLite a fast path checks whole chunks at once (see audit_fast.check_fast); a chunk it cannot vouch for
    goes through the exact per-row walk, which alone decides what kind of break it is, so the reports
    are the same either way. PostgreSQL takes the per-row walk (its JSON comes back parsed).

    ``parallel`` lets a long chain on a SQLite file be checked by two processes (a fork): only for a
    caller that owns its process, like the command line, never inside a threaded server.
    """
    alias = router.db_for_write(AuditEntry)
    connection = connections[alias]
    with transaction.atomic(using=alias):
        head = ChainHead.objects.using(alias).select_for_update().filter(pk=1).first()
        walk = _Walk(alias)
        if connection.vendor == "sqlite" and quotes_like_python(connection.connection):
            problem = _walk_sqlite(connection, walk, chunk_size, parallel)
        else:
            problem = _walk_rows(walk, _raw_rows(connection, chunk_size))
        return problem or _against_head(head, walk.count, walk.prev_hash)


class _Walk:
    """The exact check, one row at a time, carrying the count and the last hash from row to row."""

    def __init__(self, alias: str) -> None:
        self.alias = alias
        self.count = 0
        self.prev_hash = GENESIS_HASH

    def step(self, row: tuple[Any, ...]) -> VerifyResult | None:
        seq, row_prev, stored = row[0], row[8], row[9]
        expected_seq = self.count + 1
        if row_prev != self.prev_hash:
            return _broken_link(row, expected_seq, self.count, self.alias)
        if seq != expected_seq:
            return VerifyResult(self.count, seq, "edited", f"numbered {seq}, expected {expected_seq}")
        if not _row_matches(row):
            return VerifyResult(self.count, seq, "edited", "content does not match its hash")
        self.prev_hash = stored
        self.count += 1
        return None

    def vouched(self, count: int, last_hash: str) -> None:
        """``count`` more rows passed the fast check, the last of them carrying ``last_hash``."""
        self.count += count
        self.prev_hash = last_hash


def _walk_rows(walk: _Walk, rows: Iterable[tuple[Any, ...]]) -> VerifyResult | None:
    for row in rows:
        if problem := walk.step(row):
            return problem
    return None


def _walk_sqlite(connection: Any, walk: _Walk, chunk_size: int, parallel: bool) -> VerifyResult | None:
    """The whole chain on SQLite: the fast check, by two processes when the chain is long and the
    database a file, each chunk it cannot vouch for re-read and walked row by row."""
    raw = connection.connection
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    total = raw.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    if not parallel or total < PARALLEL_FROM or (os.cpu_count() or 1) < 2 or connection.is_in_memory_db():
        return _walk_sqlite_range(connection, walk, chunk_size, "", ())
    # The second half starts at the seq found half-way down; "seq >= ?" and "seq < ?" split the rows
    # in ORDER BY seq exactly in two, whatever the values hold.
    (middle,) = raw.execute(f"SELECT seq FROM {table} ORDER BY seq LIMIT 1 OFFSET ?", (total // 2,)).fetchone()
    # spawn, not fork: the caller's process may run threads, and a fork copies whatever lock one holds.
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        second = pool.submit(vouch_range, connection.settings_dict["NAME"], AuditEntry._meta.db_table, middle)
        if problem := _walk_sqlite_range(connection, walk, chunk_size, "WHERE seq < ?", (middle,)):
            return problem  # (once the second process is done: it reads on while this one holds the lock)
        vouched = second.result()
    if vouched is not None and vouched[0] == walk.count + 1 and vouched[1] == walk.prev_hash:
        walk.vouched(vouched[2], vouched[3])
        return None
    return _walk_sqlite_range(connection, walk, chunk_size, "WHERE seq >= ?", (middle,))


def _walk_sqlite_range(
    connection: Any, walk: _Walk, chunk_size: int, where: str, params: tuple[Any, ...]
) -> VerifyResult | None:
    raw = connection.connection
    cursor = raw.execute(fast_sql(AuditEntry._meta.db_table, where), params)
    done = 0  # rows of the range read so far, to re-read a failing chunk by its place in seq order
    try:
        while True:
            try:
                rows = cursor.fetchmany(FAST_CHUNK)
            except sqlite3.Error:
                # SQLite refused to build the text (json_quote on a value stored as a BLOB): the rest
                # goes the exact way, which says what is wrong with it.
                return _walk_rows(walk, _raw_rows(connection, chunk_size, where, params, offset=done))
            if not rows:
                return None
            if check_fast(rows, walk.count + 1, walk.prev_hash):
                walk.vouched(len(rows), rows[-1][2])
            elif problem := _walk_rows(walk, _raw_rows(connection, chunk_size, where, params, done, len(rows))):
                return problem
            done += len(rows)
    finally:
        cursor.close()


def _raw_rows(
    connection: Any,
    chunk_size: int,
    where: str = "",
    params: tuple[Any, ...] = (),
    offset: int = 0,
    limit: int = -1,
) -> Iterator[tuple[Any, ...]]:
    """Every entry's columns in seq order (or those ``where`` picks, from the ``offset``-th on, at most
    ``limit``: SQLite only), fetched in chunks on a server-side cursor where there is one
    (PostgreSQL: a named cursor), so neither side holds the whole table."""
    quote = connection.ops.quote_name
    columns = [quote(column) for column in _COLUMNS]
    if connection.vendor == "sqlite":
        # The stored text, not the datetime Django's SQLite converter would parse it into (slowly).
        columns[_COLUMNS.index("at")] = f"CAST({quote('at')} AS TEXT)"
    sql = "SELECT {} FROM {} {} ORDER BY {}".format(
        ", ".join(columns), quote(AuditEntry._meta.db_table), where, quote("seq")
    )
    if connection.vendor == "sqlite":
        cursor = connection.connection.cursor()
        sql, params = f"{sql} LIMIT ? OFFSET ?", (*params, limit, offset)
    elif connection.vendor == "postgresql":
        cursor = connection.connection.cursor(name="vatspilot_audit_verify")
        cursor.itersize = chunk_size
    else:
        cursor = connection.cursor()
    try:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(chunk_size):
            yield from rows
    finally:
        cursor.close()


def _row_matches(row: tuple[Any, ...]) -> bool:
    """Whether the row's content gives its stored hash.

    Fast path: SQLite hands JSON and times over as text, and entries written since the canonical
    encoder (CanonicalJSONEncoder) keep their JSON in exactly the canonical form the hash covers, so
    the text goes into the hash as it is. A match then proves the content intact. Otherwise (older
    entries stored in another form, PostgreSQL's parsed values, or a real edit) the values are parsed
    and put in canonical form, the way hash_of does.
    """
    seq, label, action, object_type, object_id, before, after, at, prev_hash, stored = row
    try:  # a value of another type (a BLOB label, say) is an edit, not a crash
        if (
            isinstance(at, str)
            and (before is None or isinstance(before, str))
            and (after is None or isinstance(after, str))
        ):
            fast = chain_hash(
                seq=seq,
                actor=label,
                action=action,
                object_type=object_type,
                object_id=object_id,
                before=before or "null",
                after=after or "null",
                at=_sqlite_utc_iso(at),
                prev_hash=prev_hash,
            )
            if fast == stored and _valid_json(before) and _valid_json(after):
                return True
        expected = chain_hash(
            seq=seq,
            actor=label,
            action=action,
            object_type=object_type,
            object_id=object_id,
            before=_canonical(_parsed_json(before)),
            after=_canonical(_parsed_json(after)),
            at=_utc_iso(_parsed_time(at)),
            prev_hash=prev_hash,
        )
    except (ValueError, TypeError):
        return False  # text no JSON or time reader accepts: edited
    return expected == stored


def _broken_link(row: tuple[Any, ...], expected_seq: int, count: int, alias: str) -> VerifyResult:
    seq, prev_hash = row[0], row[8]
    target = AuditEntry.objects.using(alias).filter(hash=prev_hash).values_list("seq", flat=True).first()
    if target is None:
        if seq != expected_seq:
            return VerifyResult(count, expected_seq, "deleted", f"seq {expected_seq} to {seq - 1} missing")
        if expected_seq == 1 or not _row_matches(row):
            return VerifyResult(count, seq, "edited", "its link to the previous entry was changed")
        return VerifyResult(count, expected_seq - 1, "edited", f"rewritten: seq {seq} records another hash for it")
    if target > seq:
        return VerifyResult(count, seq, "reordered", f"seq {seq} links back to seq {target}")
    if target < expected_seq - 1:
        return VerifyResult(count, target + 1, "inserted", f"seq {seq} links back to seq {target}")
    return VerifyResult(count, seq, "edited", "its link to the previous entry was changed")


def _against_head(head: ChainHead | None, count: int, last_hash: str) -> VerifyResult:
    head_seq, head_hash, head_count = (head.seq, head.hash, head.count) if head else (0, GENESIS_HASH, 0)
    if head_seq > count or head_count > count:
        return VerifyResult(count, count + 1, "truncated", f"the head records {head_count} entries, {count} remain")
    if head_seq < count:
        return VerifyResult(count, head_seq + 1, "inserted", f"entries past the head's last seq {head_seq}")
    if head_hash != last_hash:
        return VerifyResult(count, count, "edited", "the last entry differs from the one the head recorded")
    if head_count != count:
        return VerifyResult(count, None, "edited", f"the head records {head_count} entries, {count} exist")
    return VerifyResult(count)


def _as_json(value: dict[str, Any] | None) -> dict[str, Any] | None:
    """The value exactly as it will read back from a JSON column, so that its hash stays stable."""
    if value is None:
        return None
    result: dict[str, Any] = json.loads(json.dumps(value, cls=DjangoJSONEncoder, allow_nan=False))
    return result


def _utc_iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def _sqlite_utc_iso(at: str) -> str:
    """SQLite's stored UTC time ("2026-12-02 03:04:05[.ffffff]") as _utc_iso writes it."""
    return f"{at[:10]}T{at[11:19]}{at[19:] or '.000000'}+00:00"


def _canonical(value: Any) -> str:
    return _canonical_encoder.encode(value)


def _valid_json(text: str | None) -> bool:
    """Whether stored JSON text reads as one JSON value by itself: the fast hash takes the text as it
    is, and bytes moved from ``after`` into ``before`` (across the time between them) would otherwise
    give the same hash."""
    if text is None:
        return True
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _parsed_json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _parsed_time(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    parsed = parse_datetime(str(value))
    if parsed is None:
        raise ValueError(f"not a time: {value!r}")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
