"""Benchmark: `vatspilot audit verify` over 1,000,000 audit entries on SQLite, its time against a
baseline measured in the same run (hashing the same rows already in memory, no database), and its peak
memory (tracemalloc) at two chain lengths, which should be the same: verify streams.

Verify is timed RUNS times (two processes, as it runs on a file database of this size) and once in one
process; PASS or FAIL compares the median with the target (1 s per 1,000,000 entries, scaled to the
size). The exit code stays 0 either way: on a shared, loaded machine the time is not reliable enough
to fail a build on (the load average is printed beside it).

The chain is written straight into a fresh SQLite file under a temporary directory (rows built with the
same chain_hash the platform uses, in the canonical form record_audit stores), since a million
record_audit calls would time the writer, not the verifier. BENCH_AUDIT_ENTRIES changes the size.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

ENTRIES = int(os.environ.get("BENCH_AUDIT_ENTRIES", "1000000"))
SMALL = ENTRIES // 10
TARGET_SECONDS = 1.0 * ENTRIES / 1_000_000
RUNS = 3

_workdir = tempfile.mkdtemp(prefix="vatspilot-audit-bench-")
os.environ["DATABASE_URL"] = f"sqlite:///{_workdir}/audit.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

# Entries like the platform's: a lifecycle transition, a document, a sign-in.
_SAMPLES = [
    (
        "application.accept",
        "store.application",
        {"status": "submitted", "version": 3},
        {
            "status": "preliminary_assessment",
            "version": 4,
            "on": "2025-06-03",
            "role": "local_officer",
            "citation": "MIIT Order No. 42, Art. 11",
        },
    ),
    ("document.uploaded", "store.documentversion", None, {"kind": "business-plan", "sha256": "ab" * 32, "size": 48213}),
    ("user.signed_in", "auth.user", None, {"address": "10.1.2.3"}),
]


def _rows(start: int, count: int, prev_hash: str):
    """Rows (seq .. hash) continuing a chain whose last hash is ``prev_hash``."""
    from vatspilot.store.audit import _canonical, chain_hash

    samples = [(a, t, _canonical(b), _canonical(c)) for a, t, b, c in _SAMPLES]
    base = datetime(2026, 1, 5, 1, 2, 3, tzinfo=UTC)
    for seq in range(start, start + count):
        action, object_type, before, after = samples[seq % len(samples)]
        at = base + timedelta(milliseconds=seq)
        stored_at = at.replace(tzinfo=None).isoformat(sep=" ")  # how Django stores a UTC time in SQLite
        label, object_id = f"officer-{seq % 40}#{seq % 40 + 1}", str(seq // 7)
        digest = chain_hash(
            seq=seq,
            actor=label,
            action=action,
            object_type=object_type,
            object_id=object_id,
            before=before,
            after=after,
            at=at.isoformat(timespec="microseconds"),
            prev_hash=prev_hash,
        )
        yield (
            seq,
            label,
            action,
            object_type,
            object_id,
            None if before == "null" else before,
            None if after == "null" else after,
            stored_at,
            prev_hash,
            digest,
        )
        prev_hash = digest


def _extend_chain(to: int) -> None:
    """Append entries up to seq ``to`` and move the chain head, in one transaction."""
    from django.db import connection, transaction

    from vatspilot.store.models import ChainHead

    connection.ensure_connection()
    raw = connection.connection
    # A throwaway database: a large page cache and no fsync make the million inserts (into the unique
    # hash index above all) take seconds instead of minutes. Verify then reads it like any other.
    raw.execute("PRAGMA cache_size = -400000")
    raw.execute("PRAGMA synchronous = OFF")
    with transaction.atomic():
        head, _ = ChainHead.objects.get_or_create(pk=1)
        rows = _rows(head.seq + 1, to - head.seq, head.hash)
        last = None

        def tracked():
            nonlocal last
            for row in rows:
                last = row
                yield row

        raw.executemany(
            "INSERT INTO store_auditentry (seq, actor_label, action, object_type, object_id, before, after, at,"
            " prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            tracked(),
        )
        ChainHead.objects.filter(pk=1).update(seq=last[0], hash=last[9], count=to)


def _peak_memory_of_verify() -> tuple[int, int]:
    from vatspilot.store.audit import verify_chain

    tracemalloc.start()
    result = verify_chain(parallel=True)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert result.ok, str(result)
    return result.count, peak


def _baseline(rows: list[tuple]) -> float:
    """The hashing alone: the same rows, already in memory, through the same per-row check."""
    from vatspilot.store.audit import _row_matches

    started = time.perf_counter()
    for row in rows:
        if not _row_matches(row):
            raise AssertionError(f"baseline row {row[0]} does not match")
    return time.perf_counter() - started


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from vatspilot.store import audit
    from vatspilot.store.audit import _raw_rows, verify_chain

    call_command("migrate", interactive=False, verbosity=0)
    started = time.perf_counter()
    _extend_chain(SMALL)
    small_count, small_peak = _peak_memory_of_verify()
    _extend_chain(ENTRIES)
    built = time.perf_counter() - started

    times = []
    for _run in range(RUNS):
        started = time.perf_counter()
        result = verify_chain(parallel=True)
        times.append(time.perf_counter() - started)
        assert result.ok and result.count == ENTRIES, str(result)
    elapsed = statistics.median(times)
    audit.PARALLEL_FROM, parallel_from = ENTRIES + 1, audit.PARALLEL_FROM
    started = time.perf_counter()
    assert verify_chain(parallel=True).ok
    one_process = time.perf_counter() - started
    audit.PARALLEL_FROM = parallel_from

    rows = list(_raw_rows(connection, 5000))  # what verify reads, read beforehand
    baseline = _baseline(rows)
    del rows
    large_count, large_peak = _peak_memory_of_verify()

    verdict = "PASS" if elapsed <= TARGET_SECONDS else "FAIL"
    runs = ", ".join(f"{t:.2f}" for t in times)
    print(
        f"audit verify on SQLite: {ENTRIES:,} entries in {elapsed:.2f} s, median of {RUNS} ({runs} s;"
        f" {ENTRIES / elapsed:,.0f} entries/s); in one process {one_process:.2f} s"
    )
    print(
        f"  {verdict}: target {TARGET_SECONDS:.2f} s (1 s per 1,000,000 entries); load average"
        f" {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs (chain written in {built:.1f} s)"
    )
    print(
        f"  baseline, hashing the same rows from memory without the database: {baseline:.2f} s;"
        f" verify / baseline = {elapsed / baseline:.2f}"
    )
    print(
        f"  peak memory (tracemalloc): {small_count:,} entries {small_peak / 1024:,.0f} KiB,"
        f" {large_count:,} entries {large_peak / 1024:,.0f} KiB: ratio {large_peak / small_peak:.2f}"
        f" for {large_count / small_count:.0f}x the entries"
    )


if __name__ == "__main__":
    try:
        main()
    finally:
        for name in os.listdir(_workdir):
            os.remove(os.path.join(_workdir, name))
        os.rmdir(_workdir)
