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
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models, router, transaction
from django.utils import timezone

from vatspilot.store.models import GENESIS_HASH, AuditEntry, ChainHead

ProblemKind = Literal["edited", "deleted", "inserted", "reordered", "truncated"]

SYSTEM_ACTOR = "system"


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


def actor_label(actor: AbstractBaseUser | None) -> str:
    """How the chain names an actor: "username#id", or "system" for the platform itself."""
    if actor is None:
        return SYSTEM_ACTOR
    return f"{actor.get_username()}#{actor.pk}"


def record_audit(
    *,
    actor: AbstractBaseUser | None,
    action: str,
    obj: models.Model,
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
    if obj.pk is None:
        raise ValueError(f"record_audit({action!r}) needs a saved object")

    head, _created = ChainHead.objects.using(alias).select_for_update().get_or_create(pk=1)
    entry = AuditEntry(
        seq=head.seq + 1,
        actor=actor,
        actor_label=actor_label(actor),
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        before=_as_json(before),
        after=_as_json(after),
        at=timezone.now(),
        prev_hash=head.hash,
    )
    entry.hash = hash_of(entry)
    entry.save(using=alias)
    ChainHead.objects.using(alias).filter(pk=1).update(seq=entry.seq, hash=entry.hash, count=head.count + 1)
    return entry


def hash_of(entry: AuditEntry) -> str:
    """The hash ``entry`` should carry, computed from its content."""
    payload = {
        "seq": entry.seq,
        "actor": entry.actor_label,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "before": entry.before,
        "after": entry.after,
        "at": _utc_iso(entry.at),
        "prev_hash": entry.prev_hash,
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def verify_chain() -> VerifyResult:
    """Walk the chain in seq order and report the first problem, or the number of entries.

    Kinds, as seen at the first entry where seq order, hash links and contents disagree:
    - edited: an entry's content no longer matches its hash (or was rewritten with a new hash);
    - deleted: seq numbers jump and the next entry points at a hash no entry has;
    - reordered: an entry points back at an entry that comes later in seq order;
    - inserted: an entry points back past its predecessor, or entries lie beyond the recorded head;
    - truncated: the chain head records more entries than remain at the tail.

    Appenders wait while this runs (it holds the head lock), so it sees one consistent chain.
    """
    with transaction.atomic(using=router.db_for_write(AuditEntry)):
        head = ChainHead.objects.select_for_update().filter(pk=1).first()
        seq_by_hash = dict(AuditEntry.objects.values_list("hash", "seq"))
        count = 0
        prev_hash = GENESIS_HASH
        for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
            expected_seq = count + 1
            if entry.prev_hash != prev_hash:
                return _broken_link(entry, expected_seq, count, seq_by_hash)
            if entry.seq != expected_seq:
                return VerifyResult(count, entry.seq, "edited", f"numbered {entry.seq}, expected {expected_seq}")
            if hash_of(entry) != entry.hash:
                return VerifyResult(count, entry.seq, "edited", "content does not match its hash")
            prev_hash = entry.hash
            count += 1
        return _against_head(head, count, prev_hash)


def _broken_link(entry: AuditEntry, expected_seq: int, count: int, seq_by_hash: dict[str, int]) -> VerifyResult:
    target = seq_by_hash.get(entry.prev_hash)
    if target is None:
        if entry.seq != expected_seq:
            return VerifyResult(count, expected_seq, "deleted", f"seq {expected_seq} to {entry.seq - 1} missing")
        if expected_seq == 1 or hash_of(entry) != entry.hash:
            return VerifyResult(count, entry.seq, "edited", "its link to the previous entry was changed")
        return VerifyResult(
            count, expected_seq - 1, "edited", f"rewritten: seq {entry.seq} records another hash for it"
        )
    if target > entry.seq:
        return VerifyResult(count, entry.seq, "reordered", f"seq {entry.seq} links back to seq {target}")
    if target < expected_seq - 1:
        return VerifyResult(count, target + 1, "inserted", f"seq {entry.seq} links back to seq {target}")
    return VerifyResult(count, entry.seq, "edited", "its link to the previous entry was changed")


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
