"""Rate limits on the API: per address on public and write requests, per caller (token, or signed-in
user) on writes. Over the limit: 429 problem details with Retry-After (whole seconds).

Reads by a signed-in caller are not limited here: they are what a law firm's system does most, and they
are cheap. The counts live in the "throttle" cache, a table in the database (settings.CACHES), so every
worker on every machine counts the same requests. The rates come from settings.VATSPILOT_API_RATES
("requests/period", read at each request, so a change of settings applies at once)."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.http import HttpRequest
from ninja.throttling import SimpleRateThrottle

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class _Throttle(SimpleRateThrottle):
    scope = "address"

    def __init__(self) -> None:  # the rate is read per request (_rate), not once here
        self.rate = None
        self.num_requests, self.duration = None, None

    @property  # type: ignore[override]
    def cache(self) -> BaseCache:
        return caches["throttle"]

    def allow_request(self, request: HttpRequest) -> bool:
        self.rate = settings.VATSPILOT_API_RATES[self.scope]
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)


class AddressThrottle(_Throttle):
    """Anyone not signed in (public operations), and every write, counted by the client's address."""

    scope = "address"

    def get_cache_key(self, request: HttpRequest) -> str | None:
        signed_in = getattr(request, "auth", None) is not None
        if signed_in and request.method in SAFE_METHODS:
            return None
        return f"api:address:{self.get_ident(request)}"


class CallerThrottle(_Throttle):
    """Writes, counted by the token that sent them, or by the signed-in user."""

    scope = "caller"

    def get_cache_key(self, request: HttpRequest) -> str | None:
        if request.method in SAFE_METHODS or getattr(request, "auth", None) is None:
            return None
        token = getattr(request, "api_token", None)
        if token is not None:
            return f"api:token:{token.pk}"
        return f"api:user:{request.user.pk}"


def throttles() -> list[SimpleRateThrottle]:
    return [AddressThrottle(), CallerThrottle()]
