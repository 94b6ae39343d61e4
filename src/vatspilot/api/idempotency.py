"""Idempotent writes: a POST, PUT, PATCH or DELETE to /api/v1/ sent with an ``Idempotency-Key`` header acts
once. A retry with the same key gets the first answer again (with ``Idempotent-Replayed: true``) and
nothing more happens; the same key with a different request is refused (422); a retry while the first is
still being answered gets 409 with Retry-After.

How it holds: the key is claimed first, in a transaction of its own (a unique row per caller and key, so
of two requests at once only one claims it); then the request is answered inside one transaction that
also records the answer. So either the write and its recorded answer are both kept, or neither is: a
claim left without an answer (a worker killed mid-request) means nothing was written, and after
`ABANDONED_AFTER` it may be claimed again. Answers that say nothing was done and that a retry may change
(401, 403, 409, 429 and server errors) are not kept: the claim is released and the transaction rolled back.

An answer marked ``Cache-Control: no-store`` holds a secret (a new official's temporary password): it is
acted on once like any other, but its body is never stored. A retry with its key gets a 409
(``idempotency-answer-not-kept``) with the first answer's Location, where there is one: the request was
done, and what it made is read there, without the secret.

Keys belong to their caller: a token (by its digest) or a signed-in user. Requests by no one are not
made idempotent (there is no one to keep the key for). Answers are kept VATSPILOT_IDEMPOTENCY_HOURS.
An upload (multipart) is recognised by its path and length, since its boundary changes with each send.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from vatspilot.api.problems import TYPE_BASE, problem, too_large
from vatspilot.services.accounts.api_tokens import digest_of
from vatspilot.store.models import IdempotencyRecord

HEADER = "Idempotency-Key"
PREFIX = "/api/v1/"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
KEY_LIMIT = 255
ABANDONED_AFTER = timedelta(minutes=10)  # far longer than any request may run (Gunicorn's timeout)
NOT_KEPT = frozenset({401, 403, 409, 429})


def caller_of(request: HttpRequest) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _sep, secret = header.partition(" ")
    if scheme.lower() == "bearer" and secret.strip():
        return "token:" + digest_of(secret.strip())
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return None


def fingerprint_of(request: HttpRequest) -> str:
    content_type = request.headers.get("Content-Type", "")
    digest = hashlib.sha256()
    for part in (request.method or "", request.get_full_path()):
        digest.update(part.encode("utf-8") + b"\0")
    if content_type.startswith("multipart/"):
        digest.update(b"multipart\0" + request.headers.get("Content-Length", "").encode("ascii", "replace"))
    else:
        digest.update(content_type.encode("utf-8", "replace") + b"\0" + request.body)
    return digest.hexdigest()


def _key_problem(request: HttpRequest, detail: str) -> HttpResponse:
    return problem(
        request,
        400,
        type_=TYPE_BASE + "invalid-header",
        title=_("The request is not valid"),
        detail=detail,
        field=HEADER,
    )


class IdempotencyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER)
        if key is None or request.method not in WRITE_METHODS or not request.path.startswith(PREFIX):
            return self.get_response(request)
        if not key or len(key) > KEY_LIMIT or not key.isascii() or not key.isprintable():
            return _key_problem(
                request,
                _("The Idempotency-Key header is 1 to %(limit)s printable ASCII characters.") % {"limit": KEY_LIMIT},
            )
        caller = caller_of(request)
        if caller is None:
            return self.get_response(request)
        try:
            fingerprint = fingerprint_of(request)
        except RequestDataTooBig:
            return too_large(request)
        claimed, answer = self._claim(request, caller, key, fingerprint)
        if answer is not None:
            return answer
        assert claimed is not None
        return self._answer(request, claimed)

    def _claim(
        self, request: HttpRequest, caller: str, key: str, fingerprint: str
    ) -> tuple[IdempotencyRecord | None, HttpResponse | None]:
        now = timezone.now()
        kept_since = now - timedelta(hours=settings.VATSPILOT_IDEMPOTENCY_HOURS)
        IdempotencyRecord.objects.filter(caller=caller, created_at__lt=kept_since).delete()
        IdempotencyRecord.objects.filter(
            caller=caller, key=key, status__isnull=True, created_at__lt=now - ABANDONED_AFTER
        ).delete()
        try:
            with transaction.atomic():
                return IdempotencyRecord.objects.create(caller=caller, key=key, fingerprint=fingerprint), None
        except IntegrityError:
            pass
        earlier = IdempotencyRecord.objects.filter(caller=caller, key=key).first()
        if earlier is None:  # released between the two statements: the client may simply retry
            return None, self._in_progress(request)
        if earlier.fingerprint != fingerprint:
            return None, problem(
                request,
                422,
                type_=TYPE_BASE + "idempotency-key-reused",
                title=_("The Idempotency-Key was used for another request"),
                detail=_("This key was already sent with a different request. Use a new key for a new request."),
                field=HEADER,
            )
        if earlier.status is None:
            return None, self._in_progress(request)
        replay = HttpResponse(bytes(earlier.body), status=earlier.status, content_type=earlier.content_type)
        if earlier.location:
            replay["Location"] = earlier.location
        replay["Idempotent-Replayed"] = "true"
        return None, replay

    def _in_progress(self, request: HttpRequest) -> HttpResponse:
        answer = problem(
            request,
            409,
            type_=TYPE_BASE + "idempotency-in-progress",
            title=_("The first request with this key is still being answered"),
            detail=_("Wait a moment, then send the same request with the same key again."),
            field=HEADER,
        )
        answer["Retry-After"] = "1"
        return answer

    def _answer(self, request: HttpRequest, claimed: IdempotencyRecord) -> HttpResponse:
        keep = False
        try:
            with transaction.atomic():
                response = self.get_response(request)
                keep = not response.streaming and response.status_code < 500 and response.status_code not in NOT_KEPT
                if keep:
                    kept = _not_kept(request, response) if _holds_a_secret(response) else response
                    IdempotencyRecord.objects.filter(pk=claimed.pk).update(
                        status=kept.status_code,
                        content_type=kept.get("Content-Type", ""),
                        body=kept.content,
                        location=response.get("Location", "")[:500],
                    )
                else:
                    transaction.set_rollback(True)
        finally:
            if not keep:
                IdempotencyRecord.objects.filter(pk=claimed.pk).delete()
        return response


def _holds_a_secret(response: HttpResponse) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def _not_kept(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """What a retry gets instead of an answer that held a secret: the fact that it was done."""
    return problem(
        request,
        409,
        type_=TYPE_BASE + "idempotency-answer-not-kept",
        title=_("This request was already done"),
        detail=_(
            "The first request with this key was done, and its answer held a secret, which is never kept: "
            "read what it made instead (at the Location the first answer gave, where it gave one)."
        ),
        field=HEADER,
        first_status=response.status_code,
    )
