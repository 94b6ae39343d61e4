"""The user's notifications, and marking them read (one, or all)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from vatspilot.queries.inbox import inbox_of
from vatspilot.services.notifications import mark_read
from vatspilot.store.access import NotFound
from vatspilot.store.models import Notification


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    return render(request, "web/inbox.html", {"notifications": inbox_of(request.user)})


@login_required
@require_POST
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    notification = Notification.objects.filter(recipient=request.user, pk=notification_id).first()
    if notification is None:
        raise NotFound("notification not found")
    mark_read(recipient=request.user, notification_id=notification.pk)
    if request.headers.get("HX-Request"):
        notification.refresh_from_db()
        return render(request, "web/partials/notification.html", {"notification": notification})
    return redirect("web:inbox")


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    mark_read(recipient=request.user)
    return redirect("web:inbox")
