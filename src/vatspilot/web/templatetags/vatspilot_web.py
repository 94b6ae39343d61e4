"""Template filters and tags for the pages: names for codes, the clock badge, the unread count."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vatspilot.domain.applications import ClockSettings, ClockStatus, DeadlineStatus
from vatspilot.services import vocabulary
from vatspilot.store.models import Notification
from vatspilot.web.roles import workload_of

register = template.Library()

# The badge names the threshold the domain's clock uses to call a review "due soon".
DUE_SOON_WITHIN = ClockSettings().due_soon_within


@register.filter
def vocab(code: Any, vocabulary_name: str) -> str:
    """``{{ application.status|vocab:"state" }}``: the name of a code in the user's language."""
    return vocabulary.label(vocabulary_name, code)


@register.filter
def percent(value: Any) -> str:
    """``33.33%`` for 33.33, ``100%`` for 100.0: the number as given (a Decimal exactly, a float by its
    shortest text), without trailing zeros, never rounded through a float."""
    if value is None:
        return ""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    return f"{number.normalize():f}%"


@register.simple_tag
def clock_badge_text(clock: ClockStatus | None) -> str:
    """The badge's words: on track / due within 10 working days / overdue / calendar unknown
    (naming the years the working-day calendar does not cover) / paused / not started / stopped."""
    if clock is None:
        return ""
    if clock.status is DeadlineStatus.UNKNOWN_CALENDAR:
        return calendar_unknown_text(clock)
    if clock.paused:
        return _("Paused: supplement open")
    if clock.status is DeadlineStatus.DUE_SOON:
        return ngettext(
            "Due within %(days)s working day",
            "Due within %(days)s working days",
            DUE_SOON_WITHIN,
        ) % {"days": DUE_SOON_WITHIN}
    return vocabulary.label("clock", clock.status)


@register.simple_tag
def calendar_unknown_text(clock: ClockStatus | None) -> str:
    """ "Calendar unknown for 2027": the years whose official working-day arrangement is not known yet
    (the counts, or only the projected due date, cannot be given)."""
    if clock is None or not clock.unknown_years:
        return vocabulary.label("clock", DeadlineStatus.UNKNOWN_CALENDAR) if clock else ""
    years = ", ".join(str(year) for year in clock.unknown_years)
    return ngettext(
        "Calendar unknown for %(years)s",
        "Calendar unknown for %(years)s",
        len(clock.unknown_years),
    ) % {"years": years}


@register.simple_tag
def provisional_text(clock: ClockStatus | None) -> str:
    """ "Provisional: 2027 holidays projected": the years counted on the statutory holidays alone because
    their official arrangement is not published yet."""
    if clock is None or not clock.provisional_years:
        return ""
    years = ", ".join(str(year) for year in clock.provisional_years)
    return ngettext(
        "Provisional: %(years)s holidays projected",
        "Provisional: %(years)s holidays projected",
        len(clock.provisional_years),
    ) % {"years": years}


@register.filter
def clock_badge_class(clock: ClockStatus | None) -> str:
    if clock is None:
        return "badge"
    if clock.paused and clock.status is not DeadlineStatus.UNKNOWN_CALENDAR:
        return "badge badge--paused"
    return "badge badge--" + str(clock.status).replace("_", "-")


@register.simple_tag(takes_context=True)
def unread_notifications(context: dict[str, Any]) -> int:
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=request.user, read_at__isnull=True).count()


@register.simple_tag(takes_context=True)
def workload(context: dict[str, Any]) -> Any:
    request = context.get("request")
    if request is None:
        return None
    cached = getattr(request, "_vatspilot_workload", None)
    if cached is None:
        cached = workload_of(request.user)
        request._vatspilot_workload = cached
    return cached
