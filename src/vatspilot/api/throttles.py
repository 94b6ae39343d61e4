"""Rate limits on the API: per address on public and write requests, per caller (token, or signed-in
user) on writes. Over the limit: 429 problem details with Retry-After (whole seconds).

Reads by a signed-in caller are not limited here: they are what a law firm's system does most, and they
are cheap. The counts live in the "throttle" cache's table in the database (settings.CACHES), so every
worker on every machine counts the same requests. The rates come from settings.VATSPILOT_API_RATES
("requests/period", read at each request, so a change of settings applies at once).

How a request is counted (the choice, and why): a fixed window per key, counted by ONE statement on the
cache table, an upsert that adds one to the key's count, or starts a new window at one when the key's
window has ended (or it has none), and returns the count and the window's end:

- exact across processes and machines: the database applies each upsert atomically on the key's row, so
  concurrent requests from any number of Gunicorn workers on any number of machines each get their own
  count and none is lost. (Django's cache API cannot do this on a database cache: its ``get``/``set``
  and ``incr`` are a read then a write, so two workers reading the same count both write count + 1, and
  its ``set`` costs four statements and culls live keys once the table holds more than MAX_ENTRIES.)
- cheap: one statement per limited request (no read-modify-write of a list of times), and one more at
  the first request of a key's window, which deletes the rows whose window has ended (the table holds
  the keys counting now, and whatever else of the cache has not expired).
- a fixed window lets a client send up to twice the rate across a window's end (the limit within any one
  window is exact); a per-address and per-token abuse limit needs no more. Refused requests count too:
  they change nothing, since the window's end, not the count, ends a refusal.

The rows are the cache table's own (key, value as text, expires), under keys of their own ("rate:..."),
which nothing else reads with the cache API.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.cache import caches
from django.db import connections, router
from django.http import HttpRequest
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from ninja.throttling import SimpleRateThrottle

from config.client_address import client_address

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
KEY_LIMIT = 200  # the cache table's keys are at most 255 characters; a longer identity is hashed

# One statement per request (see the module's docstring). SET's expressions read the row as it was, so
# both CASEs see the old window's end. The count is kept as text, as the cache table's value column is.
# (INSERT ... ON CONFLICT ... RETURNING: PostgreSQL, and SQLite from 3.35, the platform's two databases.)
_COUNT_SQL = (
    "INSERT INTO {table} (cache_key, value, expires) VALUES (%s, '1', %s)"
    " ON CONFLICT (cache_key) DO UPDATE SET"
    " value = CASE WHEN {table}.expires <= %s THEN '1'"
    " ELSE CAST(CAST({table}.value AS INTEGER) + 1 AS TEXT) END,"
    " expires = CASE WHEN {table}.expires <= %s THEN %s ELSE {table}.expires END"
    " RETURNING value, expires"
)
_PURGE_SQL = "DELETE FROM {table} WHERE expires < %s"


class _Throttle(SimpleRateThrottle):
    scope = "address"

    def __init__(self) -> None:  # the rate is read per request (allow_request), not once here
        self.rate = None
        self.num_requests, self.duration = None, None
        self.window_end: datetime | None = None
        self.counted_at: datetime | None = None

    def clock(self) -> datetime:
        return timezone.now()

    def get_cache_key(self, request: HttpRequest) -> str | None:
        raise NotImplementedError

    def allow_request(self, request: HttpRequest) -> bool:
        key = self.get_cache_key(request)
        if key is None:
            return True
        self.rate = settings.VATSPILOT_API_RATES[self.scope]
        self.num_requests, self.duration = self.parse_rate(self.rate)
        assert self.num_requests is not None and self.duration is not None
        if len(key) > KEY_LIMIT:
            key = "rate:sha256:" + hashlib.sha256(key.encode("utf-8")).hexdigest()
        count, self.window_end, self.counted_at = count_request(key, seconds=self.duration, now=self.clock())
        return count <= self.num_requests

    def wait(self) -> float | None:
        """Seconds until the window ends (at least one: Retry-After is in whole seconds)."""
        if self.window_end is None or self.counted_at is None:
            return None
        return max((self.window_end - self.counted_at).total_seconds(), 1.0)


def count_request(key: str, *, seconds: int, now: datetime) -> tuple[int, datetime, datetime]:
    """Count a request under ``key`` in the "throttle" cache's table, in windows of ``seconds``: the
    count in the key's window now (this request included), the window's end, and ``now``."""
    cache = caches["throttle"]
    table_name: str = cache._table  # type: ignore[attr-defined]  # a DatabaseCache (settings.CACHES)
    model = cache.cache_model_class  # type: ignore[attr-defined]
    connection = connections[router.db_for_write(model)]
    table = connection.ops.quote_name(table_name)
    stored_key = cache.make_and_validate_key(key)
    at = connection.ops.adapt_datetimefield_value(now)
    end = connection.ops.adapt_datetimefield_value(now + timedelta(seconds=seconds))
    with connection.cursor() as cursor:
        cursor.execute(_COUNT_SQL.format(table=table), [stored_key, end, at, at, end])
        value, expires = cursor.fetchone()
        count = int(value)
        if count == 1:  # a new window for this key: the rows whose window has ended go
            cursor.execute(_PURGE_SQL.format(table=table), [at])
    return count, _aware(expires), now


def _aware(value: datetime | str) -> datetime:
    """The window's end as the database returns it (SQLite: text in UTC), as an aware datetime."""
    moment = parse_datetime(value) if isinstance(value, str) else value
    assert moment is not None
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=UTC)


class AddressThrottle(_Throttle):
    """Anyone not signed in (public operations), and every write, counted by the client's address."""

    scope = "address"

    def get_cache_key(self, request: HttpRequest) -> str | None:
        signed_in = getattr(request, "auth", None) is not None
        if signed_in and request.method in SAFE_METHODS:
            return None
        return f"rate:address:{client_address(request)}"


class CallerThrottle(_Throttle):
    """Writes, counted by the token that sent them, or by the signed-in user."""

    scope = "caller"

    def get_cache_key(self, request: HttpRequest) -> str | None:
        if request.method in SAFE_METHODS or getattr(request, "auth", None) is None:
            return None
        token = getattr(request, "api_token", None)
        if token is not None:
            return f"rate:token:{token.pk}"
        return f"rate:user:{request.user.pk}"


def throttles() -> list[SimpleRateThrottle]:
    return [AddressThrottle(), CallerThrottle()]
