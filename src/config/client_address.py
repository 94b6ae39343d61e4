"""The client's address, one rule for every limit that counts by address: the API's rate limits
(vatspilot.api.throttles) and the sign-in lockout (django-axes, AXES_CLIENT_IP_CALLABLE).

X-Forwarded-For is written by whoever sends the request, so it is believed only as far as the site's own
proxies vouch for it: with VATSPILOT_PROXIES = N (the proxies in front of the site, each appending the
address it saw), the client is the N-th address from the right, the one the outermost trusted proxy saw.
With 0 (the default: clients reach the site directly) the header is ignored, so a client cannot get a
fresh rate-limit counter by sending a new one on each request."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    connected = str(request.META.get("REMOTE_ADDR", ""))
    proxies = int(getattr(settings, "VATSPILOT_PROXIES", 0))
    if proxies <= 0:
        return connected
    forwarded = [part.strip() for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
    forwarded = [part for part in forwarded if part]
    if not forwarded:
        return connected
    return forwarded[-min(proxies, len(forwarded))]
