"""/api/v1/inbox: the caller's notifications, newest first, and marking them read (one, or all), as the
site's inbox (web/views/inbox.py) with services.notifications.mark_read. Another person's notification
is a 404, as a missing one is. Marking read is the reader's own bookkeeping: no audit entry."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils.translation import get_language
from ninja import Query, Router

from vatspilot.api.exit_schemas import MarkedReadOut, NotificationOut
from vatspilot.api.pagination import PageIn, page_of_queryset, page_schema, payload
from vatspilot.api.schemas import ProblemOut
from vatspilot.queries.inbox_pages import INBOX_ORDER, InboxMessage, inbox_message, inbox_rows, own_notification
from vatspilot.services.notifications import mark_read
from vatspilot.store.access import NotFound
from vatspilot.store.models import Notification

router = Router(tags=["inbox"])

ERRORS: dict[int | str, Any] = {401: ProblemOut, 403: ProblemOut, 404: ProblemOut, 422: ProblemOut}


def _language() -> str:
    return "zh-hans" if (get_language() or "").startswith("zh") else "en"


def _message(notification: Notification) -> dict[str, Any]:
    message: InboxMessage = inbox_message(notification, _language())
    return {
        "id": message.id,
        "kind": message.kind,
        "subject": message.subject,
        "body": message.body,
        "application": message.application_id,
        "created_at": message.created_at,
        "read_at": message.read_at,
    }


NotificationPageOut = page_schema(NotificationOut, "NotificationPageOut")


@router.get(
    "",
    response={200: NotificationPageOut, 401: ProblemOut, 422: ProblemOut},
    summary="Your notifications",
    description=(
        "Newest first, a page at a time (cursor pagination: follow `next`), each in the request's language. "
        "`unread=true` keeps the unread ones, `unread=false` the read ones."
    ),
)
def list_notifications(request: HttpRequest, page: Query[PageIn], unread: bool | None = None) -> Any:
    found = page_of_queryset(inbox_rows(cast(User, request.user), unread=unread), INBOX_ORDER, page)
    return payload(request, found, [_message(notification) for notification in found.items])


@router.post(
    "/read-all",
    response={200: MarkedReadOut, 401: ProblemOut, 403: ProblemOut, 422: ProblemOut},
    summary="Mark all your notifications read",
    description="Every unread notification of yours, however old; `marked` says how many.",
)
def mark_all_notifications_read(request: HttpRequest) -> Any:
    return {"marked": mark_read(recipient=cast(User, request.user))}


@router.post(
    "/{int:notification_id}/read",
    response={200: NotificationOut, **ERRORS},
    summary="Mark one notification read",
    description="The notification as it now stands. Marking one already read changes nothing. 404 when it is "
    "missing or someone else's.",
)
def mark_notification_read(request: HttpRequest, notification_id: int) -> Any:
    user = cast(User, request.user)
    notification = own_notification(user, notification_id)
    if notification is None:
        raise NotFound("notification not found")
    mark_read(recipient=user, notification_id=notification.pk)
    notification.refresh_from_db(fields=["read_at"])
    return _message(notification)
