"""A limit on the accounts pages that send e-mail or create accounts (registration, the confirmation link
again, the password reset): at most REQUESTS_PER_WINDOW submissions per client address per window, after
which the page answers 429 and does nothing. Sign-in has django-axes; these pages have no password to
guess, so the limit is there to stop a script from creating organisations or sending mail in bulk.

Counted in the cache named "throttle" when the settings have one (the database cache the API's limits
use, shared by every worker), else in the default cache (per process).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render

from vatspilot.services.accounts.sign_in import client_address

REQUESTS_PER_WINDOW = 10
WINDOW = timedelta(hours=1)

View = Callable[..., HttpResponseBase]


def throttled(action: str) -> Callable[[View], View]:
    """Count each POST to the view under ``action`` and the client's address; over the limit, 429."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
            if request.method == "POST" and not _allowed(action, client_address(request) or "unknown"):
                return render(request, "web/accounts/throttled.html", status=429)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def counter() -> BaseCache:
    return caches["throttle" if "throttle" in settings.CACHES else "default"]


def _allowed(action: str, address: str) -> bool:
    cache = counter()
    key = f"vatspilot:accounts-throttle:{action}:{address}"
    seconds = int(WINDOW.total_seconds())
    if cache.add(key, 1, timeout=seconds):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: a new window
        cache.add(key, 1, timeout=seconds)
        return True
    return count <= REQUESTS_PER_WINDOW
