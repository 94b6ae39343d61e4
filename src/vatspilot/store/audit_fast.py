"""The audit chain's fast check on SQLite: SQLite builds each entry's canonical text, and whole chunks of
(seq, prev_hash, hash, text) rows are checked at once in C (tuple comparisons, hashlib).

No Django here: the second process that checks the second half of a long chain starts fresh (spawn, never
a fork of a process that may run threads) and needs only sqlite3 and hashlib. What the fast check cannot
vouch for, the exact walk in vatspilot.store.audit decides.
"""

from __future__ import annotations

import hashlib
import json
import operator
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

# The fast path's chunk: large enough that the per-chunk work (a few tuple comparisons) vanishes, small
# enough that memory stays a few MiB however long the chain.
FAST_CHUNK = 10000

# The canonical text chain_hash hashes, built by SQLite itself in one format() call (a chain of ||
# copies the growing text at each step and costs some 60% more), so that only (seq, prev_hash, hash,
# text) cross into Python: json_quote writes a string the way json.encoder.encode_basestring does
# (checked over every code point by the tests, and on every run by quotes_like_python), and the
# time is rewritten as audit._sqlite_utc_iso does. before/after go in as stored only where each is TEXT
# without a NUL (format's %s, and json_valid before SQLite 3.45, stop at a NUL and would hide whatever
# follows it) and valid JSON by itself: text moved from one to the other across the "at" between them
# could otherwise give the same bytes (an after ending in ',"at":"…","before":{"a":1' and a before of
# '2}'); json_valid is strict RFC 8259, under which no valid text is followed by a comma in another.
# Anything else becomes 'invalid', the hash differs and the exact walk decides.
_AT_ISO = (
    "substr({at}, 1, 10) || 'T' || substr({at}, 12, 8) || coalesce(nullif(substr({at}, 20), ''), '.000000') || '+00:00'"
)
_JSON_TEXT = (
    "CASE WHEN {column} IS NULL THEN 'null'"
    " WHEN typeof({column}) = 'text' AND instr({column}, char(0)) = 0 AND json_valid({column}) THEN {column}"
    " ELSE 'invalid' END"
)
_FAST_TEXT = (
    """CAST(format('{{"action":%s,"actor":%s,"after":%s,"at":%s,"before":%s,"object_id":%s,"""
    """"object_type":%s,"prev_hash":%s,"seq":%d}}', json_quote(action), json_quote(actor_label), {after},"""
    """ json_quote({at_iso}), {before}, json_quote(object_id), json_quote(object_type), json_quote(prev_hash),"""
    """ seq) AS BLOB)"""
)
_QUOTE_PROBE = 'a"b\\c/\x00\x01\b\t\n\x0b\f\r\x1f\x7f\x80\u2028\u2029\ufeff名字😀'
_hexdigest = operator.methodcaller("hexdigest")
_string = json.encoder.encode_basestring  # what json.dumps(ensure_ascii=False) writes for a str


def fast_sql(table: str, where: str) -> str:
    text = _FAST_TEXT.format(
        at_iso=_AT_ISO.format(at="CAST(at AS TEXT)"),
        after=_JSON_TEXT.format(column="after"),
        before=_JSON_TEXT.format(column="before"),
    )
    return f'SELECT seq, prev_hash, hash, {text} FROM "{table}" {where} ORDER BY seq'


def quotes_like_python(raw: sqlite3.Connection) -> bool:
    """Whether this SQLite's json_quote writes strings as chain_hash does (one probe per verify); if
    not, or it has no JSON functions, the fast path is not taken."""
    try:
        quoted = raw.execute("SELECT json_quote(?)", (_QUOTE_PROBE,)).fetchone()[0]
    except sqlite3.Error:
        return False
    return bool(quoted == _string(_QUOTE_PROBE))


def check_fast(rows: list[tuple[Any, ...]], first_seq: int, prev_hash: str) -> bool:
    """Whether a chunk of (seq, prev_hash, hash, canonical text) rows is intact, checked a chunk at a
    time in C (tuple comparisons, hashlib): numbered on from ``first_seq``, each linked to the one
    before (the first to ``prev_hash``), each text hashing to its stored hash. True only where the
    exact walk would pass every row; False says nothing more (the exact walk then decides)."""
    seqs, prevs, hashes, texts = zip(*rows, strict=True)
    return (
        prevs[0] == prev_hash
        and prevs[1:] == hashes[:-1]
        and seqs == tuple(range(first_seq, first_seq + len(rows)))
        and tuple(map(_hexdigest, map(hashlib.sha256, texts))) == hashes
    )


def vouch_range(path: str, table: str, first_seq: Any) -> tuple[Any, str, int, str] | None:
    """In a second process: whether the rows from ``first_seq`` on pass the fast check among
    themselves, as (first seq, first prev_hash, count, last hash) for the caller to join on to the
    first half; None where they do not (the caller then walks them itself, to say what broke). Reads
    over a connection of its own, read-only, while the caller holds the head lock: no writer can
    commit meanwhile, so both see the same chain."""
    with closing(sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)) as raw:
        cursor = raw.execute(fast_sql(table, "WHERE seq >= ?"), (first_seq,))
        first = cursor.fetchmany(1)
        if not first:
            return None
        seq, prev_hash = first[0][0], first[0][1]
        if not isinstance(seq, int):
            return None
        count, last_hash = 0, prev_hash
        rows = first
        try:
            while rows:
                if not check_fast(rows, seq + count, last_hash):
                    return None
                count += len(rows)
                last_hash = rows[-1][2]
                rows = cursor.fetchmany(FAST_CHUNK)
        except sqlite3.Error:
            return None
        return seq, prev_hash, count, last_hash
